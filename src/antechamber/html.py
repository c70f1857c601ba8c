"""Inserting markup into the app's HTML responses, shared by every part of antechamber.

The browser gate's notices and the consent banner register *fragments* on the request; the
outermost antechamber layer wraps `send` once and inserts all of them, in order, before `</body>`.
So when both halves run, the page is rewritten once, and `Content-Length` and `Vary` are corrected
once.

What is and is not rewritten, and why:
- only `text/html` bodies of responses that have one (not HEAD, 204, 304, 1xx);
- never a body with a `Content-Encoding` (gzip, br ...): it cannot be searched without decoding it.
  Mount antechamber *inside* the compression middleware so that it sees the plain page;
- a streamed body is never held whole: chunks pass through as they come, keeping back only the few
  bytes that could be the start of a split `</body>`. When `</body>` never comes, the fragment is
  appended at the end, which browsers render the same way, so the new `Content-Length` is always
  the old one plus the fragment. A streamed body gets the fragment before the first `</body>` of a
  chunk that is not the last (waiting for a later one would mean holding the page back);
  a body sent whole gets it before the last one;
- never a page in a charset that is not ASCII-compatible (UTF-16, UTF-32) or unknown to Python:
  `</body>` cannot be found in it by bytes, and a wrong guess would corrupt the page;
- a HEAD response gets the `Vary` and the `Content-Length` that the GET would carry;
- a file sent with the `http.response.pathsend` extension is read and sent as body chunks, so
  that the fragment can be inserted (only for HTML files that get a fragment).
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "READ_HEADERS",
    "Fragment",
    "add_fragment",
    "add_vary",
    "header_map",
    "inserting_send",
    "normalize_header_names",
    "request_headers",
    "run_with_fragments",
]

_FRAGMENTS = "antechamber.fragments"
_INSERTING = "antechamber.inserting"  # set by the outermost inserting_send
_HEADERS = "antechamber.headers"  # the headers antechamber reads, decoded
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
_KEEP_BACK = len(b"</body") + 8  # enough for "</body  >" split over two chunks
_NO_BODY_STATUS = frozenset({204, 205, 304})
_PATHSEND_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Fragment:
    """Markup for the page, rendered only once the response is known to be an HTML page.

    `render` may return "" (nothing to show this time), and may return bytes, which are UTF-8
    (a renderer that keeps its markup encoded saves encoding it for every page); `vary` is added
    to HTML responses either way, since a cache must know that the page could have carried the
    fragment. With `scoped=True`, `render` is called with the request's scope instead: one
    fragment, built once, then serves every request (nothing is allocated per request to
    register it).
    """

    render: Callable[..., str | bytes]
    vary: tuple[str, ...] = ()
    scoped: bool = False


def add_fragment(scope: Scope, fragment: Fragment) -> None:
    """Register a fragment for this request, before or inside `run_with_fragments`."""
    fragments = scope.get(_FRAGMENTS)
    if fragments is None:
        scope[_FRAGMENTS] = [fragment]
    else:
        fragments.append(fragment)


# Every request header antechamber reads as text, lower-case (a site's region header comes on
# top); the others are never decoded.
READ_HEADERS: frozenset[bytes] = frozenset(
    {
        b"user-agent",
        b"sec-ch-ua",
        b"sec-ch-ua-full-version-list",
        b"sec-ch-ua-mobile",
        b"sec-ch-ua-platform",
        b"accept",
        b"accept-language",
        b"sec-fetch-mode",
        b"sec-fetch-dest",
        b"sec-fetch-site",
        b"x-requested-with",
        b"cookie",
        b"sec-gpc",
        b"content-type",
        b"origin",
        b"host",
        b"referer",
    }
)


_HEADER_MAP = "antechamber.header_map"  # the request headers as a dict, built once per request


def header_map(scope: Scope) -> dict[bytes, bytes]:
    """The request headers as a dict of raw bytes: lower-case names, the first of a repeated
    header, `Cookie` lines joined with "; ".

    Built once per request and kept on the scope with the header list it came from (a layer that
    replaces `scope["headers"]`, or changes their number, gets a fresh one). The common request
    (lower-case names, none repeated, as ASGI servers send them) costs one `dict()` and one
    check; only other requests are taken apart name by name. The dict is shared: read it, never
    change it.
    """
    raw = scope.get("headers", ())
    if type(raw) is not list and not isinstance(raw, list | tuple):
        # Any iterable will do for ASGI; one that can be read only once is kept for the app.
        raw = scope["headers"] = list(raw)
    cached = scope.get(_HEADER_MAP)
    if cached is not None and cached[0] is raw and cached[1] == len(raw):
        headers: dict[bytes, bytes] = cached[2]
        return headers
    headers = dict(raw)
    # A repeated name shrinks the dict. ASGI asks servers for lower-case names; one that keeps
    # them as a browser sent them over HTTP/1.1 ("User-Agent") shows it in the name every
    # browser sends, and a request without one (a script's) is simply taken the slower way.
    if len(headers) != len(raw) or b"user-agent" not in headers:
        headers = {}
        for name, value in raw:
            name = bytes(name).lower()  # ASGI says lower case; not every server agrees
            if name not in headers:
                headers[name] = value
            elif name == b"cookie":
                headers[name] += b"; " + value
    scope[_HEADER_MAP] = (raw, len(raw), headers)
    return headers


def request_headers(scope: Scope, wanted: frozenset[bytes] = READ_HEADERS) -> dict[str, str]:
    """The request headers named in `wanted`, decoded (latin-1), with lower-case names.

    As `header_map`, decoded: for the less travelled paths (antechamber's own routes, notices,
    the upgrade page), which want text. Kept on the scope like `header_map`; a later caller that
    wants no more names gets the same dict.
    """
    raw = header_map(scope)
    cached = scope.get(_HEADERS)
    if cached is not None and cached[0] is raw and (cached[1] is wanted or wanted <= cached[1]):
        decoded: dict[str, str] = cached[2]
        return decoded
    decoded = {
        name.decode("latin-1"): value.decode("latin-1")
        for name, value in raw.items()
        if name in wanted
    }
    scope[_HEADERS] = (raw, wanted, decoded)
    return decoded


def add_vary(headers: MutableHeaders, *names: str) -> None:
    """Add names to `Vary`, keeping what is there and skipping what is already listed."""
    present = [v.strip() for v in headers.get("vary", "").split(",") if v.strip()]
    lowered = {v.lower() for v in present}
    if "*" in lowered:
        return
    for name in names:
        if name.lower() not in lowered:
            present.append(name)
            lowered.add(name.lower())
    if present:
        headers["vary"] = ", ".join(present)


async def run_with_fragments(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Call `app`, inserting whatever fragments are registered on the way."""
    await app(scope, receive, inserting_send(scope, send))


def inserting_send(scope: Scope, send: Send) -> Send:
    """`send`, wrapped to insert the fragments registered on this request into an HTML page.

    Only the outermost caller wraps it: a nested antechamber layer sees the mark of the outer one
    on the scope and gets `send` back as it is.
    """
    if _INSERTING in scope:
        return send
    scope[_INSERTING] = True
    fragments: list[Fragment] | None = scope.get(_FRAGMENTS)
    if fragments is None:
        fragments = scope[_FRAGMENTS] = []
    if scope.get("method") == "HEAD":
        return _VaryOnly(scope, fragments, send)
    return _Inserter(scope, fragments, send)


def _text(markup: str | bytes) -> str:
    return markup if isinstance(markup, str) else markup.decode("utf-8")


@functools.lru_cache(maxsize=256)
def _page(
    content_type: bytes, vary: tuple[bytes, ...], names: tuple[str, ...]
) -> tuple[str | None, bytes | None] | None:
    """For a response's Content-Type and Vary lines, and the fragments' Vary names: None if it
    is not an HTML page; else the charset to insert in (None: cannot be) and the Vary to send.

    One cached call per response: a site sends a handful of distinct combinations.
    """
    is_html, charset = _html_charset(content_type)
    if not is_html:
        return None
    return charset, _merged_vary(vary, names)


@functools.lru_cache(maxsize=64)
def _html_charset(content_type: bytes) -> tuple[bool, str | None]:
    """Whether a Content-Type is HTML, and its charset (Python's name for it) if `</body>` can
    be found by bytes.

    Cached: a site sends a handful of distinct Content-Types.
    """
    mime, *params = content_type.decode("latin-1").split(";")
    if mime.strip().lower() != "text/html":
        return False, None
    charset = "utf-8"
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    # "</body>" must be the same bytes in the page's charset (not so in UTF-16), and an unknown
    # charset cannot be encoded to at all.
    try:
        codec = codecs.lookup(charset)
    except LookupError:
        return True, None
    if codec.encode("</body>")[0] != b"</body>":
        return True, None
    return True, codec.name


@functools.lru_cache(maxsize=256)
def _merged_vary(present: tuple[bytes, ...], names: tuple[str, ...]) -> bytes | None:
    """`Vary` with `names` added to what the app sent (None: nothing to send)."""
    values = [v.strip() for line in present for v in line.decode("latin-1").split(",")]
    values = [v for v in values if v]
    lowered = {v.lower() for v in values}
    if "*" not in lowered:
        for name in names:
            if name.lower() not in lowered:
                values.append(name)
                lowered.add(name.lower())
    return ", ".join(values).encode("latin-1") if values else None


def normalize_header_names(message: Message) -> None:
    """Lower-case the header names of an `http.response.start`, in place.

    ASGI asks for lower-case names, but some apps send them as written (Django's handler sends
    `Content-Type` and `Set-Cookie`), and Starlette's header classes only match lower-case ones.
    """
    raw = message.get("headers") or []
    if any(name != name.lower() for name, _ in raw):
        message["headers"] = [(name.lower(), value) for name, value in raw]


def _prepare(scope: Scope, fragments: list[Fragment], message: Message) -> bytes | None:
    """At `http.response.start`: fix the headers; return the bytes to insert, if any.

    One pass over the raw headers: this runs on every HTML page the site serves.
    """
    if not fragments:
        return None
    status = message.get("status", 200)
    if status < 200 or status in _NO_BODY_STATUS:
        return None
    headers: list[tuple[bytes, bytes]] = []
    content_type = length = None
    encoded_body = False
    vary: tuple[bytes, ...] = ()
    for name, value in message.get("headers") or ():
        if not name.islower():
            name = name.lower()  # some apps send capitals (Django)
        if name == b"content-type":
            content_type = value
        elif name == b"content-length":
            length = value
            continue
        elif name == b"vary":
            vary += (value,)
            continue
        elif name == b"content-encoding":
            encoded_body = value.strip().lower() not in (b"", b"identity")
        headers.append((name, value))
    if content_type is None:
        return None
    if len(fragments) == 1:
        names = fragments[0].vary
    else:
        names = tuple(n for f in fragments for n in f.vary)
    page = _page(content_type, vary, names)
    if page is None:
        return None  # not a page: leave the response exactly as the app made it
    charset, merged = page
    if merged is not None:
        headers.append((b"vary", merged))
    message["headers"] = headers
    insert = None
    if charset is not None and not encoded_body:
        if len(fragments) == 1:
            first = fragments[0]
            markup = first.render(scope) if first.scoped else first.render()
        else:
            markup = "".join(
                [_text(f.render(scope) if f.scoped else f.render()) for f in fragments]
            )
        if markup:
            if isinstance(markup, str):
                insert = markup.encode(charset, errors="xmlcharrefreplace")
            elif charset == "utf-8":
                insert = markup
            else:
                insert = markup.decode("utf-8").encode(charset, errors="xmlcharrefreplace")
    if length is not None:
        if insert is not None:
            longer = _longer(length, len(insert))
            if longer is None:
                insert = None  # a broken length: leave the body as the app made it
            else:
                length = longer
        headers.append((b"content-length", length))
    return insert


@functools.lru_cache(maxsize=256)
def _longer(length: bytes, extra: int) -> bytes | None:
    """`Content-Length` grown by `extra` bytes; None if it is not a number.

    Cached: a site's pages come in a limited number of sizes, each with its own fragment.
    """
    try:
        return b"%d" % (int(length) + extra)
    except ValueError:
        return None


def _last_body_end(data: bytes) -> int:
    """Where the last `</body>` starts, or -1; searched from the end, where it usually is."""
    # The common case first: a plain "</body>" with no other closing body tag after it.
    at = data.rfind(b"</body>")
    if at >= 0 and (
        (data.find(b"</b", at + 7) < 0 and data.find(b"</B", at + 7) < 0)
        or not _BODY_END.search(data, at + 7)
    ):
        return at
    window = 4096
    while True:
        start = max(0, len(data) - window)
        found = -1
        for match in _BODY_END.finditer(data, start):
            found = match.start()
        if found >= 0 or start == 0:
            return found
        window *= 16


class _VaryOnly:
    """HEAD responses: no body to change, but the headers the GET would carry."""

    __slots__ = ("fragments", "scope", "send")

    def __init__(self, scope: Scope, fragments: list[Fragment], send: Send) -> None:
        self.scope = scope
        self.fragments = fragments
        self.send = send

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            _prepare(self.scope, self.fragments, message)
        await self.send(message)


class _Inserter:
    """The `send` wrapper that inserts the fragments into one HTML response."""

    __slots__ = ("fragments", "insert", "scope", "send", "tail")

    def __init__(self, scope: Scope, fragments: list[Fragment], send: Send) -> None:
        self.scope = scope
        self.fragments = fragments
        self.send = send
        self.insert: bytes | None = None  # what remains to insert; None once done or not needed
        self.tail = b""  # kept back: may hold the start of a split </body>

    async def __call__(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.insert = _prepare(self.scope, self.fragments, message)
            await self.send(message)
        elif self.insert is None:
            await self.send(message)
        elif kind == "http.response.body":
            if message.get("more_body", False):
                await self._body(message)
                return
            data = message.get("body", b"")
            if self.tail or type(data) is not bytes:
                data = self.tail + data  # also makes bytes of a bytearray or memoryview
            await self.send(self._last(data))
        elif kind == "http.response.pathsend":
            await self._pathsend(message)
        else:
            await self.send(message)

    def _last(self, data: bytes) -> Message:
        """The whole (rest of the) body is here: the message with the fragments before the last
        `</body>`."""
        assert self.insert is not None
        at = _last_body_end(data)
        if at < 0:
            at = len(data)
        data = data[:at] + self.insert + data[at:]
        self.insert, self.tail = None, b""
        return {"type": "http.response.body", "body": data, "more_body": False}

    async def _pathsend(self, message: Message) -> None:
        import anyio

        async with await anyio.open_file(message["path"], "rb") as file:
            while chunk := await file.read(_PATHSEND_CHUNK):
                await self._body({"type": "http.response.body", "body": chunk, "more_body": True})
        await self._body({"type": "http.response.body", "body": b"", "more_body": False})

    async def _body(self, message: Message) -> None:
        if self.insert is None:  # already inserted (a pathsend file's remaining chunks)
            await self.send(message)
            return
        data = self.tail + message.get("body", b"")
        if not message.get("more_body", False):
            await self.send(self._last(data))
            return
        match = _BODY_END.search(data)
        if match:
            data = data[: match.start()] + self.insert + data[match.start() :]
            self.insert, self.tail = None, b""
        else:
            cut = max(0, len(data) - _KEEP_BACK)
            data, self.tail = data[:cut], data[cut:]
        await self.send({"type": "http.response.body", "body": data, "more_body": True})
