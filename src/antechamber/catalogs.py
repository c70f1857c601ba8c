"""The gettext catalogs behind every visitor-visible string: the shipped ones and a site's own.

    SHIPPED_LOCALES                      # the 25 languages antechamber ships
    site = site_catalogs(["locale"])     # {"tlh": Path("locale/tlh/LC_MESSAGES/antechamber.po")}
    has_catalog("tlh", site)             # True
    translations("sv", site)             # the site's catalog, then the shipped one, then English

A site's folders (`locale_dirs`) hold `<lang>/LC_MESSAGES/antechamber.po` (or `.mo`). They add
languages, or override shipped strings one by one: a site's msgstr wins, an entry it leaves
untranslated (or fuzzy) falls back to the shipped catalog, and English (the msgid) comes last.
The first folder that has a language wins over the later ones.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Mapping, Sequence
from gettext import GNUTranslations, NullTranslations
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations

__all__ = [
    "DOMAIN",
    "LOCALE_DIR",
    "SHIPPED_LOCALES",
    "SITE_DOMAIN",
    "has_catalog",
    "site_catalogs",
    "translations",
]

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
SITE_DOMAIN = "antechamber"

# English first (the source language), then Ukrainian, then the official EU languages.
SHIPPED_LOCALES: tuple[str, ...] = (
    "en", "uk", "de", "fr", "es", "it", "pl", "pt", "nl", "cs",
    "bg", "da", "el", "et", "fi", "ga", "hr", "hu", "lt", "lv", "mt", "ro", "sk", "sl", "sv",
)  # fmt: skip


_CODE = re.compile(r"^[a-z]{2,3}(?:_[A-Za-z0-9]{2,8})?$")


def _candidates(code: str) -> list[str]:
    """`pt_BR` is served by a `pt_BR` catalog, else by `pt`'s."""
    language = code.split("_", 1)[0]
    return [code] if language == code else [code, language]


def site_catalogs(locale_dirs: Sequence[str]) -> dict[str, Path]:
    """Every language the folders carry, with the catalog that serves it (first folder wins).

    Raises `ValueError` naming `locale_dirs` for a folder that does not exist, and for a catalog
    that does not parse, so that a broken translation stops start-up instead of showing English.
    """
    found: dict[str, Path] = {}
    for folder in locale_dirs:
        root = Path(folder)
        if not root.is_dir():
            raise ValueError(f"locale_dirs: {folder!r} is not a directory")
        for messages in sorted(root.glob(f"*/LC_MESSAGES/{SITE_DOMAIN}.[pm]o")):
            code = messages.parent.parent.name.replace("-", "_")
            if not _CODE.match(code):
                raise ValueError(
                    f"locale_dirs: {str(messages)!r} is not in a folder named after a language "
                    "code such as 'sv' or 'pt_BR'"
                )
            po = messages.with_suffix(".po")
            catalog = po if po.is_file() else messages  # the .po is what a translator edits
            if code not in found:
                _parse(catalog)
                found[code] = catalog
    return found


def has_catalog(code: str, site: Mapping[str, Path]) -> bool:
    """Whether a catalog serves `code`: one of the site's (`site_catalogs`) or a shipped one."""
    return any(
        candidate in site or (LOCALE_DIR / candidate / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file()
        for candidate in _candidates(code)
    )


def translations(code: str, site: Mapping[str, Path] | None = None) -> NullTranslations:
    """The site's catalog for `code` if any, falling back to the shipped one, then English."""
    shipped: NullTranslations = Translations.load(str(LOCALE_DIR), [code], domain=DOMAIN)
    chain = [site[c] for c in _candidates(code) if site and c in site]
    if not chain:
        return shipped
    # pt_BR from the site, then pt from the site, then the shipped pt_BR or pt, then English.
    first = current = _load(chain[0])
    for path in chain[1:]:
        following = _load(path)
        current.add_fallback(following)
        current = following
    current.add_fallback(shipped)
    return first


def _parse(path: Path) -> bytes:
    """The catalog compiled to .mo bytes, untranslated and fuzzy entries left out."""
    try:
        with path.open("rb") as file:
            if path.suffix == ".mo":
                data = file.read()
                GNUTranslations(io.BytesIO(data))
                return data
            catalog = read_po(file, abort_invalid=True)
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
    except (PoFileError, OSError, ValueError, UnicodeDecodeError, struct.error) as error:
        raise ValueError(
            f"locale_dirs: {str(path)!r} is not a valid gettext catalog ({error})"
        ) from None
    return compiled.getvalue()


def _load(path: Path) -> GNUTranslations:
    return GNUTranslations(io.BytesIO(_parse(path)))
