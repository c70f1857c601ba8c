"""Caching: every response that depends on the User-Agent or the cookie says so in `Vary`, and
nothing personal (the upgrade page, a consent cookie being set) can be kept by a shared cache."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from security_support import BASE_URL, COOKIE, make_app

pytestmark = pytest.mark.anyio

PREFIX = "/_antechamber"
IE_11 = "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko"
CHROME_130 = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)
PIXEL = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Mobile Safari/537.36"
)
HTML = {"accept": "text/html"}
SAME_ORIGIN = {"origin": BASE_URL, "sec-fetch-site": "same-origin"}


def client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)


def vary(response: httpx.Response) -> set[str]:
    return {
        name.strip().lower()
        for line in response.headers.get_list("vary")
        for name in line.split(",")
        if name.strip()
    }


def not_shared_cacheable(response: httpx.Response) -> bool:
    directives = {d.strip().lower() for d in response.headers.get("cache-control", "").split(",")}
    return (
        bool(directives & {"private", "no-store"})
        and "public" not in directives
        and not any(d.startswith("s-maxage") for d in directives)
    )


@pytest.mark.parametrize("method", ["GET", "HEAD"])
async def test_the_upgrade_page_varies_on_the_browser_and_language_and_is_never_shared(
    method: str,
) -> None:
    async with client(make_app()) as c:
        gated = await c.request(method, "/", headers={**HTML, "user-agent": IE_11})
        info = await c.request(method, f"{PREFIX}/upgrade", headers={**HTML, "user-agent": IE_11})
    assert gated.status_code == 406
    assert info.status_code == 200
    for response in (gated, info):
        assert response.headers["vary"] == "User-Agent, Sec-CH-UA, Accept-Language"
        directives = {d.strip() for d in response.headers["cache-control"].split(",")}
        assert {"private", "no-store"} <= directives
        assert not_shared_cacheable(response)


async def test_an_upgrade_page_in_front_of_a_cacheable_app_is_still_not_cacheable() -> None:
    async with client(make_app()) as c:
        response = await c.get("/", headers={**HTML, "user-agent": IE_11})
    assert "max-age" not in response.headers["cache-control"]
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("user_agent", [CHROME_130, IE_11])
async def test_a_page_with_the_banner_varies_on_the_cookie(user_agent: str) -> None:
    app = make_app(browsers={"mode": "warn"})
    async with client(app) as c:
        undecided = await c.get("/", headers={**HTML, "user-agent": user_agent})
        chosen = await c.post(
            f"{PREFIX}/consent", json={"action": "reject_all"}, headers=SAME_ORIGIN
        )
        decided = await c.get("/", headers={**HTML, "user-agent": user_agent})
        head = await c.head("/", headers={**HTML, "user-agent": user_agent})
    assert chosen.status_code == 200
    assert 'id="antechamber-consent-banner"' in undecided.text
    assert 'id="antechamber-consent-banner"' not in decided.text
    for response in (undecided, decided, head):
        assert {"cookie", "accept-language"} <= vary(response)


async def test_a_page_with_a_browser_notice_varies_on_the_browser() -> None:
    app = make_app(browsers={"mode": "warn", "mobile_notice": True})
    async with client(app) as c:
        for user_agent in (IE_11, PIXEL, CHROME_130):
            response = await c.get("/", headers={**HTML, "user-agent": user_agent})
            assert {"user-agent", "sec-ch-ua", "accept-language", "cookie"} <= vary(response), (
                user_agent
            )


async def test_a_response_stripped_of_partner_cookies_varies_on_the_cookie() -> None:
    async with client(make_app()) as c:
        response = await c.get("/partners", headers=HTML)
    names = {line.split("=", 1)[0] for line in response.headers.get_list("set-cookie")}
    assert names == {"session"}
    assert "cookie" in vary(response)


async def test_the_apps_own_vary_is_kept() -> None:
    from starlette.responses import HTMLResponse

    from antechamber import Antechamber, Settings

    page = HTMLResponse("<html><body>x</body></html>", headers={"Vary": "Origin"})
    app = Antechamber(page, settings=Settings(secret_key="k" * 32, browsers={"mode": "warn"}))
    async with client(app) as c:
        response = await c.get("/", headers={**HTML, "user-agent": IE_11})
    assert {"origin", "cookie", "user-agent"} <= vary(response)


async def test_the_consent_endpoints_are_private_and_vary_on_the_cookie() -> None:
    async with client(make_app(consent={"google_consent_mode": True})) as c:
        for path in (f"{PREFIX}/consent", f"{PREFIX}/preferences", f"{PREFIX}/gcm.js"):
            response = await c.get(path, headers=HTML)
            assert response.status_code == 200, path
            assert not_shared_cacheable(response), path
            assert "cookie" in vary(response), path


async def test_every_response_that_sets_a_cookie_is_private() -> None:
    # A shared cache that kept one of these would hand one visitor's consent to the next.
    async with client(make_app()) as c:
        responses = [
            await c.post(f"{PREFIX}/consent", json={"action": "accept_all"}, headers=SAME_ORIGIN),
            await c.post(
                f"{PREFIX}/consent",
                content=urlencode({"action": "reject_all", "next": "/"}),
                headers={"content-type": "application/x-www-form-urlencoded", **SAME_ORIGIN},
            ),
            await c.post(
                f"{PREFIX}/continue",
                content=urlencode({"next": "/"}),
                headers={"content-type": "application/x-www-form-urlencoded", **SAME_ORIGIN},
            ),
            await c.post(
                f"{PREFIX}/notice",
                content=urlencode({"kind": "warn", "next": "/"}),
                headers={"content-type": "application/x-www-form-urlencoded", **SAME_ORIGIN},
            ),
        ]
    for response in responses:
        assert "set-cookie" in response.headers, response.request.url
        assert not_shared_cacheable(response), (response.request.url, response.headers)
    assert COOKIE in responses[0].headers["set-cookie"]
