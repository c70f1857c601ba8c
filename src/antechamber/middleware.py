"""`Antechamber`: the browser gate and the consent manager as one ASGI middleware."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from antechamber.browsers.middleware import BrowserPolicyMiddleware
from antechamber.consent.middleware import CookieConsentMiddleware
from antechamber.html import header_map, inserting_send
from antechamber.preview import PreviewPage, preview_scope
from antechamber.settings import Settings

__all__ = ["Antechamber"]


class Antechamber:
    """Both halves of antechamber in front of any ASGI app.

        app = Antechamber(app, settings=Settings(secret_key="..."))
        # or: fastapi_app.add_middleware(Antechamber, settings=Settings(...))

    The gate runs first, so a visitor shown the upgrade page is not asked for consent; the warn
    notice and the consent banner are inserted into the page together, in one pass. Either half
    is switched off with `browsers.enabled` / `consent.enabled`. With `settings=None` the settings
    come from the environment (`ANTECHAMBER_*`, `ANTECHAMBER_CONFIG`). With `preview=True`,
    `{route_prefix}/preview?ua=...&lang=...` shows what another browser would be served.
    """

    def __init__(self, app: ASGIApp, *, settings: Settings | None = None) -> None:
        self.settings = settings if settings is not None else Settings()
        self.site = app
        self.gate: BrowserPolicyMiddleware | None = None
        self.consent: CookieConsentMiddleware | None = None
        # Other scopes (lifespan, websocket) go through the halves' own __call__; an http request
        # is looked at by each half's `admit` in turn, and only the site is awaited.
        if self.settings.consent.enabled:
            app = self.consent = CookieConsentMiddleware(app, settings=self.settings)
        if self.settings.browsers.enabled:
            app = self.gate = BrowserPolicyMiddleware(app, settings=self.settings)
        self.app = app
        self.preview_path: str | None = None
        if self.settings.preview:
            # The same gate and consent manager, in front of a sample page instead of the site.
            self.preview_path = f"{self.settings.route_prefix}/preview"
            self.preview = PreviewPage(self.preview_path, self.settings.locales)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        site = self.site
        if scope["path"] == self.preview_path:
            site, scope = self.preview, preview_scope(scope)
        headers = header_map(scope)
        answer = None if self.gate is None else self.gate.admit(scope, headers)
        if answer is None and self.consent is not None:
            answer = self.consent.admit(scope, headers)
            if answer is None:
                send = self.consent.wrap_send(scope, send)
        if answer is not None:
            await answer(scope, receive, send)
        else:
            await site(scope, receive, inserting_send(scope, send))
