"""Server-side enforcement: which cookies belong to which consent key, and what to do about them.

A cookie is governed by the partner or category that names it in the settings (exact names, or
prefixes written `_ga_*`). Cookies that no partner or category names are left alone: the
middleware cannot know what they are for, and removing unknown cookies would break sites that
forgot to declare a strictly necessary one. Required categories are never enforced.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from antechamber.consent.state import ConsentState
from antechamber.settings import ConsentSettings

__all__ = ["CookieMatcher", "CookieRules", "deletion_headers", "is_deletion"]


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
        self._cache: OrderedDict[frozenset[str], CookieMatcher] = OrderedDict()

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
            matcher = CookieMatcher(frozenset(exact), tuple(sorted(set(prefixes))))
            self._cache[keys] = matcher
            if len(self._cache) > 256:
                self._cache.popitem(last=False)
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


def is_deletion(set_cookie: str) -> bool:
    """Whether a Set-Cookie value removes its cookie (Max-Age <= 0 or an Expires in the past)."""
    for attribute in set_cookie.split(";")[1:]:
        key, _, value = attribute.partition("=")
        key = key.strip().lower()
        value = value.strip()
        if key == "max-age":
            try:
                return int(value) <= 0
            except ValueError:
                return False  # browsers ignore a broken Max-Age; so do we
        if key == "expires":
            try:
                return parsedate_to_datetime(value).timestamp() <= time.time()
            except (TypeError, ValueError, IndexError, OverflowError):
                continue
    return False


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
