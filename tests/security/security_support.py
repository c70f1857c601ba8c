"""What the security tests share: the app they attack, a raw ASGI driver, and the checks.

The app is `Antechamber` in front of a small Starlette site:

    app = make_app()                                   # the defaults below
    app = make_app(browsers={"unknown": "block"})      # sections are merged into the defaults
    app = make_app(secret_key=[NEW_KEY, OLD_KEY])      # anything else replaces the default

The site has an HTML page (`/`), a JSON route (`/api/data`), a page that sets partner cookies
(`/partners`) and a POST route (`/submit`), which is what antechamber sits in front of on a real
site. Two partners are declared, so that enforcement and the preferences page have work to do.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message

from antechamber import Antechamber, Settings
from antechamber.settings import Partner

SECRET = "security-suite-secret-key-0001"
OTHER_SITE_SECRET = "another-site-entirely-key-0002"
HOST = "site.test"
UA_CORPUS = Path(__file__).parents[1] / "corpora" / "uap-core" / "test_ua.yaml"
BASE_URL = f"http://{HOST}"
HTTPS_URL = f"https://{HOST}"
COOKIE = "antechamber_consent"

PAGE = "<!doctype html><html><head><title>Home</title></head><body><h1>Home</h1></body></html>"

PARTNERS = [
    Partner("ga", "Google Analytics", "analytics", cookies=["_ga", "_ga_*"]),
    Partner("pixel", "Ad Pixel", "advertising", cookies=["_fbp"]),
]


async def _page(request: Request) -> Response:
    return HTMLResponse(PAGE)


async def _data(request: Request) -> Response:
    consent = request.state.consent
    return JSONResponse({"decided": consent.decided, "verdict": request.state.browser.verdict})


async def _partners(request: Request) -> Response:
    response = HTMLResponse(PAGE)
    response.set_cookie("_ga", "GA1.1.123.456")
    response.set_cookie("_ga_XYZ", "GS1.1.1")
    response.set_cookie("_fbp", "fb.1.2.3")
    response.set_cookie("session", "s3ss10n")
    return response


async def _submit(request: Request) -> Response:
    form = await request.form()
    return JSONResponse({"fields": len(form)})


def base_settings(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "secret_key": SECRET,
        "browsers": {"region_header": "cf-ipcountry"},
        "consent": {"partners": PARTNERS},
    }
    for name, value in overrides.items():
        if name in ("browsers", "consent") and isinstance(value, dict):
            values[name] = {**values[name], **value}
        else:
            values[name] = value
    return values


def make_site() -> Starlette:
    """The small site alone, without antechamber."""
    return Starlette(
        routes=[
            Route("/", _page),
            Route("/api/data", _data),
            Route("/partners", _partners),
            Route("/submit", _submit, methods=["POST"]),
        ]
    )


def make_app(**settings: Any) -> Antechamber:
    """`Antechamber` on the small site, with `base_settings(**settings)`."""
    return Antechamber(make_site(), settings=Settings(**base_settings(**settings)))


# -- a raw ASGI driver --------------------------------------------------------------------------
# httpx would refuse some of what an attacker sends (raw bytes, repeated headers, odd methods),
# so the fuzz tests speak ASGI themselves; in exchange they check the answer against the protocol
# (one response start, bytes headers without CR/LF/NUL, a Content-Length that is the body's).

HeaderList = list[tuple[bytes, bytes]]


@dataclass
class Answer:
    """One response, as the server would have put it on the wire."""

    status: int
    headers: HeaderList
    body: bytes

    def header(self, name: str) -> str | None:
        values = self.header_list(name)
        return values[0] if values else None

    def header_list(self, name: str) -> list[str]:
        key = name.lower().encode("latin-1")
        return [v.decode("latin-1") for k, v in self.headers if k.lower() == key]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def set_cookie(self, name: str) -> str | None:
        """The value a Set-Cookie gives cookie `name` (None: not set; deletions are skipped)."""
        for line in self.header_list("set-cookie"):
            pair = line.split(";", 1)[0]
            key, _, value = pair.partition("=")
            if key.strip() == name and "max-age=0" not in line.lower().replace(" ", ""):
                return value.strip().strip('"')
        return None

    def json(self) -> Any:
        return json.loads(self.body)


def _raw(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("latin-1")


async def call(
    app: ASGIApp,
    method: str,
    target: str | bytes,
    headers: Mapping[str, str | bytes] | list[tuple[str | bytes, str | bytes]] = (),  # type: ignore[assignment]
    body: bytes = b"",
    *,
    scheme: str = "http",
) -> Answer:
    """Send one request straight to `app`; raises whatever the app raises."""
    target = _raw(target)
    raw_path, _, query = target.partition(b"?")
    items = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    raw_headers = [(_raw(k).lower(), _raw(v)) for k, v in items]
    if not any(k == b"host" for k, _ in raw_headers):
        raw_headers.insert(0, (b"host", HOST.encode()))
    if body and not any(k == b"content-length" for k, _ in raw_headers):
        raw_headers.append((b"content-length", str(len(body)).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        # What uvicorn does: the path is the percent-decoded raw path.
        "path": unquote(raw_path.decode("latin-1")),
        "raw_path": raw_path,
        "query_string": query,
        "root_path": "",
        "headers": raw_headers,
        "client": ("127.0.0.1", 50000),
        "server": (HOST, 443 if scheme == "https" else 80),
        "extensions": {},
    }
    sent_body = False
    done = asyncio.Event()
    start: Message | None = None
    chunks: list[bytes] = []
    finished = False

    async def receive() -> Message:
        nonlocal sent_body
        if not sent_body:
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal start, finished
        if message["type"] == "http.response.start":
            assert start is None, "two http.response.start messages"
            start = message
            for name, value in message.get("headers", []):
                assert isinstance(name, bytes) and isinstance(value, bytes), (name, value)
                assert not set(name) & set(b"\r\n\x00: "), f"bad header name {name!r}"
                assert not set(value) & set(b"\r\n\x00"), f"header injection: {name!r}: {value!r}"
        elif message["type"] == "http.response.body":
            assert start is not None, "body before http.response.start"
            assert not finished, "body after the last chunk"
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                finished = True
                done.set()
        else:
            raise AssertionError(f"unexpected message {message['type']!r}")

    await app(scope, receive, send)
    done.set()
    assert start is not None, "no response"
    assert finished, "the response never ended"
    answer = Answer(start["status"], list(start.get("headers", [])), b"".join(chunks))
    length = answer.header("content-length")
    if length is not None and method != "HEAD":
        assert int(length) == len(answer.body), "Content-Length is not the body's length"
    return answer


_RUNNER: asyncio.Runner | None = None


def run(coroutine: Any) -> Any:
    """Run one coroutine to the end (for Hypothesis tests, which are synchronous), on one event
    loop kept for the whole session: a new loop per example would cost more than the example."""
    global _RUNNER
    if _RUNNER is None:
        _RUNNER = asyncio.Runner()
    return _RUNNER.run(coroutine)


def close_runner() -> None:
    global _RUNNER
    if _RUNNER is not None:
        _RUNNER.close()
        _RUNNER = None


# -- checks ---------------------------------------------------------------------------------------

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def stays_on_site(location: str) -> bool:
    """Whether a browser following `location` (from a page on this site) stays on this site.

    What WHATWG URL parsing does with it: leading and trailing C0 controls and spaces are
    stripped, tabs and newlines removed anywhere, `\\` is `/` for http(s); then `//` starts
    another host and `name:` another scheme. Stricter than browsers in one way: anything that is
    not printable ASCII counts as leaving, since a Location must be ASCII anyway.
    """
    if not location or any(not (0x21 <= ord(c) <= 0x7E) for c in location):
        return False
    normalized = location.replace("\\", "/")
    if normalized.startswith("//") or _SCHEME.match(normalized):
        return False
    return normalized.startswith("/")


_NEXT_FIELD = re.compile(r'<input type="hidden" name="next" value="([^"]*)"')
_BACK_LINK = re.compile(r'<a [^>]*href="([^"]*)"[^>]*>\s*Back to the site')


def next_links(page: str) -> list[str]:
    """Where a page sends the visitor back to: its `next` fields and "Back to the site" links,
    unescaped as a browser reads them."""
    found = _NEXT_FIELD.findall(page) + _BACK_LINK.findall(page)
    return [html.unescape(v) for v in found]
