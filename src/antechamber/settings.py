"""One `Settings` object for both halves, from keywords, `ANTECHAMBER_*` variables or TOML.

    Settings(secret_key="...", browsers={"supported": "defaults"})
    ANTECHAMBER_SECRET_KEY=... ANTECHAMBER_BROWSERS__SUPPORTED="> 0.5%, not dead"
    Settings.from_toml("antechamber.toml")   # or ANTECHAMBER_CONFIG=antechamber.toml

Every value is checked here, at construction: a bad one raises a `ValueError` (pydantic's
`ValidationError`) naming the setting and the value, so nothing fails later, per request.
"""

from __future__ import annotations

import os
import re
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.dataclasses import dataclass
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from antechamber.catalogs import SHIPPED_LOCALES, has_catalog, site_catalogs

__all__ = [
    "DEFAULT_CATEGORIES",
    "DEFAULT_LOCALES",
    "BrowserSettings",
    "Category",
    "ConsentSettings",
    "Cookie",
    "Partner",
    "Settings",
    "url_prefix_key",
]

# Every language antechamber ships a catalog for (`locales` adds those found in `locale_dirs`).
DEFAULT_LOCALES = list(SHIPPED_LOCALES)

# Which TOML file the Settings being built reads (pydantic-settings picks sources per class).
_TOML_PATH: ContextVar[Path | None] = ContextVar("antechamber_toml_path", default=None)

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_COOKIE_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_COOKIE_PATTERN = re.compile(r"^[!#$%&'+\-.^_`|~0-9A-Za-z]+\*?$")
_LOCALE = re.compile(r"^[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})?$")
_HEADER = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_REGION = re.compile(r"^(?:alt-[a-z]{2}|[A-Za-z]{2})$")
# An absolute http(s) or protocol-relative URL prefix with a host: `https://host[:port][/path]`.
_URL_PREFIX = re.compile(
    r"^(?:[hH][tT][tT][pP][sS]?:)?//[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?"
    r"(?:[/?#][!-~]*)?$"
)


def url_prefix_key(url: str) -> str:
    """How embed and script URLs are compared: without the scheme, the host in lower case.

    `https://WWW.YouTube.com/embed/` and `//www.youtube.com/embed/` both give
    `//www.youtube.com/embed/`; the path keeps its case (servers tell paths apart by it).
    """
    rest = url[url.index("//") + 2 :]
    end = len(rest)
    for separator in "/?#":
        found = rest.find(separator)
        if found != -1:
            end = min(end, found)
    return "//" + rest[:end].lower() + rest[end:]


def _check_cookie_patterns(value: list[str], what: str) -> list[str]:
    for name in value:
        if not _COOKIE_PATTERN.match(name):
            raise ValueError(
                f"{what} must be cookie names, optionally ending in '*' for a prefix; got {name!r}"
            )
    return value


# A typo in a keyword (`Partner(..., embedz=[...])`) must fail, not switch enforcement off.
_STRICT = ConfigDict(extra="forbid")


@dataclass(frozen=True, config=_STRICT)
class Category:
    """A purpose visitors consent to: `Category("analytics", "Analytics", "Counts visits")`.

    `required` categories (strictly necessary cookies) are always granted and cannot be refused.
    `cookies` names the cookies that belong to the category itself (a trailing `*` is a prefix),
    beside those of its partners.
    """

    key: str
    title: str
    description: str = ""
    required: bool = False
    cookies: list[str] = Field(default_factory=list)

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not _KEY.match(value):
            raise ValueError(
                f"a category key must be lower-case letters, digits, '-' or '_'; got {value!r}"
            )
        return value

    @field_validator("cookies")
    @classmethod
    def _cookies(cls, value: list[str]) -> list[str]:
        return _check_cookie_patterns(value, "category cookies")


@dataclass(frozen=True, config=_STRICT)
class Cookie:
    """One cookie a partner sets, described for visitors: `Cookie("_ga", max_age=400 * 86400,
    purpose="Tells visits apart", third_party=False)`.

    `max_age` is its lifetime in seconds (None: it ends with the browser session); `third_party`
    says whether a party other than the site can read it. The preferences page shows all three;
    the name (a trailing `*` is a prefix) is what enforcement matches, as for a plain name.
    """

    name: str
    max_age: int | None = Field(default=None, gt=0)
    purpose: str = ""
    third_party: bool = False

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        _check_cookie_patterns([value], "Cookie.name")
        return value


@dataclass(frozen=True, config=_STRICT)
class Partner:
    """A named third party within a category, e.g. Google Analytics in `analytics`.

    `cookies` are the cookies it sets, as names (`_ga`, `_ga_*`) or `Cookie`s that also say how
    long each lives, what it is for and who can read it; they are removed from responses and
    deleted on withdrawal when the visitor has not consented to the partner.
    `embeds` and `scripts` are URL prefixes of its frames and scripts
    (`"https://www.youtube.com/embed/"`): until the visitor grants the partner, matching
    `<iframe>`s become click-to-load placeholders and matching `<script src>` wait, gated.
    """

    key: str
    name: str
    category: str
    cookies: list[str | Cookie] = Field(default_factory=list)
    privacy_url: str | None = None
    purposes: str = ""
    embeds: list[str] = Field(default_factory=list)
    scripts: list[str] = Field(default_factory=list)

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not _KEY.match(value):
            raise ValueError(
                f"a partner key must be lower-case letters, digits, '-' or '_'; got {value!r}"
            )
        return value

    @field_validator("embeds", "scripts")
    @classmethod
    def _url_prefixes(cls, value: list[str], info: ValidationInfo) -> list[str]:
        for prefix in value:
            if not _URL_PREFIX.match(prefix):
                partner = info.data.get("key", "?")
                raise ValueError(
                    f"partner {partner!r}: {info.field_name} must be URL prefixes such as "
                    f"'https://www.youtube.com/embed/' (http, https or protocol-relative '//', "
                    f"with a host, no spaces); got {prefix!r}"
                )
        return value

    @field_validator("cookies")
    @classmethod
    def _cookies(cls, value: list[str | Cookie]) -> list[str | Cookie]:
        _check_cookie_patterns([c for c in value if isinstance(c, str)], "partner cookies")
        return value

    @property
    def cookie_names(self) -> tuple[str, ...]:
        """The names (and `*` prefixes) of the partner's cookies, as enforcement matches them."""
        return tuple(c if isinstance(c, str) else c.name for c in self.cookies)

    @field_validator("privacy_url")
    @classmethod
    def _privacy_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^(https?://|/)", value):
            raise ValueError(f"privacy_url must be an http(s) URL or a path; got {value!r}")
        return value


DEFAULT_CATEGORIES = [
    Category(
        "necessary",
        "Strictly necessary",
        "Needed for the site to work and to remember your choices. They cannot be switched off.",
        required=True,
    ),
    Category(
        "preferences",
        "Preferences",
        "Remember settings such as your language or region.",
    ),
    Category(
        "analytics",
        "Analytics",
        "Help us understand how visitors use the site, by collecting information anonymously.",
    ),
    Category(
        "advertising",
        "Advertising",
        "Used to show you ads that are relevant to you and to measure them.",
    ),
    Category(
        "social",
        "Social media",
        "Let you share content on social networks and show you content from them.",
    ),
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=True)


class BrowserSettings(_Section):
    """The browser gate: which browsers the site supports and what outdated ones see."""

    enabled: bool = True
    supported: str | dict[str, str | int | float | bool] = "defaults"
    browserslist_config: str | None = None
    browserslist_env: str | None = None
    browserslist_stats: str | None = None
    mode: Literal["block", "warn", "report"] = "block"
    status_code: int = Field(default=406, ge=200, le=599)
    allow_continue: bool = True
    continue_max_age: int = Field(default=7 * 24 * 3600, gt=0)
    unknown: Literal["allow", "block"] = "allow"
    mobile_notice: bool = False
    exempt_paths: list[str] = Field(
        default_factory=lambda: ["/static", "/favicon.ico", "/robots.txt", "/.well-known"]
    )
    share_region: str = "alt-ww"
    region_header: str | None = None
    cache_size: int = Field(default=10_000, ge=0)

    @field_validator("exempt_paths")
    @classmethod
    def _paths(cls, value: list[str]) -> list[str]:
        for path in value:
            if not path.startswith("/"):
                raise ValueError(f"exempt paths must start with '/'; got {path!r}")
        return value

    @field_validator("share_region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not _REGION.match(value):
            raise ValueError(
                f"share_region must be a caniuse region such as 'alt-ww', 'alt-eu' or 'DE'; "
                f"got {value!r}"
            )
        return value if value.startswith("alt-") else value.upper()

    @field_validator("region_header")
    @classmethod
    def _header(cls, value: str | None) -> str | None:
        if value is not None and not _HEADER.match(value):
            raise ValueError(f"region_header must be a header name; got {value!r}")
        return None if value is None else value.lower()

    @field_validator("browserslist_config")
    @classmethod
    def _config_exists(cls, value: str | None) -> str | None:
        if value is not None and not Path(value).is_file():
            raise ValueError(f"browserslist_config file not found: {value!r}")
        return value

    @field_validator("browserslist_stats")
    @classmethod
    def _stats_exists(cls, value: str | None) -> str | None:
        if value is not None and not Path(value).is_file():
            raise ValueError(
                f"browserslist_stats file not found: {value!r} (expected a "
                "browserslist-stats.json for `my stats` queries)"
            )
        return value

    @model_validator(mode="after")
    def _supported_resolves(self) -> Self:
        # Checked now so that a bad query fails at start-up, not per request; the policy itself
        # is built once, by the gate.
        from antechamber.browsers.supported import check_supported

        check_supported(
            self.supported,
            browserslist_config=self.browserslist_config,
            browserslist_env=self.browserslist_env,
            browserslist_stats=self.browserslist_stats,
        )
        return self


class ConsentSettings(_Section):
    """The consent manager: categories, partners, the cookie and where choices are recorded."""

    enabled: bool = True
    cookie_name: str = "antechamber_consent"
    max_age: int = Field(default=182 * 24 * 3600, gt=0)
    domain: str | None = None
    path: str = "/"
    same_site: Literal["lax", "strict", "none"] = "lax"
    https_only: bool | None = None
    revision: int = Field(default=1, ge=1)
    categories: list[Category] = Field(default_factory=lambda: list(DEFAULT_CATEGORIES))
    partners: list[Partner] = Field(default_factory=list)
    honor_gpc: bool = True
    enforce_cookies: bool = True
    delete_domains: list[str] = Field(default_factory=list)
    delete_paths: list[str] = Field(default_factory=lambda: ["/"])
    banner: Literal["inject", "manual"] = "inject"
    banner_text: str | None = None
    policy_url: str | None = None
    log: str | None = None
    retention_days: int | None = None
    google_consent_mode: bool = False
    max_body_size: int = Field(default=16 * 1024, ge=1024, le=1024 * 1024)

    @field_validator("cookie_name")
    @classmethod
    def _cookie_name(cls, value: str) -> str:
        if not _COOKIE_NAME.match(value):
            raise ValueError(f"cookie_name must be a valid cookie name; got {value!r}")
        return value

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value.startswith("/") or any(c in value for c in ";,\r\n "):
            raise ValueError(f"path must be a URL path starting with '/'; got {value!r}")
        return value

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^\.?[A-Za-z0-9.-]+$", value):
            raise ValueError(f"domain must be a host name; got {value!r}")
        return value

    @field_validator("log")
    @classmethod
    def _log(cls, value: str | None) -> str | None:
        if value is None or value == "logging":
            return value
        if value.startswith("sqlite:///") and len(value) > len("sqlite:///"):
            return value
        if value.startswith(("postgresql://", "postgres://")):
            return value
        raise ValueError(
            "log must be None, 'logging', 'sqlite:///path/to/file.db' or "
            f"'postgresql://user:password@host:5432/database'; got {value!r}"
        )

    @field_validator("retention_days", mode="before")
    @classmethod
    def _retention_days(cls, value: Any) -> Any:
        if isinstance(value, bool) or (isinstance(value, int) and value < 1):
            raise ValueError(
                f"retention_days must be a number of days of at least 1, or None; got {value!r}"
            )
        return value

    @field_validator("policy_url")
    @classmethod
    def _policy_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^(https?://|/)", value):
            raise ValueError(f"policy_url must be an http(s) URL or a path; got {value!r}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        keys = [c.key for c in self.categories]
        if len(set(keys)) != len(keys):
            raise ValueError(f"category keys must be unique; got {keys!r}")
        partner_keys = [p.key for p in self.partners]
        if len(set(partner_keys)) != len(partner_keys):
            raise ValueError(f"partner keys must be unique; got {partner_keys!r}")
        clash = set(keys) & set(partner_keys)
        if clash:
            raise ValueError(f"a key cannot name both a category and a partner: {sorted(clash)!r}")
        for partner in self.partners:
            if partner.category not in keys:
                raise ValueError(
                    f"partner {partner.key!r} names category {partner.category!r}, "
                    f"which is not one of {keys!r}"
                )
        owners: dict[tuple[str, str], str] = {}
        for partner in self.partners:
            for field, prefixes in (("embeds", partner.embeds), ("scripts", partner.scripts)):
                for prefix in prefixes:
                    owner = owners.setdefault((field, url_prefix_key(prefix)), partner.key)
                    if owner != partner.key:
                        raise ValueError(
                            f"partners {owner!r} and {partner.key!r} both list {prefix!r} in "
                            f"{field}: a frame or script can belong to one partner only"
                        )
        if self.same_site == "none" and self.https_only is False:
            raise ValueError("same_site='none' needs Secure cookies; https_only=False forbids it")
        return self


def _default_locales(data: dict[str, Any]) -> list[str]:
    """Every shipped language, then every other language a site's `locale_dirs` carry."""
    found = site_catalogs(data.get("locale_dirs") or [])
    return [*SHIPPED_LOCALES, *sorted(code for code in found if code not in SHIPPED_LOCALES)]


class Settings(BaseSettings):
    """All of antechamber's settings. See the README for each one."""

    model_config = SettingsConfigDict(
        env_prefix="ANTECHAMBER_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
        validate_default=True,
    )

    secret_key: SecretStr | list[SecretStr] | None = Field(default=None, repr=False)
    locale_dirs: list[str] = Field(default_factory=list)
    locales: list[str] = Field(default_factory=lambda data: _default_locales(data))
    default_locale: str = "en"
    route_prefix: str = "/_antechamber"
    templates_dir: str | None = None
    preview: bool = False
    browsers: BrowserSettings = Field(default_factory=BrowserSettings)
    consent: ConsentSettings = Field(default_factory=ConsentSettings)

    @field_validator("secret_key", mode="before")
    @classmethod
    def _split_env_keys(cls, value: Any) -> Any:
        # An environment variable holds one key, or a JSON list of keys.
        if isinstance(value, str) and value.startswith("["):
            import json

            try:
                return json.loads(value)
            except ValueError:
                raise ValueError("secret_key looks like a JSON list but does not parse") from None
        return value

    @field_validator("secret_key")
    @classmethod
    def _keys_non_empty(
        cls, value: SecretStr | list[SecretStr] | None
    ) -> SecretStr | list[SecretStr] | None:
        if isinstance(value, list) and not value:
            raise ValueError("secret_key must hold at least one key")
        return value

    @field_validator("locales")
    @classmethod
    def _locales(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("locales must name at least one language")
        for code in value:
            if not _LOCALE.match(code):
                raise ValueError(
                    f"locales must be language codes such as 'en' or 'pt_BR'; got {code!r}"
                )
        return [code.replace("-", "_") for code in value]

    @field_validator("locale_dirs")
    @classmethod
    def _locale_dirs(cls, value: list[str]) -> list[str]:
        site_catalogs(value)  # raises for a missing folder or a catalog that does not parse
        return value

    @field_validator("route_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not re.match(r"^/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-]$", value) or "//" in value:
            raise ValueError(f"route_prefix must be a path such as '/_antechamber'; got {value!r}")
        return value

    @field_validator("templates_dir")
    @classmethod
    def _templates_dir(cls, value: str | None) -> str | None:
        if value is not None and not Path(value).is_dir():
            raise ValueError(f"templates_dir is not a directory: {value!r}")
        return value

    @model_validator(mode="after")
    def _cross_checks(self) -> Self:
        site = site_catalogs(self.locale_dirs)
        for code in self.locales:
            if not has_catalog(code, site):
                raise ValueError(
                    f"locales: {code!r} has no catalog, so its visitors would read English. "
                    f"antechamber ships {' '.join(SHIPPED_LOCALES)}; for another language add "
                    f"<folder>/{code}/LC_MESSAGES/antechamber.po and name the folder in "
                    f"locale_dirs (now {self.locale_dirs!r})"
                )
        if self.default_locale.replace("-", "_") not in self.locales:
            raise ValueError(
                f"default_locale {self.default_locale!r} must be one of locales {self.locales!r}"
            )
        # Checked here rather than in a field validator, whose errors would echo the key.
        for key in self.secret_keys:
            if len(key) < 16:
                raise ValueError(
                    "secret_key must be at least 16 characters long "
                    "(make one with: python -c 'import secrets; print(secrets.token_urlsafe())')"
                )
        if self.consent.enabled and self.secret_key is None:
            raise ValueError(
                "secret_key is required while consent is enabled: pass Settings(secret_key=...) "
                "or set ANTECHAMBER_SECRET_KEY (there is no insecure built-in default)"
            )
        return self

    @property
    def secret_keys(self) -> list[str]:
        """The signing keys, newest (the one that signs) first."""
        if self.secret_key is None:
            return []
        keys = self.secret_key if isinstance(self.secret_key, list) else [self.secret_key]
        return [key.get_secret_value() for key in keys]

    @property
    def gated_exempt_paths(self) -> tuple[str, ...]:
        """Exempt path prefixes, the middleware's own routes included."""
        return (*self.browsers.exempt_paths, self.route_prefix)

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str], **overrides: Any) -> Settings:
        """Settings from a TOML file; keywords and `ANTECHAMBER_*` variables still win."""
        path = Path(path)
        if not path.is_file():
            raise ValueError(f"ANTECHAMBER config file not found: {str(path)!r}")
        return cls(_toml_path=path, **overrides)

    def __init__(self, _toml_path: Path | None = None, **values: Any) -> None:
        if _toml_path is None and (env_path := os.environ.get("ANTECHAMBER_CONFIG")):
            _toml_path = Path(env_path)
            if not _toml_path.is_file():
                raise ValueError(f"ANTECHAMBER_CONFIG names a missing file: {env_path!r}")
        # Wrapped before validation so that no error message can echo a key.
        key = values.get("secret_key")
        if isinstance(key, str):
            values["secret_key"] = SecretStr(key)
        elif isinstance(key, list):
            values["secret_key"] = [SecretStr(k) if isinstance(k, str) else k for k in key]
        _TOML_PATH.set(_toml_path)
        try:
            super().__init__(**values)
        finally:
            _TOML_PATH.set(None)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        toml_path = _TOML_PATH.get()
        if toml_path is not None:
            sources.append(_TomlSource(settings_cls, toml_path))
        return tuple(sources)


class _TomlSource(TomlConfigSettingsSource):
    """A TOML file; a syntax error is reported with the file's name."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path) -> None:
        import tomllib

        try:
            super().__init__(settings_cls, toml_file=path)
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{str(path)!r} is not valid TOML: {error}") from None
