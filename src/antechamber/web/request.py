"""`Visit`: one http request as every part of antechamber reads it, and what they leave on it.

Built once per request by the outermost antechamber layer (`Visit.of(scope)`) and kept on the
scope under one key, so that a layer mounted further in reads the same object. Headers are
decoded once, cookies parsed once, the path is taken without `root_path`: one implementation of
each, used by both halves.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar, overload
from urllib.parse import quote

from starlette.types import Scope

from antechamber.security import safe_next
from antechamber.web.validators import variant_tag

if TYPE_CHECKING:
    from antechamber.web.rewrite import Fragment

__all__ = ["SCOPE_KEY", "RequestHeaders", "Visit"]

_T = TypeVar("_T")

SCOPE_KEY = "antechamber"  # the one key antechamber keeps anything under in a scope
# Most pages' paths need neither encoding nor checking: `/`, `/articles/some-title-42`.
_PLAIN_PATH = re.compile(r"^/(?:[A-Za-z0-9._~-]+/)*[A-Za-z0-9._~-]*$")
_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$")


class RequestHeaders(Mapping[str, str]):
    """A request's headers by lower-case name, as text (latin-1): the first of a repeated
    header, `Cookie` lines joined with "; ". Each value is decoded once, when first read: a
    request decodes the few a page needs, not all (asgi warm-path figure: decoding every
    header cost as much as the rest of the gate)."""

    __slots__ = ("_raw", "_text")

    def __init__(self, raw: list[tuple[bytes, bytes]]) -> None:
        found = dict(raw)
        # ASGI servers send lower-case names, once each: then one dict() is all it takes.
        if len(found) != len(raw) or not b"".join(found).islower():
            found = {}
            for name, value in raw:
                name = bytes(name).lower()
                if name not in found:
                    found[name] = bytes(value)
                elif name == b"cookie":
                    found[name] += b"; " + bytes(value)
        self._raw: dict[bytes, bytes] = found
        self._text: dict[str, str] = {}

    def __getitem__(self, name: str) -> str:
        value = self._text.get(name)
        if value is None:
            value = self._text[name] = bytes(self._raw[name.encode("latin-1")]).decode("latin-1")
        return value

    @overload
    def get(self, name: str, /) -> str | None: ...

    @overload
    def get(self, name: str, default: str, /) -> str: ...

    @overload
    def get(self, name: str, default: _T, /) -> str | _T: ...

    def get(self, name: str, default: object = None, /) -> object:
        value = self._text.get(name)
        if value is None:
            raw = self._raw.get(name.encode("latin-1"))
            if raw is None:
                return default
            value = self._text[name] = bytes(raw).decode("latin-1")
        return value

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.encode("latin-1") in self._raw

    def __iter__(self) -> Iterator[str]:
        return (name.decode("latin-1") for name in self._raw)

    def __len__(self) -> int:
        return len(self._raw)


@dataclass(eq=False)
class Visit:
    """A request, read once; and what the halves found out about it.

    `headers`: lower-case names, latin-1 text, the first of a repeated header, `Cookie` lines
    joined with "; ". `path`: the path within the app (without `root_path`). `fragments`: the
    markup registered for the page (notices, the banner), inserted by the outermost layer.
    `banner`: how the app's templates render the consent banner (`banner_html`), when the
    consent half runs (`consent_head`: its Consent Mode script tag). `state`: the request's
    `scope["state"]`, where `browser` and `consent` go for the app.
    """

    scope: Scope
    headers: RequestHeaders
    path: str
    root_path: str
    state: dict[str, Any]
    fragments: list[Fragment] = field(default_factory=list)
    banner: Callable[[], str] | None = None  # the consent banner, for `banner_html`
    consent_head: Callable[[], str] | None = None  # for `consent_head_html`
    rewriting: bool = False  # an outer layer rewrites this response
    variant_matched: bool = False  # If-None-Match named the current variant
    # The fragments rendered: how many there were then, and their markup.
    markup: tuple[int, str] | None = None
    raw_headers: list[tuple[bytes, bytes]] = field(default_factory=list)  # as sent

    def add_fragment(self, fragment: Fragment) -> None:
        """Register markup for the page (rendered only if the response is a page)."""
        self.fragments.append(fragment)

    def rendered(self) -> str:
        """The fragments' markup, joined in the order registered (rendered once)."""
        if self.markup is None or self.markup[0] != len(self.fragments):
            self.markup = (len(self.fragments), "".join(f.render(self) for f in self.fragments))
        return self.markup[1]

    def variant_tag(self) -> str:
        """A tag naming what the page gets inserted, for its `ETag`."""
        return variant_tag(self.rendered())

    @classmethod
    def of(cls, scope: Scope) -> Visit:
        """The request's Visit: the one an outer layer made, or a new one."""
        outer = scope.get(SCOPE_KEY)
        if isinstance(outer, Visit) and outer.scope is scope:
            return outer
        raw = list(scope.get("headers") or ())
        scope["headers"] = raw  # any iterable will do for ASGI; a one-pass one is kept
        headers = RequestHeaders(raw)
        path: str = scope.get("path") or "/"
        root: str = scope.get("root_path") or ""
        if root and path.startswith(root):
            path = path[len(root) :] or "/"
        state = scope.get("state")
        if state is None:
            state = scope["state"] = {}
        visit = cls(scope, headers, path, root, state, raw_headers=raw)
        if isinstance(outer, Visit):  # a copy of the scope, made by a layer in between
            visit.fragments, visit.rewriting = outer.fragments, outer.rewriting
        scope[SCOPE_KEY] = visit
        return visit

    @property
    def method(self) -> str:
        method: str = self.scope.get("method", "GET")
        return method

    @property
    def secure(self) -> bool:
        return self.scope.get("scheme") in ("https", "wss")

    @cached_property
    def cookies(self) -> dict[str, list[str]]:
        """Every cookie the request carries, by name, each value as sent (quotes stripped)."""
        found: dict[str, list[str]] = {}
        for part in self.headers.get("cookie", "").split(";"):
            name, sep, value = part.partition("=")
            name = name.strip()
            if name and sep:
                found.setdefault(name, []).append(value.strip().strip('"'))
        return found

    def cookie(self, name: str) -> str | None:
        """The value of cookie `name` (the first, if sent twice), or None."""
        values = self.cookies.get(name)
        return values[0] if values else None

    @cached_property
    def current(self) -> str:
        """This page's path and query (with `root_path`), percent-encoded: where to come back to."""
        path: str = self.scope.get("path") or "/"
        query = self.scope.get("query_string", b"")
        if not query and _PLAIN_PATH.match(path):
            return path
        back = quote(path, safe="/%:@!$&'()*+,;=-._~")
        if query:
            back += "?" + bytes(query).decode("latin-1")
        return safe_next(back)

    @cached_property
    def host(self) -> str | None:
        """The request's host name (lower case, without port), or None when it is not one."""
        host = self.headers.get("host", "").strip().lower()
        if host.startswith("["):
            return None  # an IPv6 literal: no domain cookies there
        host = host.rsplit(":", 1)[0] if ":" in host else host
        host = host.rstrip(".")
        return host if _HOST.match(host) else None

    @property
    def is_script_request(self) -> bool:
        """Whether a script asked (htmx, `fetch()`, XHR), not the browser for a page."""
        if "hx-request" in self.headers:
            return True
        if self.headers.get("x-requested-with", "").lower() == "xmlhttprequest":
            return True
        dest = self.headers.get("sec-fetch-dest")
        return dest is not None and dest.strip().lower() not in ("document", "iframe", "frame")

    @property
    def is_page_request(self) -> bool:
        """Whether the response answers a top-level page navigation: the only kind rewritten.

        Frames (`Sec-Fetch-Dest: iframe`) are pages too, but get no banner or notice: one per
        window is enough, and a framed banner invites clickjacked consent.
        """
        if self.is_script_request:
            return False
        dest = self.headers.get("sec-fetch-dest")
        return dest is None or dest.strip().lower() == "document"
