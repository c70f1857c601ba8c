"""Server-side enforcement: refused cookies never leave the server; withdrawal deletes them."""

from __future__ import annotations

import httpx
import pytest
from consent_helpers import COOKIE, choose, client, consent_cookie, cookie_header, make_app

from antechamber.settings import DEFAULT_CATEGORIES, Category

pytestmark = pytest.mark.anyio

APP_COOKIES = {"_ga", "_ga_ABC123", "_gid", "_fbp", "VISITOR_INFO1_LIVE", "session", "lang"}


def set_names(response: httpx.Response) -> set[str]:
    """Names the response sets (deletions excluded)."""
    return {
        line.split("=", 1)[0]
        for line in response.headers.get_list("set-cookie")
        if "max-age=0" not in line.lower()
    }


def deleted(response: httpx.Response) -> list[str]:
    return [line for line in response.headers.get_list("set-cookie") if "max-age=0" in line.lower()]


async def cookies_after(app: object, headers: dict[str, str] | None = None) -> httpx.Response:
    async with client(app) as c:
        return await c.get("/set-cookies", headers=headers or {})


async def test_an_undecided_visitor_gets_only_undeclared_cookies() -> None:
    response = await cookies_after(make_app())
    # Declared partners' cookies go; cookies nobody declared are not ours to judge.
    assert set_names(response) == {"session", "lang"}
    assert "Cookie" in response.headers["vary"]


async def test_an_apps_own_deletion_of_a_refused_cookie_is_kept() -> None:
    response = await cookies_after(make_app())
    assert any(line.startswith("_fbp=") and "Path=/old" in line for line in deleted(response))


async def test_accepting_everything_lets_every_cookie_through() -> None:
    app = make_app()
    async with client(app) as c:
        value = consent_cookie(await choose(c, "accept_all"))
    assert set_names(await cookies_after(app, cookie_header(value))) == APP_COOKIES


async def test_only_the_granted_partners_cookies_pass() -> None:
    app = make_app()
    async with client(app) as c:
        value = consent_cookie(await choose(c, "save", categories=["analytics"]))
    names = set_names(await cookies_after(app, cookie_header(value)))
    assert names == {"_ga", "_ga_ABC123", "_gid", "session", "lang"}


async def test_a_categorys_own_cookies_are_enforced_and_required_ones_never() -> None:
    categories = [
        Category("necessary", "Necessary", required=True, cookies=["session", "_ga*"]),
        *[c for c in DEFAULT_CATEGORIES if c.key != "necessary"],
    ]
    categories = [
        Category(c.key, c.title, c.description, c.required, ["lang"])
        if c.key == "preferences"
        else c
        for c in categories
    ]
    app = make_app(categories=categories)
    names = set_names(await cookies_after(app))
    # `lang` is preferences' (refused); `session` is required. `_ga` is claimed by a required
    # category's pattern but also by Google Analytics: the partner's refusal still removes it.
    assert "lang" not in names
    assert "session" in names
    assert "_ga" not in names


async def test_enforcement_can_be_switched_off() -> None:
    assert set_names(await cookies_after(make_app(enforce_cookies=False))) == APP_COOKIES


async def test_responses_without_refused_cookies_are_left_as_they_are() -> None:
    async with client(make_app()) as c:
        response = await c.get("/data")
    assert "vary" not in response.headers


async def test_reject_all_deletes_the_refused_cookies_the_request_carries() -> None:
    app = make_app()
    async with client(app) as c:
        accepted = consent_cookie(await choose(c, "accept_all"))
        carried = cookie_header(
            accepted, _ga="GA1.1", _ga_ABC123="GS1", _fbp="fb.1", session="s", theme="dark"
        )
        response = await c.post(
            "/_antechamber/consent", data={"action": "reject_all"}, headers=carried
        )
    lines = deleted(response)
    names = sorted(line.split("=", 1)[0] for line in lines)
    assert names == ["_fbp", "_ga", "_ga_ABC123"]
    for line in lines:
        assert "Path=/" in line
        assert "Expires=Thu, 01 Jan 1970 00:00:00 GMT" in line
        assert "HttpOnly" in line
    # The new consent cookie itself is set, not deleted.
    assert any(line.startswith(f"{COOKIE}=") for line in response.headers.get_list("set-cookie"))


async def test_a_save_that_withdraws_one_category_deletes_only_its_cookies() -> None:
    app = make_app()
    async with client(app) as c:
        accepted = consent_cookie(await choose(c, "accept_all"))
        carried = cookie_header(accepted, _ga="GA1.1", _fbp="fb.1")
        response = await choose(c, "save", categories=["advertising"], headers=carried)
    assert [line.split("=", 1)[0] for line in deleted(response)] == ["_ga"]


async def test_withdrawal_deletes_every_declared_path_and_domain_variant() -> None:
    app = make_app(delete_paths=["/", "/blog"], delete_domains=[".example.com"])
    async with client(app) as c:
        response = await choose(c, "reject_all", headers={"cookie": "_gid=1"})
    variants = {
        (
            next(p for p in line.split("; ") if p.startswith("Path=")),
            next((p for p in line.split("; ") if p.startswith("Domain=")), None),
        )
        for line in deleted(response)
    }
    assert variants == {
        ("Path=/", None),
        ("Path=/blog", None),
        ("Path=/", "Domain=.example.com"),
        ("Path=/blog", "Domain=.example.com"),
    }


async def test_deletions_are_secure_on_https() -> None:
    async with client(make_app(), base_url="https://testserver") as c:
        response = await c.post(
            "/_antechamber/consent",
            json={"action": "reject_all"},
            headers={"origin": "https://testserver", "cookie": "_ga=1"},
        )
    (line,) = deleted(response)
    assert line.endswith("; Secure")
