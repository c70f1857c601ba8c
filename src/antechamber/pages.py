"""Localized HTML for antechamber's own pages: locale negotiation, gettext catalogs, Jinja2.

    pages = Pages(settings)
    locale = pages.negotiate(request.headers.get("accept-language"))
    html = pages.render("upgrade.html", locale, browser=info)

Everything that can be prepared is prepared once, in `Pages(settings)`: the Jinja2 environment,
one gettext catalog per locale, Babel's number patterns. A render is then a dict merge and the
template itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from gettext import NullTranslations
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale, UnknownLocaleError
from babel.numbers import NumberPattern, parse_pattern

from antechamber.assets import static_version
from antechamber.catalogs import LOCALE_DIR, site_catalogs, translations
from antechamber.settings import Settings
from antechamber.web.cache import BoundedCache

__all__ = ["LOCALE_DIR", "TEMPLATES_DIR", "Pages", "negotiate_locale"]

PACKAGE_DIR = Path(__file__).parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"

# An Accept-Language header is attacker-controlled: only this much of it is ever looked at.
_MAX_HEADER = 1024
_MAX_ENTRIES = 32
_LANGUAGE_RANGE = re.compile(r"^(?:\*|[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*)$")
_QVALUE = re.compile(r"^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$")


def _parse_accept_language(header: str) -> list[str]:
    """Language ranges by preference (RFC 9110 §12.5.4); malformed entries are skipped."""
    weighted: list[tuple[float, int, str]] = []
    for index, entry in enumerate(header[:_MAX_HEADER].split(",", _MAX_ENTRIES)[:_MAX_ENTRIES]):
        tag, _, params = entry.partition(";")
        tag = tag.strip()
        if not _LANGUAGE_RANGE.match(tag):
            continue
        quality = 1.0
        if params:
            name, _, value = params.partition("=")
            value = value.strip()
            if name.strip().lower() != "q" or not _QVALUE.match(value):
                continue  # a broken q-value tells us nothing we can rank on
            quality = float(value)
        if quality > 0:
            weighted.append((-quality, index, tag))
    weighted.sort()
    return [tag for _, _, tag in weighted]


def negotiate_locale(header: str, available: tuple[str, ...], default: str) -> str:
    """The best of `available` (codes such as "pt_BR") for an Accept-Language header.

    An exact tag wins, then its language alone ("pt-BR" finds "pt"), then an offered regional
    variant of the language ("pt" finds "pt_BR"); `*` or nothing usable gives `default`.
    """
    by_tag = {code.lower().replace("_", "-"): code for code in available}
    by_language: dict[str, str] = {}
    for code in available:
        by_language.setdefault(code.split("_", 1)[0].lower(), code)
    for tag in _parse_accept_language(header):
        if tag == "*":
            return default
        tag = tag.lower().replace("_", "-")
        if tag in by_tag:
            return by_tag[tag]
        language = tag.split("-", 1)[0]
        if language in by_tag:
            return by_tag[language]
        if language in by_language:
            return by_language[language]
    return default


class _LocaleKit:
    """Everything a template needs for one locale, built once."""

    def __init__(self, code: str, translations: NullTranslations, default: str) -> None:
        self.code = code
        self.translations = translations
        try:
            self.babel = Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            self.babel = Locale.parse(default) if default != code else Locale("en")
        # Shares such as 0.4 % must not round to "0 %": the locale's own pattern, one decimal.
        self._percent = parse_pattern(self.babel.percent_formats[None].pattern)
        self._percent.frac_prec = (0, 1)
        self._decimal = parse_pattern(self.babel.decimal_formats[None].pattern)
        self._numbers: dict[tuple[str, float], str] = {}
        self.gettext: Callable[[str], str] = translations.gettext
        self.base: dict[str, Any] = {
            "_": self.translate,
            "gettext": self.translate,
            "ngettext": self.ntranslate,
            "locale": code,
            "lang": code.replace("_", "-"),
            "dir": "rtl" if self.babel.character_order == "right-to-left" else "ltr",
            "format_percent": self.format_percent,
            "format_number": self.format_number,
        }

    def translate(self, message: str, **variables: Any) -> str:
        # `_("Hello %(name)s", name=x)`: values are inserted into the translated text, and the
        # result is escaped as a whole by Jinja2's autoescaping, so no translation carries markup.
        text = self.translations.gettext(message)
        return text % variables if variables else text

    def ntranslate(self, singular: str, plural: str, n: int, **variables: Any) -> str:
        text = self.translations.ngettext(singular, plural, n)
        return text % {"num": self.format_number(n), **variables}

    def format_percent(self, fraction: float) -> str:
        """A fraction as a percentage for the locale: 0.653 -> "65.3%" (en), "65,3 %" (de)."""
        return self._cached(("%", fraction), self._percent, fraction)

    def format_number(self, number: float) -> str:
        return self._cached(("#", number), self._decimal, number)

    def _cached(self, key: tuple[str, float], pattern: NumberPattern, value: float) -> str:
        # Babel takes ~8 µs per number; pages show the same few shares over and over.
        text = self._numbers.get(key)
        if text is None:
            text = str(pattern.apply(value, self.babel))
            if len(self._numbers) < 1024:
                self._numbers[key] = text
        return text


class Pages:
    """Renders antechamber's pages in the visitor's language.

        pages = Pages(settings)
        locale = pages.negotiate(accept_language)      # one of settings.locales
        html = pages.render("upgrade.html", locale, browser=info, next="/")

    Templates come from `settings.templates_dir` first, then the built-in ones, so a site can
    override any of them by file name. Each render gets `_`/`gettext`, `ngettext`, `locale`,
    `lang` (BCP 47), `dir`, `prefix` (the route prefix), `static_url(name)` (with a content hash
    for cache-busting), `format_percent(fraction)` and `format_number(x)` for the locale.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.locales: tuple[str, ...] = tuple(settings.locales)
        self.default_locale = settings.default_locale.replace("-", "_")
        self.prefix = settings.route_prefix
        loaders: list[jinja2.BaseLoader] = []
        if settings.templates_dir is not None:
            loaders.append(jinja2.FileSystemLoader(settings.templates_dir))
        loaders.append(jinja2.FileSystemLoader(TEMPLATES_DIR))
        self.environment = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            auto_reload=False,  # templates do not change under a running process
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        self.environment.globals.update(prefix=self.prefix, static_url=self.static_url)
        # A site's own catalogs (locale_dirs) first, then the shipped ones; English is the source
        # language, so a message no catalog has is shown as written.
        # Accept-Language by header value: a site sees a few hundred distinct ones.
        self._negotiated: BoundedCache[str, str] = BoundedCache(2048)
        site = site_catalogs(settings.locale_dirs)
        self._kits = {
            code: _LocaleKit(code, translations(code, site), self.default_locale)
            for code in self.locales
        }

    def negotiate(self, accept_language: str | None) -> str:
        """The best of `settings.locales` for the visitor; the default locale when none fits."""
        if not accept_language:
            return self.default_locale
        locale = self._negotiated.get(accept_language)
        if locale is None:
            header = accept_language[:_MAX_HEADER]
            locale = negotiate_locale(header, self.locales, self.default_locale)
            self._negotiated.put(accept_language, locale)
        return locale

    def gettext(self, locale: str) -> Callable[[str], str]:
        """The plain gettext function of a locale (the default locale's for an unknown one)."""
        return self._kit(locale).gettext

    def render(self, name: str, locale: str, /, *, root: str = "", **context: Any) -> str:
        """Render template `name` for `locale` with `context` on top of the helpers above.
        `root`: the app's `root_path`, which `prefix` and `static_url` then start with."""
        template = self.environment.get_template(name)
        if root:
            context = {
                "prefix": root + self.prefix,
                "static_url": lambda name: root + self.static_url(name),
                **context,
            }
        return template.render({**self._kit(locale).base, **context})

    def context(self, locale: str) -> Mapping[str, Any]:
        """The helpers a render gets for `locale`, for templates rendered elsewhere."""
        return {**self.environment.globals, **self._kit(locale).base}

    def territories(self, locale: str) -> Mapping[str, str]:
        """Country and region names in the locale's language, by CLDR code ("DE", "150")."""
        territories: Mapping[str, str] = self._kit(locale).babel.territories
        return territories

    def static_url(self, name: str) -> str:
        """`{prefix}/static/{name}?v=<content hash>`; the hash makes the URL cacheable forever."""
        version = static_version(name)
        url = f"{self.prefix}/static/{name}"
        return f"{url}?v={version}" if version else url

    def _kit(self, locale: str) -> _LocaleKit:
        kit = self._kits.get(locale)
        if kit is None:
            kit = self._kits[self.default_locale]
        return kit
