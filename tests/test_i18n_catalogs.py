"""Every language's catalog is complete: each visitor-visible message translated, none fuzzy.

The messages are extracted here from the templates and code with babel.cfg, exactly as
scripts/update-catalogs does, so a new string in a template fails these tests until every
catalog has it (run scripts/update-catalogs, translate, run it again to compile).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from antechamber.pages import LOCALE_DIR
from antechamber.settings import DEFAULT_LOCALES

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "antechamber"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def extracted() -> dict[str, str]:
    """msgid -> the file it comes from, relative to the package."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    messages: dict[str, str] = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map, options_map
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        messages.setdefault(msgid, filename)
    return messages


MESSAGES = extracted()
# The browser half's strings must be complete now; the consent half's are translated by its own
# translator, and are held to the same rule in a language once any of them is translated there.
BROWSER_FILES = ("templates/upgrade.html", "templates/notice.html", "browsers/", "pages.py")
BROWSER_MESSAGES = sorted(m for m, f in MESSAGES.items() if f.startswith(BROWSER_FILES))
CONSENT_MESSAGES = sorted(m for m, f in MESSAGES.items() if not f.startswith(BROWSER_FILES))


def catalog(locale: str) -> Catalog:
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


def test_the_browser_half_has_messages_to_translate() -> None:
    assert "Your browser is not supported" in BROWSER_MESSAGES
    assert "Dismiss" in BROWSER_MESSAGES
    assert len(BROWSER_MESSAGES) >= 25


@pytest.mark.parametrize("locale", DEFAULT_LOCALES)
def test_every_browser_message_is_translated(locale: str) -> None:
    po = catalog(locale)
    problems = []
    for msgid in BROWSER_MESSAGES:
        message = po.get(msgid)
        if message is None:
            problems.append(f"missing: {msgid!r}")
        elif not message.string:
            problems.append(f"empty: {msgid!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(str(message.string))):
            problems.append(f"placeholders differ: {msgid!r}")
    assert problems == [], f"{locale}: run scripts/update-catalogs and translate:\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize("locale", DEFAULT_LOCALES)
def test_consent_messages_are_complete_once_a_language_has_started_them(locale: str) -> None:
    po = catalog(locale)
    translated = [m for m in CONSENT_MESSAGES if (msg := po.get(m)) is not None and msg.string]
    if not translated:
        pytest.skip(f"{locale}: the consent strings await their translator")
    missing = [
        m for m in CONSENT_MESSAGES if (msg := po.get(m)) is None or not msg.string or msg.fuzzy
    ]
    assert missing == []


@pytest.mark.parametrize("locale", DEFAULT_LOCALES)
def test_the_catalog_header_is_not_fuzzy(locale: str) -> None:
    # pybabel compile skips a catalog whose header is fuzzy: the whole language would vanish.
    assert not catalog(locale).fuzzy


@pytest.mark.parametrize("locale", DEFAULT_LOCALES)
def test_the_compiled_catalog_matches_its_source(locale: str) -> None:
    po = catalog(locale)
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.mo").open("rb") as mo:
        compiled = read_mo(mo)
    expected = {_key(m.id): _key(m.string) for m in po if m.id and m.string and not m.fuzzy}
    actual = {_key(m.id): _key(m.string) for m in compiled if m.id}
    assert actual == expected, "stale .mo: run scripts/update-catalogs"


def _key(value: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    # A plural message's id and strings are sequences (lists from a .mo, tuples from a .po).
    return value if isinstance(value, str) else tuple(value)


def test_no_catalog_is_a_copy_of_the_english() -> None:
    english = catalog("en")
    for locale in DEFAULT_LOCALES:
        if locale == "en":
            continue
        po = catalog(locale)
        same = [m for m in BROWSER_MESSAGES if po.get(m) and po[m].string == english[m].string]
        # Brand-like or identical words may coincide; whole sentences must not.
        assert [m for m in same if " " in m] == [], locale
