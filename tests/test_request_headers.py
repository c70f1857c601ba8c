"""`request_headers`: the request headers both halves read, decoded once per request."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from starlette.types import Message, Receive, Scope, Send

from antechamber import Antechamber, Settings
from antechamber.html import (
    READ_HEADERS,
    Fragment,
    add_fragment,
    header_map,
    request_headers,
    run_with_fragments,
)


def scope_with(*headers: tuple[bytes, bytes]) -> Scope:
    return {"type": "http", "method": "GET", "path": "/", "headers": list(headers)}


def test_only_the_names_read_are_decoded_lower_case() -> None:
    scope = scope_with(
        (b"User-Agent", b"Mozilla/5.0"),  # a server that keeps the names as the browser sent them
        (b"Accept-Language", b"de"),
        (b"X-Unrelated", b"ignored"),
        (b"Accept-Encoding", b"gzip"),
    )
    assert request_headers(scope) == {"user-agent": "Mozilla/5.0", "accept-language": "de"}
    assert header_map(scope)[b"accept-encoding"] == b"gzip"


def test_a_request_without_user_agent_is_read_all_the_same() -> None:
    scope = scope_with((b"accept", b"text/html"), (b"Cookie", b"a=1"))
    assert request_headers(scope) == {"accept": "text/html", "cookie": "a=1"}


def test_the_first_of_a_repeated_header_counts_but_cookies_are_joined() -> None:
    scope = scope_with(
        (b"user-agent", b"first"),
        (b"cookie", b"a=1"),
        (b"user-agent", b"second"),
        (b"Cookie", b"b=2"),
        (b"sec-gpc", b"1"),
        (b"sec-gpc", b"0"),
    )
    assert request_headers(scope) == {"user-agent": "first", "cookie": "a=1; b=2", "sec-gpc": "1"}


def test_values_are_latin_1_and_never_fail_to_decode() -> None:
    scope = scope_with((b"user-agent", b"caf\xe9 \xff"))
    assert request_headers(scope)["user-agent"] == "caf\xe9 \xff"


def test_parsed_once_per_request_and_shared() -> None:
    scope = scope_with((b"user-agent", b"ua"), (b"cookie", b"a=1"))
    first = request_headers(scope)
    assert request_headers(scope) is first
    assert request_headers(scope, frozenset({b"cookie"})) is first  # fewer names: the same dict


def test_more_names_than_were_decoded_parse_again() -> None:
    scope = scope_with((b"user-agent", b"ua"), (b"cf-ipcountry", b"DE"))
    assert "cf-ipcountry" not in request_headers(scope)
    wider = READ_HEADERS | {b"cf-ipcountry"}
    assert request_headers(scope, wider)["cf-ipcountry"] == "DE"
    assert request_headers(scope) is request_headers(scope, wider)  # a subset of what is kept


def test_changed_headers_parse_again() -> None:
    scope = scope_with((b"user-agent", b"one"))
    assert request_headers(scope)["user-agent"] == "one"
    scope["headers"] = [(b"user-agent", b"two")]  # a layer that replaces the list
    assert request_headers(scope)["user-agent"] == "two"
    scope["headers"].append((b"cookie", b"a=1"))  # or adds to it in place
    assert request_headers(scope)["cookie"] == "a=1"


def test_a_copied_scope_with_other_headers_is_not_confused() -> None:
    scope = scope_with((b"user-agent", b"outer"))
    request_headers(scope)
    inner = {**scope, "headers": [(b"user-agent", b"inner")]}
    assert request_headers(inner)["user-agent"] == "inner"
    assert request_headers(scope)["user-agent"] == "outer"


def test_headers_given_as_a_one_pass_iterable_are_kept_for_the_app() -> None:
    scope = scope_with()
    scope["headers"] = iter([(b"user-agent", b"ua"), (b"cookie", b"a=1")])
    assert request_headers(scope) == {"user-agent": "ua", "cookie": "a=1"}
    assert scope["headers"] == [(b"user-agent", b"ua"), (b"cookie", b"a=1")]


def test_a_tuple_of_headers_is_read_too() -> None:
    scope = scope_with()
    scope["headers"] = ((b"user-agent", b"ua"),)
    assert request_headers(scope) == {"user-agent": "ua"}
    assert request_headers(scope) == {"user-agent": "ua"}


@pytest.mark.anyio
async def test_a_scoped_fragment_is_rendered_with_the_request_scope_and_headers() -> None:
    seen: list[Scope] = []

    def render(scope: Scope, headers: Mapping[bytes, bytes]) -> str:
        seen.append(scope)
        return f"<p>{scope['path']} {headers[b'user-agent'].decode()}</p>"

    fragment = Fragment(render, ("Cookie",), scoped=True)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        add_fragment(scope, fragment)
        body = b"<html><body>page</body></html>"
        headers = [(b"content-type", b"text/html"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {**scope_with((b"user-agent", b"Test/1")), "path": "/here"}
    await run_with_fragments(app, scope, receive, send)
    assert seen == [scope]
    assert sent[1]["body"] == b"<html><body>page<p>/here Test/1</p></body></html>"
    headers = dict(sent[0]["headers"])
    assert headers[b"content-length"] == str(len(sent[1]["body"])).encode()
    assert headers[b"vary"] == b"Cookie"


class CountingHeaders(list[tuple[bytes, bytes]]):
    """A header list that counts how often it is read."""

    reads = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        CountingHeaders.reads += 1
        return super().__iter__()


@pytest.mark.anyio
async def test_both_halves_read_the_headers_once() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"text/html")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"<html><body>x</body></html>"})

    middleware = Antechamber(app, settings=Settings(secret_key="k" * 40))
    headers = CountingHeaders(
        [
            (
                b"user-agent",
                b"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                b"(KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
            ),
            (b"accept", b"text/html"),
            (b"accept-language", b"en"),
            (b"cookie", b"other=1"),
        ]
    )
    scope = {**scope_with(), "headers": headers, "query_string": b"", "root_path": ""}
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    CountingHeaders.reads = 0
    await middleware(scope, receive, send)
    assert CountingHeaders.reads == 1
    assert sent[0]["status"] == 200
    assert b"/_antechamber/" in sent[1]["body"]  # the banner went in
    assert scope["state"]["browser"].verdict == "supported"
    assert scope["state"]["consent"].decided is False


DESKTOP_CHROME = (
    b"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    b"Chrome/131.0.0.0 Safari/537.36"
)


@pytest.mark.parametrize(
    ("hints", "expected"),
    [
        # The full version list names the product when it is sent, over the short brand list.
        (
            [
                (b"sec-ch-ua", b'"Chromium";v="131", "Google Chrome";v="131"'),
                (
                    b"sec-ch-ua-full-version-list",
                    b'"Chromium";v="131.0.6778.86", "Microsoft Edge";v="131.0.2903.86"',
                ),
            ],
            {"family": "Edge", "agent": "edge"},
        ),
        ([(b"sec-ch-ua-mobile", b"?1")], {"is_mobile": True}),
        (
            [(b"sec-ch-ua", b'"Google Chrome";v="131"'), (b"sec-ch-ua-platform", b'"Android"')],
            {"agent": "and_chr"},
        ),
    ],
)
@pytest.mark.anyio
async def test_the_gate_reads_each_client_hint_under_its_own_name(
    hints: list[tuple[bytes, bytes]], expected: dict[str, object]
) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        pass

    middleware = Antechamber(app, settings=Settings(secret_key="k" * 40))
    scope = {**scope_with((b"user-agent", DESKTOP_CHROME), *hints), "query_string": b""}
    await middleware(scope, receive, send)
    browser = scope["state"]["browser"]
    assert {name: getattr(browser, name) for name in expected} == expected
