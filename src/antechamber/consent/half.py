"""`ConsentHalf`: the consent half of antechamber: the visitor's state on each request, the
banner on its page, and the cookies it refused kept off and deleted."""

from __future__ import annotations

import functools
import html
import math
import time
from collections.abc import Awaitable, Callable

from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Send

from antechamber.assets import serve_static
from antechamber.consent.banner import ConsentPages
from antechamber.consent.embeds import EmbedGuard, EmbedPage
from antechamber.consent.enforce import (
    CookieMatcher,
    CookieRules,
    deletion_domains,
    deletion_headers,
)
from antechamber.consent.records import ConsentStore, open_store
from antechamber.consent.state import ConsentCodec, ConsentState, StoredChoice
from antechamber.pages import Pages
from antechamber.settings import Settings
from antechamber.web.cache import BoundedCache
from antechamber.web.forms import set_cookie
from antechamber.web.headers import add_vary, read_response
from antechamber.web.request import Visit
from antechamber.web.rewrite import Fragment
from antechamber.web.scan import Element, ElementHook

__all__ = ["ConsentHalf"]

_KEPT_COOKIE_HEADER = 2048  # longer Cookie headers are read every time, not kept


class ConsentHalf:
    """Reads the signed consent cookie into `request.state.consent`, registers the banner
    (`banner="inject"`), removes `Set-Cookie` lines the visitor has not consented to and deletes
    refused cookies the request carries, in any response. Its endpoints: `ConsentEndpoints`."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.time,
        store: ConsentStore | None = None,
    ) -> None:
        from antechamber.consent.endpoints import ConsentEndpoints

        self.settings = settings
        consent = self.consent = settings.consent
        self.clock = clock
        self.codec = ConsentCodec(consent, settings.secret_keys, clock=clock)
        self.rules = CookieRules(consent)
        self.enforce = consent.enforce_cookies and bool(self.rules.patterns)
        self.pages = Pages(settings)
        self.views = ConsentPages(settings, self.pages, self.codec.undecided[False])
        self.store = (
            store
            if store is not None
            else open_store(consent.log, retention_days=consent.retention_days)
        )
        self.vary = ("Cookie", "Accept-Language", *(("Sec-GPC",) if consent.honor_gpc else ()))
        # Frames and partner scripts wait for consent whatever `banner` is: in "manual" mode
        # a fragment with no markup carries the page's Vary and the embed state for its ETag.
        self.guard = EmbedGuard(settings, self.pages)
        self.embeds = self.guard.active  # whether pages get the embed hook
        self.embed_hooks = _EmbedHooks(self)
        variant = self.embed_variant if self.embeds else None
        if consent.banner == "inject":
            self.fragment: Fragment | None = Fragment(self.render, self.vary, variant)
        elif variant is not None:
            self.fragment = Fragment(_no_markup, self.vary, variant)
        else:
            self.fragment = None
        self.prefix = settings.route_prefix
        self.own_prefix = self.prefix + "/"
        self.delete_paths = list(dict.fromkeys(consent.delete_paths or [consent.path]))
        # The banner's markup by what it depends on, as the request sent it: a page seen before
        # is one lookup. Negotiating the language and encoding the path on every request cost
        # 15.5k instructions (scripts/bench --instructions, static 6 KB page).
        self.markups: BoundedCache[tuple[object, ...], str] = BoundedCache(4096)
        # The state by the Cookie and Sec-GPC headers as sent, and until when it holds (a
        # choice expires): a returning visitor's request parses no cookie. Parsing the header
        # and reading the consent cookie cost 15k instructions a request (scripts/bench
        # --instructions, static 6 KB page).
        self.states: BoundedCache[
            tuple[bytes | None, bytes | None],
            tuple[tuple[ConsentState, StoredChoice | None], float],
        ] = BoundedCache(1024)
        self.matchers: BoundedCache[int, tuple[ConsentState, CookieMatcher | None]] = BoundedCache(
            1024
        )
        # What `banner_html` and `consent_head_html` call, bound once for every request.
        self.banner = self.render
        self.consent_head = self.head if consent.google_consent_mode else None
        self.endpoints = ConsentEndpoints(self)
        self.routes = {
            self.prefix + "/consent": self.endpoints.consent,
            self.prefix + "/preferences": self.endpoints.preferences,
            self.prefix + "/gcm.js": self.endpoints.gcm,
        }

    def admit(self, visit: Visit) -> ASGIApp | None:
        """Sets `request.state.consent`; None lets the request through, else the endpoint that
        answers it."""
        path = visit.path
        if path.startswith(self.own_prefix):
            handler = self.routes.get(path)
            if handler is not None:
                return handler
            if path.startswith(self.prefix + "/static/"):
                return functools.partial(serve_static, path[len(self.prefix) + 8 :])
        state, _ = self.read(visit)
        visit.state["consent"] = state
        visit.banner = self.banner
        visit.consent_head = self.consent_head
        if self.fragment is not None:
            visit.fragments.append(self.fragment)
        if self.embeds:
            visit.element_hooks.append(self.embed_hooks)
        return None

    def locale(self, visit: Visit) -> str:
        return self.pages.negotiate(visit.header("accept-language"))

    def embed_variant(self, visit: Visit) -> str:
        """What the page's frames and scripts depend on: the visitor's language and the
        categories and partners the state grants (for the page's ETag)."""
        state = self.state_of(visit)
        granted = [key for key in self.guard.keys if state.granted(key)]
        return f"embeds {self.locale(visit)} {' '.join(granted)}"

    def state_of(self, visit: Visit) -> ConsentState:
        """The state this request was admitted with (read again if the app replaced it)."""
        state = visit.state.get("consent")
        return state if isinstance(state, ConsentState) else self.read(visit)[0]

    def read(self, visit: Visit) -> tuple[ConsentState, StoredChoice | None]:
        """The visitor's state, and the choice it comes from (None: undecided)."""
        raw = visit.raw
        sent = (raw.get(b"cookie"), raw.get(b"sec-gpc"))
        known = self.states.get(sent)
        if known is not None and self.clock() <= known[1]:
            return known[0]
        values = visit.cookies.get(self.consent.cookie_name, [])
        # Two consent cookies (another path, or one tossed in from a sibling domain): we cannot
        # tell which is ours, so neither counts.
        value = values[0].encode("latin-1") if len(values) == 1 else None
        state, choice = self.codec.read(value, self.gpc(visit))
        if sent[0] is None or len(sent[0]) <= _KEPT_COOKIE_HEADER:
            until = math.inf if choice is None else choice.decided_at + self.codec.max_age
            self.states.put(sent, ((state, choice), until))
        return state, choice

    def gpc(self, visit: Visit) -> bool:
        """Whether this request carries Global Privacy Control and the site honours it."""
        return self.consent.honor_gpc and visit.raw.get(b"sec-gpc", b"").strip() == b"1"

    def refused(self, state: ConsentState) -> CookieMatcher | None:
        """The cookies `state` does not allow (None: no declared cookie), kept per state object
        (the codec hands out the same ones; the state is held in the entry, so its id is not
        reused)."""
        entry = self.matchers.get(id(state))
        if entry is None or entry[0] is not state:
            entry = self.matchers.put(id(state), (state, self.rules.refused(state) or None))
        return entry[1]

    def deletions(self, visit: Visit, state: ConsentState) -> list[tuple[bytes, bytes]]:
        """Set-Cookie lines deleting the refused cookies this request carries: under every
        configured path, on the host, each parent domain down to the registrable one, and the
        configured `delete_domains`."""
        matcher = self.refused(state) if self.enforce else None
        if matcher is None:
            return []
        names = [
            name
            for name in visit.cookies
            if name != self.consent.cookie_name and matcher.matches(name)
        ]
        if not names:
            return []
        host = visit.header("host") or ""
        extra = self.consent.delete_domains
        domains = [None, *dict.fromkeys([*deletion_domains(host), *extra])]
        return deletion_headers(
            names, paths=self.delete_paths, domains=domains, secure=self.secure(visit)
        )

    def secure(self, visit: Visit) -> bool:
        https_only = self.consent.https_only
        return https_only if https_only is not None else visit.secure

    def set_consent_cookie(self, response: Response, value: str, secure: bool) -> None:
        consent = self.consent
        set_cookie(
            response,
            consent.cookie_name,
            value,
            max_age=consent.max_age,
            secure=secure,
            path=consent.path,
            domain=consent.domain,
            same_site=consent.same_site,
        )

    def wrap_send(self, visit: Visit, send: Send) -> Send:
        """`send`, keeping refused cookies out of the response and deleting carried ones."""
        state = visit.state.get("consent")
        if not self.enforce or not isinstance(state, ConsentState):
            return send
        matcher = self.refused(state)
        if matcher is None:
            return send

        deletions = self.deletions(visit, state)

        async def enforcing_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw, found = read_response(message)
                if deletions or b"set-cookie" in found:
                    kept, removed = self.rules.filter_set_cookie(raw, matcher)
                    if removed or deletions:
                        message = {**message, "headers": kept + deletions}
                        add_vary(MutableHeaders(scope=message), "Cookie")
            await send(message)

        return enforcing_send

    def open(self) -> Awaitable[None] | None:
        return None if self.store is None else self.store.open()

    def close(self) -> Awaitable[None] | None:
        return None if self.store is None else self.store.close()

    def head(self, visit: Visit) -> str:
        """The `<script src>` setting Consent Mode's defaults, for the page's `<head>`."""
        return f'<script src="{html.escape(visit.root_path + self.prefix)}/gcm.js"></script>'

    def render(self, visit: Visit) -> str:
        """The banner markup for this request (what `banner_html` returns)."""
        state = self.state_of(visit)
        scope = visit.scope
        key = (
            state.markup_key,
            visit.raw.get(b"accept-language"),
            scope.get("path"),
            scope.get("query_string"),
            visit.root_path,
        )
        markup = self.markups.get(key)
        if markup is None:
            locale = self.pages.negotiate(visit.header("accept-language"))
            markup = self.views.fragment(state, locale, visit.current, visit.root_path)
            self.markups.put(key, markup)
        return markup


def _no_markup(visit: Visit) -> str:
    return ""


class _EmbedHooks:
    """The embed guard's `Visit.element_hooks` entry: for a page with frames or scripts in
    markup, an `_EmbedHook` (made by the rewriter once it knows the page's charset)."""

    __slots__ = ("half", "watches_scripts")

    def __init__(self, half: ConsentHalf) -> None:
        self.half = half
        # Scripts are looked at only when a partner lists `scripts` (the rewriter reads this).
        self.watches_scripts = bool(half.guard.scripts)

    def __call__(self, visit: Visit) -> ElementHook:
        return _EmbedHook(self.half, visit, self.watches_scripts)


class _EmbedHook:
    """The embed guard's element hook for one page; its placeholders are made on the first
    element it is shown, in the page's charset (`Visit.charset`; without it, ASCII with
    character references, which reads the same in any charset the rewriter writes into)."""

    __slots__ = ("half", "page", "visit", "watches_scripts")

    def __init__(self, half: ConsentHalf, visit: Visit, watches_scripts: bool) -> None:
        self.half = half
        self.visit = visit
        self.page: EmbedPage | None = None
        self.watches_scripts = watches_scripts

    def __call__(self, element: Element) -> bytes | None:
        page = self.page
        if page is None:
            if element.name != "iframe" and not self.watches_scripts:
                return None  # a script, and no partner lists `scripts`: nothing to build
            half, visit = self.half, self.visit
            page = self.page = half.guard.page(
                half.state_of(visit),
                half.locale(visit),
                visit.current,
                encoding=visit.charset or "ascii",
            )
        return page(element)
