"""`BrowserPolicyMiddleware`: the browser gate alone, as one pure ASGI middleware."""

from __future__ import annotations

from starlette.types import ASGIApp

from antechamber.browsers.endpoints import CONTINUE_COOKIE, NOTICE_COOKIE
from antechamber.browsers.gate import CONTINUE_SALT, Gate, LazyUserAgent
from antechamber.settings import Settings
from antechamber.web.pipeline import Pipeline

__all__ = [
    "CONTINUE_COOKIE",
    "CONTINUE_SALT",
    "NOTICE_COOKIE",
    "BrowserPolicyMiddleware",
    "LazyUserAgent",
]


class BrowserPolicyMiddleware(Pipeline):
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
        self.settings = settings if settings is not None else Settings(consent={"enabled": False})
        self.gate = Gate(self.settings)
        self.policy = self.gate.policy
        super().__init__(app, [self.gate])
