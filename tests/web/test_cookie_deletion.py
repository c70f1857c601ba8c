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


@pytest.mark.parametrize(
    "set_cookie",
    [
        "_ga=GA1.1.1.1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=31536000; Path=/",
        "_ga=GA1.1.1.1; Max-Age=0; Max-Age=31536000; Path=/",
        "_ga=GA1.1.1.1; Max-Age=31536000; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    ],
    ids=["expires-past-max-age-year", "last-max-age-wins", "max-age-over-expires"],
)
async def test_a_kept_cookie_dressed_as_a_deletion_is_removed(
    tmp_path: Path, set_cookie: str
) -> None:
    def sets(request: object) -> Response:
        response = HTMLResponse(INDEX)
        response.raw_headers.append((b"set-cookie", set_cookie.encode()))
        return response

    app = protect(site(write_site(tmp_path / "site"), **{"/ga": sets}))
    async with client(app) as http:
        response = await http.get("/ga")
    assert not [line for line in response.headers.get_list("set-cookie") if "GA1" in line]


async def test_a_real_deletion_from_the_app_is_kept(tmp_path: Path) -> None:
    def deletes(request: object) -> Response:
        response = HTMLResponse(INDEX)
        response.raw_headers.append((b"set-cookie", b"_ga=; Max-Age=0; Path=/"))
        return response

    app = protect(site(write_site(tmp_path / "site"), **{"/ga": deletes}))
    async with client(app) as http:
        response = await http.get("/ga")
    assert "_ga=; Max-Age=0; Path=/" in response.headers.get_list("set-cookie")


@pytest.mark.parametrize(
    ("host", "domains"),
    [
        ("www.example.com", {None, "www.example.com", "example.com"}),
        ("example.com", {None, "example.com"}),
        ("shop.example.co.uk", {None, "shop.example.co.uk", "example.co.uk"}),
    ],
)
async def test_tracker_cookies_set_on_the_registrable_domain_are_deleted_there(
    tmp_path: Path, host: str, domains: set[str | None]
) -> None:
    async with client(protect(site(write_site(tmp_path / "site"))), host=host) as http:
        # As gtag.js and fbevents.js set them: Domain=<registrable domain>.
        http.cookies.set("_ga", "GA1.1.123.456", domain=host)
        http.cookies.set("_fbp", "fb.1.2.3", domain=host)
        response = await http.get("/page.html")
    for name in ("_ga", "_fbp"):
        found = set()
        for line in deleted(response, name):
            match = [a.split("=", 1)[1] for a in line.split("; ") if a.startswith("Domain=")]
            found.add(match[0].lstrip(".") if match else None)
        assert found == domains, (name, deleted(response, name))
