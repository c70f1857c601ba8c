"""Issue 17, cases 4 to 7: where the markup goes (never into raw text, whole or streamed), how
little a stream is held back, the page's charset, and CSP nonces."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.types import Message, Receive, Scope, Send
from web_site import (
    BANNER,
    DATA,
    client,
    protect,
    site,
    streamed,
    write_site,
)

pytestmark = pytest.mark.anyio

TAIL = '<a class="ac-settings"'  # the "Cookie settings" link: the inserted markup's last part


def inserted(text: str) -> str:
    """The markup antechamber inserted (from its wrapper to the end of its last script)."""
    start = text.index('<div class="antechamber-consent"')
    end = text.index("</div>", text.index(TAIL)) + len("</div>")
    return text[start:end]


async def page(app_path: str, tmp_path: Path, make: object, **headers: str) -> str:
    app = protect(site(write_site(tmp_path / "site"), **{app_path: make}))
    async with client(app) as http:
        response = await http.get(app_path, headers=headers)
    assert response.headers.get("content-length", str(len(response.content))) == str(
        len(response.content)
    )
    return response.text


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # A comment after </html> that mentions </body>.
        (
            "<!DOCTYPE html><html><body><p>x</p>",
            "</body></html><!-- was: </body> -->",
        ),
        # A script after </body> whose string holds "</body>".
        (
            "<!DOCTYPE html><html><body><p>x</p>",
            '</body><script>var s = "</body>";</script></html>',
        ),
        # A textarea and a title mentioning </body>, before the real end tag.
        (
            "<!DOCTYPE html><html><head><title>a </body> b</title></head><body>"
            "<textarea></body></textarea>",
            "</body></html>",
        ),
    ],
    ids=["comment-after-html", "script-after-body", "textarea-and-title"],
)
async def test_the_markup_goes_before_the_body_end_tag_in_markup(
    tmp_path: Path, before: str, after: str
) -> None:
    text = await page("/raw", tmp_path, lambda r: HTMLResponse(before + after))
    assert text.startswith(before)
    assert text.endswith(after)
    assert text.count(BANNER) == 1
    assert text == before + inserted(text) + after


@pytest.mark.parametrize(
    "chunks",
    [
        ["<!DOCTYPE html><body><script>var s = '</bo", "dy>';</script><p>x</p>", "</body></html>"],
        ["<!DOCTYPE html><body><textarea name=t></body>", "</textarea>", "</body>"],
        ["<!DOCTYPE html><body><!-- </body> -", "-> <p>x</p></bo", "dy>"],
        ["<!DOCTYPE html><body><p title='</body>'>", "x</p></body></html>"],
    ],
    ids=["script-string", "textarea", "comment", "attribute"],
)
async def test_a_streamed_body_end_inside_raw_text_is_not_the_insertion_point(
    tmp_path: Path, chunks: list[str]
) -> None:
    text = await page("/stream", tmp_path, lambda r: streamed(chunks))
    whole = "".join(chunks)
    markup = inserted(text)
    at = text.index(markup)
    assert text[:at] + text[at + len(markup) :] == whole
    assert whole[at:].lower().startswith("</body") or at == len(whole)
    assert whole.lower().rindex("</body") == at or at == len(whole)


async def test_a_stream_holds_back_only_what_could_begin_a_body_end_tag() -> None:
    """Each chunk leaves before the app makes the next, but for a trailing `</bo`."""
    log: list[str] = []
    chunks = [
        b"<!DOCTYPE html><html><head><title>t</title></head>",  # an early-flushed head
        b"<body><p>one</p><p>two</p>",
        b"<p>three</p></bo",
        b"dy></html>",
    ]

    async def body() -> AsyncIterator[bytes]:
        for number, chunk in enumerate(chunks):
            log.append(f"app makes {number}")
            yield chunk

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await StreamingResponse(body(), media_type="text/html")(scope, receive, send)

    sent: list[bytes] = []

    async def record(message: Message) -> None:
        if message["type"] == "http.response.body":
            sent.append(message.get("body", b""))
            log.append(f"sent {len(b''.join(sent))}")

    requested = False

    async def receive() -> Message:
        nonlocal requested
        if requested:
            await anyio.sleep_forever()  # the client stays until the page has come
        requested = True
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [(b"host", b"www.example.com"), (b"sec-fetch-dest", b"document")],
        "query_string": b"",
    }
    await protect(app)(scope, receive, record)
    lengths = [len(c) for c in chunks]
    assert log.index(f"sent {lengths[0]}") < log.index("app makes 1")
    assert log.index(f"sent {lengths[0] + lengths[1]}") < log.index("app makes 2")
    held = len(b"</bo")
    assert log.index(f"sent {sum(lengths[:3]) - held}") < log.index("app makes 3")
    whole = b"".join(sent)
    assert whole.endswith(b"</body></html>") and DATA.encode() in whole


async def test_a_windows_1251_page_gets_the_ukrainian_banner_in_windows_1251(
    tmp_path: Path,
) -> None:
    html = (
        '<!DOCTYPE html><html lang="uk"><head><meta charset="windows-1251">'
        "<title>Новини</title></head><body><h1>Новини дня</h1></body></html>"
    ).encode("cp1251")

    def make(request: Request) -> Response:
        return Response(html, headers={"content-type": "text/html"})  # no charset parameter

    app = protect(site(write_site(tmp_path / "site"), **{"/uk": make}))
    async with client(app) as http:
        response = await http.get("/uk", headers={"Accept-Language": "uk"})
    text = response.content.decode("cp1251")
    assert "Новини дня" in text
    assert "Ваш вибір щодо конфіденційності" in text
    assert response.headers["content-length"] == str(len(response.content))


NONCE = "R4nd0m+/="


@pytest.mark.parametrize(
    ("header", "policy"),
    [
        ("Content-Security-Policy", f"script-src 'nonce-{NONCE}'; style-src 'nonce-{NONCE}'"),
        (
            "Content-Security-Policy",
            f"script-src 'nonce-{NONCE}' 'strict-dynamic'; style-src 'self' 'nonce-{NONCE}'",
        ),
        ("Content-Security-Policy-Report-Only", f"default-src 'self' 'nonce-{NONCE}'"),
    ],
    ids=["nonce", "strict-dynamic", "report-only-default-src"],
)
async def test_a_nonce_policy_puts_its_nonce_on_every_inserted_script_and_stylesheet(
    tmp_path: Path, header: str, policy: str
) -> None:
    document = "<!DOCTYPE html><html><head><title>t</title></head><body><p>x</p></body></html>"

    def make(request: Request) -> Response:
        return HTMLResponse(document, headers={header: policy})

    app = protect(site(write_site(tmp_path / "site"), **{"/csp": make}), google_consent_mode=True)
    async with client(app) as http:
        response = await http.get("/csp")
    markup = inserted(response.text)
    tags = re.findall(r"<(?:script|link|style)\b[^>]*>", markup)
    assert tags, markup
    for tag in tags:
        assert f'nonce="{NONCE}"' in tag, tag
    assert response.headers[header] == policy  # the policy itself is left alone
