"""The apps, requests and User-Agents the benchmarks share.

The baseline is a bare Starlette app: one plain-text route, and the same app's HTML routes
(a 1 KB page, a 50 KB page, a 5 MB page streamed in 64 KB chunks). antechamber is measured
mounted around exactly that app, so the difference is antechamber and nothing else.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, StreamingResponse
from starlette.routing import Route

from ._harness import Response, Scope, call, http_scope, need, run

SECRET_KEY = "benchmark-secret-key-that-is-long-enough-0123456789"
# uap-core's corpus, vendored with the tests (tests/corpora/uap-core/SOURCE says which commit).
CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpora" / "uap-core" / "test_ua.yaml"

# A current desktop Chrome, as it sends itself on a first navigation (reduced UA + Client Hints).
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.0.0 Safari/537.36"
)
CHROME_HINTS = (
    ("sec-ch-ua", '"Chromium";v="{v}", "Google Chrome";v="{v}", "Not_A Brand";v="99"'),
    ("sec-ch-ua-mobile", "?0"),
    ("sec-ch-ua-platform", '"Windows"'),
)
BROWSER_HEADERS = (
    ("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
    ("accept-language", "en-US,en;q=0.9"),
    ("accept-encoding", "gzip, deflate, br, zstd"),
)


def _paragraphs(size: int) -> str:
    para = (
        "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
        "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam.</p>\n"
    )
    return para * max(1, size // len(para))


def html_page(size: int) -> bytes:
    head = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bench</title>'
        '<link rel="stylesheet" href="/static/site.css"></head><body><main><h1>Hello</h1>\n'
    )
    return (head + _paragraphs(size - len(head) - 30) + "</main></body></html>\n").encode()


PAGE = html_page(1024)
PAGE_50K = html_page(50 * 1024)


# A YouTube frame as sites embed it, for the embeds scenarios (benchmarks/embeds.py, counted.py).
EMBED_PREFIX = "https://www.youtube-nocookie.com/embed/"
EMBED = (
    '<iframe width="560" height="315" src="' + EMBED_PREFIX + 'dQw4w9WgXc{i}" title="Video {i}" '
    'allow="encrypted-media; picture-in-picture" allowfullscreen></iframe>'
)


def page_with_embeds(count: int) -> bytes:
    """The 50 KB page with `count` video frames spread evenly between its paragraphs."""
    lines = PAGE_50K.split(b"\n")  # one paragraph a line
    step = len(lines) // (count + 1)
    for i in range(count, 0, -1):  # from the end, so that earlier positions stay put
        lines.insert(i * step, EMBED.format(i=i).encode())
    return b"\n".join(lines)


STREAM_CHUNK = _paragraphs(64 * 1024).encode()
STREAM_TOTAL = 5 * 1024 * 1024


async def _plain(request: Request) -> PlainTextResponse:
    return PlainTextResponse("Hello, world!")


async def _page(request: Request) -> HTMLResponse:
    return HTMLResponse(PAGE)


async def _page_50k(request: Request) -> HTMLResponse:
    return HTMLResponse(PAGE_50K)


async def _stream_chunks() -> Any:
    yield b'<!doctype html><html lang="en"><head><title>Big</title></head><body>\n'
    sent = 0
    while sent < STREAM_TOTAL:
        yield STREAM_CHUNK  # the same object every time: the app itself holds one chunk
        sent += len(STREAM_CHUNK)
    yield b"</body></html>\n"


async def _stream(request: Request) -> StreamingResponse:
    return StreamingResponse(_stream_chunks(), media_type="text/html; charset=utf-8")


async def _session_read(request: Request) -> PlainTextResponse:
    return PlainTextResponse(f"Hello, {request.session.get('user', 'anonymous')}!")


_counter = 0


async def _session_write(request: Request) -> PlainTextResponse:
    global _counter
    _counter += 1
    request.session["n"] = _counter
    return PlainTextResponse("Hello, world!")


ROUTES = [
    Route("/", _plain),
    Route("/page", _page),
    Route("/page50k", _page_50k),
    Route("/stream", _stream),
    Route("/session/read", _session_read),
    Route("/session/write", _session_write),
]


def bare() -> Starlette:
    return Starlette(routes=ROUTES)


def with_sessions() -> Starlette:
    return Starlette(
        routes=ROUTES, middleware=[Middleware(SessionMiddleware, secret_key=SECRET_KEY)]
    )


class Minimal:
    """The least a middleware doing antechamber's warm-path job can do in pure Python.

    A reference for the in-process figures, not a competitor: the request headers into one dict,
    one cache lookup for the browser and one for the consent cookie, both put on the request's
    state, and a send wrapper that puts as many bytes as the "Cookie settings" link before
    `</body>`, fixing Content-Length and Vary. No exempt paths, no Fetch Metadata, no charset,
    no streaming, no cookie enforcement: what it costs is a floor for anything that does more.
    """

    INSERT = b"x" * 655  # the size of what antechamber inserts for a decided visitor

    def __init__(self, app: Any) -> None:
        self.app = app
        self.browsers: dict[tuple[bytes | None, ...], str] = {}
        self.consents: dict[bytes | None, str] = {}

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        key = (headers.get(b"user-agent"), headers.get(b"sec-ch-ua"))
        browser = self.browsers.get(key)
        if browser is None:
            browser = self.browsers[key] = "supported"
        cookie = headers.get(b"cookie")
        consent = self.consents.get(cookie)
        if consent is None:
            consent = self.consents[cookie] = "decided"
        state = scope.setdefault("state", {})
        state["browser"], state["consent"] = browser, consent
        inserting = False

        async def inserting_send(message: dict[str, Any]) -> None:
            nonlocal inserting
            if message["type"] == "http.response.start":
                kept, length, html = [], None, False
                for name, value in message["headers"]:
                    if name == b"content-length":
                        length = int(value)
                        continue
                    html = html or (name == b"content-type" and value.startswith(b"text/html"))
                    kept.append((name, value))
                if html and length is not None:
                    inserting = True
                    kept.append((b"vary", b"Cookie, Accept-Language, Sec-GPC"))
                    kept.append((b"content-length", b"%d" % (length + len(self.INSERT))))
                    message["headers"] = kept
            elif inserting and message["type"] == "http.response.body":
                body = message["body"]
                at = body.rfind(b"</body>")
                message = {**message, "body": body[:at] + self.INSERT + body[at:]}
            await send(message)

        await self.app(scope, receive, inserting_send)


def minimal(app: Any = None) -> Minimal:
    return Minimal(app or bare())


# --- antechamber ---------------------------------------------------------------------------------


def settings(**kwargs: Any) -> Any:
    mod = need("antechamber.settings", "Settings")
    return mod.Settings(secret_key=SECRET_KEY, **kwargs)


def antechamber(app: Any = None, **kwargs: Any) -> Any:
    mod = need("antechamber", "Antechamber")
    return mod.Antechamber(app or bare(), settings=settings(**kwargs))


def browsers_only(app: Any = None, **kwargs: Any) -> Any:
    mod = need("antechamber.browsers.middleware", "BrowserPolicyMiddleware")
    return mod.BrowserPolicyMiddleware(app or bare(), settings=settings(**kwargs))


def consent_only(app: Any = None, **kwargs: Any) -> Any:
    mod = need("antechamber.consent", "CookieConsentMiddleware")
    return mod.CookieConsentMiddleware(app or bare(), settings=settings(**kwargs))


@cache
def chrome_version() -> str:
    """The newest Chrome the shipped caniuse data calls released (a current browser)."""
    try:
        agents = need("antechamber.browsers.caniuse", "agents").agents()
        return str(agents["chrome"].released[-1]).split(".")[0]
    except Exception:
        return "140"


# What Chrome adds to a navigation within a site (Fetch Metadata and the rest), as it sends them.
CHROME_NAVIGATION = (
    ("upgrade-insecure-requests", "1"),
    ("sec-fetch-site", "same-origin"),
    ("sec-fetch-mode", "navigate"),
    ("sec-fetch-user", "?1"),
    ("sec-fetch-dest", "document"),
    ("priority", "u=0, i"),
)


def chrome_headers() -> list[tuple[str, str]]:
    """A current Chrome's headers for a page, in the order it sends them."""
    v = chrome_version()
    hints = [(k, val.format(v=v)) for k, val in CHROME_HINTS]
    return [*hints, ("user-agent", CHROME.format(v=v)), *CHROME_NAVIGATION, *BROWSER_HEADERS]


def page_scope(path: str = "/page", cookie: str | None = None, ua: str | None = None) -> Scope:
    headers = chrome_headers()
    if ua is not None:
        headers = [("user-agent", ua), *BROWSER_HEADERS]
    if cookie:
        headers.append(("cookie", cookie))
    return http_scope(path, headers=headers)


def set_cookie_pair(response: Response, name: str) -> str | None:
    for value in response.header("set-cookie"):
        pair = value.split(";", 1)[0]
        if pair.split("=", 1)[0].strip() == name:
            return pair.strip()
    return None


@cache
def choice_cookie(app: Any, action: str = "accept_all") -> str:
    """A valid `antechamber_consent=...` pair, made by `app` itself answering its consent form
    with `action` (accept_all, reject_all)."""
    body = f"action={action}&next=/".encode()
    headers = [
        *chrome_headers(),
        ("origin", "http://testserver"),
        ("content-type", "application/x-www-form-urlencoded"),
        ("content-length", str(len(body))),
    ]
    scope = http_scope("/_antechamber/consent", method="POST", headers=headers)
    response = run(call(app, scope, body))
    pair = set_cookie_pair(response, "antechamber_consent")
    if pair is None:
        raise RuntimeError(
            f"POST /_antechamber/consent ({action}) answered {response.status} without a consent "
            f"cookie: {response.body[:200]!r}"
        )
    return pair


def consent_cookie() -> str:
    """A valid consent cookie pair that accepted all, made through the consent middleware."""
    return choice_cookie(consent_only())


# --- User-Agents ---------------------------------------------------------------------------------


@cache
def corpus() -> tuple[str, ...]:
    """The distinct User-Agents of uap-core's test_ua.yaml, in file order."""
    import yaml  # type: ignore[import-untyped]

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(CORPUS.read_text(encoding="utf-8"), Loader=loader)
    seen: dict[str, None] = {}
    for case in data["test_cases"]:
        ua = case.get("user_agent_string")
        if isinstance(ua, str) and ua:
            seen.setdefault(ua, None)
    return tuple(seen)


_BUILD = re.compile(r"(\d+\.\d+\.)(\d+)")
_MINOR = re.compile(r"(\d+\.)(\d+)")


_SERIAL = itertools.count(10000)


def mutate(ua: str) -> str:
    """A never-seen variant of `ua`: its last x.y.BUILD number replaced by a serial number.

    The family and major version stay as they were (so the verdict does), but the string is new
    in this process, exactly as a browser's next patch release is to a cache.
    """
    build = next(_SERIAL)
    for pattern in (_BUILD, _MINOR):
        matches = list(pattern.finditer(ua))
        if matches:
            m = matches[-1]
            return f"{ua[: m.start()]}{m.group(1)}{build}{ua[m.end() :]}"
    return f"{ua} b{build}"


def fresh_uas(templates: tuple[str, ...]) -> Iterator[str]:
    """An endless stream of never-seen User-Agents made from `templates`."""
    while True:
        for ua in templates:
            yield mutate(ua)
