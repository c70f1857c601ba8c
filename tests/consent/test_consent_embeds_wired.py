"""Frames and partner scripts held back by the real `CookieConsentMiddleware` in the response
path: whole pages, streamed pages split inside a frame, files; every consent state; raw-text
traps; `banner="manual"`; the page's ETag and Vary covering the embed state."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from consent_helpers import client, consent_cookie, cookie_header, make_settings
from embed_snippets import EMBED_PARTNERS, FACEBOOK_SCRIPT, SPOTIFY_IFRAME, YOUTUBE_IFRAME
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from antechamber.consent import CookieConsentMiddleware

pytestmark = pytest.mark.anyio

FB_PIXEL = '<script async src="https://connect.facebook.net/en_US/fbevents.js">'
TRAPS = (
    # The same markup where a browser reads it as text, not as elements.
    f"<script>var embed = '{YOUTUBE_IFRAME}';</script>"
    f"<!-- {YOUTUBE_IFRAME} {FACEBOOK_SCRIPT} -->"
    f"<textarea name=code>{YOUTUBE_IFRAME}</textarea>"
    f'<p title="{YOUTUBE_IFRAME.replace(chr(34), "&quot;")}">quoted</p>'
    f"<style>/* {YOUTUBE_IFRAME} */</style>"
)
ARTICLE = (
    "<!doctype html><html><head><meta charset=utf-8><title>Night trains</title>"
    f"{FACEBOOK_SCRIPT}</script>{FB_PIXEL}</script></head><body>"
    f"<h1>Night trains</h1>{TRAPS}<figure>{YOUTUBE_IFRAME}</figure><p>Between.</p>"
    f"{SPOTIFY_IFRAME}<p>The end.</p></body></html>"
).encode()
PLAIN = b"<!doctype html><html><body><p>Hello</p><script src=/app.js></script></body></html>"
PLACEHOLDER = re.compile(
    rb'<div class="antechamber-consent ac-embed.*?'
    rb"<template data-ac-embed-original>(.*?)</template>\n</div>",
    re.S,
)
YOUTUBE_AT = ARTICLE.index(b"<figure><iframe") + len(b"<figure>")  # the first in markup
FILES: dict[str, Path] = {}


def restored(page: bytes) -> bytes:
    """The page with each placeholder put back as the frame it holds, gated scripts back, and
    the anchors taken off granted frames."""
    page = PLACEHOLDER.sub(lambda m: m.group(1), page)
    page = re.sub(rb' id="antechamber-embed-\d+"', b"", page)
    return re.sub(rb'<script type="text/plain" data-consent="[a-z_]+"', b"<script", page)


async def article(request: Request) -> Response:
    """The article, as a whole body, as a stream cut at `X-Cuts` or as a file (`X-Source`)."""
    source = request.headers.get("x-source")
    if source == "file":
        return FileResponse(FILES["article"], media_type="text/html")
    if source == "stream":
        cuts = [int(c) for c in request.headers.get("x-cuts", "").split(",") if c]

        async def chunks() -> AsyncIterator[bytes]:
            at = 0
            for cut in cuts:
                yield ARTICLE[at:cut]
                at = cut
            yield ARTICLE[at:]

        return StreamingResponse(chunks(), media_type="text/html")
    return HTMLResponse(ARTICLE, headers={"etag": '"article-1"'})


async def plain(request: Request) -> Response:
    return HTMLResponse(PLAIN)


def make_app(**consent: Any) -> Starlette:
    consent.setdefault("partners", EMBED_PARTNERS)
    settings = make_settings(**consent)
    routes = [
        Route("/", article),
        Route("/plain", plain),
        Mount("/site", StaticFiles(directory=FILES["article"].parent)),
    ]
    return Starlette(
        routes=routes, middleware=[Middleware(CookieConsentMiddleware, settings=settings)]
    )


@pytest.fixture(scope="module", autouse=True)
def article_file(tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("pages") / "article.html"
    path.write_bytes(ARTICLE)
    FILES["article"] = path


async def cookie_for(app: Starlette, action: str, **fields: Any) -> str:
    """The consent cookie the site's own endpoint sets for a choice."""
    async with client(app) as c:
        response = await c.post("/_antechamber/consent", json={"action": action, **fields})
        assert response.status_code == 200, response.text
        return consent_cookie(response)


async def get(app: Starlette, path: str = "/", cookie: str | None = None, **headers: str) -> Any:
    sent = {**(cookie_header(cookie) if cookie else {}), **headers}
    async with client(app) as c:
        return await c.get(path, headers=sent)


def held_back(body: bytes) -> list[bytes]:
    """The frames a page holds back, in page order."""
    return PLACEHOLDER.findall(body)


@pytest.mark.parametrize("banner", ["inject", "manual"])
@pytest.mark.parametrize("state", ["undecided", "reject_all"])
async def test_frames_and_scripts_wait_until_the_visitor_grants_them(
    banner: str, state: str
) -> None:
    app = make_app(banner=banner)
    cookie = None if state == "undecided" else await cookie_for(app, state)
    response = await get(app, cookie=cookie)
    body = response.content
    assert held_back(body) == [YOUTUBE_IFRAME.encode(), SPOTIFY_IFRAME.encode()]
    assert b'<script type="text/plain" data-consent="facebook" async defer' in body
    assert b'<script type="text/plain" data-consent="meta_pixel" async' in body
    assert TRAPS.encode() in body  # raw text byte for byte
    # Nothing else changed (the banner aside).
    assert restored(re.sub(rb"<div[^>]*data-ac-banner.*\Z", b"", body, flags=re.S)).startswith(
        ARTICLE[: ARTICLE.index(b"</body>")]
    )
    if banner == "manual":
        assert restored(body) == ARTICLE
    assert int(response.headers["content-length"]) == len(body)


@pytest.mark.parametrize(
    ("choice", "held"),
    [
        ({"partners": ["youtube"]}, [SPOTIFY_IFRAME]),  # that partner alone
        ({"partners": ["youtube", "spotify", "facebook", "meta_pixel"]}, []),
        ({"categories": ["social"]}, []),  # the category: every partner in it
    ],
    ids=["partner", "every-partner", "category"],
)
async def test_a_granted_partner_gets_its_frame_as_the_page_wrote_it(
    choice: dict[str, list[str]], held: list[str]
) -> None:
    app = make_app(banner="manual")
    cookie = await cookie_for(app, "save", **choice)
    body = (await get(app, cookie=cookie)).content
    assert held_back(body) == [frame.encode() for frame in held]
    if not held:
        # Only the documented anchor on each frame in markup; the advertising script (not
        # granted by "social") still waits.
        expected = with_anchors(ARTICLE)
        if "meta_pixel" not in choice.get("partners", []):
            expected = expected.replace(
                b'<script async src="https://connect.facebook.net/en_US/fbevents.js',
                b'<script type="text/plain" data-consent="meta_pixel" async '
                b'src="https://connect.facebook.net/en_US/fbevents.js',
            )
        assert body == expected
    else:
        assert b'<iframe id="antechamber-embed-1" width="560"' in body


def with_anchors(page: bytes) -> bytes:
    """`page` with `id="antechamber-embed-N"` on its two frames in markup (not the traps')."""
    spotify = page.index(SPOTIFY_IFRAME.encode())
    anchor = b'<iframe id="antechamber-embed-%d"'
    return (
        page[:YOUTUBE_AT]
        + anchor % 1
        + page[YOUTUBE_AT + 7 : spotify]
        + anchor % 2
        + page[spotify + 7 :]
    )


async def test_gpc_holds_back_the_advertising_partner_after_accept_all() -> None:
    app = make_app(banner="manual", honor_gpc=True)
    cookie = await cookie_for(app, "accept_all")
    granted = (await get(app, cookie=cookie)).content
    with_gpc = await get(app, cookie=cookie, **{"sec-gpc": "1"})
    assert held_back(with_gpc.content) == held_back(granted) == []
    assert b'data-consent="meta_pixel"' in with_gpc.content
    assert b'data-consent="meta_pixel"' not in granted
    assert "Sec-GPC" in with_gpc.headers["vary"]


@pytest.mark.parametrize("banner", ["inject", "manual"])
async def test_the_etag_and_vary_name_the_embed_state(banner: str) -> None:
    app = make_app(banner=banner)
    refused = await cookie_for(app, "reject_all")
    granted = await cookie_for(app, "save", partners=["youtube", "spotify"])
    first = await get(app, cookie=refused)
    second = await get(app, cookie=granted)
    for response in (first, second):
        assert {"Cookie", "Accept-Language"} <= {
            v.strip() for v in response.headers["vary"].split(",")
        }
    assert first.headers["etag"] != second.headers["etag"]
    assert first.headers["etag"].startswith('"article-1-ac')
    # A copy made for the visitor who refused never revalidates for one who granted.
    again = await get(app, cookie=granted, **{"if-none-match": first.headers["etag"]})
    assert again.status_code == 200
    assert held_back(again.content) == []


async def test_a_file_answers_304_only_for_the_same_embed_state() -> None:
    app = make_app(banner="manual")
    refused = await cookie_for(app, "reject_all")
    granted = await cookie_for(app, "accept_all")
    first = await get(app, "/site/article.html", cookie=refused)
    assert len(held_back(first.content)) == 2
    etag = {"if-none-match": first.headers["etag"]}
    same = await get(app, "/site/article.html", cookie=refused, **etag)
    assert same.status_code == 304
    other = await get(app, "/site/article.html", cookie=granted, **etag)
    assert other.status_code == 200 and held_back(other.content) == []


async def test_a_file_page_is_rewritten_like_a_whole_one() -> None:
    app = make_app(banner="manual")
    from_file = await get(app, "/", **{"x-source": "file"})
    from_memory = await get(app, "/")
    assert from_file.content == from_memory.content
    assert len(held_back(from_file.content)) == 2


def _cuts_inside_the_first_frame() -> list[list[int]]:
    frame_end = ARTICLE.index(b"</iframe>", YOUTUBE_AT) + len(b"</iframe>")
    inside = [YOUTUBE_AT + 1, YOUTUBE_AT + 7, YOUTUBE_AT + 40, frame_end - 3, frame_end - 1]
    return [[cut] for cut in inside] + [list(range(50, len(ARTICLE), 97))]


@pytest.mark.parametrize("cuts", _cuts_inside_the_first_frame())
@pytest.mark.parametrize("banner", ["inject", "manual"])
async def test_a_streamed_page_split_inside_a_frame_is_caught(cuts: list[int], banner: str) -> None:
    app = make_app(banner=banner)
    whole_page = (await get(app, "/")).content
    cut = ",".join(str(c) for c in cuts)
    response = await get(app, "/", **{"x-source": "stream", "x-cuts": cut})
    assert "content-length" not in response.headers  # chunked: the length was not known
    assert response.content == whole_page
    assert held_back(response.content) == [YOUTUBE_IFRAME.encode(), SPOTIFY_IFRAME.encode()]


@pytest.mark.parametrize("banner", ["inject", "manual"])
async def test_a_page_without_embeds_is_unchanged(banner: str) -> None:
    app = make_app(banner=banner)
    response = await get(app, "/plain")
    if banner == "manual":
        assert response.content == PLAIN
    else:  # the banner only, before </body>
        at = PLAIN.index(b"</body>")
        assert response.content.startswith(PLAIN[:at])
        assert response.content.endswith(PLAIN[at:])
    assert int(response.headers["content-length"]) == len(response.content)


async def test_a_site_that_names_no_partner_embeds_still_holds_a_marked_frame() -> None:
    marked = '<iframe data-consent="analytics" src="/dashboard" width="300" height="200"></iframe>'

    async def page(request: Request) -> Response:
        return HTMLResponse(f"<!doctype html><body>{marked}</body>")

    settings = make_settings(banner="manual", partners=[])
    app = Starlette(
        routes=[Route("/", page)],
        middleware=[Middleware(CookieConsentMiddleware, settings=settings)],
    )
    assert held_back((await get(app)).content) == [marked.encode()]


async def test_a_request_from_a_script_is_not_rewritten() -> None:
    app = make_app(banner="manual")
    response = await get(app, **{"sec-fetch-dest": "empty"})
    assert response.content == ARTICLE


async def test_the_load_form_on_the_page_grants_that_partner_and_comes_back() -> None:
    app = make_app(banner="manual")
    refused = await cookie_for(app, "reject_all")
    page = (await get(app, cookie=refused)).content
    form = re.search(rb"<form[^>]*ac-embed[^>]*>.*?</form>|<form.*?</form>", page, re.S)
    assert form is not None
    fields = dict(
        (m[0].decode(), m[1].decode())
        for m in re.findall(rb'<input type="hidden" name="([^"]+)" value="([^"]*)"', form[0])
    )
    async with client(app) as c:
        response = await c.post(
            "/_antechamber/consent",
            data=fields,
            headers={**cookie_header(refused), "origin": "http://testserver"},
        )
    assert response.status_code == 303
    assert response.headers["location"] == "/#antechamber-embed-1"
    after = await get(app, cookie=consent_cookie(response))
    assert held_back(after.content) == [SPOTIFY_IFRAME.encode()]  # YouTube loads, Spotify waits


async def test_a_frame_in_capitals_is_held_back_on_every_request_of_the_same_page() -> None:
    # A whole page without a tag the embed hook watches takes the rewriter's cached path; one
    # with `<IFRAME` (HTML tag names are case-insensitive) must never take it.
    shouting = ARTICLE.replace(b"<iframe", b"<IFRAME").replace(b"</iframe>", b"</IFRAME>")
    assert b"<iframe" not in shouting

    async def page(request: Request) -> Response:
        return HTMLResponse(shouting if request.query_params.get("v") == "caps" else PLAIN)

    # Partners that list frames and no scripts: the hook watches `<iframe` alone.
    frames_only = [p for p in EMBED_PARTNERS if p.embeds and not p.scripts]
    settings = make_settings(partners=frames_only)
    app = Starlette(
        routes=[Route("/", page)],
        middleware=[Middleware(CookieConsentMiddleware, settings=settings)],
    )
    for _ in range(3):  # the same bytes again and again, as a static page sends them
        assert held_back((await get(app, "/?v=plain")).content) == []
        body = (await get(app, "/?v=caps")).content
        spotify = SPOTIFY_IFRAME.encode().replace(b"iframe", b"IFRAME")
        assert held_back(body) == [spotify]  # YouTube lists scripts too: not configured here
