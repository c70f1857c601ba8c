"""`Visit`: one http request as every part of antechamber reads it, and what they leave on it.

Built once per request by the outermost antechamber layer and kept on the scope under one key,
so that a layer mounted further in (`Visit.of(scope)`) reads the same object. Headers are read
once (kept as sent, decoded when a part reads one), cookies parsed once, the path is taken
without `root_path`: one implementation of each, used by both halves.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.types import Scope

from antechamber.security import safe_next
from antechamber.web.validators import variant_tag

if TYPE_CHECKING:
    from antechamber.web.rewrite import Fragment
    from antechamber.web.scan import ElementHook

__all__ = ["SCOPE_KEY", "PageHook", "Visit", "read_raw_headers"]

SCOPE_KEY = "antechamber"  # the one key antechamber keeps anything under in a scope
# A `name=value` pair of a Cookie header (possessive: linear time on any header); a part
# without `=` is no cookie.
_COOKIE = re.compile(r"(?:^|;)([^;=]*+)=([^;]*+)")
# Most pages' paths need neither encoding nor checking: `/`, `/articles/some-title-42`.
_PLAIN_PATH = re.compile(r"^/(?:[A-Za-z0-9._~-]+/)*[A-Za-z0-9._~-]*$")
# What a half registers to rewrite a page's elements (see `Visit.element_hooks`): made only
# for pages that have elements to show it.
PageHook = Callable[["Visit"], "ElementHook"]


def read_raw_headers(raw: list[tuple[bytes, bytes]]) -> dict[bytes, bytes]:
    """A request's headers by lower-case name, as sent (bytes): the first of a repeated
    header, `Cookie` lines joined with "; "."""
    try:
        # ASGI servers send lower-case names, once each: then one C call is all it takes.
        # Decoding every header up front cost 33k instructions a request, when most are never
        # read or only compared (scripts/bench --instructions, static 6 KB page).
        found: dict[bytes, bytes] = dict(raw)
        # A server that keeps names as the client sent them over HTTP/1.1 shows it in the one
        # every browser sends ("User-Agent"); a request without it goes the slower way. Checking
        # every name's case instead cost 6k instructions a request (159.3k against 153.4k).
        if len(found) == len(raw) and b"user-agent" in found:
            return found
    except (TypeError, ValueError):  # bytearray names, or items that are not pairs
        pass
    found = {}
    for item in raw:
        try:
            raw_name, raw_value = item
            name, value = bytes(raw_name).lower(), bytes(raw_value)
        except (TypeError, ValueError):
            continue  # not a header: skipped, like a server would never have sent it
        if name not in found:
            found[name] = value
        elif name == b"cookie":
            found[name] += b"; " + value
    return found


class Visit:
    """A request, read once; and what the halves found out about it.

    `raw`: the headers by lower-case name as sent (bytes), the first of a repeated header,
    `Cookie` lines joined with "; "; `header(name)` gives one as text (latin-1), `headers` all
    of them. `path`: the path within the app (without `root_path`). `fragments`: the markup
    registered for the page (notices, the banner), inserted by the outermost layer. `banner`:
    how the app's templates render the consent banner (`banner_html`), when the consent half
    runs (`consent_head`: its Consent Mode script tag). `state`: the request's `scope["state"]`,
    where `browser` and `consent` go for the app. `element_hooks`: what rewrites the page's
    elements (embeds): for a page with an `<iframe>` or `<script>` in markup, each is called
    with the visit, its `charset` known, and returns the `ElementHook` shown each of them (what
    that returns replaces the element); a `watches_scripts` attribute of False says that it
    only looks at iframes.
    """

    __slots__ = (
        "_cookies",
        "_headers",
        "banner",
        "charset",
        "consent_head",
        "element_hooks",
        "fragments",
        "markup",
        "path",
        "raw",
        "rewriting",
        "root_path",
        "scope",
        "state",
        "variant_matched",
    )

    def __init__(self, scope: Scope) -> None:
        """A new Visit of `scope` (`Visit.of` finds the one a request already has)."""
        self.scope = scope
        raw_headers = scope.get("headers")
        if type(raw_headers) is not list:  # any iterable will do for ASGI; a one-pass one is kept
            raw_headers = scope["headers"] = list(raw_headers or ())
        self.raw = read_raw_headers(raw_headers)
        path: str = scope.get("path") or "/"
        root: str = scope.get("root_path") or ""
        if root and path.startswith(root):
            path = path[len(root) :] or "/"
        self.path = path
        self.root_path = root
        state = scope.get("state")
        if state is None:
            state = scope["state"] = {}
        self.state: dict[str, Any] = state
        self.fragments: list[Fragment] = []
        self.element_hooks: list[PageHook] = []
        self.banner: Callable[[Visit], str] | None = None  # the consent banner, `banner_html`
        self.consent_head: Callable[[Visit], str] | None = None  # for `consent_head_html`
        self.rewriting = False  # an outer layer rewrites this response
        # The page's charset once the rewriter has read it (before the first hook is called).
        self.charset: str | None = None
        self.variant_matched = False  # If-None-Match named the current variant
        # The fragments rendered: how many there were then, and their markup.
        self.markup: tuple[int, str] | None = None
        self._cookies: dict[str, list[str]] | None = None
        self._headers: dict[str, str] | None = None

    def header(self, name: str) -> str | None:
        """The header `name` (lower case) as text, or None when the request has none."""
        value = self.raw.get(name.encode("latin-1"))
        return None if value is None else value.decode("latin-1")

    @property
    def headers(self) -> dict[str, str]:
        """Every header by lower-case name, as text (latin-1); decoded when first read."""
        if self._headers is None:
            self._headers = {
                name.decode("latin-1"): value.decode("latin-1") for name, value in self.raw.items()
            }
        return self._headers

    def add_fragment(self, fragment: Fragment) -> None:
        """Register markup for the page (rendered only if the response is a page)."""
        self.fragments.append(fragment)

    def rendered(self) -> str:
        """The fragments' markup, joined in the order registered (rendered once)."""
        fragments = self.fragments
        markup = self.markup
        if markup is None or markup[0] != len(fragments):
            if len(fragments) == 1:  # (a list and a join for one cost 0.4k instructions a request)
                text = fragments[0].render(self)
            else:
                parts = []
                for fragment in fragments:
                    parts.append(fragment.render(self))
                text = "".join(parts)
            markup = self.markup = (len(fragments), text)
        return markup[1]

    def variant_tag(self) -> str:
        """A tag naming what the page gets inserted (and the fragments' `variant`: what their
        element hooks change), for its `ETag`."""
        markup = self.rendered()
        variants = [f.variant(self) for f in self.fragments if f.variant is not None]
        return variant_tag("\0".join([markup, *variants]) if variants else markup)

    @classmethod
    def of(cls, scope: Scope) -> Visit:
        """The request's Visit: the one an outer layer made, or a new one."""
        outer = scope.get(SCOPE_KEY)
        if isinstance(outer, Visit) and outer.scope is scope:
            return outer
        visit = cls(scope)
        if isinstance(outer, Visit):  # a copy of the scope, made by a layer in between
            visit.fragments, visit.rewriting = outer.fragments, outer.rewriting
            visit.element_hooks = outer.element_hooks
        scope[SCOPE_KEY] = visit
        return visit

    @property
    def method(self) -> str:
        method: str = self.scope.get("method", "GET")
        return method

    @property
    def secure(self) -> bool:
        return self.scope.get("scheme") in ("https", "wss")

    @property
    def cookies(self) -> dict[str, list[str]]:
        """Every cookie the request carries, by name, each value as sent (quotes stripped);
        parsed once, when first read."""
        found = self._cookies
        if found is not None:
            return found
        found = self._cookies = {}
        for name, value in _COOKIE.findall(self.raw.get(b"cookie", b"").decode("latin-1")):
            name = name.strip()
            if name:
                found.setdefault(name, []).append(value.strip().strip('"'))
        return found

    def cookie(self, name: str) -> str | None:
        """The value of cookie `name` (the first, if sent twice), or None."""
        values = self.cookies.get(name)
        return values[0] if values else None

    @property
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

    def is_page_request(self) -> bool:
        """Whether the response answers a top-level page navigation: the only kind rewritten.

        Not one: a script's request (htmx's `HX-Request`, XHR's `X-Requested-With`, `fetch()`'s
        `Sec-Fetch-Dest: empty`, any destination but a document). Frames (`Sec-Fetch-Dest:
        iframe`) are pages too, but get no banner or notice: one per window is enough, and a
        framed banner invites clickjacked consent.
        """
        raw = self.raw
        dest = raw.get(b"sec-fetch-dest")
        if dest is not None and dest != b"document" and dest.strip().lower() != b"document":
            return False
        if b"hx-request" in raw:
            return False
        requested_with = raw.get(b"x-requested-with")
        return requested_with is None or requested_with.lower() != b"xmlhttprequest"
