"""The embed placeholder in Chromium: nothing reaches the embed's origin before consent; Load
brings the frame in place (with JavaScript) or after the form's round trip (without), landing
where the visitor was; the placeholder is keyboard-usable, passes axe-core, keeps the frame's
size and breaks no strict Content-Security-Policy. Screenshots in test-output/screenshots/.

The page is written by a small Starlette app with the provider's embed code as it is; the real
`CookieConsentMiddleware` in front of it holds the frame back in the response path. The frame's
address is this same server under another name (another origin), which logs what reaches it.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_support import CSP_LISTENER, DESKTOP, PHONE, screenshot_path, serving
from playwright.sync_api import Browser, BrowserContext, Page, Request, expect
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request as StarletteRequest
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from antechamber.consent import CookieConsentMiddleware
from antechamber.settings import Partner, Settings

pytestmark = pytest.mark.browser

VIDEO_HOST = "video.localhost"  # this same server, under another name: another origin
CSP = f"default-src 'self'; frame-src 'self' {VIDEO_HOST}:*"
FILLER = "".join(
    f"<p>Paragraph {n} of the story, long enough that the video sits below the fold.</p>"
    for n in range(40)
)


def article(port: int, marked: bool) -> str:
    consent = ' data-consent="social"' if marked else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Night trains</title></head><body><main><h1>Night trains return</h1>"
        f"{FILLER}<figure>"
        f'<iframe{consent} width="560" height="315" '
        f'src="//{VIDEO_HOST}:{port}/embed/night-train" title="Aboard the night train" '
        'allow="fullscreen" allowfullscreen></iframe>'
        f"<figcaption>Video: aboard the night train.</figcaption></figure>{FILLER}"
        "</main></body></html>"
    )


PLAYER_HITS: list[str] = []  # every request the embed's origin received, server side


def make_app(database: Path) -> Starlette:
    """The article as the site writes it (the provider's embed code, untouched) behind the real
    `CookieConsentMiddleware`, which holds the frame back in the response path."""
    settings = Settings(
        secret_key="browser-embeds-key-0123456789",
        browsers={"enabled": False},
        consent={
            "partners": [
                Partner(
                    "streamly",
                    "Streamly",
                    "social",
                    privacy_url="https://streamly.example/privacy",
                    embeds=[f"//{VIDEO_HOST}"],
                )
            ],
            "log": f"sqlite:///{database}",
        },
    )

    async def page(request: StarletteRequest) -> Response:
        port = request.url.port or 80
        html = article(port, marked=request.query_params.get("marked") == "1")
        return HTMLResponse(html, headers={"Content-Security-Policy": CSP})

    async def player(request: StarletteRequest) -> Response:
        PLAYER_HITS.append(f"{request.headers.get('host')}{request.url.path}")
        return HTMLResponse("<!doctype html><title>Player</title><p>Streamly player</p>")

    return Starlette(
        routes=[Route("/", page), Route("/embed/night-train", player)],
        middleware=[Middleware(CookieConsentMiddleware, settings=settings)],
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    database = tmp_path_factory.mktemp("embeds") / "consent.db"
    with serving(make_app(database), lifespan="on", ready_path="/") as base:
        yield base, database


@pytest.fixture
def contexts(browser: Browser, server: tuple[str, Path]) -> Iterator[Any]:
    made: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        options.setdefault("viewport", DESKTOP)
        options.setdefault("locale", "en-GB")
        context = browser.new_context(base_url=server[0], **options)
        context.set_default_timeout(10_000)
        context.add_init_script(CSP_LISTENER)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def video_requests(context: BrowserContext) -> list[str]:
    """Every request the browser makes to the embed's origin, recorded as it is made."""
    seen: list[str] = []

    def record(request: Request) -> None:
        if VIDEO_HOST in request.url:
            seen.append(request.url)

    context.on("request", record)
    return seen


def wait_for(condition: Any, page: Page, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the browser never did it")
        page.wait_for_timeout(50)


def placeholder(page: Page) -> Any:
    return page.get_by_role("region", name="Content from Streamly")


def test_before_consent_nothing_reaches_the_embed_and_the_box_keeps_its_size(
    contexts: Any,
) -> None:
    context = contexts()
    seen = video_requests(context)
    PLAYER_HITS.clear()
    page = context.new_page()
    page.goto("/")
    region = placeholder(page)
    expect(region).to_be_visible()
    box = region.bounding_box()
    assert box is not None and (round(box["width"]), round(box["height"])) == (560, 315)
    expect(region.get_by_role("link", name="Privacy policy of Streamly")).to_have_attribute(
        "href", "https://streamly.example/privacy"
    )
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # anything the page would still fetch
    assert seen == []
    assert PLAYER_HITS == []  # nor did anything reach its server
    assert page.evaluate("window.__cspViolations") == []


@pytest.mark.parametrize(("viewport", "width"), [(DESKTOP, 560), (PHONE, None)])
def test_on_a_phone_the_box_narrows_to_the_screen_keeping_its_shape(
    contexts: Any, viewport: dict[str, int], width: int | None
) -> None:
    page = contexts(viewport=viewport, is_mobile=viewport is PHONE).new_page()
    page.goto("/")
    region = placeholder(page)
    region.scroll_into_view_if_needed()
    box = region.bounding_box()
    assert box is not None
    if width is not None:
        assert round(box["width"]) == width
    else:
        assert box["width"] <= viewport["width"]
        assert box["height"] >= box["width"] * 315 / 560 - 1  # never shorter than the frame


SIZES = {"phone-360": (360, 740), "phone-390": (390, 844), "desktop-1366": (1366, 900)}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("locale", ["en-GB", "uk-UA"])
def test_the_placeholder_passes_axe_at_phone_and_desktop_sizes(
    contexts: Any, locale: str, size: str
) -> None:
    width, height = SIZES[size]
    viewport = {"width": width, "height": height}
    page = contexts(locale=locale, viewport=viewport, is_mobile=width < 800).new_page()
    page.goto("/")
    region = page.locator("[data-ac-embed]")
    expect(region).to_be_visible()
    results = Axe().run(page, context="[data-ac-embed]")
    violations = [(v["id"], v["impact"], v["help"]) for v in results.response["violations"]]
    assert violations == []
    region.evaluate("(el) => el.scrollIntoView({block: 'start'})")
    # For review: the screen as the visitor sees it with the placeholder at its top.
    page.screenshot(path=screenshot_path(f"embed-placeholder-{locale[:2]}-{size}"))


def consent_records(database: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT categories, partners FROM consent_records ORDER BY rowid"
        ).fetchall()
    return [{"categories": json.loads(c), "partners": json.loads(p)} for c, p in rows]


@pytest.mark.parametrize("marked", [False, True], ids=["by-address", "marked-social"])
def test_load_by_keyboard_brings_the_frame_in_place_without_a_reload(
    contexts: Any, server: tuple[str, Path], marked: bool
) -> None:
    context = contexts()
    seen = video_requests(context)
    page = context.new_page()
    page.goto("/?marked=1" if marked else "/")
    page.evaluate("window.__sameDocument = true")
    load = placeholder(page).get_by_role("button", name="Load content")
    load.focus()
    page.keyboard.press("Enter")
    frame = page.locator(f'iframe[src*="{VIDEO_HOST}"]')
    expect(frame).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True  # no reload
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"
    wait_for(lambda: bool(seen), page)
    assert seen[0].endswith("/embed/night-train")
    expect(page.locator("[data-ac-banner]")).to_be_hidden()
    last = consent_records(server[1])[-1]
    if marked:
        assert last["categories"]["social"] is True
    else:
        assert last["partners"]["streamly"] is True
        assert last["categories"]["social"] is False


@pytest.mark.parametrize("marked", [False, True], ids=["by-address", "marked-social"])
def test_without_javascript_the_form_loads_it_and_returns_to_the_same_place(
    contexts: Any, server: tuple[str, Path], marked: bool
) -> None:
    context = contexts(java_script_enabled=False)
    seen = video_requests(context)
    page = context.new_page()
    page.goto("/?marked=1" if marked else "/")
    assert seen == []
    records = len(consent_records(server[1]))
    placeholder(page).get_by_role("button", name="Load content").click()
    page.wait_for_url("**#antechamber-embed-1")
    assert page.url.endswith("#antechamber-embed-1")
    frame = page.locator("#antechamber-embed-1")
    expect(frame).to_be_visible()
    assert frame.evaluate("(el) => el.tagName") == "IFRAME"
    assert frame.is_visible() and frame.bounding_box() is not None
    top = page.evaluate(
        "document.getElementById('antechamber-embed-1').getBoundingClientRect().top"
    )
    assert -1 <= top < DESKTOP["height"]  # the visitor is where the video is
    wait_for(lambda: bool(seen), page)
    added = consent_records(server[1])[records:]
    assert len(added) == 1
    if marked:
        assert added[0]["categories"]["social"] is True
    else:
        assert added[0]["partners"]["streamly"] is True
        assert added[0]["categories"]["social"] is False


def test_accept_all_in_the_banner_loads_the_placeholders_in_place(contexts: Any) -> None:
    context = contexts()
    seen = video_requests(context)
    page = context.new_page()
    page.goto("/")
    page.evaluate("window.__sameDocument = true")
    page.locator("[data-ac-banner]").get_by_role("button", name="Accept all").click()
    expect(page.locator(f'iframe[src*="{VIDEO_HOST}"]')).to_be_visible()
    expect(page.locator("[data-ac-embed]")).to_have_count(0)
    assert page.evaluate("window.__sameDocument") is True
    wait_for(lambda: bool(seen), page)
