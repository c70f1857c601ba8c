"""`Antechamber`: the browser gate and the consent manager as one ASGI middleware."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from antechamber.browsers.middleware import BrowserPolicyMiddleware
from antechamber.consent.middleware import CookieConsentMiddleware
from antechamber.html import run_with_fragments
from antechamber.settings import Settings

__all__ = ["Antechamber"]


class Antechamber:
    """Both halves of antechamber in front of any ASGI app.

        app = Antechamber(app, settings=Settings(secret_key="..."))
        # or: fastapi_app.add_middleware(Antechamber, settings=Settings(...))

    The gate runs first, so a visitor shown the upgrade page is not asked for consent; the warn
    notice and the consent banner are inserted into the page together, in one pass. Either half
    is switched off with `browsers.enabled` / `consent.enabled`. With `settings=None` the settings
    come from the environment (`ANTECHAMBER_*`, `ANTECHAMBER_CONFIG`).
    """

    def __init__(self, app: ASGIApp, *, settings: Settings | None = None) -> None:
        self.settings = settings if settings is not None else Settings()
        inner = app
        if self.settings.consent.enabled:
            inner = CookieConsentMiddleware(inner, settings=self.settings)
        if self.settings.browsers.enabled:
            inner = BrowserPolicyMiddleware(inner, settings=self.settings)
        self.app = inner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await run_with_fragments(self.app, scope, receive, send)
