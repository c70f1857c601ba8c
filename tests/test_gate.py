"""The browser gate through real Starlette and FastAPI apps: who is gated, and what they see."""

from __future__ import annotations

import logging
import re
import shutil
import types
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from itsdangerous import URLSafeTimedSerializer
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.types import ASGIApp
from starlette.websockets import WebSocket
from user_agents.parsers import UserAgent

from antechamber.browsers.middleware import (
    CONTINUE_COOKIE,
    CONTINUE_SALT,
    NOTICE_COOKIE,
    BrowserPolicyMiddleware,
)
from antechamber.settings import Settings

pytestmark = pytest.mark.anyio

# Real User-Agents, as the browsers send them.
IE_9 = "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)"
IE_11 = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"
CHROME_130 = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)
CHROME_100_WINDOWS_7 = (
    "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/100.0.4896.127 Safari/537.36"
)
FIREFOX_115_WINDOWS_7 = (
    "Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:109.0) Gecko/20100101 Firefox/115.0"
)
CHROME_MOBILE_130 = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Mobile Safari/537.36"
)
CHROME_MOBILE_90_ANDROID_7 = (
    "Mozilla/5.0 (Linux; Android 7.0; SM-G930F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/90.0.4430.91 Mobile Safari/537.36"
)
ANDROID_4_BROWSER = (
    "Mozilla/5.0 (Linux; U; Android 4.0.3; en-us; GT-I9100 Build/IML74K) AppleWebKit/534.30 "
    "(KHTML, like Gecko) Version/4.0 Mobile Safari/534.30"
)
SAFARI_IOS_15 = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 15_8 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/15.6 Mobile/15E148 Safari/604.1"
)
SAFARI_IOS_18 = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1"
)
SAFARI_IPAD_18 = (
    "Mozilla/5.0 (iPad; CPU OS 18_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1"
)
SAFARI_13_MACOS_10_13 = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_6) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/13.1.2 Safari/605.1.15"
)
GOOGLE_BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
CURL = "curl/8.4.0"
UNKNOWN = "SomethingWeird/1.0"

NAVIGATE = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
FETCH_NAVIGATE = {"sec-fetch-mode": "navigate", "sec-fetch-dest": "document", "accept": "*/*"}
PAGE = "<html><body><p>The app</p></body></html>"


async def page(request: Request) -> Response:
    return HTMLResponse(PAGE)


async def state(request: Request) -> Response:
    browser = request.state.browser
    return JSONResponse({"verdict": browser.verdict, "family": browser.family})


async def form(request: Request) -> Response:
    return PlainTextResponse("posted")


async def websocket(ws: WebSocket) -> None:
    await ws.accept()
    await ws.send_text("hello " + ws.scope.get("state", {}).get("who", "ws"))
    await ws.close()


def make_app(*, secret: str | list[str] | None = None, **browsers: Any) -> ASGIApp:
    settings = Settings(secret_key=secret, consent={"enabled": False}, browsers=browsers)
    routes = [
        Route("/", page),
        Route("/page", page),
        Route("/staticky", page),
        Route("/static/app.css", page),
        Route("/.well-known/security.txt", page),
        Route("/api", state),
        Route("/form", form, methods=["POST"]),
        WebSocketRoute("/ws", websocket),
    ]
    return Starlette(
        routes=routes, middleware=[Middleware(BrowserPolicyMiddleware, settings=settings)]
    )


def make_fastapi_app(**browsers: Any) -> ASGIApp:
    app = FastAPI()

    @app.get("/", response_class=HTMLResponse)
    async def home() -> str:
        return PAGE

    @app.get("/api")
    async def api(request: Request) -> dict[str, str]:
        return {"verdict": request.state.browser.verdict}

    app.add_middleware(
        BrowserPolicyMiddleware,
        settings=Settings(consent={"enabled": False}, browsers=browsers),
    )
    return app


@pytest.fixture
async def client_for() -> AsyncIterator[Callable[..., httpx.AsyncClient]]:
    clients: list[httpx.AsyncClient] = []

    def build(app: ASGIApp | None = None, **browsers: Any) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app or make_app(**browsers))
        client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        clients.append(client)
        return client

    yield build
    for client in clients:
        await client.aclose()


def visit(ua: str, **headers: str) -> dict[str, str]:
    return {"user-agent": ua, **NAVIGATE, **headers}


# -- who is gated ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_agent", "status"),
    [
        (IE_9, 406),
        (IE_11, 406),
        (CHROME_100_WINDOWS_7, 406),
        (ANDROID_4_BROWSER, 406),
        (SAFARI_IOS_15, 406),
        (CHROME_130, 200),
        (CHROME_MOBILE_130, 200),
        (SAFARI_IOS_18, 200),
        (GOOGLE_BOT, 200),
        (CURL, 200),
        (UNKNOWN, 200),
        ("", 200),
    ],
)
async def test_an_outdated_browser_is_shown_the_upgrade_page_and_others_the_site(
    client_for: Callable[..., httpx.AsyncClient], user_agent: str, status: int
) -> None:
    response = await client_for().get("/", headers=visit(user_agent))
    assert response.status_code == status
    assert ("The app" in response.text) is (status == 200)


async def test_the_upgrade_page_carries_the_contract_headers(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    response = await client_for().get("/", headers=visit(IE_9))
    assert response.status_code == 406
    assert response.headers["vary"] == "User-Agent, Sec-CH-UA, Accept-Language"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-language"] == "en"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["content-length"] == str(len(response.content))


async def test_the_upgrade_page_says_what_was_detected_and_why(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    text = (await client_for().get("/", headers=visit(IE_9))).text
    assert "<dd>Internet Explorer 9</dd>" in text
    assert "<dd>Windows 7</dd>" in text
    assert "This site needs features that Internet Explorer 9 does not have" in text


async def test_the_status_code_is_a_setting(client_for: Callable[..., httpx.AsyncClient]) -> None:
    response = await client_for(status_code=200).get("/", headers=visit(IE_9))
    assert response.status_code == 200
    assert "Your browser is not supported" in response.text


async def test_an_unknown_browser_is_blocked_only_when_asked(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    assert (await client_for().get("/", headers=visit(UNKNOWN))).status_code == 200
    response = await client_for(unknown="block").get("/", headers=visit(UNKNOWN))
    assert response.status_code == 406
    assert "Your browser could not be recognised" in response.text
    bot = await client_for(unknown="block").get("/", headers=visit(GOOGLE_BOT))
    assert bot.status_code == 200


async def test_a_mapping_policy_gates_by_minimum_versions(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    client = client_for(supported={"chrome": "131", "ie": False})
    assert (await client.get("/", headers=visit(CHROME_130))).status_code == 406
    assert (await client.get("/", headers=visit(SAFARI_IOS_15))).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"accept": "application/json"},
        {"accept": "text/css,*/*;q=0.1", "sec-fetch-dest": "style", "sec-fetch-mode": "no-cors"},
        {"accept": "*/*", "sec-fetch-mode": "cors", "sec-fetch-dest": "empty"},
        {"accept": "text/html", "x-requested-with": "XMLHttpRequest"},
        {"accept": "text/html;q=0, application/json"},
        {"accept": ""},
    ],
    ids=["json", "stylesheet", "fetch", "xhr", "html-refused", "empty-accept"],
)
async def test_what_is_not_a_page_navigation_passes(
    client_for: Callable[..., httpx.AsyncClient], headers: dict[str, str]
) -> None:
    client = client_for()
    response = await client.get("/api", headers={"user-agent": IE_9, **headers})
    assert response.status_code == 200
    assert response.json() == {"verdict": "outdated", "family": "IE"}


@pytest.mark.parametrize(
    "headers",
    [
        FETCH_NAVIGATE,
        {"accept": "*/*"},  # IE 8 navigates with "image/jpeg, ..., */*"
        {"accept": "text/*"},
        {"sec-fetch-mode": "navigate", "sec-fetch-dest": "iframe", "accept": "text/html"},
    ],
    ids=["fetch-metadata", "any", "text", "iframe"],
)
async def test_page_navigations_are_gated(
    client_for: Callable[..., httpx.AsyncClient], headers: dict[str, str]
) -> None:
    response = await client_for().get("/", headers={"user-agent": IE_9, **headers})
    assert response.status_code == 406


async def test_a_post_passes(client_for: Callable[..., httpx.AsyncClient]) -> None:
    response = await client_for().post("/form", headers=visit(IE_9), data={"a": "1"})
    assert response.status_code == 200
    assert response.text == "posted"


async def test_head_gets_the_upgrade_pages_headers_without_a_body(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    client = client_for()
    get = await client.get("/", headers=visit(IE_9))
    head = await client.head("/", headers=visit(IE_9))
    assert head.status_code == 406
    assert head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.headers["vary"] == get.headers["vary"]


@pytest.mark.parametrize(
    "path", ["/static/app.css", "/.well-known/security.txt", "/_antechamber/nothing"]
)
async def test_exempt_paths_are_never_gated_and_say_so(
    client_for: Callable[..., httpx.AsyncClient], path: str
) -> None:
    response = await client_for().get(path, headers=visit(IE_9))
    assert response.status_code in (200, 404)
    assert "Your browser is not supported" not in response.text


async def test_exempt_paths_match_whole_segments(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    response = await client_for().get("/staticky", headers=visit(IE_9))
    assert response.status_code == 406


async def test_request_state_carries_the_browser_on_every_request(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    client = client_for(exempt_paths=["/api"])
    exempt = await client.get("/api", headers=visit(IE_9))
    assert exempt.json() == {"verdict": "exempt", "family": "IE"}
    client = client_for()
    for ua, verdict in [(IE_9, "outdated"), (CHROME_130, "supported"), (GOOGLE_BOT, "bot")]:
        response = await client.get(
            "/api", headers={"user-agent": ua, "accept": "application/json"}
        )
        assert response.json()["verdict"] == verdict


async def test_request_state_user_agent_is_the_user_agents_object_built_on_read(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    seen: dict[str, Any] = {}

    async def endpoint(request: Request) -> Response:
        ua = request.state.user_agent
        seen["is_instance"] = isinstance(ua, UserAgent)
        seen["is_mobile"] = ua.is_mobile
        seen["os"] = ua.os.family
        return PlainTextResponse("ok")

    app = BrowserPolicyMiddleware(
        Starlette(routes=[Route("/", endpoint)]),
        settings=Settings(consent={"enabled": False}),
    )
    await client_for(app).get("/", headers={"user-agent": CHROME_MOBILE_130})
    assert seen == {"is_instance": True, "is_mobile": True, "os": "Android"}


# -- continue anyway ---------------------------------------------------------------------------


async def continue_anyway(client: httpx.AsyncClient, next_path: str = "/page") -> httpx.Response:
    return await client.post(
        "/_antechamber/continue",
        data={"next": next_path},
        headers={
            "user-agent": IE_9,
            "origin": "http://testserver",
            "sec-fetch-site": "same-origin",
        },
    )


async def test_continue_anyway_is_remembered_in_a_signed_cookie(
    client_for: Callable[..., httpx.AsyncClient], secret: str
) -> None:
    client = client_for(secret=secret)
    page = await client.get("/page", headers=visit(IE_9))
    assert 'action="/_antechamber/continue"' in page.text
    assert 'name="next" value="/page"' in page.text
    response = await continue_anyway(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/page"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{CONTINUE_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "Max-Age=604800" in cookie
    assert "SameSite=Lax" in cookie
    after = await client.get("/page", headers=visit(IE_9))
    assert after.status_code == 200
    assert "The app" in after.text


@pytest.mark.parametrize(
    "token",
    [
        "1.abc.def",
        URLSafeTimedSerializer("another-key-of-some-length", salt=CONTINUE_SALT).dumps(1),
        URLSafeTimedSerializer("a-test-secret-of-some-length", salt="other.salt").dumps(1),
        "",
        '"quoted"',
    ],
    ids=["forged", "foreign-key", "other-salt", "empty", "quoted"],
)
async def test_a_forged_continue_cookie_is_ignored(
    client_for: Callable[..., httpx.AsyncClient], secret: str, token: str
) -> None:
    client = client_for(secret=secret)
    client.cookies.set(CONTINUE_COOKIE, token)
    assert (await client.get("/", headers=visit(IE_9))).status_code == 406


async def test_an_expired_continue_cookie_is_ignored(
    client_for: Callable[..., httpx.AsyncClient], secret: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = URLSafeTimedSerializer(secret, salt=CONTINUE_SALT)
    monkeypatch.setattr(
        "itsdangerous.timed.time", types.SimpleNamespace(time=lambda: 1_000_000_000)
    )
    token = old.dumps(1)
    monkeypatch.undo()
    client = client_for(secret=secret)
    client.cookies.set(CONTINUE_COOKIE, token)
    assert (await client.get("/", headers=visit(IE_9))).status_code == 406


async def test_a_continue_cookie_signed_with_a_retired_key_still_counts(
    client_for: Callable[..., httpx.AsyncClient], secret: str
) -> None:
    token = URLSafeTimedSerializer(secret, salt=CONTINUE_SALT).dumps(1)
    client = client_for(secret=["a-newer-key-of-some-length", secret])
    client.cookies.set(CONTINUE_COOKIE, token)
    assert (await client.get("/", headers=visit(IE_9))).status_code == 200


async def test_without_allow_continue_there_is_no_way_past(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    client = client_for(allow_continue=False)
    page = await client.get("/", headers=visit(IE_9))
    assert "/_antechamber/continue" not in page.text
    response = await continue_anyway(client)
    assert "set-cookie" not in response.headers
    assert (await client.get("/", headers=visit(IE_9))).status_code == 406


@pytest.mark.parametrize(
    "next_path",
    [
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/%2F%2Fevil.example",
        "/%252F%252Fevil.example",
        "/%5Cevil.example",
        "/page\r\nSet-Cookie: x=1",
        "/page%0d%0aSet-Cookie: x=1",
        "",
        "evil.example",
        "/" + "a" * 5000,
    ],
)
async def test_continue_never_redirects_off_site(
    client_for: Callable[..., httpx.AsyncClient], next_path: str
) -> None:
    response = await continue_anyway(client_for(), next_path)
    assert response.status_code == 303
    assert response.headers["location"] == "/"


@pytest.mark.parametrize("next_path", ["/page", "/search?q=a+b&x=1", "/caf%C3%A9", "/a/b/"])
async def test_continue_keeps_a_path_on_the_site(
    client_for: Callable[..., httpx.AsyncClient], next_path: str
) -> None:
    response = await continue_anyway(client_for(), next_path)
    assert response.headers["location"] == next_path


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"origin": "https://evil.example"},
        {"origin": "null"},
    ],
)
async def test_continue_from_another_site_is_refused(
    client_for: Callable[..., httpx.AsyncClient], headers: dict[str, str]
) -> None:
    response = await client_for().post(
        "/_antechamber/continue", data={"next": "/"}, headers={"user-agent": IE_9, **headers}
    )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers


async def test_continue_refuses_other_methods_types_and_large_bodies(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    client = client_for()
    assert (await client.get("/_antechamber/continue")).status_code == 405
    json = await client.post("/_antechamber/continue", json={"next": "/"})
    assert json.status_code == 415
    large = await client.post("/_antechamber/continue", data={"next": "/" + "a" * 20_000})
    assert large.status_code == 413


# -- warn and report modes, notices -----------------------------------------------------------


async def test_warn_mode_serves_the_app_with_a_dismissible_notice(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    client = client_for(mode="warn")
    response = await client.get("/page", headers=visit(IE_9))
    assert response.status_code == 200
    assert response.text.startswith("<html><body><p>The app</p><link rel=")
    assert response.text.endswith(" defer></script></body></html>")
    assert "Your browser, Internet Explorer 9, is out of date" in response.text
    assert 'action="/_antechamber/notice"' in response.text
    assert 'href="/_antechamber/upgrade?next=/page"' in response.text
    assert "style=" not in response.text  # strict CSP: no inline style
    assert "onclick" not in response.text
    assert response.headers["content-length"] == str(len(response.content))
    for name in ("User-Agent", "Sec-CH-UA", "Accept-Language"):
        assert name in response.headers["vary"]


async def test_warn_mode_varies_even_pages_without_a_notice(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    response = await client_for(mode="warn").get("/", headers=visit(CHROME_130))
    assert response.text == PAGE
    assert "User-Agent" in response.headers["vary"]


async def test_warn_mode_leaves_json_alone(client_for: Callable[..., httpx.AsyncClient]) -> None:
    response = await client_for(mode="warn").get("/api", headers=visit(IE_9))
    assert response.json() == {"verdict": "outdated", "family": "IE"}


async def test_a_dismissed_notice_stays_dismissed(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    client = client_for(mode="warn")
    response = await client.post(
        "/_antechamber/notice",
        data={"kind": "warn", "next": "/page"},
        headers={"user-agent": IE_9, "sec-fetch-site": "same-origin"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/page"
    assert response.headers["set-cookie"].startswith(f"{NOTICE_COOKIE}=warn;")
    after = await client.get("/page", headers=visit(IE_9))
    assert after.text == PAGE


async def test_the_script_dismisses_without_a_redirect(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    response = await client_for(mode="warn").post(
        "/_antechamber/notice",
        data={"kind": "warn", "next": "/"},
        headers={"x-requested-with": "XMLHttpRequest", "sec-fetch-site": "same-origin"},
    )
    assert response.status_code == 204
    assert NOTICE_COOKIE in response.headers["set-cookie"]


async def test_report_mode_shows_nothing_and_logs(
    client_for: Callable[..., httpx.AsyncClient], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="antechamber.browsers"):
        response = await client_for(mode="report").get("/page", headers=visit(IE_9))
    assert response.text == PAGE
    assert "vary" not in response.headers
    records = [r for r in caplog.records if r.name == "antechamber.browsers"]
    assert len(records) == 1
    assert "outdated" in records[0].getMessage()
    assert "'IE'" in records[0].getMessage()


@pytest.mark.parametrize(
    ("user_agent", "shown"),
    [
        (CHROME_MOBILE_130, True),
        (SAFARI_IOS_18, True),
        (SAFARI_IPAD_18, False),
        (CHROME_130, False),
    ],
    ids=["android-phone", "iphone", "ipad", "desktop"],
)
async def test_phones_get_the_mobile_notice(
    client_for: Callable[..., httpx.AsyncClient], user_agent: str, shown: bool
) -> None:
    response = await client_for(mobile_notice=True).get("/", headers=visit(user_agent))
    assert ("designed for computers" in response.text) is shown


async def test_the_mobile_notice_is_remembered_once_dismissed(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    client = client_for(mobile_notice=True)
    await client.post(
        "/_antechamber/notice",
        data={"kind": "mobile", "next": "/"},
        headers={"origin": "http://testserver"},
    )
    response = await client.get("/", headers=visit(CHROME_MOBILE_130))
    assert response.text == PAGE


async def test_the_upgrade_page_can_be_read_by_any_browser(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    response = await client_for().get("/_antechamber/upgrade?next=/page", headers=visit(CHROME_130))
    assert response.status_code == 200
    assert "Your browser works with this site" in response.text
    assert 'href="/page"' in response.text
    assert "/_antechamber/continue" not in response.text


async def test_the_static_files_are_served_under_the_prefix(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    response = await client_for().get("/_antechamber/static/antechamber.css")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/css; charset=utf-8"


# -- languages ---------------------------------------------------------------------------------


async def test_accept_language_uk_gives_the_ukrainian_page(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    response = await client_for().get("/", headers=visit(IE_9, **{"accept-language": "uk"}))
    assert response.headers["content-language"] == "uk"
    assert '<html lang="uk"' in response.text
    assert "Ваш браузер не підтримується" in response.text
    assert "Все одно продовжити" in response.text


async def test_shares_are_formatted_for_the_locale(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    client = client_for()
    english = await client.get("/", headers=visit(IE_9, **{"accept-language": "en"}))
    german = await client.get("/", headers=visit(IE_9, **{"accept-language": "de-AT,de"}))
    assert re.search(r">\d+\.\d% of people use this browser<", english.text)
    assert re.search(r">\d+,\d\u00a0% der Menschen nutzen diesen Browser<", german.text)


async def test_the_visitors_country_picks_the_shares(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    client = client_for(region_header="cf-ipcountry")
    response = await client.get(
        "/", headers=visit(IE_9, **{"cf-ipcountry": "UA", "accept-language": "uk"})
    )
    # The region is named where it is not the world; the number takes the form it needs.
    assert re.search(
        r"Україна: цим браузером користу(ється|ються) \d+(,\d)?\u00a0?% людей", response.text
    )
    bogus = await client.get("/", headers=visit(IE_9, **{"cf-ipcountry": "<x>"}))
    assert re.search(r">\d+(\.\d)?% of people use this browser<", bogus.text)


# -- what is recommended -----------------------------------------------------------------------


def recommended(html: str) -> list[str]:
    return re.findall(r'<div class="name">([^<]+)</div>', html)


async def test_windows_7_is_pointed_at_the_last_versions_it_runs(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    text = (await client_for().get("/", headers=visit(CHROME_100_WINDOWS_7))).text
    assert "Safari" not in recommended(text)
    assert "Samsung Internet" not in recommended(text)
    assert "Google Chrome" in recommended(text)
    assert "Version 109 is the last one for Windows 7." in text
    assert "Update Google Chrome" in text  # the visitor's own browser


async def test_a_system_that_runs_no_supported_browser_is_told_so(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    text = (
        await client_for(supported="modern").get("/", headers=visit(FIREFOX_115_WINDOWS_7))
    ).text
    assert recommended(text) == []
    assert "No browser that works with this site runs on Windows 7" in text


async def test_ios_is_told_to_update_ios(client_for: Callable[..., httpx.AsyncClient]) -> None:
    text = (await client_for().get("/", headers=visit(SAFARI_IOS_15))).text
    assert recommended(text) == []
    assert "Update iOS instead" in text
    assert "iOS 15.8 is the last version for some devices (iPhone 6s" in text


async def test_android_gets_android_browsers(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    text = (await client_for().get("/", headers=visit(CHROME_MOBILE_90_ANDROID_7))).text
    names = recommended(text)
    assert "Safari" not in names
    assert "Google Chrome" in names
    assert "Version 119 is the last one for Android 7.0." in text


async def test_old_macos_gets_what_still_runs_there(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    text = (await client_for().get("/", headers=visit(SAFARI_13_MACOS_10_13))).text
    names = recommended(text)
    assert "Safari" not in names  # Safari 13.1 is the last for 10.13
    assert "Samsung Internet" not in names
    assert "Version 116 is the last one for macOS 10.13." in text


# -- hostile input -----------------------------------------------------------------------------

HOSTILE_UA = "Mozilla/5.0 <script>alert('x\"')</script> (compatible; MSIE 9.0; Windows NT 6.1)"


@pytest.mark.parametrize("unknown", ["allow", "block"])
async def test_a_user_agent_full_of_markup_is_never_reflected_raw(
    client_for: Callable[..., httpx.AsyncClient], unknown: str
) -> None:
    client = client_for(unknown=unknown, mode="block")
    for ua in (HOSTILE_UA, "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'):
        response = await client.get("/<script>?q=\"'><b>", headers=visit(ua))
        assert response.status_code in (200, 404, 406)
        assert "<script>" not in response.text
        assert "<img" not in response.text
        assert "<b>" not in response.text


async def test_a_100_kb_header_is_not_a_500(client_for: Callable[..., httpx.AsyncClient]) -> None:
    client = client_for(mode="warn", mobile_notice=True)
    huge = "Mozilla/5.0 (Windows NT 6.1) " + "A" * 100_000
    for headers in (
        visit(huge),
        visit(IE_9, cookie="x=" + "y" * 100_000),
        visit(IE_9, **{"accept-language": "de;q=0.5," * 12_000}),
        {"user-agent": IE_9, "accept": "text/html;q=0.1," * 8_000},
    ):
        response = await client.get("/", headers=headers)
        assert response.status_code < 500
        assert "AAAAAAAAAA" not in response.text


async def test_500_broken_accept_language_entries_are_not_a_500(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    entries = [f"x{i};q=bogus{i}" for i in range(250)] + [f"zz-{i};q=0.{i}" for i in range(250)]
    header = ",".join([*entries, "uk;q=1"])
    response = await client_for().get("/", headers=visit(IE_9, **{"accept-language": header}))
    assert response.status_code == 406
    assert response.headers["content-language"] in ("en", "uk")
    assert "bogus" not in response.text


# -- other frameworks and scopes ---------------------------------------------------------------


async def test_a_fastapi_app_is_gated_the_same_way(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    client = client_for(make_fastapi_app())
    assert (await client.get("/", headers=visit(IE_9))).status_code == 406
    assert (await client.get("/", headers=visit(CHROME_130))).text == PAGE
    api = await client.get("/api", headers={"user-agent": IE_9, "accept": "application/json"})
    assert api.json() == {"verdict": "outdated"}


async def test_a_fastapi_app_in_warn_mode_gets_the_notice(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    client = client_for(make_fastapi_app(mode="warn"))
    response = await client.get("/", headers=visit(IE_9))
    assert "Your browser, Internet Explorer 9, is out of date" in response.text


def test_websockets_and_lifespan_pass_through() -> None:
    started: list[str] = []

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, str]]:
        started.append("up")
        yield {"who": "lifespan"}
        started.append("down")

    app = Starlette(
        routes=[WebSocketRoute("/ws", websocket)],
        lifespan=lifespan,
        middleware=[
            Middleware(BrowserPolicyMiddleware, settings=Settings(consent={"enabled": False}))
        ],
    )
    with (
        TestClient(app) as client,
        client.websocket_connect("/ws", headers={"user-agent": IE_9}) as ws,
    ):
        assert ws.receive_text() == "hello lifespan"
    assert started == ["up", "down"]


async def test_without_settings_the_browser_half_runs_alone(
    client_for: Callable[..., httpx.AsyncClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("ANTECHAMBER_SECRET_KEY", "ANTECHAMBER_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    app = BrowserPolicyMiddleware(Starlette(routes=[Route("/", page)]))
    client = client_for(app)
    assert (await client.get("/", headers=visit(IE_9))).status_code == 406
    response = await continue_anyway(client, "/")
    assert (await client.get("/", headers=visit(IE_9))).status_code == 200
    assert response.status_code == 303


async def test_each_page_comes_back_to_its_own_path(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    client = client_for()
    first = await client.get("/page?a=1&b=2", headers=visit(IE_9))
    second = await client.get("/", headers=visit(IE_9))
    assert 'name="next" value="/page?a=1&amp;b=2"' in first.text
    assert 'name="next" value="/"' in second.text
    assert first.text.replace("/page?a=1&amp;b=2", "/") == second.text


# -- every browserslist query type, from a .browserslistrc ---------------------------------------

BROWSERSLIST_PROJECT = Path(__file__).parent / "fixtures" / "browserslist_project"


@pytest.mark.parametrize(
    ("rc", "supported", "outdated"),
    [
        ("baseline widely available", CHROME_130, IE_11),
        ("baseline widely available on 2024-06-01 with downstream", CHROME_130, IE_11),
        ("baseline 2020 including kaios", CHROME_MOBILE_90_ANDROID_7, IE_11),
        ("fully supports es6-module", CHROME_130, IE_11),
        ("supports css-grid\nnot dead", CHROME_100_WINDOWS_7, IE_11),
        ("chrome >= 120\nmaintained node versions\nnode >= 22", CHROME_130, CHROME_100_WINDOWS_7),
        ("electron >= 30", CHROME_130, CHROME_100_WINDOWS_7),
        ("extends browserslist-config-a", IE_9, CHROME_130),
        ("[production]\nextends browserslist-config-envs", CHROME_130, IE_11),
        ("> 5% in my stats", CHROME_130, CHROME_100_WINDOWS_7),
        ("> 10% in browserslist-config-acme stats", CHROME_130, CHROME_100_WINDOWS_7),
        # browserslist's own README example.
        ("defaults and fully supports es6-module\nmaintained node versions", CHROME_130, IE_11),
    ],
    ids=lambda value: value.split("\n")[-1] if "Mozilla" not in value else "",
)
async def test_a_browserslistrc_of_each_query_type_loads_and_gates(
    client_for: Callable[..., httpx.AsyncClient],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    rc: str,
    supported: str,
    outdated: str,
) -> None:
    # A front end's folder: its config, its node_modules (shareable configs, a stats package) and
    # its browserslist-stats.json, as `npm install` and its analytics export leave them.
    shutil.copytree(BROWSERSLIST_PROJECT / "node_modules", tmp_path / "node_modules")
    shutil.copy(BROWSERSLIST_PROJECT / "browserslist-stats.json", tmp_path)
    (tmp_path / ".browserslistrc").write_text(rc + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # where `in PKG stats` looks, as browserslist does
    client = client_for(browserslist_config=str(tmp_path / ".browserslistrc"))
    assert (await client.get("/", headers=visit(supported))).status_code == 200
    assert (await client.get("/", headers=visit(outdated))).status_code == 406


async def test_browserslist_stats_is_a_setting(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    stats = str(BROWSERSLIST_PROJECT / "browserslist-stats.json")
    client = client_for(supported="> 10% in my stats", browserslist_stats=stats)
    # The stats give IE 11 11% and Chrome 109 30%: both pass, older ones do not.
    assert (await client.get("/", headers=visit(IE_11))).status_code == 200
    assert (await client.get("/", headers=visit(CHROME_130))).status_code == 200
    assert (await client.get("/", headers=visit(IE_9))).status_code == 406
    with pytest.raises(ValueError, match="browserslist_stats"):
        Settings(browsers={"browserslist_stats": "/nowhere/browserslist-stats.json"})


async def test_each_client_hint_counts_in_the_verdict_kept_for_a_user_agent(
    client_for: Callable[..., httpx.AsyncClient],
) -> None:
    # One reduced Chrome User-Agent; the verdicts the gate keeps per request must tell apart
    # every hint it was sent.
    async def seen(request: Request) -> Response:
        browser = request.state.browser
        return JSONResponse([browser.family, browser.agent, browser.is_mobile])

    settings = Settings(consent={"enabled": False})
    app = Starlette(
        routes=[Route("/", seen)],
        middleware=[Middleware(BrowserPolicyMiddleware, settings=settings)],
    )
    ua = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36"
    )
    opera = '"Opera";v="115", "Chromium";v="131"'
    sent = [
        ({}, ["Chrome", "chrome", False]),
        ({"sec-ch-ua": '"Microsoft Edge";v="131", "Chromium";v="131"'}, ["Edge", "edge", False]),
        ({"sec-ch-ua-full-version-list": f"{opera}"}, ["Opera", "opera", False]),
        ({"sec-ch-ua-mobile": "?1"}, ["Chrome", "chrome", True]),
        ({"sec-ch-ua": opera, "sec-ch-ua-platform": '"Windows"'}, ["Opera", "opera", False]),
        ({"sec-ch-ua": opera, "sec-ch-ua-platform": '"Android"'}, ["Opera", "op_mob", False]),
    ]
    http = client_for(app)
    for _ in range(2):  # the second round is answered from what the gate kept
        for hints, expected in sent:
            assert (await http.get("/", headers={"user-agent": ua, **hints})).json() == expected
