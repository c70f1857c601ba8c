"""The shared insertion of fragments into the app's HTML, through real Starlette responses."""

from __future__ import annotations

import gc
import gzip
import weakref
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from antechamber.web import Fragment, Half, Pipeline, Visit

pytestmark = pytest.mark.anyio

NOTICE = '<div id="notice">Hi</div>'
PAGE = "<html><head><title>t</title></head><body><p>Page</p></body></html>"
WITH_NOTICE = f"<html><head><title>t</title></head><body><p>Page</p>{NOTICE}</body></html>"


def notice(markup: str = NOTICE, vary: tuple[str, ...] = ("User-Agent",)) -> Fragment:
    return Fragment(lambda visit: markup, vary)


class Registering(Half):
    """A half that registers fixed fragments on every request, as the gate and consent do."""

    def __init__(self, *fragments: Fragment) -> None:
        self.fragments = fragments

    def admit(self, visit: Visit) -> None:
        for fragment in self.fragments:
            visit.add_fragment(fragment)


def with_fragments(app: ASGIApp, *fragments: Fragment) -> ASGIApp:
    """The app behind a pipeline that registers `fragments` and inserts them."""
    return Pipeline(app, [Registering(*fragments)])


def streamed(chunks: Iterable[str | bytes], media_type: str = "text/html") -> Response:
    async def body() -> AsyncIterator[str | bytes]:
        for chunk in chunks:
            yield chunk

    return StreamingResponse(body(), media_type=media_type)


def app_answering(make: Callable[[Request], Response]) -> Starlette:
    async def endpoint(request: Request) -> Response:
        return make(request)

    return Starlette(routes=[Route("/", endpoint, methods=["GET", "HEAD", "POST"])])


async def fetch(app: ASGIApp, method: str = "GET", **kwargs: object) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.request(method, "/", **kwargs)  # type: ignore[arg-type]


async def test_a_page_sent_whole_gets_the_fragment_before_body_end() -> None:
    app = with_fragments(app_answering(lambda r: HTMLResponse(PAGE)), notice())
    response = await fetch(app)
    assert response.content == WITH_NOTICE.encode()
    assert response.headers["content-length"] == str(len(WITH_NOTICE.encode()))
    assert response.headers["vary"] == "User-Agent"


async def test_a_streamed_page_gets_the_fragment_before_body_end() -> None:
    chunks = ["<html><head><title>t</title></head>", "<body><p>Page</p>", "</body></html>"]
    app = with_fragments(app_answering(lambda r: streamed(chunks)), notice())
    response = await fetch(app)
    assert response.content == WITH_NOTICE.encode()
    assert "content-length" not in response.headers


@pytest.mark.parametrize("cut", range(1, len("</body>")))
async def test_a_body_end_split_over_two_chunks_is_found(cut: int) -> None:
    head, tail = PAGE.split("</body>")
    chunks = [head + "</body>"[:cut], "</body>"[cut:] + tail, "<!-- after -->"]
    app = with_fragments(app_answering(lambda r: streamed(chunks)), notice())
    response = await fetch(app)
    assert response.text == WITH_NOTICE + "<!-- after -->"


async def test_an_upper_case_spaced_body_end_split_three_ways_is_found() -> None:
    chunks = ["<body><p>Page</p></BO", "DY", "  >", "</html>", ""]
    app = with_fragments(app_answering(lambda r: streamed(chunks)), notice())
    response = await fetch(app)
    assert response.text == f"<body><p>Page</p>{NOTICE}</BODY  ></html>"


async def test_a_page_without_body_end_gets_the_fragment_appended() -> None:
    page = "<!DOCTYPE html><title>t</title><p>Page</p>"
    app = with_fragments(app_answering(lambda r: HTMLResponse(page)), notice())
    response = await fetch(app)
    assert response.text == page + NOTICE
    assert response.headers["content-length"] == str(len(response.content))


async def test_a_streamed_page_without_body_end_gets_the_fragment_appended() -> None:
    chunks = ["<!doctype html><p>Page", " and more", "</p>"]
    app = with_fragments(app_answering(lambda r: streamed(chunks)), notice())
    response = await fetch(app)
    assert response.text == "<!doctype html><p>Page and more</p>" + NOTICE


async def test_a_page_sent_whole_gets_the_fragment_before_its_last_body_end() -> None:
    page = "<body><script>const s = '</body>'</script><p>Page</p></body>"
    app = with_fragments(app_answering(lambda r: HTMLResponse(page)), notice())
    response = await fetch(app)
    assert response.text == f"<body><script>const s = '</body>'</script><p>Page</p>{NOTICE}</body>"


async def test_a_long_page_sent_whole_finds_a_body_end_far_from_the_end() -> None:
    page = "<body><p>Page</p></body>" + "<!-- padding -->" * 10_000
    app = with_fragments(app_answering(lambda r: HTMLResponse(page)), notice())
    response = await fetch(app)
    assert response.text.startswith(f"<body><p>Page</p>{NOTICE}</body><!--")


async def test_fragments_are_inserted_in_the_order_registered_with_every_vary() -> None:
    first = notice("<i>1</i>", ("User-Agent",))
    second = notice("<i>2</i>", ("Cookie", "user-agent"))
    app = with_fragments(app_answering(lambda r: HTMLResponse(PAGE)), first, second)
    response = await fetch(app)
    assert "<p>Page</p><i>1</i><i>2</i></body>" in response.text
    assert response.headers["vary"] == "User-Agent, Cookie"


async def test_the_apps_own_vary_is_kept() -> None:
    def make(request: Request) -> Response:
        return HTMLResponse(PAGE, headers={"Vary": "Accept-Encoding"})

    response = await fetch(with_fragments(app_answering(make), notice()))
    assert response.headers["vary"] == "Accept-Encoding, User-Agent"


async def test_vary_star_is_left_alone() -> None:
    def make(request: Request) -> Response:
        return HTMLResponse(PAGE, headers={"Vary": "*"})

    response = await fetch(with_fragments(app_answering(make), notice()))
    assert response.headers["vary"] == "*"


async def test_an_empty_render_leaves_the_body_but_still_varies() -> None:
    app = with_fragments(app_answering(lambda r: HTMLResponse(PAGE)), notice(""))
    response = await fetch(app)
    assert response.text == PAGE
    assert response.headers["content-length"] == str(len(PAGE))
    assert response.headers["vary"] == "User-Agent"


async def test_the_fragment_is_encoded_in_the_pages_charset() -> None:
    page = "<body><p>Café</p></body>".encode("iso-8859-1")

    def make(request: Request) -> Response:
        return Response(page, media_type="text/html; charset=iso-8859-1")

    app = with_fragments(app_answering(make), notice("<b>é Ω</b>"))
    response = await fetch(app)
    assert response.content == "<body><p>Café</p><b>é &#937;</b></body>".encode("iso-8859-1")
    assert response.headers["content-length"] == str(len(response.content))


@pytest.mark.parametrize(
    ("charset", "page"),
    [
        ("utf-16", "<!DOCTYPE html><body><p>Page</p></body>".encode("utf-16")),
        ("utf-16le", "<!DOCTYPE html><body><p>Page</p></body>".encode("utf-16-le")),
    ],
)
async def test_a_page_in_a_charset_that_is_not_ascii_compatible_is_left_alone(
    charset: str, page: bytes
) -> None:
    def make(request: Request) -> Response:
        return Response(page, media_type=f"text/html; charset={charset}")

    response = await fetch(with_fragments(app_answering(make), notice()))
    assert response.status_code == 200
    assert response.content == page


@pytest.mark.parametrize("charset", ["utf-32", "no-such-charset"])
async def test_a_label_browsers_do_not_know_is_ignored_as_browsers_ignore_it(
    charset: str,
) -> None:
    # The WHATWG Encoding Standard knows neither label: the page is read as UTF-8.
    def make(request: Request) -> Response:
        return Response(PAGE.encode(), media_type=f"text/html; charset={charset}")

    response = await fetch(with_fragments(app_answering(make), notice()))
    assert response.content == WITH_NOTICE.encode()
    assert response.headers["vary"] == "User-Agent"


async def test_a_compressed_page_is_left_alone_but_varies() -> None:
    compressed = gzip.compress(PAGE.encode())

    def make(request: Request) -> Response:
        return Response(compressed, media_type="text/html", headers={"Content-Encoding": "gzip"})

    response = await fetch(with_fragments(app_answering(make), notice()))
    assert response.text == PAGE  # httpx decodes it: the page arrived intact
    assert response.headers["content-length"] == str(len(compressed))
    assert response.headers["vary"] == "User-Agent"


async def test_mounted_inside_the_compression_middleware_the_page_gets_the_fragment() -> None:
    page = PAGE.replace("<p>Page</p>", "<p>Page</p>" * 200)  # above GZip's minimum size
    inner = with_fragments(app_answering(lambda r: HTMLResponse(page)), notice())
    response = await fetch(GZipMiddleware(inner), headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.text.endswith(f"<p>Page</p>{NOTICE}</body></html>")
    assert response.headers["vary"] == "User-Agent, Accept-Encoding"


async def test_a_head_response_carries_the_headers_the_get_would() -> None:
    app = with_fragments(app_answering(lambda r: HTMLResponse(PAGE)), notice())
    get, head = await fetch(app), await fetch(app, "HEAD")
    assert head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.headers["vary"] == get.headers["vary"] == "User-Agent"


async def test_a_not_modified_response_keeps_its_empty_body_and_carries_the_vary_of_its_200() -> (
    None
):
    def make(request: Request) -> Response:
        return Response(status_code=304, headers={"ETag": '"x"', "Content-Type": "text/html"})

    response = await fetch(with_fragments(app_answering(make), notice()))
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["vary"] == "User-Agent"  # RFC 9110 15.4.5


@pytest.mark.parametrize(
    "make",
    [
        lambda r: JSONResponse({"html": "</body>"}),
        lambda r: PlainTextResponse("</body>"),
        lambda r: Response("</body>", media_type="application/xhtml+xml"),
        lambda r: streamed(['{"a": "</body>"}'], media_type="application/json"),
    ],
    ids=["json", "text", "xhtml", "streamed-json"],
)
async def test_a_response_that_is_not_html_is_left_alone(
    make: Callable[[Request], Response],
) -> None:
    expected = await fetch(app_answering(make))
    response = await fetch(with_fragments(app_answering(make), notice()))
    assert response.content == expected.content
    assert response.headers == expected.headers


async def test_an_html_error_page_gets_the_fragment_too() -> None:
    def make(request: Request) -> Response:
        return HTMLResponse(PAGE, status_code=404)

    response = await fetch(with_fragments(app_answering(make), notice()))
    assert response.status_code == 404
    assert response.content == WITH_NOTICE.encode()


async def test_a_post_answered_with_html_gets_the_fragment() -> None:
    response = await fetch(
        with_fragments(app_answering(lambda r: HTMLResponse(PAGE)), notice()), "POST"
    )
    assert response.content == WITH_NOTICE.encode()


async def test_an_html_file_sent_by_path_gets_the_fragment(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE)
    app = with_fragments(app_answering(lambda r: FileResponse(page)), notice())
    response = await fetch(app)
    assert response.content == WITH_NOTICE.encode()
    assert response.headers["content-length"] == str(len(WITH_NOTICE))


async def test_an_html_file_sent_with_pathsend_is_read_and_gets_the_fragment(
    tmp_path: Path,
) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"text/html"), (b"content-length", b"%d" % len(PAGE))]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.pathsend", "path": str(page)})

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/", "headers": []}
    await with_fragments(app, notice())(scope, receive_nothing, send)
    body = b"".join(m.get("body", b"") for m in sent[1:])
    assert body == WITH_NOTICE.encode()
    assert dict(sent[0]["headers"])[b"content-length"] == b"%d" % len(WITH_NOTICE)


async def test_nested_layers_insert_once() -> None:
    inner = with_fragments(app_answering(lambda r: HTMLResponse(PAGE)), notice("<i>in</i>"))
    response = await fetch(with_fragments(inner, notice("<i>out</i>")))
    assert response.text.count("<i>in</i>") == 1
    assert response.text.count("<i>out</i>") == 1


async def test_without_an_inserting_layer_a_fragment_changes_nothing() -> None:
    app = app_answering(lambda r: HTMLResponse(PAGE))

    async def register_only(scope: Scope, receive: Receive, send: Send) -> None:
        Visit.of(scope).add_fragment(notice())
        await app(scope, receive, send)

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=register_only), base_url="http://testserver"
    ) as client:
        response = await client.get("/")
    assert response.text == PAGE


async def test_a_broken_content_length_is_left_as_the_app_sent_it() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"text/html"), (b"content-length", b"many")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": PAGE.encode()})

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/", "headers": []}
    await with_fragments(app, notice())(scope, receive_nothing, send)
    assert sent[1]["body"] == PAGE.encode()


async def receive_nothing() -> Message:
    return {"type": "http.disconnect"}


async def test_a_five_megabyte_streamed_page_is_never_held_whole() -> None:
    chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>"
    count = 80  # 5 MiB
    produced = 0
    lag: list[int] = []
    largest = 0

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal produced
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/html")],
            }
        )
        for _ in range(count):
            produced += 1
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"</body></html>"})

    delivered = 0

    async def send(message: Message) -> None:
        nonlocal delivered, largest
        if message["type"] == "http.response.body":
            delivered += 1
            largest = max(largest, len(message["body"]))
            lag.append(produced - delivered)

    scope = {"type": "http", "method": "GET", "path": "/", "headers": []}
    await with_fragments(app, notice())(scope, receive_nothing, send)
    assert delivered == count + 1
    assert max(lag) <= 0  # each chunk leaves before the app makes the next
    assert largest <= len(chunk) + len(NOTICE) + 32


@pytest.mark.anyio
async def test_a_fragment_registered_before_the_insertion_starts_is_inserted() -> None:
    async def page(scope: Scope, receive: Receive, send: Send) -> None:
        await HTMLResponse("<html><body><p>x</p></body></html>")(scope, receive, send)

    async def outer(scope: Scope, receive: Receive, send: Send) -> None:
        Visit.of(scope).add_fragment(Fragment(lambda visit: "<aside>early</aside>"))
        await Pipeline(page, [])(scope, receive, send)

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=outer), base_url="http://testserver"
    ) as client:
        response = await client.get("/")
    assert response.text == "<html><body><p>x</p><aside>early</aside></body></html>"


async def test_pages_of_every_length_each_get_their_own_content_length() -> None:
    pages = [PAGE.replace("Page", "Page" * n) for n in (1, 3, 1, 7, 3)]
    served = iter(pages)
    app = with_fragments(app_answering(lambda r: HTMLResponse(next(served))), notice())
    for page in pages:
        response = await fetch(app)
        assert response.text == page.replace("</body>", f"{NOTICE}</body>")
        assert response.headers["content-length"] == str(len(response.content))


async def test_the_same_headers_with_another_status_are_judged_again() -> None:
    statuses = iter([200, 304, 200])

    def make(request: Request) -> Response:
        status = next(statuses)
        return HTMLResponse(PAGE if status == 200 else "", status_code=status)

    app = with_fragments(app_answering(make), notice())
    assert NOTICE in (await fetch(app)).text
    not_modified = await fetch(app)
    assert (not_modified.status_code, not_modified.content) == (304, b"")
    assert NOTICE in (await fetch(app)).text


async def test_repeated_and_capitalised_response_headers_are_all_kept() -> None:
    body = PAGE.encode()
    headers = [
        (b"Content-Type", b"text/html; charset=utf-8"),
        (b"Set-Cookie", b"a=1; Path=/"),
        (b"Vary", b"Accept-Encoding"),
        (b"set-cookie", b"b=2; Path=/"),
        (b"vary", b"Origin"),
        (b"Content-Length", str(len(body)).encode()),
    ]

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": list(headers)})
        await send({"type": "http.response.body", "body": body})

    for _ in range(2):  # the second time round as the first
        response = await fetch(with_fragments(app, notice()))
        assert response.content == WITH_NOTICE.encode()
        assert response.headers.get_list("set-cookie") == ["a=1; Path=/", "b=2; Path=/"]
        assert response.headers.get_list("vary") == ["Accept-Encoding, Origin, User-Agent"]
        assert response.headers["content-length"] == str(len(WITH_NOTICE))


async def test_each_response_keeps_its_own_cookie_whatever_came_before() -> None:
    counter = iter(range(1, 4))

    def make(request: Request) -> Response:
        response = HTMLResponse(PAGE)
        response.set_cookie("session", f"s{next(counter)}")
        response.set_cookie("theme", "dark")
        return response

    app = with_fragments(app_answering(make), notice())
    for n in range(1, 4):
        response = await fetch(app)
        assert (response.cookies["session"], response.cookies["theme"]) == (f"s{n}", "dark")
        assert response.content == WITH_NOTICE.encode()


async def test_header_values_given_as_bytearrays_are_read_too() -> None:
    body = PAGE.encode()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [
            (b"content-type", bytearray(b"text/html")),
            (b"content-length", bytearray(str(len(body)).encode())),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    response = await fetch(with_fragments(app, notice()))
    assert response.content == WITH_NOTICE.encode()
    assert response.headers["content-length"] == str(len(WITH_NOTICE))


async def test_a_fragment_made_for_one_request_is_not_kept_after_it() -> None:
    class Visitor:
        name = "Ada"

    def app_for(visitor: Visitor) -> ASGIApp:
        async def register(scope: Scope, receive: Receive, send: Send) -> None:
            Visit.of(scope).add_fragment(Fragment(lambda visit: f"<p>{visitor.name}</p>"))
            await app_answering(lambda r: HTMLResponse(PAGE))(scope, receive, send)

        return Pipeline(register, [])

    visitor = Visitor()
    gone = weakref.ref(visitor)
    app = app_for(visitor)
    assert "<p>Ada</p></body>" in (await fetch(app)).text
    del visitor, app
    gc.collect()
    assert gone() is None
