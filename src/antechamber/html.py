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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "READ_HEADERS",
    "Fragment",
    "add_fragment",
    "add_vary",
    "header_map",
    "inserting_send",
    "request_headers",
    "run_with_fragments",
]

_NOTES = "antechamber"  # the one scope key antechamber keeps its notes on a request under
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
_KEEP_BACK = len(b"</body") + 8  # enough for "</body  >" split over two chunks
_NO_BODY_STATUS = frozenset({204, 205, 304})
_PATHSEND_CHUNK = 64 * 1024


# What a response needs: None (left as it is), or the charset to insert in (None: nothing can
# be) and the headers to send, Vary completed, Content-Length still to add.
_Plan = tuple[str | None, list[tuple[bytes, bytes]]] | None


@dataclass(frozen=True, slots=True, eq=False)
class Fragment:
    """Markup for the page, rendered only once the response is known to be an HTML page.

    `render` may return "" (nothing to show this time), and may return bytes, which are UTF-8
    (a renderer that keeps its markup encoded saves encoding it for every page); `vary` is added
    to HTML responses either way, since a cache must know that the page could have carried the
    fragment. With `scoped=True`, `render` is called with the request's scope and its
    `header_map` instead: one fragment, built once, then serves every request (nothing is
    allocated per request to register it). Fragments are equal only to themselves.

    `plans` is where the responses it goes into are worked out once (`_prepare`): kept on the
    fragment, so that they go when it goes (with the middleware that made it).
    """

    render: Callable[..., str | bytes]
    vary: tuple[str, ...] = ()
    scoped: bool = False
    plans: dict[tuple[object, ...], _Plan] = field(default_factory=dict, init=False, repr=False)


class _Notes:
    """What antechamber keeps on one request, under one scope key.

    One key rather than one per thing: every key added makes the scope dict larger, and past a
    few of them it has to grow, on every request. Unset attributes fall back to the class's
    defaults, so a request pays only for what it uses.
    """

    raw: Any = None  # the header list `headers` was made from, and its length then
    size: int
    headers: dict[bytes, bytes]
    # request_headers' answer: the dict it decoded, the names it was asked for, the answer
    text: tuple[dict[bytes, bytes], frozenset[bytes], dict[str, str]] | None = None
    fragments: tuple[Fragment, ...] = ()
    inserting = False  # an antechamber layer inserts the fragments into this response


def add_fragment(scope: Scope, fragment: Fragment) -> None:
    """Register a fragment for this request, before or inside `run_with_fragments`."""
    notes: _Notes | None = scope.get(_NOTES)
    if notes is None:
        notes = scope[_NOTES] = _Notes()
    notes.fragments += (fragment,)


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
    notes: _Notes | None = scope.get(_NOTES)
    if notes is not None and notes.raw is raw and notes.size == len(raw):
        return notes.headers
    if type(raw) is not list and not isinstance(raw, tuple):
        # Any iterable will do for ASGI; one that can be read only once is kept for the app.
        raw = scope["headers"] = list(raw)
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
    if notes is None:
        notes = scope[_NOTES] = _Notes()
    notes.raw, notes.size, notes.headers = raw, len(raw), headers
    return headers


def request_headers(scope: Scope, wanted: frozenset[bytes] = READ_HEADERS) -> dict[str, str]:
    """The request headers named in `wanted`, decoded (latin-1), with lower-case names.

    As `header_map`, decoded: for the less travelled paths (antechamber's own routes, notices,
    the upgrade page), which want text. Kept on the scope like `header_map`; a later caller that
    wants no more names gets the same dict.
    """
    raw = header_map(scope)
    notes: _Notes = scope[_NOTES]
    cached = notes.text
    if cached is not None and cached[0] is raw and (cached[1] is wanted or wanted <= cached[1]):
        return cached[2]
    decoded = {
        name.decode("latin-1"): value.decode("latin-1")
        for name, value in raw.items()
        if name in wanted
    }
    notes.text = (raw, wanted, decoded)
    return decoded


def add_vary(headers: MutableHeaders, *names: str) -> None:
    """Add names to `Vary`, keeping what is there and skipping what is already listed."""
    present = headers.get("vary")
    merged = _merged_vary(None if present is None else present.encode("latin-1"), names)
    if merged is not None:
        headers["vary"] = merged.decode("latin-1")


async def run_with_fragments(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Call `app`, inserting whatever fragments are registered on the way."""
    await app(scope, receive, inserting_send(scope, send))


def inserting_send(scope: Scope, send: Send) -> Send:
    """`send`, wrapped to insert the fragments registered on this request into an HTML page.

    Only the outermost caller wraps it: a nested antechamber layer sees the mark of the outer one
    on the scope and gets `send` back as it is.
    """
    notes: _Notes | None = scope.get(_NOTES)
    if notes is None:
        notes = scope[_NOTES] = _Notes()
    elif notes.inserting:
        return send
    notes.inserting = True
    if scope.get("method") == "HEAD":
        return _VaryOnly(scope, notes, send)
    return _Inserter(scope, notes, send)


def _text(markup: str | bytes) -> str:
    return markup if isinstance(markup, str) else markup.decode("utf-8")


@functools.lru_cache(maxsize=256)
def _page(
    content_type: bytes, vary: bytes | None, names: tuple[str, ...]
) -> tuple[str | None, bytes | None] | None:
    """For a response's Content-Type and Vary, and the fragments' Vary names: None if it is not
    an HTML page; else the charset to insert in (None: cannot be) and the Vary to send.

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


def _merged_vary(present: bytes | None, names: tuple[str, ...]) -> bytes | None:
    """`Vary` with `names` added to what the app sent (None: nothing to send)."""
    values = [v.strip() for v in (present or b"").decode("latin-1").split(",")]
    values = [v for v in values if v]
    lowered = {v.lower() for v in values}
    if "*" not in lowered:
        for name in names:
            if name.lower() not in lowered:
                values.append(name)
                lowered.add(name.lower())
    return ", ".join(values).encode("latin-1") if values else None


def _prepare(
    scope: Scope, notes: _Notes, fragments: tuple[Fragment, ...], message: Message
) -> bytes | None:
    """At `http.response.start`: fix the headers; return the bytes to insert, if any.

    This runs on every page the site serves. What to do with a response follows from its status
    and headers, less `Content-Length`, and the fragments: that is worked out once per such
    combination (`_plan`) and kept. Responses whose headers one `dict()` cannot take as they are
    (repeated or capitalised names), or that set cookies, or that carry a fragment made for this
    request alone, are worked out every time.
    """
    raw = message.get("headers") or ()
    if type(raw) is not list:
        raw = list(raw)  # any iterable will do for ASGI
    try:
        found = dict(raw)
    except (TypeError, ValueError):  # not (name, value) pairs: leave it to the slow way
        found = {}
    length = found.pop(b"content-length", None)
    status = message.get("status", 200)
    plan = _UNKNOWN
    if len(found) + (length is not None) == len(raw):
        key = (status, fragments, *found.items())
        plans = fragments[0].plans
        try:
            plan = plans.get(key, _UNKNOWN)
        except TypeError:  # a value that is not bytes (a bytearray): the slow way
            pass
        else:
            if plan is _UNKNOWN and b"".join(found).islower():
                plan = _plan(status, fragments, found, [])
                # Kept only for fragments built once (a fragment made for one request would
                # keep that request alive), and never with a visitor's cookie in the key.
                if b"set-cookie" not in found and all(f.scoped for f in fragments):
                    if len(plans) >= _PLANS_SIZE:
                        plans.clear()
                    plans[key] = plan
    if plan is _UNKNOWN:
        found, repeated = _read_response_headers(raw)
        length = found.pop(b"content-length", None)
        plan = _plan(status, fragments, found, repeated)
    if plan is None:
        return None  # not a page: leave the response exactly as the app made it
    charset, headers = plan
    insert = None
    if charset is not None:
        # A scoped fragment reads the request's headers: taken as they were read on the way in.
        request = notes.headers if notes.raw is not None else header_map(scope)
        if len(fragments) == 1:
            first = fragments[0]
            markup = first.render(scope, request) if first.scoped else first.render()
        else:
            markup = "".join(
                [_text(f.render(scope, request) if f.scoped else f.render()) for f in fragments]
            )
        if markup:
            if isinstance(markup, str):
                insert = markup.encode(charset, errors="xmlcharrefreplace")
            elif charset == "utf-8":
                insert = markup
            else:
                insert = markup.decode("utf-8").encode(charset, errors="xmlcharrefreplace")
    if length is None:
        message["headers"] = headers.copy()
    else:
        if insert is not None:
            longer = _longer(length, len(insert))
            if longer is None:
                insert = None  # a broken length: leave the body as the app made it
            else:
                length = longer
        message["headers"] = [*headers, (b"content-length", length)]
    return insert


_UNKNOWN: Any = object()
_PLANS_SIZE = 512  # plans kept per fragment; a site sends a handful of distinct header sets


def _plan(
    status: object,
    fragments: tuple[Fragment, ...],
    found: dict[bytes, bytes],
    repeated: list[tuple[bytes, bytes]],
) -> _Plan:
    """For a response's status and headers (`found`: lower-case names, less `Content-Length`;
    `repeated`: the second and later lines of a repeated header): None if it is left as it is,
    else the charset to insert in (None: nothing can be inserted) and the headers to send,
    `Vary` completed, `Content-Length` still to add."""
    if not isinstance(status, int) or status < 200 or status in _NO_BODY_STATUS:
        return None
    content_type = found.get(b"content-type")
    if content_type is None:
        return None
    names = tuple(name for fragment in fragments for name in fragment.vary)
    vary = found.get(b"vary")
    page = _page(content_type, vary, names)
    if page is None:
        return None
    charset, merged = page
    headers = dict(found)
    if merged is not None:
        headers[b"vary"] = merged
    elif vary is not None:
        del headers[b"vary"]  # an empty Vary
    encoding = headers.get(b"content-encoding")
    if encoding is not None and encoding.strip().lower() not in (b"", b"identity"):
        charset = None  # a compressed body cannot be searched
    return charset, [*headers.items(), *repeated]


def _read_response_headers(raw: list[Any]) -> tuple[dict[bytes, bytes], list[tuple[bytes, bytes]]]:
    """Response headers that one `dict()` cannot take as they are (names not in lower case, or
    repeated): the first of each name, lower-cased, with `Vary` lines joined and the last
    `Content-Length` kept; and the repeats of any other header (`Set-Cookie`), in order."""
    found: dict[bytes, bytes] = {}
    repeated: list[tuple[bytes, bytes]] = []
    for name, value in raw:
        name, value = bytes(name).lower(), bytes(value)
        if name not in found or name == b"content-length":
            found[name] = value
        elif name == b"vary":
            found[name] += b", " + value
        else:
            repeated.append((name, value))
    return found, repeated


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

    __slots__ = ("notes", "scope", "send")

    def __init__(self, scope: Scope, notes: _Notes, send: Send) -> None:
        self.scope = scope
        self.notes = notes
        self.send = send

    def __call__(self, message: Message) -> Awaitable[None]:
        if message["type"] == "http.response.start" and self.notes.fragments:
            _prepare(self.scope, self.notes, self.notes.fragments, message)
        return self.send(message)


class _Inserter:
    """The `send` wrapper that inserts the fragments into one HTML response.

    A plain function that hands back the awaitable of the `send` it wraps (or of one of its own
    coroutines): `await send(message)` works the same, and the common message costs no coroutine
    of its own.
    """

    __slots__ = ("insert", "notes", "scope", "send", "tail")

    def __init__(self, scope: Scope, notes: _Notes, send: Send) -> None:
        self.scope = scope
        self.notes = notes
        self.send = send
        self.insert: bytes | None = None  # what remains to insert; None once done or not needed
        self.tail = b""  # kept back: may hold the start of a split </body>

    def __call__(self, message: Message) -> Awaitable[None]:
        kind = message["type"]
        if kind == "http.response.start":
            fragments = self.notes.fragments
            if fragments:
                self.insert = _prepare(self.scope, self.notes, fragments, message)
        elif self.insert is not None:  # else: nothing (more) to insert, pass it on
            if kind == "http.response.body":
                if message.get("more_body", False):
                    return self._body(message)
                data = message.get("body", b"")
                if self.tail or type(data) is not bytes:
                    data = self.tail + data  # also makes bytes of a bytearray or memoryview
                message = self._last(data)
            elif kind == "http.response.pathsend":
                return self._pathsend(message)
        return self.send(message)

    def _last(self, data: bytes) -> Message:
        """The whole (rest of the) body is here: the message with the fragments before the last
        `</body>`."""
        assert self.insert is not None
        at = _last_body_end(data)
        if at < 0:
            at = len(data)
        # One join, not two concatenations: a page and its fragment are past the sizes the
        # allocator serves quickly, and each intermediate copy costs as much as the result.
        data = b"".join((data[:at], self.insert, data[at:]))
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
