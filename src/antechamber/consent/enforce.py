"""Server-side enforcement: which cookies belong to which consent key, and what to do about them.

A cookie is governed by the partner or category that names it in the settings (exact names, or
prefixes written `_ga_*`). Cookies that no partner or category names are left alone: the
middleware cannot know what they are for, and removing unknown cookies would break sites that
forgot to declare a strictly necessary one. Required categories are never enforced.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from publicsuffixlist import PublicSuffixList

from antechamber.consent.state import ConsentState
from antechamber.settings import ConsentSettings
from antechamber.web.cache import BoundedCache

__all__ = ["CookieMatcher", "CookieRules", "deletion_domains", "deletion_headers", "is_deletion"]


@dataclass(frozen=True, slots=True)
class CookieMatcher:
    """Cookie names (exact, and prefixes) refused under one state."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.exact or self.prefixes)

    def matches(self, name: str) -> bool:
        return name in self.exact or (bool(self.prefixes) and name.startswith(self.prefixes))


class CookieRules:
    """The settings' cookie declarations, and the refused ones per consent state (cached)."""

    def __init__(self, settings: ConsentSettings) -> None:
        required = {c.key for c in settings.categories if c.required}
        self.patterns: dict[str, tuple[str, ...]] = {}
        for category in settings.categories:
            if not category.required and category.cookies:
                self.patterns[category.key] = tuple(category.cookies)
        for partner in settings.partners:
            if partner.category not in required and partner.cookies:
                self.patterns[partner.key] = partner.cookie_names
        # The consent cookie itself is strictly necessary, whatever a pattern like `a*` says.
        self.protected = settings.cookie_name
        self._cache: BoundedCache[frozenset[str], CookieMatcher] = BoundedCache(256)

    def refused(self, state: ConsentState) -> CookieMatcher:
        """The cookies `state` does not allow, as a matcher."""
        keys = frozenset(key for key in self.patterns if not state.granted(key))
        matcher = self._cache.get(keys)
        if matcher is None:
            exact: set[str] = set()
            prefixes: list[str] = []
            for key in keys:
                for pattern in self.patterns[key]:
                    if pattern.endswith("*"):
                        prefixes.append(pattern[:-1])
                    else:
                        exact.add(pattern)
            matcher = self._cache.put(
                keys, CookieMatcher(frozenset(exact), tuple(sorted(set(prefixes))))
            )
        return matcher

    def filter_set_cookie(
        self, headers: list[tuple[bytes, bytes]], matcher: CookieMatcher
    ) -> tuple[list[tuple[bytes, bytes]], bool]:
        """`headers` without the Set-Cookie lines that set a refused cookie; and whether any went.

        A Set-Cookie that *deletes* a refused cookie is kept: it does what consent asks for.
        """
        kept: list[tuple[bytes, bytes]] = []
        removed = False
        for name, value in headers:
            if name.lower() == b"set-cookie":
                text = value.decode("latin-1")
                cookie = text.split("=", 1)[0].strip()
                if cookie != self.protected and matcher.matches(cookie) and not is_deletion(text):
                    removed = True
                    continue
            kept.append((name, value))
        return kept, removed


def is_deletion(set_cookie: str, now: float | None = None) -> bool:
    """Whether a Set-Cookie value removes its cookie, read as browsers read it (RFC 6265bis 5.6).

    The last valid `Max-Age` counts, and wins over any `Expires`: `Max-Age` <= 0 deletes. Only
    without one does the last valid `Expires` count: a date at or before `now` (seconds since
    the epoch; the current time if None) deletes. A `Max-Age` that is not an integer is
    ignored, as is an `Expires` that is not a date. So `Expires=<1970>; Max-Age=31536000`
    keeps the cookie for a year, and so does `Max-Age=0; Max-Age=31536000`.
    """
    max_age: int | None = None
    expires: float | None = None
    for attribute in set_cookie.split(";")[1:]:
        key, _, value = attribute.partition("=")
        key = key.strip().lower()
        value = value.strip()
        if key == "max-age":
            if _MAX_AGE.fullmatch(value):
                max_age = int(value)
        elif key == "expires":
            try:
                expires = parsedate_to_datetime(value).timestamp()
            except (TypeError, ValueError, IndexError, OverflowError):
                continue  # not a date: ignored
    if max_age is not None:
        return max_age <= 0
    if expires is not None:
        return expires <= (time.time() if now is None else now)
    return False


_MAX_AGE = re.compile(r"-?[0-9]+")


def deletion_domains(host: str) -> list[str]:
    """The `Domain` values a cookie visible to `host` may have been set with: the host and each
    parent domain down to its registrable domain (`www.shop.example.co.uk` -> itself,
    `shop.example.co.uk`, `example.co.uk`), from the Public Suffix List that the
    `publicsuffixlist` package ships (read once, no network).

    `host` is a Host header: a port, a trailing dot and upper case are dropped, an
    internationalised name is turned into its IDNA (xn--) form. IP addresses, `localhost`,
    single-label names, hosts that are themselves a public suffix (an app served at
    `github.io`) and anything unreadable get `[]`: a browser accepts no `Domain` there, so
    only a host-only deletion (no `Domain` attribute) can reach their cookies.
    """
    name = _host_name(host)
    if name is None:
        return []
    registrable = _public_suffixes().privatesuffix(name)
    if registrable is None or not (name == registrable or name.endswith("." + registrable)):
        return []
    labels = name.split(".")
    depth = len(registrable.split("."))
    return [".".join(labels[i:]) for i in range(len(labels) - depth + 1)]


def _host_name(host: str) -> str | None:
    """A Host header's name, lower-case ASCII; None for an IP address or anything unreadable."""
    host = host.strip()
    if not host or host.startswith("["):
        return None  # an IPv6 literal
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    name = name.rstrip(".").lower()
    if not name.isascii():
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        return None
    if not _HOST_NAME.fullmatch(name) or "." not in name:
        return None
    return name


_HOST_NAME = re.compile(
    r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*"
)


@functools.cache
def _public_suffixes() -> PublicSuffixList:
    """The list, parsed once, on first use (about ten thousand rules)."""
    return PublicSuffixList()


def request_cookie_names(cookie_header: str) -> list[str]:
    """The names in a Cookie header, in order, without duplicates."""
    names: dict[str, None] = {}
    for part in cookie_header.split(";"):
        name = part.split("=", 1)[0].strip()
        if name:
            names.setdefault(name, None)
    return list(names)


def deletion_headers(
    names: Iterable[str],
    *,
    paths: Iterable[str],
    domains: Iterable[str | None],
    secure: bool,
) -> list[tuple[bytes, bytes]]:
    """Set-Cookie lines that delete each cookie under every path and domain variant.

    A browser deletes a cookie only when name, path and domain all match the ones it was set
    with, and the request does not say which those were: every declared variant is sent.
    """
    lines: list[tuple[bytes, bytes]] = []
    suffix = "; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax"
    if secure:
        suffix += "; Secure"
    domain_list = list(domains)
    for name in names:
        for path in paths:
            for domain in domain_list:
                line = f"{name}=; Path={path}"
                if domain:
                    line += f"; Domain={domain}"
                lines.append((b"set-cookie", (line + suffix).encode("latin-1")))
    return lines
