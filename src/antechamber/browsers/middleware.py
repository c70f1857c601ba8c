"""`BrowserPolicyMiddleware`: the browser gate, the upgrade page and the browser notices."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from functools import lru_cache, partial
from typing import Any, Final
from urllib.parse import parse_qsl, quote

from itsdangerous import BadData, URLSafeTimedSerializer
from markupsafe import escape
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from antechamber.assets import serve_static
from antechamber.browsers.caniuse import regions
from antechamber.browsers.detect import MAX_USER_AGENT_LENGTH, Detection
from antechamber.browsers.policy import BrowserInfo, BrowserPolicy
from antechamber.browsers.shares import brand_shares
from antechamber.browsers.upgrade import Advice, advise
from antechamber.html import (
    READ_HEADERS,
    Fragment,
    add_fragment,
    header_map,
    inserting_send,
    request_headers,
)
from antechamber.pages import Pages
from antechamber.security import is_same_origin, safe_next
from antechamber.settings import Settings

__all__ = [
    "CONTINUE_COOKIE",
    "NOTICE_COOKIE",
    "BrowserPolicyMiddleware",
    "LazyUserAgent",
]

logger = logging.getLogger("antechamber.browsers")

CONTINUE_COOKIE: Final = "antechamber_continue"
CONTINUE_SALT: Final = "antechamber.continue"
NOTICE_COOKIE: Final = "antechamber_notice"  # the dismissed notices, "warn" and/or "mobile"
NOTICE_MAX_AGE: Final = 180 * 24 * 3600
MAX_FORM_BODY: Final = 8 * 1024
MAX_NEXT: Final = 2048
RENDER_CACHE_SIZE: Final = 256
_NAVIGATE: Final = ("GET", "HEAD")
_NEXT_MARK: Final = "\x00antechamber-next\x00"

UPGRADE_VARY: Final = "User-Agent, Sec-CH-UA, Accept-Language"
# The notice depends on the browser, the language and the dismissal cookie: a cache keyed on
# less would serve one visitor's notice (or its absence) to another.
NOTICE_VARY: Final = ("User-Agent", "Sec-CH-UA", "Accept-Language", "Cookie")
# The upgrade page needs its inline stylesheet and its one form, and nothing else. Inline style
# rather than a hash: a site's own template would need its own hash, for no gain, as the page
# runs no script.
UPGRADE_CSP: Final = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'self'"
)
_REGION_NAMES: Final = {  # caniuse's continent tables as CLDR territory codes
    "alt-eu": "150",
    "alt-as": "142",
    "alt-af": "002",
    "alt-na": "003",
    "alt-sa": "005",
    "alt-oc": "009",
    "alt-an": "AQ",
}

_warned_no_key = False


class LazyUserAgent:
    """`request.state.user_agent`: the `user_agents.UserAgent`, parsed on first attribute access.

    It forwards every attribute (`is_mobile`, `os`, `browser` ...) and passes
    `isinstance(x, UserAgent)`, so apps use it as the real object; a request that never reads it
    pays for nothing but this small object.
    """

    __slots__ = ("_policy", "_ua", "_value")

    def __init__(self, policy: BrowserPolicy, user_agent: str) -> None:
        self._policy = policy
        self._ua = user_agent
        self._value: Any = None

    def _get(self) -> Any:
        if self._value is None:
            self._value = self._policy.user_agent(self._ua)
        return self._value

    def __getattr__(self, name: str) -> Any:
        return getattr(self._get(), name)

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return type(self._get())

    def __str__(self) -> str:
        return str(self._get())

    def __repr__(self) -> str:
        return repr(self._get())


class BrowserPolicyMiddleware:
    """Serve an upgrade page (or a notice) to browsers the site does not support.

        app = BrowserPolicyMiddleware(app, settings=Settings(browsers={"supported": "defaults"}))
        # or: Starlette(..., middleware=[Middleware(BrowserPolicyMiddleware, settings=...)])

    Only page navigations (GET/HEAD asking for a document) are gated; API calls, assets, forms,
    websockets and lifespan pass untouched. Bots, unknown agents (unless `unknown="block"`),
    exempt paths, the middleware's own routes and visitors who chose "continue anyway" are never
    gated. Every http request gets `request.state.browser` (a `BrowserInfo`) and
    `request.state.user_agent`. With `settings=None` the settings come from the environment, with
    consent off (this half needs no secret key; without one, "continue anyway" is signed with a
    random key that lasts until the process restarts).
    """

    def __init__(self, app: ASGIApp, *, settings: Settings | None = None) -> None:
        global _warned_no_key
        self.app = app
        self.settings = settings if settings is not None else Settings(consent={"enabled": False})
        browsers = self.settings.browsers
        self.browsers = browsers
        self.policy = BrowserPolicy(
            browsers.supported,
            unknown=browsers.unknown,
            cache_size=max(1, browsers.cache_size),
            browserslist_config=browsers.browserslist_config,
            browserslist_env=browsers.browserslist_env,
            browserslist_stats=browsers.browserslist_stats,
        )
        self.pages = Pages(self.settings)
        self.prefix = self.settings.route_prefix
        exempt = [p.rstrip("/") for p in self.settings.gated_exempt_paths]
        # Whole segments: "/static" exempts "/static" and "/static/x", not "/staticky"; an
        # exempt path "/" (stripped to "") exempts everything.
        self.exempt_all = "" in exempt
        self.exempt_paths = frozenset(exempt)
        self.exempt_prefixes = tuple(p + "/" for p in exempt if p)
        # One test on the hot path for "our own route or exempt": most requests are neither.
        self.special_paths = self.exempt_paths | {self.prefix}
        self.special_prefixes = (self.prefix + "/", *self.exempt_prefixes)
        keys = self.settings.secret_keys
        if not keys:
            keys = [secrets.token_urlsafe(32)]
            if not _warned_no_key:
                _warned_no_key = True
                logger.warning(
                    "antechamber: no secret_key is set; 'continue anyway' cookies are signed with "
                    "a random key and stop working when the process restarts"
                )
        # itsdangerous signs with the last key and verifies with all; ours signs with the first.
        self.signer = URLSafeTimedSerializer(list(reversed(keys)), salt=CONTINUE_SALT)
        self.region_header = browsers.region_header
        # The headers the gate's less travelled paths read as text: the shared set, and the
        # region header when the site names one.
        self.read_headers = READ_HEADERS
        if self.region_header:
            self.read_headers = READ_HEADERS | {self.region_header.lower().encode("latin-1")}
        # Per User-Agent and Client Hints as sent (bytes): the verdict, whether it is blocked,
        # and the lazy `user_agent`, so a browser seen before costs one lookup.
        self._seen: dict[tuple[bytes | None, ...], tuple[BrowserInfo, bool, LazyUserAgent]] = {}
        self._seen_limit = max(1, browsers.cache_size)
        self.known_regions = frozenset(regions())
        self.notices = browsers.mode == "warn" or browsers.mobile_notice
        self._admitted: dict[tuple[str, str], bool] = {}
        self._rendered: dict[tuple[object, ...], str] = {}
        self._routes: Mapping[str, Callable[..., Awaitable[None]]] = {
            f"{self.prefix}/continue": self._continue,
            f"{self.prefix}/notice": self._dismiss,
            f"{self.prefix}/upgrade": self._upgrade_info,
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answer = self.admit(scope, header_map(scope))
        if answer is not None:
            await answer(scope, receive, send)
        else:
            await self.app(scope, receive, inserting_send(scope, send))

    # -- the gate -----------------------------------------------------------------------------

    def admit(self, scope: Scope, headers: Mapping[bytes, bytes]) -> ASGIApp | None:
        """Look at an http request (`headers`: its `header_map`): None lets it through to the
        app, else the ASGI app that answers it instead (the upgrade page, or one of the gate's
        routes).

        Sets `request.state.browser` and `request.state.user_agent`, and registers the notice
        when there is one. This runs on every request: the common one (a page for a browser
        seen before) is a few dict lookups.
        """
        get = headers.get
        key = (  # the Client Hints in HINT_HEADERS' order, which `_see` relies on
            get(b"user-agent"),
            get(b"sec-ch-ua"),
            get(b"sec-ch-ua-full-version-list"),
            get(b"sec-ch-ua-mobile"),
            get(b"sec-ch-ua-platform"),
        )
        seen = self._seen.get(key)
        if seen is None:
            seen = self._see(key)
        info, blocked, lazy = seen
        state = scope.get("state")
        if state is None:
            state = scope["state"] = {}
        state["user_agent"] = lazy

        path: str = scope["path"]
        root: str = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :] or "/"
        if self.exempt_all or path in self.special_paths or path.startswith(self.special_prefixes):
            own = path.startswith(self.prefix + "/") or path == self.prefix
            if own or self._is_exempt(path):
                state["browser"] = replace(info, verdict="exempt")
                if not own:
                    return None
                if path.startswith(f"{self.prefix}/static/"):
                    return partial(serve_static, path[len(self.prefix) + 8 :])
                route = self._routes.get(path)
                # None: the consent half's routes, further in.
                return None if route is None else partial(route, info=info)
        state["browser"] = info
        if not (blocked or self.notices):
            return None  # what follows is for pages: an upgrade page, or a notice on one
        # A browser's navigation says so in Fetch Metadata; anything else is looked at closely.
        navigation = get(b"sec-fetch-mode") == b"navigate" and scope["method"] in _NAVIGATE
        if not navigation and not _is_navigation(scope, headers):
            return None
        if blocked:
            self._log(info, scope, path)
            if self.browsers.mode == "block" and not self._continued(scope):
                return partial(self._upgrade_page, info=info, gated=True)
        if self.notices:
            self._add_notice(scope, info, warn=blocked and self.browsers.mode == "warn")
        return None

    def _headers(self, scope: Scope) -> Mapping[str, str]:
        """The request headers the gate's less travelled paths read, as text."""
        return request_headers(scope, self.read_headers)

    def _see(self, key: tuple[bytes | None, ...]) -> tuple[BrowserInfo, bool, LazyUserAgent]:
        """A User-Agent and Client Hints not seen lately: judged, and kept (bounded).

        The policy's own cache is bypassed: this one, keyed by the headers as sent, is the only
        one a request looks in.
        """
        cap = MAX_USER_AGENT_LENGTH
        sent, brands, full, mobile, platform = key
        user_agent = sent[:cap].decode("latin-1") if sent else ""
        hints = None
        # Written out, not a generator: this runs for every User-Agent not seen lately.
        if brands is not None or full is not None or mobile is not None or platform is not None:
            hints = (
                "" if brands is None else brands[:cap].decode("latin-1"),
                "" if full is None else full[:cap].decode("latin-1"),
                "" if mobile is None else mobile[:cap].decode("latin-1"),
                "" if platform is None else platform[:cap].decode("latin-1"),
            )
        policy = self.policy
        info = policy.verdict(user_agent, hints)
        seen = (info, policy.blocks(info), LazyUserAgent(policy, user_agent))
        if len(self._seen) >= self._seen_limit:
            self._seen.clear()  # no LRU bookkeeping on the hot path
        self._seen[key] = seen
        return seen

    def _is_exempt(self, path: str) -> bool:
        return self.exempt_all or path in self.exempt_paths or path.startswith(self.exempt_prefixes)

    def _continued(self, scope: Scope) -> bool:
        if not self.browsers.allow_continue:
            return False
        token = _cookie(self._headers(scope), CONTINUE_COOKIE)
        if not token:
            return False
        try:
            self.signer.loads(token, max_age=self.browsers.continue_max_age)
        except BadData:
            return False  # forged, expired or signed with a retired key: not continued
        return True

    def _log(self, info: BrowserInfo, scope: Scope, path: str) -> None:
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                "%s browser %r %r on %r (%s) %s %r: %s",
                info.verdict,
                info.family,
                info.version,
                info.os,
                info.reason,
                scope.get("method"),
                path[:200],
                {"block": "upgrade page", "warn": "notice", "report": "reported"}[
                    self.browsers.mode
                ],
            )

    # -- notices ------------------------------------------------------------------------------

    def _add_notice(self, scope: Scope, info: BrowserInfo, *, warn: bool) -> None:
        headers = self._headers(scope)
        dismissed = set((_cookie(headers, NOTICE_COOKIE) or "").split("."))
        kind = ""
        if warn and "warn" not in dismissed:
            kind = "warn"
        elif (
            self.browsers.mobile_notice
            and info.is_mobile
            and not info.is_tablet
            and "mobile" not in dismissed
        ):
            kind = "mobile"

        def render() -> str:
            if not kind:
                return ""
            locale = self.pages.negotiate(headers.get("accept-language"))
            base = scope.get("root_path", "") + self.prefix
            back = _current(scope)
            return self.pages.render(
                "notice.html",
                locale,
                kind=kind,
                browser=info,
                browser_label=_label(info),
                next=back,
                dismiss_url=f"{base}/notice",
                upgrade_url=f"{base}/upgrade?next={quote(back, safe='/')}",
            )

        # Registered even when there is nothing to show, for the Vary it adds to the page.
        add_fragment(scope, Fragment(render, NOTICE_VARY))

    # -- the upgrade page ---------------------------------------------------------------------

    async def _upgrade_page(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        info: BrowserInfo,
        gated: bool,
        back: str | None = None,
    ) -> None:
        headers = self._headers(scope)
        locale = self.pages.negotiate(headers.get("accept-language"))
        region = self._region(headers)
        user_agent = headers.get("user-agent", "")[:MAX_USER_AGENT_LENGTH]
        base = scope.get("root_path", "") + self.prefix
        back = back if back is not None else _current(scope)
        # The page depends on the browser, the language and the region, which repeat; only the
        # path to come back to changes with every page, so it is filled into a cached render.
        key = (locale, info, user_agent, region, base, gated)
        cached = self._rendered.get(key)
        if cached is None:
            cached = self._render_upgrade(locale, info, user_agent, region, base, gated)
            if len(self._rendered) >= RENDER_CACHE_SIZE:
                self._rendered.clear()  # rare: old browsers are few; no LRU bookkeeping
            self._rendered[key] = cached
        if _NEXT_MARK in cached:
            html = cached.replace(_NEXT_MARK, str(escape(back)))
        else:  # a site's template that transforms `next`: render it for this path
            html = self._render_upgrade(locale, info, user_agent, region, base, gated, back)
        body = html.encode("utf-8")
        response_headers = [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"content-language", locale.replace("_", "-").encode()),
            (b"vary", UPGRADE_VARY.encode()),
            (b"cache-control", b"private, no-store"),
            (b"content-security-policy", UPGRADE_CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
        ]
        status = self.browsers.status_code if gated else 200
        await send({"type": "http.response.start", "status": status, "headers": response_headers})
        await send({"type": "http.response.body", "body": b"" if _is_head(scope) else body})

    def _render_upgrade(
        self,
        locale: str,
        info: BrowserInfo,
        user_agent: str,
        region: str,
        base: str,
        gated: bool,
        back: str = _NEXT_MARK,
    ) -> str:
        return self.pages.render(
            "upgrade.html",
            locale,
            browser=info,
            browser_label=_label(info),
            advice=self._advice(info, user_agent, region),
            region=self._region_name(region, locale),
            allow_continue=gated and self.browsers.allow_continue,
            continue_url=f"{base}/continue",
            next=back,
            gated=gated,
        )

    def _advice(self, info: BrowserInfo, user_agent: str, region: str) -> Advice:
        return advise(
            os_family=info.os,
            user_agent=user_agent,
            agent=info.agent,
            shares=_shares(region),
            admits=self._admits,
        )

    def _admits(self, agent: str, version: str) -> bool:
        """Whether the policy lets through the browser `agent` at `version` (cached)."""
        key = (agent, version)
        admitted = self._admitted.get(key)
        if admitted is None:
            engine = {"edge": "chrome"}.get(agent, agent)
            judged = engine in ("chrome", "and_chr", "firefox", "and_ff", "ios_saf")
            detection = Detection(
                family=agent,
                agent=agent,
                version=version,
                engine=engine if judged else None,
                engine_version=version if judged else None,
            )
            admitted = self.policy.judge(detection).verdict == "supported"
            self._admitted[key] = admitted
        return admitted

    def _region(self, headers: Mapping[str, str]) -> str:
        if self.region_header:
            country = headers.get(self.region_header, "").strip().upper()
            if len(country) == 2 and country in self.known_regions:
                return country
        return self.browsers.share_region

    def _region_name(self, region: str, locale: str) -> str | None:
        """The region's name in the visitor's language; None for the world (the template's)."""
        if region == "alt-ww":
            return None
        territories = self.pages.territories(locale)
        return territories.get(_REGION_NAMES.get(region, region), region)

    # -- routes -------------------------------------------------------------------------------

    async def _upgrade_info(
        self, scope: Scope, receive: Receive, send: Send, *, info: BrowserInfo
    ) -> None:
        if scope.get("method") not in ("GET", "HEAD"):
            await _plain(405, "Method Not Allowed", {"Allow": "GET, HEAD"})(scope, receive, send)
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        back = safe_next(query.get("next"))
        await self._upgrade_page(scope, receive, send, info=info, gated=False, back=back)

    async def _continue(
        self, scope: Scope, receive: Receive, send: Send, *, info: BrowserInfo
    ) -> None:
        headers = self._headers(scope)
        form = await self._form(scope, receive, send, headers)
        if form is None:
            return
        response = _redirect(scope, safe_next(form.get("next")))
        if self.browsers.allow_continue:
            _set_cookie(
                response,
                scope,
                CONTINUE_COOKIE,
                self.signer.dumps(1),
                self.browsers.continue_max_age,
            )
        await response(scope, receive, send)

    async def _dismiss(
        self, scope: Scope, receive: Receive, send: Send, *, info: BrowserInfo
    ) -> None:
        headers = self._headers(scope)
        form = await self._form(scope, receive, send, headers)
        if form is None:
            return
        dismissed = {k for k in (_cookie(headers, NOTICE_COOKIE) or "").split(".") if k}
        kind = form.get("kind", "")
        if kind in ("warn", "mobile"):
            dismissed.add(kind)
        if headers.get("x-requested-with", "").lower() == "xmlhttprequest":
            response = Response(status_code=204)  # antechamber.js: no page to come back to
        else:
            response = _redirect(scope, safe_next(form.get("next")))
        _set_cookie(
            response, scope, NOTICE_COOKIE, ".".join(sorted(dismissed)) or "none", NOTICE_MAX_AGE
        )
        await response(scope, receive, send)

    async def _form(
        self, scope: Scope, receive: Receive, send: Send, headers: Mapping[str, str]
    ) -> dict[str, str] | None:
        """The posted form, or None after answering an error (method, origin, type, size)."""
        if scope.get("method") != "POST":
            await _plain(405, "Method Not Allowed", {"Allow": "POST"})(scope, receive, send)
            return None
        if not is_same_origin(headers, scope.get("scheme", "http")):
            await _plain(403, "Cross-site request refused")(scope, receive, send)
            return None
        content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if content_type not in ("application/x-www-form-urlencoded", ""):
            await _plain(415, "Send a form (application/x-www-form-urlencoded)")(
                scope, receive, send
            )
            return None
        body = await _read_body(receive, MAX_FORM_BODY)
        if body is None:
            await _plain(413, "Request body too large")(scope, receive, send)
            return None
        fields: dict[str, str] = {}
        for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
            fields.setdefault(name, value)
        return fields


# -- helpers ----------------------------------------------------------------------------------


def _current(scope: Scope) -> str:
    """The path and query of this request, to come back to."""
    path = quote(scope.get("path", "/"), safe="/%:@!$&'()*+,;=-._~")
    query = scope.get("query_string", b"")
    back = f"{path}?{query.decode('latin-1')}" if query else path
    return safe_next(back)


def _is_head(scope: Scope) -> bool:
    return scope.get("method") == "HEAD"


def _is_navigation(scope: Scope, headers: Mapping[bytes, bytes]) -> bool:
    """A GET/HEAD for a page: what Fetch Metadata says, else an Accept that admits HTML."""
    if scope.get("method") not in _NAVIGATE:
        return False
    mode = headers.get(b"sec-fetch-mode")
    dest = headers.get(b"sec-fetch-dest")
    if mode is not None or dest is not None:
        return mode == b"navigate" or dest == b"document"
    if headers.get(b"x-requested-with", b"").lower() == b"xmlhttprequest":
        return False
    accept = headers.get(b"accept")
    return accept is not None and _accepts_html(accept)


@lru_cache(maxsize=256)
def _accepts_html(accept: bytes) -> bool:
    # Old browsers send no Fetch Metadata; IE 8 navigates with "image/jpeg, ..., */*".
    ranges: dict[str, float] = {}
    for entry in accept[:2048].decode("latin-1").split(",")[:64]:
        media, _, params = entry.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.setdefault(media.strip().lower(), quality)
    for media in ("text/html", "application/xhtml+xml", "text/*", "*/*"):
        if media in ranges:
            return ranges[media] > 0
    return False


def _cookie(headers: Mapping[str, str], name: str) -> str | None:
    raw = headers.get("cookie")
    if not raw or name not in raw:
        return None
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value.strip().strip('"')
    return None


def _set_cookie(response: Response, scope: Scope, name: str, value: str, max_age: int) -> None:
    """The gate's cookies: site-wide, HttpOnly, SameSite=Lax, Secure on https."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=scope.get("scheme") == "https",
        httponly=True,
        samesite="lax",
    )


def _redirect(scope: Scope, location: str) -> Response:
    return Response(status_code=303, headers={"Location": location, "Cache-Control": "no-store"})


def _plain(status: int, text: str, headers: Mapping[str, str] | None = None) -> Response:
    return Response(text, status_code=status, media_type="text/plain", headers=dict(headers or {}))


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    body = b""
    more = True
    while more:
        message: Message = await receive()
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        if len(body) > limit:
            return None
        more = message.get("more_body", False)
    return body


# ua-parser's short family names, as people know the browsers.
_DISPLAY_NAMES: Final = {"IE": "Internet Explorer", "IE Mobile": "Internet Explorer Mobile"}


def _label(info: BrowserInfo) -> str:
    if info.family in ("", "Other"):
        return ""
    family = _DISPLAY_NAMES.get(info.family, info.family)
    return f"{family} {info.version}" if info.version else family


@lru_cache(maxsize=64)
def _shares(region: str) -> dict[str, float]:
    return brand_shares(region)
