"""A small real site (Starlette: StaticFiles, FileResponse, streams, partials) behind
antechamber, and a client for it. A module of its own, imported by the tests in this folder."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from antechamber import Antechamber, Partner, Settings

KEY = "web-rules-key-0123456789-abcdef"
HOST = "www.example.com"
ORIGIN = f"https://{HOST}"
BANNER = 'id="antechamber-consent-banner"'
DATA = 'id="antechamber-consent-data"'
GOOGLE_ANALYTICS = Partner(
    "google_analytics", "Google Analytics", "analytics", cookies=["_ga", "_ga_*"]
)
META_PIXEL = Partner("meta_pixel", "Meta Pixel", "advertising", cookies=["_fbp"])

# A page as a stock static site serves it: the analytics tag gated by consent.
INDEX = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Home</title></head>\n'
    "<body><h1>Home</h1>\n"
    + "<p>Some words about the site, repeated to make a page of a realistic size.</p>\n"
    * 18
    + '<script type="text/plain" data-consent="analytics" src="/ga.js"></script>\n'
    "</body></html>\n"
)


def settings(**consent: Any) -> Settings:
    consent.setdefault("partners", [GOOGLE_ANALYTICS, META_PIXEL])
    return Settings(secret_key=KEY, consent=consent, browsers={"enabled": False})


def write_site(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "index.html").write_text(INDEX)
    (root / "page.html").write_text(INDEX.replace("Home", "Page"))
    return root


def streamed(chunks: Iterable[str | bytes], media_type: str = "text/html") -> Response:
    async def body() -> AsyncIterator[str | bytes]:
        for chunk in chunks:
            yield chunk

    return StreamingResponse(body(), media_type=media_type)


def site(root: Path, **routes: Any) -> Starlette:
    """The site: `/file` and `/export` (FileResponse), `/partial` (an HTML fragment), any extra
    `routes` (path: a function of the request returning a response), and the static folder."""

    async def file(request: Request) -> Response:
        return FileResponse(root / "page.html")

    async def export(request: Request) -> Response:
        return FileResponse(root / "page.html", filename="export.html")

    async def partial(request: Request) -> Response:
        return HTMLResponse('<tr id="row-1"><td>Row</td></tr>')

    extra = [
        Route(path, _endpoint(make), methods=["GET", "HEAD", "POST"])
        for path, make in routes.items()
    ]
    return Starlette(
        routes=[
            Route("/file", file),
            Route("/export", export),
            Route("/partial", partial),
            *extra,
            Mount("/", StaticFiles(directory=root, html=True)),
        ]
    )


def _endpoint(make: Any) -> Any:
    async def endpoint(request: Request) -> Response:
        response: Response = make(request)
        return response

    return endpoint


def protect(app: ASGIApp, **consent: Any) -> ASGIApp:
    return Antechamber(app, settings=settings(**consent))


def client(app: ASGIApp, host: str = HOST) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=f"https://{host}", follow_redirects=False
    )


async def choose(http: httpx.AsyncClient, action: str, prefix: str = "") -> httpx.Response:
    origin = str(http.base_url).rstrip("/")
    response = await http.post(
        f"{prefix}/_antechamber/consent",
        data={"action": action, "next": "/"},
        headers={"Origin": origin, "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 303, response.text
    return response


def deleted(response: httpx.Response, name: str) -> list[str]:
    """The Set-Cookie lines of `response` that delete cookie `name`."""
    return [
        line
        for line in response.headers.get_list("set-cookie")
        if line.startswith(f"{name}=;") and "Max-Age=0" in line
    ]
