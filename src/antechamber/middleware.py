"""`Antechamber`: the browser gate and the consent manager as one ASGI middleware."""

from __future__ import annotations

from starlette.types import ASGIApp

from antechamber.browsers.gate import Gate
from antechamber.consent.half import ConsentHalf
from antechamber.preview import Preview
from antechamber.settings import Settings
from antechamber.web.pipeline import Half, Pipeline

__all__ = ["Antechamber"]


class Antechamber(Pipeline):
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
        self.gate = Gate(self.settings) if self.settings.browsers.enabled else None
        self.consent = ConsentHalf(self.settings) if self.settings.consent.enabled else None
        halves: list[Half] = [h for h in (self.gate, self.consent) if h is not None]
        if self.settings.preview:
            # The same gate and consent manager, in front of a sample page instead of the site.
            preview = Preview(self.settings.route_prefix, self.settings.locales, halves)
            halves = [preview, *halves]
        super().__init__(app, halves)
