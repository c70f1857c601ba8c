"""One `Settings` object for both halves, from keywords, `ANTECHAMBER_*` variables or TOML.

    Settings(secret_key="...", browsers={"supported": "defaults"})
    ANTECHAMBER_SECRET_KEY=... ANTECHAMBER_BROWSERS__SUPPORTED="> 0.5%, not dead"
    Settings.from_toml("antechamber.toml")   # or ANTECHAMBER_CONFIG=antechamber.toml

Every value is checked here, at construction: a bad one raises a `ValueError` (pydantic's
`ValidationError`) naming the setting and the value, so nothing fails later, per request.
`Settings` lives here; its sections in `sections`, categories, partners and cookies in `parties`.
"""

from __future__ import annotations

import os
import re
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from antechamber.catalogs import SHIPPED_LOCALES, has_catalog, site_catalogs
from antechamber.settings.parties import (
    DEFAULT_CATEGORIES,
    Category,
    Cookie,
    Partner,
    url_prefix_key,
)
from antechamber.settings.sections import BrowserSettings, ConsentSettings

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
_LOCALE = re.compile(r"^[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})?$")


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
