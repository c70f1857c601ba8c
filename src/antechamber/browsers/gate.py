"""`Gate`: the browser half of antechamber: the verdict on each request, and what follows from
it (the upgrade page, a notice on the page, the gate's own endpoints)."""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from functools import partial
from typing import Any, Final
from urllib.parse import quote

from itsdangerous import BadData, URLSafeTimedSerializer
from starlette.types import ASGIApp

from antechamber.assets import serve_static
from antechamber.browsers.detect import MAX_USER_AGENT_LENGTH
from antechamber.browsers.detection.hints import sent_hints
from antechamber.browsers.endpoints import CONTINUE_COOKIE, NOTICE_COOKIE, GateEndpoints, label
from antechamber.browsers.policy import BrowserInfo, BrowserPolicy
from antechamber.pages import Pages
from antechamber.settings import Settings
from antechamber.web.cache import BoundedCache
from antechamber.web.pipeline import Half
from antechamber.web.request import Visit
from antechamber.web.rewrite import Fragment

__all__ = ["CONTINUE_COOKIE", "CONTINUE_SALT", "NOTICE_COOKIE", "Gate", "LazyUserAgent"]

logger = logging.getLogger("antechamber.browsers")

CONTINUE_SALT: Final = "antechamber.continue"
# The notice depends on the browser, the language and the dismissal cookie: a cache keyed on
# less would serve one visitor's notice (or its absence) to another.
NOTICE_VARY: Final = ("User-Agent", "Sec-CH-UA", "Accept-Language", "Cookie")
_NAVIGATE: Final = ("GET", "HEAD")
# What a verdict depends on: the User-Agent and the four Client Hints (HINT_HEADERS), as sent.
_Judged = tuple[bytes | None, bytes | None, bytes | None, bytes | None, bytes | None]

_warned_no_key = False


class LazyUserAgent:
    """`request.state.user_agent`: the `user_agents.UserAgent`, parsed on first attribute access.

    It forwards every attribute (`is_mobile`, `os`, `browser` ...) and passes
    `isinstance(x, UserAgent)`, so apps use it as the real object; a request that never reads it
    pays for nothing but this small object.
    """

    __slots__ = ("_policy", "_ua", "_value")

    def __init__(self, policy: BrowserPolicy, user_agent: str | bytes) -> None:
        self._policy = policy
        self._ua = user_agent  # bytes as sent: decoded only when read
        self._value: Any = None

    def _get(self) -> Any:
        if self._value is None:
            ua = self._ua
            self._value = self._policy.user_agent(
                ua.decode("latin-1") if isinstance(ua, bytes) else ua
            )
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


class Gate(Half):
    """The browser half: `admit` judges the browser, answers with the upgrade page or the gate's
    endpoints, or lets the request through with a notice registered for its page."""

    def __init__(self, settings: Settings) -> None:
        global _warned_no_key
        self.settings = settings
        browsers = self.browsers = settings.browsers
        self.policy = BrowserPolicy(
            browsers.supported,
            unknown=browsers.unknown,
            cache_size=max(1, browsers.cache_size),
            browserslist_config=browsers.browserslist_config,
            browserslist_env=browsers.browserslist_env,
            browserslist_stats=browsers.browserslist_stats,
        )
        self.pages = Pages(settings)
        self.prefix = settings.route_prefix
        exempt = [p.rstrip("/") for p in browsers.exempt_paths]
        # Whole segments: "/static" exempts "/static" and "/static/x", not "/staticky"; an
        # exempt path "/" (stripped to "") exempts everything.
        self.exempt_all = "" in exempt
        self.exempt_paths = frozenset(exempt)
        self.exempt_prefixes = tuple(p + "/" for p in exempt if p)
        keys = settings.secret_keys
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
        self.notices = browsers.mode == "warn" or browsers.mobile_notice
        self.endpoints = GateEndpoints(self)
        self.accepts_html: BoundedCache[str, bool] = BoundedCache(256)
        # Verdicts (and whether they block) by User-Agent and Client Hints as sent: a repeat
        # visitor's request decodes nothing. With the policy's cache alone (keyed by decoded
        # text), the gate cost 27.5k instructions a request (scripts/bench --instructions).
        # The `request.state.user_agent` of that User-Agent is kept with them: one object per
        # User-Agent, as the parsed object behind it already is (the policy keeps those).
        self.verdicts: BoundedCache[_Judged, tuple[BrowserInfo, bool, LazyUserAgent]] = (
            BoundedCache(max(1, browsers.cache_size))
        )
        self.own_prefix = self.prefix + "/"
        self.set_apart = self.exempt_paths | {self.prefix}
        self.set_apart_prefixes = (self.own_prefix, *self.exempt_prefixes)
        self.routes = {
            f"{self.prefix}/continue": self.endpoints.continue_anyway,
            f"{self.prefix}/notice": self.endpoints.dismiss,
            f"{self.prefix}/upgrade": self.endpoints.upgrade_info,
        }

    def admit(self, visit: Visit) -> ASGIApp | None:
        """Sets `request.state.browser` and `request.state.user_agent`; None lets the request
        through, else the ASGI app that answers it (the upgrade page, one of the gate's routes)."""
        # Spelt out: a map over the names cost 1.7k instructions a request more (scripts/bench
        # --instructions).
        get = visit.raw.get
        judged: _Judged = (
            get(b"user-agent"),
            get(b"sec-ch-ua"),
            get(b"sec-ch-ua-full-version-list"),
            get(b"sec-ch-ua-mobile"),
            get(b"sec-ch-ua-platform"),
        )
        verdict = self.verdicts.get(judged)
        if verdict is None:
            verdict = self.verdicts.put(judged, self._judge(judged))
        info, blocked, visit.state["user_agent"] = verdict
        path = visit.path
        if self.exempt_all or path in self.set_apart or path.startswith(self.set_apart_prefixes):
            # The gate's own routes and the exempt paths.
            own = path.startswith(self.own_prefix) or path == self.prefix
            visit.state["browser"] = replace(info, verdict="exempt")
            if not own:
                return None
            if path.startswith(f"{self.prefix}/static/"):
                return partial(serve_static, path[len(self.prefix) + 8 :])
            route = self.routes.get(path)
            # None: the consent half's routes, further in.
            return None if route is None else partial(route, info=info)
        visit.state["browser"] = info
        if not (blocked or self.notices) or not self._is_navigation(visit):
            return None  # what follows is for pages: an upgrade page, or a notice on one
        if blocked:
            self._log(info, visit)
            if self.browsers.mode == "block" and not self._continued(visit):
                return partial(self.endpoints.upgrade_page, info=info, gated=True)
        if self.notices:
            self._add_notice(visit, info, warn=blocked and self.browsers.mode == "warn")
        return None

    def _judge(self, judged: _Judged) -> tuple[BrowserInfo, bool, LazyUserAgent]:
        """The verdict on a User-Agent and the four Client Hints, as sent (as `admit` keys it)."""
        sent, brands, full, mobile, platform = judged
        user_agent = (sent or b"")[:MAX_USER_AGENT_LENGTH].decode("latin-1")
        # `verdict`, not `inspect`: the gate keeps its verdicts itself (by the headers as sent),
        # and the policy's cache by User-Agent would hold a second copy of each.
        info = self.policy.verdict(user_agent, sent_hints(brands, full, mobile, platform))
        lazy = LazyUserAgent(self.policy, sent or b"")
        return info, self.policy.blocks(info), lazy

    def _continued(self, visit: Visit) -> bool:
        token = visit.cookie(CONTINUE_COOKIE)
        if not self.browsers.allow_continue or not token:
            return False
        try:
            self.signer.loads(token, max_age=self.browsers.continue_max_age)
        except BadData:
            return False  # forged, expired or signed with a retired key: not continued
        return True

    def _log(self, info: BrowserInfo, visit: Visit) -> None:
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                "%s browser %r %r on %r (%s) %s %r: %s",
                info.verdict,
                info.family,
                info.version,
                info.os,
                info.reason,
                visit.method,
                visit.path[:200],
                {"block": "upgrade page", "warn": "notice", "report": "reported"}[
                    self.browsers.mode
                ],
            )

    def _is_navigation(self, visit: Visit) -> bool:
        """A GET/HEAD for a page: what Fetch Metadata says, else an Accept that admits HTML."""
        if visit.method not in _NAVIGATE:
            return False
        mode = visit.header("sec-fetch-mode")
        dest = visit.header("sec-fetch-dest")
        if mode is not None or dest is not None:
            return mode == "navigate" or dest == "document"
        if (visit.header("x-requested-with") or "").lower() == "xmlhttprequest":
            return False
        accept = visit.header("accept")
        return accept is not None and self.accepts_html.get_or(accept, _accepts_html)

    def _add_notice(self, visit: Visit, info: BrowserInfo, *, warn: bool) -> None:
        dismissed = set((visit.cookie(NOTICE_COOKIE) or "").split("."))
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

        def render(visit: Visit) -> str:
            if not kind:
                return ""
            locale = self.pages.negotiate(visit.header("accept-language"))
            base = visit.root_path + self.prefix
            back = visit.current
            return self.pages.render(
                "notice.html",
                locale,
                root=visit.root_path,
                kind=kind,
                browser=info,
                browser_label=label(info),
                next=back,
                dismiss_url=f"{base}/notice",
                upgrade_url=f"{base}/upgrade?next={quote(back, safe='/')}",
            )

        # Registered even when there is nothing to show, for the Vary it adds to the page.
        visit.add_fragment(Fragment(render, NOTICE_VARY))


def _accepts_html(accept: str) -> bool:
    # Old browsers send no Fetch Metadata; IE 8 navigates with "image/jpeg, ..., */*".
    ranges: dict[str, float] = {}
    for entry in accept[:2048].split(",")[:64]:
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
