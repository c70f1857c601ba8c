"""The choice endpoint: cross-site refusals, on-site `next`, body limits, clear errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from consent_helpers import client, make_app

pytestmark = pytest.mark.anyio

URL = "/_antechamber/consent"


CROSS_SITE = {
    "another origin": {"origin": "https://evil.example"},
    "another port": {"origin": "http://testserver:8080"},
    "a look-alike host": {"origin": "http://testserver.evil.example"},
    "origin null": {"origin": "null"},
    "a non-http origin": {"origin": "chrome-extension://abc"},
    "sec-fetch-site cross-site": {"sec-fetch-site": "cross-site"},
    "sec-fetch-site same-site": {"sec-fetch-site": "same-site"},
    "same origin but fetch metadata says cross-site": {
        "origin": "http://testserver",
        "sec-fetch-site": "cross-site",
    },
}


@pytest.mark.parametrize("headers", CROSS_SITE.values(), ids=CROSS_SITE.keys())
async def test_a_cross_site_choice_is_refused(headers: dict[str, str]) -> None:
    async with client(make_app()) as c:
        response = await c.post(URL, data={"action": "accept_all"}, headers=headers)
    assert response.status_code == 403
    assert "set-cookie" not in response.headers
    assert "Cross-site" in response.text


SAME_SITE = {
    "same origin": {"origin": "http://testserver"},
    "same origin with its default port": {"origin": "http://testserver:80"},
    "fetch metadata same-origin": {"sec-fetch-site": "same-origin"},
    "both": {"origin": "http://testserver", "sec-fetch-site": "same-origin"},
    "neither, on plain http": {},
}


@pytest.mark.parametrize("headers", SAME_SITE.values(), ids=SAME_SITE.keys())
async def test_a_same_site_choice_is_accepted(headers: dict[str, str]) -> None:
    async with client(make_app()) as c:
        response = await c.post(URL, data={"action": "accept_all"}, headers=headers)
    assert response.status_code == 303


async def test_on_https_a_choice_without_origin_or_fetch_metadata_is_refused() -> None:
    async with client(make_app(), base_url="https://testserver") as c:
        refused = await c.post(URL, data={"action": "accept_all"})
        accepted = await c.post(
            URL, data={"action": "accept_all"}, headers={"origin": "https://testserver"}
        )
    assert refused.status_code == 403
    assert accepted.status_code == 303


OFF_SITE_NEXT = [
    "//evil.example",
    "//evil.example/path",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    "evil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "/%5Cevil.example",
    "/%252F%252Fevil.example",
    "/ok\r\nSet-Cookie: x=1",
    "/ok%0d%0aSet-Cookie:%20x=1",
    "/\t/evil.example",
    "/\x00",
    "",
    "/" + "a" * 3000,
]


@pytest.mark.parametrize("target", OFF_SITE_NEXT)
async def test_a_next_that_leaves_the_site_becomes_the_home_page(target: str) -> None:
    async with client(make_app()) as c:
        response = await c.post(URL, data={"action": "reject_all", "next": target})
    assert response.status_code == 303
    assert response.headers["location"] == "/"


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/articles/7", "/articles/7"),
        ("/search?q=cats&page=2#top", "/search?q=cats&page=2#top"),
        ("/caf%C3%A9", "/caf%C3%A9"),
        ("/café", "/caf%C3%A9"),
        ("/a b", "/a%20b"),
    ],
)
async def test_an_on_site_next_is_kept(target: str, location: str) -> None:
    async with client(make_app()) as c:
        response = await c.post(URL, data={"action": "reject_all", "next": target})
    assert response.headers["location"] == location


async def test_a_json_next_is_checked_too() -> None:
    async with client(make_app()) as c:
        response = await c.post(URL, json={"action": "reject_all", "next": "//evil.example"})
    assert response.status_code == 200


async def test_a_body_over_the_limit_is_refused_with_413() -> None:
    async with client(make_app(max_body_size=1024)) as c:
        declared = await c.post(URL, data={"action": "save", "next": "/" + "a" * 2000})

        async def chunks() -> AsyncIterator[bytes]:
            yield b"action=save&next=/"
            for _ in range(100):
                yield b"a" * 100

        streamed = await c.post(
            URL,
            content=chunks(),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert declared.status_code == 413
    assert streamed.status_code == 413
    assert "set-cookie" not in streamed.headers


MALFORMED = {
    "invalid json": ("application/json", b"{action: save"),
    "json that is not an object": ("application/json", b'["accept_all"]'),
    "empty json": ("application/json", b""),
    "no action": ("application/json", b'{"categories": ["analytics"]}'),
    "an unknown action": ("application/json", b'{"action": "accept_some"}'),
    "an action that is not a string": ("application/json", b'{"action": ["save"]}'),
    "categories not a list": ("application/json", b'{"action": "save", "categories": "ads"}'),
    "an unknown category": ("application/json", b'{"action": "save", "categories": ["spying"]}'),
    "an unknown partner": ("application/json", b'{"action": "save", "partners": ["tracker"]}'),
    "next not a string": ("application/json", b'{"action": "save", "next": 7}'),
    "bad utf-8": ("application/json", b'{"action": "\xff"}'),
    "a form without action": ("application/x-www-form-urlencoded", b"next=%2F"),
    "a form with bad percent-escapes": ("application/x-www-form-urlencoded", b"action=%ff%fe"),
    "a form with an unknown category": (
        "application/x-www-form-urlencoded",
        b"action=save&categories=spying",
    ),
    "a form with too many fields": (
        "application/x-www-form-urlencoded",
        b"action=save" + b"&categories=analytics" * 300,
    ),
}


@pytest.mark.parametrize(("media_type", "body"), MALFORMED.values(), ids=MALFORMED.keys())
async def test_a_malformed_choice_is_a_clear_400(media_type: str, body: bytes) -> None:
    async with client(make_app()) as c:
        response = await c.post(URL, content=body, headers={"content-type": media_type})
    assert response.status_code == 400
    assert "set-cookie" not in response.headers
    message = response.json()["error"] if media_type == "application/json" else response.text
    assert len(message) > 10


@pytest.mark.parametrize(
    "media_type", ["multipart/form-data; boundary=x", "text/plain", "application/xml", ""]
)
async def test_other_media_types_are_refused_with_415(media_type: str) -> None:
    async with client(make_app()) as c:
        response = await c.post(
            URL, content=b"action=accept_all", headers={"content-type": media_type}
        )
    assert response.status_code == 415


async def test_a_choice_without_a_media_type_is_refused_in_the_visitors_language() -> None:
    async with client(make_app()) as c:
        response = await c.post(
            URL, content=b"action=accept_all", headers={"accept-language": "uk"}
        )
    assert response.status_code == 415
    assert response.headers["content-language"] == "uk"
    assert response.text.startswith("Надішліть вибір")
    assert "nothing" not in response.text


async def test_the_json_error_says_what_was_wrong() -> None:
    async with client(make_app()) as c:
        response = await c.post(URL, json={"action": "save", "categories": ["spying"]})
    assert response.json()["error"].startswith("Unknown categories: 'spying'")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", URL),
        ("DELETE", URL),
        ("POST", "/_antechamber/preferences"),
    ],
)
async def test_other_methods_are_refused_with_405(method: str, path: str) -> None:
    async with client(make_app()) as c:
        response = await c.request(method, path)
    assert response.status_code == 405


async def test_deeply_nested_json_is_a_400() -> None:
    async with client(make_app()) as c:
        for body in ("[" * 5000, "[" * 5000 + "]" * 5000, '{"a":' * 3000):
            response = await c.post(URL, content=body, headers={"content-type": "application/json"})
            assert response.status_code == 400, body[:10]


async def test_a_content_length_of_non_ascii_digits_is_a_400() -> None:
    from consent_helpers import make_settings

    from antechamber.consent import CookieConsentMiddleware

    sent: list[dict[str, object]] = []

    async def app(scope: object, receive: object, send: object) -> None:
        raise AssertionError("not reached")

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b'{"action":"accept_all"}', "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    middleware = CookieConsentMiddleware(app, settings=make_settings())
    scope = {
        "type": "http",
        "method": "POST",
        "scheme": "http",
        "path": URL,
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"\xb2")],  # "²",
    }
    await middleware(scope, receive, send)  # type: ignore[arg-type]
    assert sent[0]["status"] == 400
