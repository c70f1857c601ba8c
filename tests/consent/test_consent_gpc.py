"""Global Privacy Control: `Sec-GPC: 1` denies advertising until the visitor explicitly says so."""

from __future__ import annotations

import pytest
from consent_helpers import choose, client, consent_cookie, cookie_header, make_app

pytestmark = pytest.mark.anyio

GPC = {"sec-gpc": "1"}


async def get_state(app: object, *headers: dict[str, str]) -> dict[str, object]:
    merged: dict[str, str] = {}
    for h in headers:
        merged.update(h)
    async with client(app) as c:
        return (await c.get("/state", headers=merged)).json()  # type: ignore[no-any-return]


async def test_a_first_visit_with_gpc_denies_advertising_and_says_so() -> None:
    state = await get_state(make_app(), GPC)
    assert state["decided"] is False
    assert state["gpc"] is True
    assert state["categories"]["advertising"] is False  # type: ignore[index]
    assert state["partners"]["meta_pixel"] is False  # type: ignore[index]


async def test_the_banner_says_the_signal_was_honoured() -> None:
    async with client(make_app()) as c:
        with_signal = (await c.get("/", headers=GPC)).text
        without = (await c.get("/")).text
    assert "Global Privacy Control" in with_signal
    assert "Global Privacy Control" not in without


async def test_accept_all_under_gpc_grants_everything_but_advertising() -> None:
    app = make_app()
    async with client(app) as c:
        response = await choose(c, "accept_all", headers=GPC)
    body = response.json()
    assert body["gpc"] is True
    assert body["categories"]["advertising"] is False
    assert body["partners"]["meta_pixel"] is False
    assert body["categories"]["analytics"] is True
    assert body["partners"]["google_analytics"] is True


async def test_a_later_request_without_the_signal_is_not_an_opt_in() -> None:
    app = make_app()
    async with client(app) as c:
        value = consent_cookie(await choose(c, "accept_all", headers=GPC))
    state = await get_state(app, cookie_header(value))
    assert state["gpc"] is False
    assert state["categories"]["advertising"] is False  # type: ignore[index]
    undecided = await get_state(app)  # nor for a visitor who never chose
    assert undecided["categories"]["advertising"] is False  # type: ignore[index]


async def test_an_explicit_choice_under_gpc_wins_and_stands() -> None:
    app = make_app()
    async with client(app) as c:
        response = await choose(c, "save", categories=["advertising"], headers=GPC)
    assert response.json()["categories"]["advertising"] is True
    value = consent_cookie(response)
    assert (await get_state(app, cookie_header(value), GPC))["categories"]["advertising"] is True  # type: ignore[index]
    assert (await get_state(app, cookie_header(value)))["categories"]["advertising"] is True  # type: ignore[index]


async def test_a_signal_that_arrives_after_a_choice_denies_advertising_again() -> None:
    app = make_app()
    async with client(app) as c:
        value = consent_cookie(await choose(c, "accept_all"))
    with_signal = await get_state(app, cookie_header(value), GPC)
    assert with_signal["gpc"] is True
    assert with_signal["categories"]["advertising"] is False  # type: ignore[index]
    assert with_signal["partners"]["meta_pixel"] is False  # type: ignore[index]
    assert with_signal["categories"]["analytics"] is True  # type: ignore[index]


async def test_gpc_blocks_advertising_cookies_from_the_first_response() -> None:
    async with client(make_app()) as c:
        value = consent_cookie(await choose(c, "accept_all", headers=GPC))
        response = await c.get("/set-cookies", headers={**cookie_header(value), **GPC})
    names = {line.split("=", 1)[0] for line in response.headers.get_list("set-cookie")}
    assert "_ga" in names
    assert "_fbp" in names  # only its deletion (Max-Age=0, path /old), kept by design
    assert all(
        "Max-Age=0" in line
        for line in response.headers.get_list("set-cookie")
        if line.startswith("_fbp=")
    )


async def test_gpc_is_ignored_when_honor_gpc_is_off() -> None:
    app = make_app(honor_gpc=False)
    async with client(app) as c:
        response = await choose(c, "accept_all", headers=GPC)
    assert response.json()["gpc"] is False
    assert response.json()["categories"]["advertising"] is True
    async with client(app) as c:
        assert "Global Privacy Control" not in (await c.get("/", headers=GPC)).text
