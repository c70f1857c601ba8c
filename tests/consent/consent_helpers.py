"""A small Starlette site behind `CookieConsentMiddleware`, and helpers to talk to it.

(A module of its own, not conftest.py, so that tests can import it by a name no other test
directory uses.)
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from http.cookiejar import CookieJar
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from antechamber.consent import CookieConsentMiddleware, banner_html
from antechamber.consent.records import ConsentStore
from antechamber.settings import Partner, Settings

KEY = "test-key-0123456789-abcdef"
OLD_KEY = "old-key-0123456789-abcdef"
OTHER_KEY = "someone-elses-key-0123456789"
COOKIE = "antechamber_consent"
T0 = 1_700_000_000.0

GOOGLE_ANALYTICS = Partner(
    "google_analytics",
    "Google Analytics",
    "analytics",
    cookies=["_ga", "_ga_*", "_gid"],
    privacy_url="https://policies.google.com/privacy",
    purposes="Counts visits and measures how the site is used.",
)
META_PIXEL = Partner(
    "meta_pixel",
    "Meta Pixel",
    "advertising",
    cookies=["_fbp"],
    privacy_url="https://www.facebook.com/privacy/policy/",
    purposes="Measures how ads perform.",
)
YOUTUBE = Partner("youtube", "YouTube", "social", cookies=["VISITOR_INFO1_LIVE"])
PARTNERS = [GOOGLE_ANALYTICS, META_PIXEL, YOUTUBE]

PAGE = "<!doctype html><html><head><title>Site</title></head><body><h1>News</h1></body></html>"


class Clock:
    """Injected time: tests move it forward instead of sleeping."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _browsers() -> Any:
    # The browser half is not under test here; it is switched off.
    return {"enabled": False}


def make_settings(*, secret_key: Any = KEY, **consent: Any) -> Settings:
    consent.setdefault("partners", PARTNERS)
    return Settings(secret_key=secret_key, consent=consent, browsers=_browsers())


async def home(request: Request) -> Response:
    return HTMLResponse(PAGE)


async def state(request: Request) -> Response:
    return JSONResponse(request.state.consent.to_json())


async def set_cookies(request: Request) -> Response:
    response = HTMLResponse(PAGE)
    for name in ("_ga", "_ga_ABC123", "_gid", "_fbp", "VISITOR_INFO1_LIVE", "session", "lang"):
        response.set_cookie(name, "1")
    response.delete_cookie("_fbp", path="/old")
    return response


async def data(request: Request) -> Response:
    return JSONResponse({"ok": True})


async def manual(request: Request) -> Response:
    return HTMLResponse(f"<html><body><p>Manual</p>{banner_html(request)}</body></html>")


async def stream(request: Request) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"<html><body><p>one</p>"
        yield b"<p>two</p></bo"
        yield b"dy></html>"

    return StreamingResponse(chunks(), media_type="text/html")


ROUTES = [
    Route("/", home),
    Route("/articles/{slug}", home),
    Route("/state", state),
    Route("/set-cookies", set_cookies),
    Route("/data", data),
    Route("/manual", manual),
    Route("/stream", stream),
]


def make_app(
    *,
    clock: Callable[[], float] | None = None,
    store: ConsentStore | None = None,
    secret_key: Any = KEY,
    **consent: Any,
) -> Starlette:
    settings = make_settings(secret_key=secret_key, **consent)
    return Starlette(
        routes=ROUTES,
        middleware=[
            Middleware(
                CookieConsentMiddleware,
                settings=settings,
                clock=clock or Clock(),
                store=store,
            )
        ],
    )


class _NoJar(CookieJar):
    """Keeps nothing: each test sends exactly the Cookie header it means."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        pass


def client(app: Any, base_url: str = "http://testserver") -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=base_url, cookies=_NoJar()
    )


def set_cookie_lines(response: httpx.Response) -> list[str]:
    return response.headers.get_list("set-cookie")


def consent_cookie(response: httpx.Response) -> str:
    """The value of the consent cookie a response sets."""
    for line in set_cookie_lines(response):
        match = re.match(rf"{COOKIE}=([^;]*)", line)
        if match:
            return match.group(1)
    raise AssertionError(f"no consent cookie in {set_cookie_lines(response)!r}")


def cookie_header(value: str, **others: str) -> dict[str, str]:
    pairs = [f"{COOKIE}={value}", *(f"{k}={v}" for k, v in others.items())]
    return {"cookie": "; ".join(pairs)}


async def choose(
    c: httpx.AsyncClient, action: str, *, headers: dict[str, str] | None = None, **fields: Any
) -> httpx.Response:
    """POST a choice as JSON, the way consent.js does."""
    return await c.post(
        "/_antechamber/consent", json={"action": action, **fields}, headers=headers or {}
    )


async def decided_cookie(app: Any, action: str = "accept_all", **fields: Any) -> str:
    async with client(app) as c:
        response = await choose(c, action, **fields)
        assert response.status_code == 200, response.text
        return consent_cookie(response)
