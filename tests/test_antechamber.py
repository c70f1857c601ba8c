"""`Antechamber` as users mount it: Starlette, FastAPI and Django, both halves together."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from antechamber import Antechamber, Partner, Settings

SECRET = "composite-test-secret-0123456789"

# Real User-Agents (Windows 10 desktop).
IE_11 = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"
CHROME_142 = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"
)
CHROME_100 = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/100.0.4896.127 Safari/537.36"
)
GOOGLE_BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"

PAGE = "<!doctype html><html><head><title>News</title></head><body><h1>News</h1></body></html>"
NAVIGATE = {"accept": "text/html,application/xhtml+xml", "sec-fetch-mode": "navigate"}
BANNER = 'id="antechamber-consent-banner"'
NOTICE = "antechamber-notice-warn"


def settings(**values: Any) -> Settings:
    values.setdefault("secret_key", SECRET)
    values.setdefault(
        "consent",
        {"partners": [Partner("ga", "Google Analytics", "analytics", cookies=["_ga", "_ga_*"])]},
    )
    return Settings(**values)


def state_of(request: Request) -> dict[str, Any]:
    browser = request.state.browser
    consent = request.state.consent
    return {
        "verdict": browser.verdict,
        "agent": browser.agent,
        "decided": consent.decided,
        "analytics": consent.granted("analytics"),
        "is_pc": request.state.user_agent.is_pc,
    }


def starlette_app(**values: Any) -> ASGIApp:
    async def page(request: Request) -> HTMLResponse:
        response = HTMLResponse(PAGE)
        response.set_cookie("_ga", "GA1.1.123")
        return response

    async def state(request: Request) -> JSONResponse:
        return JSONResponse(state_of(request))

    return Starlette(
        routes=[Route("/", page), Route("/state", state)],
        middleware=[Middleware(Antechamber, settings=settings(**values))],
    )


def fastapi_app(**values: Any) -> ASGIApp:
    app = FastAPI()

    @app.get("/", response_class=HTMLResponse)
    async def page() -> HTMLResponse:
        return HTMLResponse(PAGE)

    @app.get("/state")
    async def state(request: Request) -> dict[str, Any]:
        return state_of(request)

    app.add_middleware(Antechamber, settings=settings(**values))
    return app


def client(app: ASGIApp, user_agent: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        headers={"user-agent": user_agent},
    )


@pytest.fixture(params=["starlette", "fastapi"])
def make_app(request: pytest.FixtureRequest) -> Any:
    return starlette_app if request.param == "starlette" else fastapi_app


@pytest.mark.anyio
async def test_a_current_browser_gets_the_page_with_the_banner(make_app: Any) -> None:
    async with client(make_app(), CHROME_142) as http:
        response = await http.get("/", headers=NAVIGATE)
    assert response.status_code == 200
    assert "<h1>News</h1>" in response.text
    assert response.text.count(BANNER) == 1
    assert response.text.index(BANNER) < response.text.index("</body>")
    assert int(response.headers["content-length"]) == len(response.content)
    assert "cookie" in response.headers["vary"].lower()


@pytest.mark.anyio
async def test_an_outdated_browser_gets_the_upgrade_page_and_no_banner(make_app: Any) -> None:
    async with client(make_app(), IE_11) as http:
        response = await http.get("/", headers=NAVIGATE)
    assert response.status_code == 406
    assert BANNER not in response.text
    assert "<h1>News</h1>" not in response.text
    assert "set-cookie" not in response.headers
    assert response.headers["cache-control"] == "private, no-store"


@pytest.mark.anyio
async def test_the_app_learns_browser_and_consent_from_request_state(make_app: Any) -> None:
    async with client(make_app(), CHROME_142) as http:
        before = (await http.get("/state")).json()
        await http.post(
            "/_antechamber/consent",
            data={"action": "accept_all", "next": "/"},
            headers={"origin": "http://testserver"},
        )
        after = (await http.get("/state")).json()
    assert before == {
        "verdict": "supported",
        "agent": "chrome",
        "decided": False,
        "analytics": False,
        "is_pc": True,
    }
    assert after["decided"] is True
    assert after["analytics"] is True


@pytest.mark.anyio
async def test_warn_notice_and_banner_share_one_insertion(make_app: Any) -> None:
    app = make_app(browsers={"mode": "warn"})
    async with client(app, CHROME_100) as http:
        response = await http.get("/", headers=NAVIGATE)
    assert response.status_code == 200
    body = response.text
    assert body.count(BANNER) == 1
    assert body.count(NOTICE) >= 1
    # Both sit together just before </body>, after the app's own content.
    assert body.index("<h1>News</h1>") < body.index(NOTICE) < body.index("</body>")
    assert body.index("<h1>News</h1>") < body.index(BANNER) < body.index("</body>")
    assert int(response.headers["content-length"]) == len(response.content)
    vary = {v.strip().lower() for v in response.headers["vary"].split(",")}
    assert {"cookie", "user-agent"} <= vary


@pytest.mark.anyio
async def test_refused_partner_cookies_never_leave_the_server() -> None:
    async with client(starlette_app(), CHROME_142) as http:
        undecided = await http.get("/", headers=NAVIGATE)
        await http.post(
            "/_antechamber/consent",
            data={"action": "accept_all"},
            headers={"origin": "http://testserver"},
        )
        accepted = await http.get("/", headers=NAVIGATE)
    assert "_ga=" not in undecided.headers.get("set-cookie", "")
    assert "_ga=" in accepted.headers.get("set-cookie", "")


@pytest.mark.anyio
async def test_either_half_can_be_switched_off() -> None:
    browsers_only = starlette_app(consent={"enabled": False})
    async with client(browsers_only, IE_11) as http:
        assert (await http.get("/", headers=NAVIGATE)).status_code == 406
    async with client(browsers_only, CHROME_142) as http:
        assert BANNER not in (await http.get("/", headers=NAVIGATE)).text

    consent_only = starlette_app(browsers={"enabled": False})
    async with client(consent_only, IE_11) as http:
        response = await http.get("/", headers=NAVIGATE)
    assert response.status_code == 200
    assert BANNER in response.text


@pytest.mark.anyio
async def test_bots_get_the_page_without_being_judged(make_app: Any) -> None:
    async with client(make_app(), GOOGLE_BOT) as http:
        response = await http.get("/", headers={"accept": "text/html"})
        state = (await http.get("/state")).json()
    assert response.status_code == 200
    assert state["verdict"] == "bot"


@pytest.mark.anyio
async def test_settings_from_the_environment_when_none_are_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ANTECHAMBER_SECRET_KEY", SECRET)
    monkeypatch.setenv("ANTECHAMBER_BROWSERS__MODE", "report")

    async def page(request: Request) -> PlainTextResponse:
        return PlainTextResponse(request.state.browser.verdict)

    app = Antechamber(Starlette(routes=[Route("/", page)]))
    async with client(app, IE_11) as http:
        response = await http.get("/", headers=NAVIGATE)
    assert response.status_code == 200
    assert response.text == "outdated"


def test_websocket_and_lifespan_pass_through() -> None:
    from starlette.testclient import TestClient
    from starlette.websockets import WebSocket

    events: list[str] = []

    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("hello " + await websocket.receive_text())
        await websocket.close()

    from collections.abc import AsyncIterator
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        events.append("startup")
        yield
        events.append("shutdown")

    from starlette.routing import WebSocketRoute

    app = Starlette(
        routes=[WebSocketRoute("/ws", echo)],
        lifespan=lifespan,
        middleware=[Middleware(Antechamber, settings=settings())],
    )
    with (
        TestClient(app, headers={"user-agent": IE_11}) as test_client,
        test_client.websocket_connect("/ws") as websocket,
    ):
        websocket.send_text("there")
        assert websocket.receive_text() == "hello there"
    assert events == ["startup", "shutdown"]


DJANGO_PAGE = "<html><body><p>Django page</p></body></html>"


def django_application() -> ASGIApp:
    import django
    from django.conf import settings as django_settings

    if not django_settings.configured:
        django_settings.configure(
            DEBUG=False,
            SECRET_KEY="django-test-secret-key-0123456789",
            ALLOWED_HOSTS=["testserver"],
            ROOT_URLCONF=__name__,
            MIDDLEWARE=[],
            INSTALLED_APPS=[],
        )
        django.setup()
    from django.core.asgi import get_asgi_application

    return get_asgi_application()  # type: ignore[return-value]


def _django_view(request: Any) -> Any:
    from django.http import HttpResponse

    consent = request.scope["state"]["consent"]
    response = HttpResponse(DJANGO_PAGE, content_type="text/html; charset=utf-8")
    response["X-Consent-Decided"] = str(consent.decided)
    response.set_cookie("_ga", "GA1.1.123")
    response.set_cookie("sessionid", "abc")
    return response


def _urlpatterns() -> list[Any]:
    from django.urls import path

    return [path("", _django_view)]


def __getattr__(name: str) -> Any:  # Django reads urlpatterns from ROOT_URLCONF lazily
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


@pytest.mark.anyio
async def test_a_django_asgi_application_is_wrapped_like_any_other() -> None:
    app = Antechamber(django_application(), settings=settings())
    async with client(app, CHROME_142) as http:
        page = await http.get("/", headers=NAVIGATE)
    async with client(app, IE_11) as http:
        blocked = await http.get("/", headers=NAVIGATE)
    assert page.status_code == 200
    assert "Django page" in page.text
    assert page.headers["x-consent-decided"] == "False"
    assert page.text.count(BANNER) == 1
    assert "cookie" in page.headers["vary"].lower()
    # Django writes `Set-Cookie` with capitals: the refused analytics cookie is removed anyway.
    set_cookies = page.headers.get_list("set-cookie")
    assert any(c.startswith("sessionid=") for c in set_cookies)
    assert not any(c.startswith("_ga=") for c in set_cookies)
    assert blocked.status_code == 406
    assert "Django page" not in blocked.text
    assert re.search(r"<html[^>]*lang=\"en\"", blocked.text)


@pytest.mark.anyio
async def test_the_preview_shows_the_upgrade_page_an_old_browser_would_get() -> None:
    from urllib.parse import urlencode

    app = starlette_app(preview=True)
    async with client(app, CHROME_142) as http:
        query = urlencode({"ua": IE_11, "lang": "uk"})
        upgrade = await http.get(f"/_antechamber/preview?{query}")
        query = urlencode({"ua": CHROME_142, "lang": "de"})
        banner = await http.get(f"/_antechamber/preview?{query}")
    assert upgrade.status_code == 406
    assert 'lang="uk"' in upgrade.text
    assert "Internet Explorer 11" in upgrade.text
    assert banner.status_code == 200
    assert banner.text.count(BANNER) == 1
    assert "supported" in banner.text
    assert '<form method="get" action="/_antechamber/preview">' in banner.text  # asks again


@pytest.mark.anyio
async def test_the_preview_is_found_under_the_apps_root_path() -> None:
    # Both halves read the path without `root_path`; the preview does too.
    transport = httpx.ASGITransport(app=starlette_app(preview=True), root_path="/app")
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.get(
            "/app/_antechamber/preview", params={"ua": CHROME_142}, headers={"user-agent": IE_11}
        )
    assert response.status_code == 200
    assert "antechamber preview" in response.text


@pytest.mark.anyio
async def test_the_preview_is_off_unless_asked_for_and_escapes_what_it_echoes() -> None:
    async with client(starlette_app(), CHROME_142) as http:
        assert (await http.get("/_antechamber/preview?ua=x")).status_code == 404
    async with client(starlette_app(preview=True), CHROME_142) as http:
        response = await http.get("/_antechamber/preview", params={"ua": '"><script>x</script>'})
    assert "<script>x</script>" not in response.text
    assert "&lt;script&gt;" in response.text
