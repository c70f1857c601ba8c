"""Issue 17, cases 8 and 9: refused cookies are kept out of responses as browsers read
Set-Cookie, and deleted from any response to a request that carries them."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.responses import HTMLResponse, Response
from web_site import INDEX, choose, client, deleted, protect, site, write_site

pytestmark = pytest.mark.anyio


async def test_an_ordinary_request_carrying_a_refused_cookie_deletes_it(tmp_path: Path) -> None:
    async with client(protect(site(write_site(tmp_path / "site")))) as http:
        await choose(http, "reject_all")
        http.cookies.set("_ga", "GA1.1.123.456", domain="www.example.com")
        response = await http.get("/page.html")
    assert deleted(response, "_ga")
    assert "Cookie" in response.headers["vary"]


async def test_an_undecided_visitor_carrying_a_tracker_cookie_gets_it_deleted_on_an_asset(
    tmp_path: Path,
) -> None:
    root = write_site(tmp_path / "site")
    (root / "style.css").write_text("body{}")
    async with client(protect(site(root))) as http:
        http.cookies.set("_fbp", "fb.1.2.3", domain="www.example.com")
        response = await http.get("/style.css")
    assert response.text == "body{}"
    assert deleted(response, "_fbp")


async def test_a_granted_cookie_is_left_alone(tmp_path: Path) -> None:
    async with client(protect(site(write_site(tmp_path / "site")))) as http:
        await choose(http, "accept_all")
        http.cookies.set("_ga", "GA1.1.123.456", domain="www.example.com")
        response = await http.get("/page.html")
    assert not deleted(response, "_ga")


async def test_a_refused_cookie_set_by_the_app_is_removed(tmp_path: Path) -> None:
    def sets_ga(request: object) -> Response:
        response = HTMLResponse(INDEX)
        response.set_cookie("_ga", "GA1.1.1.1", max_age=31536000)
        response.set_cookie("theme", "dark")
        return response

    app = protect(site(write_site(tmp_path / "site"), **{"/ga": sets_ga}))
    async with client(app) as http:
        response = await http.get("/ga")
    lines = response.headers.get_list("set-cookie")
    assert [line.split("=")[0] for line in lines] == ["theme"]
