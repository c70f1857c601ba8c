"""The plumbing an element rewriter (the embed guard) uses: the page's charset on the visit before
the first element, a fragment's `variant` in the ETag, and the Content-Length of a page whose
elements a hook may change (a whole body: its rewritten length; a stream or a HEAD: none)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from antechamber.web import Fragment, Half, Pipeline
from antechamber.web.request import Visit
from antechamber.web.scan import Element

pytestmark = pytest.mark.anyio

FRAME = '<iframe src="https://video.example/1" width="560" height="315"></iframe>'
PAGE = f"<!doctype html><html><head><title>Новини</title></head><body>{FRAME}</body></html>"
HTML_1251 = "text/html; charset=windows-1251"


class FrameHalf(Half):
    """A half that replaces each iframe with `[frame in <charset>]` and names `variant`."""

    def __init__(self, variant: str | None = None) -> None:
        self.charsets: list[str | None] = []
        self.variant = variant

    def admit(self, visit: Visit) -> ASGIApp | None:
        def hook(element: Element) -> bytes | None:
            self.charsets.append(visit.charset)
            return f"[frame in {visit.charset}]".encode() if element.name == "iframe" else None

        visit.element_hooks.append(lambda visit: hook)
        variant = self.variant
        if variant is not None:
            visit.add_fragment(Fragment(lambda v: "", ("Cookie",), lambda v: variant))
        return None


async def whole(request: Request) -> Response:
    return HTMLResponse(PAGE.encode("cp1251"), headers={"etag": '"p1"'}, media_type=HTML_1251)


async def streamed(request: Request) -> Response:
    body = PAGE.encode("cp1251")

    async def chunks() -> AsyncIterator[bytes]:
        yield body[: body.index(b"<iframe") + 9]  # split inside the frame
        yield body[body.index(b"<iframe") + 9 :]

    return StreamingResponse(chunks(), media_type=HTML_1251)


def site(half: FrameHalf) -> Any:
    app = Starlette(routes=[Route("/", whole, methods=["GET", "HEAD"]), Route("/s", streamed)])
    return Pipeline(app, [half])


def client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_a_hook_sees_the_pages_charset_and_a_whole_body_keeps_its_true_length() -> None:
    half = FrameHalf()
    async with client(site(half)) as http:
        response = await http.get("/")
    assert response.content == PAGE.replace(FRAME, "[frame in cp1251]").encode("cp1251")
    assert response.headers["content-length"] == str(len(response.content))
    assert half.charsets == ["cp1251"]


async def test_a_streamed_page_with_a_hook_goes_chunked_and_a_head_has_no_length() -> None:
    half = FrameHalf()
    async with client(site(half)) as http:
        streamed = await http.get("/s")
        head = await http.head("/")
    assert streamed.content == PAGE.replace(FRAME, "[frame in cp1251]").encode("cp1251")
    assert "content-length" not in streamed.headers
    assert head.status_code == 200 and "content-length" not in head.headers


async def test_a_fragments_variant_names_the_etag() -> None:
    async with client(site(FrameHalf("refused"))) as http:
        refused = await http.get("/")
    async with client(site(FrameHalf("granted"))) as http:
        granted = await http.get("/")
        again = await http.get("/", headers={"if-none-match": refused.headers["etag"]})
    assert refused.headers["etag"] != granted.headers["etag"]
    assert refused.headers["vary"] == granted.headers["vary"] == "Cookie"
    assert again.status_code == 200  # the refused copy never revalidates for the other variant
