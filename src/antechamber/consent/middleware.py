"""`CookieConsentMiddleware`: the consent half of antechamber alone, as one ASGI middleware."""

from __future__ import annotations

import time
from collections.abc import Callable

from starlette.types import ASGIApp

from antechamber.consent.half import ConsentHalf
from antechamber.consent.records import ConsentStore
from antechamber.settings import Settings
from antechamber.web.pipeline import Pipeline

__all__ = ["CookieConsentMiddleware"]


class CookieConsentMiddleware(Pipeline):
    """Asks for, keeps and enforces the visitor's cookie consent, in front of any ASGI app.

        app = CookieConsentMiddleware(app, settings=Settings(secret_key="...", consent={...}))
        # in the app: request.state.consent.granted("analytics")

    Per request it reads the signed consent cookie into `scope["state"]["consent"]`, inserts the
    banner (`banner="inject"`) into HTML pages, removes `Set-Cookie` headers the visitor has not
    consented to, and deletes refused cookies the request carries. Its own endpoints live under
    `route_prefix`: `/consent` (GET the state, POST a choice), `/preferences`, `/gcm.js` and
    `/static/...`.

    `clock` (seconds since the epoch) is for tests; `store` replaces the one `consent.log` names,
    e.g. with a store of your own (see `ConsentStore`).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: Settings | None = None,
        clock: Callable[[], float] = time.time,
        store: ConsentStore | None = None,
    ) -> None:
        self.settings = settings if settings is not None else Settings()
        self.half: ConsentHalf | None = None
        if self.settings.consent.enabled:
            self.half = ConsentHalf(self.settings, clock=clock, store=store)
        self.enabled = self.half is not None
        super().__init__(app, [self.half] if self.half is not None else [])
