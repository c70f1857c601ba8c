"""The sections of `Settings`: `browsers` (`BrowserSettings`) and `consent` (`ConsentSettings`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from antechamber.settings.parties import DEFAULT_CATEGORIES, Category, Partner, url_prefix_key

__all__ = ["BrowserSettings", "ConsentSettings"]

_COOKIE_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_HEADER = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_REGION = re.compile(r"^(?:alt-[a-z]{2}|[A-Za-z]{2})$")


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
