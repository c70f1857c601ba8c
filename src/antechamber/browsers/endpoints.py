"""The gate's answers: the upgrade page, and its routes (`continue`, `notice`, `upgrade`)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qsl

from markupsafe import escape
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from antechamber.browsers.caniuse import regions
from antechamber.browsers.detect import MAX_USER_AGENT_LENGTH
from antechamber.browsers.policy import BrowserInfo
from antechamber.browsers.shares import brand_shares
from antechamber.browsers.upgrade import Advice, advise
from antechamber.security import is_same_origin, safe_next
from antechamber.web.cache import BoundedCache
from antechamber.web.forms import (
    FORM,
    BadRequest,
    method_not_allowed,
    parse_form,
    plain,
    read_body,
    redirect,
    set_cookie,
)
from antechamber.web.request import Visit

if TYPE_CHECKING:
    from antechamber.browsers.gate import Gate

__all__ = [
    "CONTINUE_COOKIE",
    "NOTICE_COOKIE",
    "UPGRADE_CSP",
    "UPGRADE_VARY",
    "GateEndpoints",
    "label",
]

CONTINUE_COOKIE: Final = "antechamber_continue"
NOTICE_COOKIE: Final = "antechamber_notice"  # the dismissed notices, "warn" and/or "mobile"
NOTICE_MAX_AGE: Final = 180 * 24 * 3600
MAX_FORM_BODY: Final = 8 * 1024
_NEXT_MARK: Final = "\x00antechamber-next\x00"
UPGRADE_VARY: Final = "User-Agent, Sec-CH-UA, Accept-Language"
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
# ua-parser's short family names, as people know the browsers.
_DISPLAY_NAMES: Final = {"IE": "Internet Explorer", "IE Mobile": "Internet Explorer Mobile"}


def label(info: BrowserInfo) -> str:
    """The browser as people name it: "Internet Explorer 11"; "" when not recognised."""
    if info.family in ("", "Other"):
        return ""
    family = _DISPLAY_NAMES.get(info.family, info.family)
    return f"{family} {info.version}" if info.version else family


class GateEndpoints:
    """What the gate answers instead of the site."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        self.browsers = gate.browsers
        self.pages = gate.pages
        self.known_regions = frozenset(regions())
        # The page depends on the browser, the language and the region, which repeat; only the
        # path to come back to changes with every page, so it is filled into a cached render.
        self.rendered: BoundedCache[tuple[object, ...], str] = BoundedCache(256)

    async def upgrade_page(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        info: BrowserInfo,
        gated: bool,
        back: str | None = None,
    ) -> None:
        visit = Visit.of(scope)
        locale = self.pages.negotiate(visit.headers.get("accept-language"))
        region = self._region(visit)
        user_agent = visit.headers.get("user-agent", "")[:MAX_USER_AGENT_LENGTH]
        back = back if back is not None else visit.current
        key = (locale, info, user_agent, region, visit.root_path, gated)
        cached = self.rendered.get(key)
        if cached is None:
            cached = self.rendered.put(key, self._render(key))
        if _NEXT_MARK in cached:
            html = cached.replace(_NEXT_MARK, str(escape(back)))
        else:  # a site's template that transforms `next`: render it for this path
            html = self._render(key, back)
        body = html.encode("utf-8")
        response = Response(
            b"" if visit.method == "HEAD" else body,
            status_code=self.browsers.status_code if gated else 200,
            media_type="text/html; charset=utf-8",
            headers={
                "Content-Language": locale.replace("_", "-"),
                "Vary": UPGRADE_VARY,
                "Cache-Control": "private, no-store",
                "Content-Security-Policy": UPGRADE_CSP,
                "X-Content-Type-Options": "nosniff",
            },
        )
        response.headers["content-length"] = str(len(body))
        await response(scope, receive, send)

    def _render(self, key: tuple[object, ...], back: str = _NEXT_MARK) -> str:
        locale, info, user_agent, region, root, gated = key
        assert isinstance(info, BrowserInfo) and isinstance(locale, str)
        assert isinstance(region, str) and isinstance(user_agent, str)
        assert isinstance(root, str)
        base = root + self.gate.prefix
        return self.pages.render(
            "upgrade.html",
            locale,
            root=root,
            browser=info,
            browser_label=label(info),
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
            admits=self.gate.policy.admits,
        )

    def _region(self, visit: Visit) -> str:
        header = self.browsers.region_header
        if header:
            country = visit.headers.get(header, "").strip().upper()
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

    async def upgrade_info(
        self, scope: Scope, receive: Receive, send: Send, *, info: BrowserInfo
    ) -> None:
        if scope.get("method") not in ("GET", "HEAD"):
            await method_not_allowed("GET, HEAD")(scope, receive, send)
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")[:4096]))
        back = safe_next(query.get("next"))
        await self.upgrade_page(scope, receive, send, info=info, gated=False, back=back)

    async def continue_anyway(
        self, scope: Scope, receive: Receive, send: Send, *, info: BrowserInfo
    ) -> None:
        visit = Visit.of(scope)
        form = await self._form(visit, receive, send)
        if form is None:
            return
        response = redirect(safe_next(form.get("next")))
        if self.browsers.allow_continue:
            set_cookie(
                response,
                CONTINUE_COOKIE,
                self.gate.signer.dumps(1),
                max_age=self.browsers.continue_max_age,
                secure=visit.secure,
            )
        await response(scope, receive, send)

    async def dismiss(
        self, scope: Scope, receive: Receive, send: Send, *, info: BrowserInfo
    ) -> None:
        visit = Visit.of(scope)
        form = await self._form(visit, receive, send)
        if form is None:
            return
        dismissed = {k for k in (visit.cookie(NOTICE_COOKIE) or "").split(".") if k}
        if form.get("kind", "") in ("warn", "mobile"):
            dismissed.add(form["kind"])
        if visit.headers.get("x-requested-with", "").lower() == "xmlhttprequest":
            response = Response(status_code=204)  # antechamber.js: no page to come back to
        else:
            response = redirect(safe_next(form.get("next")))
        value = ".".join(sorted(dismissed)) or "none"
        set_cookie(response, NOTICE_COOKIE, value, max_age=NOTICE_MAX_AGE, secure=visit.secure)
        await response(scope, receive, send)

    async def _form(self, visit: Visit, receive: Receive, send: Send) -> dict[str, str] | None:
        """The posted form, or None after answering an error (method, origin, type, size)."""
        scope = visit.scope
        answer: Response | None = None
        if visit.method != "POST":
            answer = method_not_allowed("POST")
        elif not is_same_origin(visit.headers, scope.get("scheme", "http")):
            answer = plain(403, "Cross-site request refused")
        elif visit.headers.get("content-type", "").split(";", 1)[0].strip().lower() not in (
            FORM,
            "",
        ):
            answer = plain(415, "Send a form (application/x-www-form-urlencoded)")
        if answer is None:
            try:
                body = await read_body(receive, MAX_FORM_BODY)
                return parse_form(body)
            except BadRequest as error:
                text = "Request body too large" if error.status == 413 else "Bad request"
                answer = plain(error.status, text)
        await answer(scope, receive, send)
        return None


@lru_cache(maxsize=64)
def _shares(region: str) -> dict[str, float]:
    return brand_shares(region)
