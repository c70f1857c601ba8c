"""The site the load tests serve with uvicorn: `Antechamber` in front of a small Starlette app.

Configured from the environment, since uvicorn imports it in a fresh process:
LOAD_SECRET (the signing key), LOAD_CONSENT_LOG (e.g. "sqlite:///tmp/x.db"; unset: no records).
"""

from __future__ import annotations

import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from antechamber import Antechamber, Settings
from antechamber.settings import Partner

PAGE = (
    "<!doctype html><html><head><title>Load</title></head><body>"
    + "<p>Some article text to carry the page along.</p>" * 40
    + "</body></html>"
)


async def page(request: Request) -> Response:
    return HTMLResponse(PAGE)


async def data(request: Request) -> Response:
    return JSONResponse(
        {"decided": request.state.consent.decided, "verdict": request.state.browser.verdict}
    )


async def partners(request: Request) -> Response:
    response = HTMLResponse(PAGE)
    response.set_cookie("_ga", "GA1.1.123.456")
    response.set_cookie("_fbp", "fb.1.2.3")
    return response


site = Starlette(routes=[Route("/", page), Route("/api/data", data), Route("/partners", partners)])
settings = Settings(
    secret_key=os.environ.get("LOAD_SECRET", "load-test-secret-key-000000"),
    consent={
        "partners": [
            Partner("ga", "Google Analytics", "analytics", cookies=["_ga", "_ga_*"]),
            Partner("pixel", "Ad Pixel", "advertising", cookies=["_fbp"]),
        ],
        "log": os.environ.get("LOAD_CONSENT_LOG") or None,
    },
)
app = Antechamber(site, settings=settings)
