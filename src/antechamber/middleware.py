"""`Antechamber`: the browser gate and the consent manager as one ASGI middleware."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from antechamber.browsers.middleware import BrowserPolicyMiddleware
from antechamber.consent.middleware import CookieConsentMiddleware
from antechamber.html import run_with_fragments
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
        self.app, self.http = self._chain(app)
        self.preview_path: str | None = None
        if self.settings.preview:
            # The same gate and consent manager, in front of a sample page instead of the site.
            self.preview_path = f"{self.settings.route_prefix}/preview"
            self.preview = self._chain(PreviewPage(self.preview_path, self.settings.locales))[1]

    def _chain(self, app: ASGIApp) -> tuple[ASGIApp, ASGIApp]:
        """The chain for every scope, and where an http request enters it.

        The halves do not insert fragments themselves (this class does, once, around both), and
        an http request goes straight to each half's http handling, skipping the scope checks
        already made here.
        """
        http = app
        if self.settings.consent.enabled:
            consent = CookieConsentMiddleware(app, settings=self.settings)
            consent.inserts = False
            app, http = consent, consent.handle
        if self.settings.browsers.enabled:
            gate = BrowserPolicyMiddleware(app, settings=self.settings)
            gate.inserts = False
            gate.next_http = http
            app, http = gate, gate.handle
        return app, http

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == self.preview_path:
            await run_with_fragments(self.preview, preview_scope(scope), receive, send)
            return
        await run_with_fragments(self.http, scope, receive, send)
