"""What visitors consent to: `Category`, `Partner` and a partner's `Cookie`s."""

from __future__ import annotations

import re

from pydantic import ConfigDict, Field, ValidationInfo, field_validator
from pydantic.dataclasses import dataclass

__all__ = ["DEFAULT_CATEGORIES", "Category", "Cookie", "Partner", "url_prefix_key"]

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_COOKIE_PATTERN = re.compile(r"^[!#$%&'+\-.^_`|~0-9A-Za-z]+\*?$")
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
