"""`Visit`: the request as both halves read it: headers decoded once, cookies parsed once, the
path without `root_path`, the current path with its query."""

from __future__ import annotations

import pytest
from starlette.types import Message, Receive, Scope, Send

from antechamber import Antechamber, Settings
from antechamber.web import Fragment, Half, Pipeline, Visit


def scope_with(*headers: tuple[bytes, bytes], **extra: object) -> Scope:
    return {"type": "http", "method": "GET", "path": "/", "headers": list(headers), **extra}


def test_headers_are_decoded_once_with_lower_case_names() -> None:
    scope = scope_with(
        (b"User-Agent", b"Mozilla/5.0"),  # a server that keeps the names as the browser sent them
        (b"Accept-Language", b"de"),
    )
    visit = Visit.of(scope)
    assert visit.headers == {"user-agent": "Mozilla/5.0", "accept-language": "de"}
    assert Visit.of(scope) is visit  # once per request


def test_names_in_any_case_are_read_with_or_without_a_user_agent() -> None:
    for first in [(b"User-Agent", b"Mozilla/5.0"), (b"Accept", b"text/html")]:
        visit = Visit.of(scope_with(first, (b"Cookie", b"a=1"), (b"SEC-GPC", b"1")))
        assert visit.cookie("a") == "1"
        assert visit.header("sec-gpc") == "1"


def test_the_first_of_a_repeated_header_counts_but_cookies_are_joined() -> None:
    scope = scope_with(
        (b"user-agent", b"first"),
        (b"cookie", b"a=1"),
        (b"user-agent", b"second"),
        (b"cookie", b"b=2"),
    )
    visit = Visit.of(scope)
    assert visit.headers == {"user-agent": "first", "cookie": "a=1; b=2"}
    assert visit.cookies == {"a": ["1"], "b": ["2"]}


def test_values_are_latin_1_and_never_fail_to_decode() -> None:
    visit = Visit.of(scope_with((b"user-agent", b"caf\xe9 \xff")))
    assert visit.headers["user-agent"] == "caf\xe9 \xff"


def test_cookies_are_parsed_once_with_every_value_of_a_repeated_name() -> None:
    visit = Visit.of(scope_with((b"cookie", b'_ga=GA1; theme="dark"; _ga=GA2; junk; =x')))
    assert visit.cookies == {"_ga": ["GA1", "GA2"], "theme": ["dark"]}
    assert visit.cookie("_ga") == "GA1"
    assert visit.cookie("missing") is None


def test_headers_given_as_a_one_pass_iterable_are_kept_for_the_app() -> None:
    scope = scope_with()
    scope["headers"] = iter([(b"user-agent", b"ua")])
    assert Visit.of(scope).headers == {"user-agent": "ua"}
    assert list(scope["headers"]) == [(b"user-agent", b"ua")]


@pytest.mark.parametrize(
    ("path", "root_path", "within"),
    [
        ("/shop/_antechamber/consent", "/shop", "/_antechamber/consent"),
        ("/shop", "/shop", "/"),
        ("/page", "", "/page"),
        ("/other/page", "/shop", "/other/page"),
    ],
)
def test_the_path_is_taken_without_root_path(path: str, root_path: str, within: str) -> None:
    assert Visit.of(scope_with(path=path, root_path=root_path)).path == within


@pytest.mark.parametrize(
    ("path", "query", "current"),
    [
        ("/articles/1", b"", "/articles/1"),
        ("/search", b"q=caf%C3%A9&page=2", "/search?q=caf%C3%A9&page=2"),
        ("/caf\xe9", b"", "/caf%C3%A9"),
        ("//evil.example", b"", "/"),
    ],
)
def test_the_current_path_keeps_its_query_and_stays_on_the_site(
    path: str, query: bytes, current: str
) -> None:
    assert Visit.of(scope_with(path=path, query_string=query)).current == current


@pytest.mark.anyio
async def test_a_fragment_is_rendered_with_the_visit() -> None:
    seen: list[Visit] = []

    def render(visit: Visit) -> str:
        seen.append(visit)
        return f"<p>{visit.path} {visit.headers['user-agent']}</p>"

    class Registering(Half):
        def admit(self, visit: Visit) -> None:
            visit.add_fragment(Fragment(render, ("Cookie",)))

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        body = b"<html><body>page</body></html>"
        headers = [(b"content-type", b"text/html"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = scope_with((b"user-agent", b"Test/1"), path="/here")
    await Pipeline(app, [Registering()])(scope, receive, send)
    assert [v.scope for v in seen] == [scope]
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
