"""Every shipped language's catalog is complete: each visitor-visible message translated.

The messages are extracted here from the templates and code with babel.cfg, exactly as
scripts/update-catalogs does, so a new string in a template fails these tests until every
catalog has it. Each failure names the language and every msgid it lacks; so does
`scripts/update-catalogs --check`, which changes no file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from antechamber.catalogs import LOCALE_DIR, SHIPPED_LOCALES

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "antechamber"
# What a translation must carry over unchanged: %(name)s and {name} placeholders, literal JSON
# such as {"action": "save"}, and markup.
KEPT = re.compile(r"%\(\w+\)[sd]|\{[^{}]*\}|<[^<>]+>")
THE_24_EU_LANGUAGES_AND_UKRAINIAN = {
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu",
    "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv", "uk",
}  # fmt: skip


def extracted() -> dict[str | tuple[str, str], str]:
    """msgid (a (singular, plural) pair for ngettext) -> the file it comes from."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    messages: dict[str | tuple[str, str], str] = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map, options_map
    ):
        msgid = (message[0], message[1]) if isinstance(message, tuple) else message
        messages.setdefault(msgid, filename)
    return messages


MESSAGES = extracted()


def catalog(locale: str) -> Catalog:
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


def singular(msgid: str | tuple[str, str]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def problems_with(msgid: str | tuple[str, str], message: Message | None, plurals: int) -> str:
    if message is None:
        return "missing"
    if message.fuzzy:
        return "fuzzy"
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    if not all(forms):
        return "untranslated"
    if isinstance(msgid, tuple) and len(forms) != plurals:
        return f"{len(forms)} plural forms, the language has {plurals}"
    expected = sorted(KEPT.findall(singular(msgid)))
    for form in forms:
        if sorted(KEPT.findall(str(form))) != expected:
            return f"placeholders or markup differ: {form!r}"
    return ""


def test_antechamber_ships_the_24_eu_languages_and_ukrainian() -> None:
    assert set(SHIPPED_LOCALES) == THE_24_EU_LANGUAGES_AND_UKRAINIAN
    assert {d.name for d in LOCALE_DIR.iterdir() if d.is_dir()} == set(SHIPPED_LOCALES)


def test_there_are_messages_to_translate() -> None:
    assert "Your browser is not supported" in MESSAGES  # the upgrade page
    assert "Accept all" in MESSAGES  # the banner
    assert "Strictly necessary" in MESSAGES  # a default category
    assert len(MESSAGES) >= 70


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_every_message_is_translated(locale: str) -> None:
    po = catalog(locale)
    problems = [
        f"  {kind}: {singular(msgid)!r}"
        for msgid in MESSAGES
        if (kind := problems_with(msgid, po.get(singular(msgid)), po.num_plurals))
    ]
    assert not problems, (
        f"{locale}: {len(problems)} of {len(MESSAGES)} messages need work "
        "(translate them in its messages.po, then run scripts/update-catalogs):\n"
        + "\n".join(problems)
    )


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_the_plural_rule_is_babels(locale: str) -> None:
    # Babel's CLDR-derived rule: Irish has five forms, Slovenian four, Lithuanian three ...
    po = catalog(locale)
    assert po.plural_forms == get_plural(locale).plural_forms
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.mo").open("rb") as mo:
        compiled = read_mo(mo)
    assert compiled.plural_forms == get_plural(locale).plural_forms


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_the_catalog_header_is_not_fuzzy(locale: str) -> None:
    # pybabel compile skips a catalog whose header is fuzzy: the whole language would vanish.
    assert not catalog(locale).fuzzy


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
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


@pytest.mark.parametrize("locale", [code for code in SHIPPED_LOCALES if code != "en"])
def test_no_catalog_is_a_copy_of_the_english(locale: str) -> None:
    english, po = catalog("en"), catalog(locale)
    same = [
        singular(msgid)
        for msgid in MESSAGES
        if (m := po.get(singular(msgid)))
        and m.string == english[singular(msgid)].string
        # Borrowed words may coincide ("Social media" in Dutch); sentences must not.
        and len(KEPT.sub("", singular(msgid)).split()) > 2
    ]
    assert same == [], locale
