"""Rewriting the app's response: the fragments registered on a visit, put into its page.

Only a whole HTML document answering a page navigation is rewritten (`Visit.is_page_request`):
- never a response without a body to change (HEAD, 1xx, 204, 205, 304: these get the headers
  the rewritten page would carry), a 206 (a byte range of the app's body), an attachment
  (`Content-Disposition: attachment`: a download is saved as the app made it), a body with a
  content coding (gzip, br: mount antechamber inside the compression middleware), a body in a
  charset where `</body>` is not ASCII (UTF-16), or a body that does not start as a document
  (an HTML fragment for a script to insert);
- the markup goes before the first `</body>` in markup, never into raw text (a script, a
  comment, a textarea ...), or at the end when there is none, encoded in the page's charset
  (header, BOM, `<meta>` in the first 1,024 bytes, else UTF-8);
- a nonce in the response's CSP for scripts or styles goes on every inserted `<script>`,
  `<link rel="stylesheet">` and `<style>`;
- its `ETag` names the variant (`validators`), `Vary` lists what the markup depends on,
  `Content-Length` grows by the markup's length, `Accept-Ranges` goes (ranges of a rewritten
  body are not served).

The start of the response is held back until the first bytes of the body show whether it is a
document (and, with a `Content-Length`, until 1,024 bytes have come or the body ended, for the
charset); after that, chunks pass on as they come, less only what could begin a split `</body`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import anyio
from starlette.types import Message, Send

from antechamber.web.cache import BoundedCache
from antechamber.web.charset import ascii_compatible, sniff_charset
from antechamber.web.csp import csp_nonces
from antechamber.web.headers import media_type, merged_vary, read_response, replaced
from antechamber.web.request import Visit
from antechamber.web.scan import Element, ElementHook, Scanner
from antechamber.web.validators import tag_etag

__all__ = ["Fragment", "apply_nonces", "rewriting_send"]

_NO_BODY = frozenset({204, 205, 304})
_PREFIX = 1024  # what browsers prescan for <meta charset>
_PATHSEND_CHUNK = 64 * 1024
# The markup as sent, per markup and charset: the same banner goes into page after page
# (asgi warm-path figure).
_ENCODED: BoundedCache[tuple[str, str], bytes] = BoundedCache(256)
_CSP = (b"content-security-policy", b"content-security-policy-report-only")
# A whole body sent in one message (a static page, a file) is worked out once per Content-Type and
# body (`_Body`): the same page is sent again and again. Scanning the 6 KB static page cost 178k
# instructions a request; with this, the warm path went from 468.3k to 278.1k, and keeping in it
# which tags an element hook could be shown saved another 32k (scripts/bench --instructions).
# Looked up by length and the first and last 256 bytes, then compared whole: keyed on the whole
# body, the Jinja2 page cost 67k more (its new bytes hashed on every request). At most 32 bodies
# of up to 64 KB: 2 MB.
_WHOLE_LIMIT = 64 * 1024
_IFRAME = re.compile(rb"<(?i:iframe)[\t\n\f\r />]")
_SCRIPT_TAG = re.compile(rb"<(?i:script)[\t\n\f\r />]")


@dataclass(frozen=True, slots=True)
class _Body:
    """What a whole body is: a document or not, its charset (None: markup cannot go into it),
    the offset the markup goes in at, and whether it has the start tags element hooks watch."""

    body: bytes
    document: bool
    charset: str | None
    at: int | None
    iframes: bool
    scripts: bool

    def shows(self, hooks: list[ElementHook]) -> bool:
        """Whether one of `hooks` would be shown an element of this body. A hook may say which
        it watches with a `watches_scripts` attribute (False: iframes only)."""
        if self.iframes:
            return True
        return self.scripts and any(getattr(hook, "watches_scripts", True) for hook in hooks)


_WHOLE: BoundedCache[tuple[str, int, bytes, bytes], _Body] = BoundedCache(32)


def _whole_body(content_type: str, body: bytes) -> _Body:
    """`body` worked out (see `_Body`), from the cache when it was seen before."""
    key = (content_type, len(body), body[:256], body[-256:])
    known = _WHOLE.get(key)
    if known is not None and known.body == body:
        return known
    document = bool(is_document(body, final=True))
    charset = page_charset(content_type, body[:_PREFIX]) if document else None
    at = None
    if charset is not None:
        scanner = Scanner(b"-", encoding=charset)  # where any markup would go
        scanner.feed(body, False)
        at = scanner.inserted_at
    iframes = _IFRAME.search(body) is not None
    scripts = _SCRIPT_TAG.search(body) is not None
    known = _Body(body, document, charset, at, iframes, scripts)
    return _WHOLE.put(key, known) if len(body) <= _WHOLE_LIMIT else known


_LEADING = re.compile(rb"^(?:\xef\xbb\xbf)?(?:\s+|<!--.*?-->|<\?xml[^>]*>)*", re.DOTALL)
_DOCUMENT_START = re.compile(rb"<(?:!doctype\s+html|html|head|body)[\s>/]", re.IGNORECASE)


def is_document(head: bytes, final: bool) -> bool | None:
    """Whether a body starts as a whole HTML document (a doctype, `<html>`, `<head>` or `<body>`
    first, after white space and comments); None while `head` is too short to tell."""
    leading = _LEADING.match(head)
    rest = head[leading.end() :] if leading else head
    if not final:
        if not rest or (rest.startswith(b"<!--") and b"-->" not in rest):
            return None
        if len(rest) < 16 and rest.startswith(b"<"):
            return None
    return _DOCUMENT_START.match(rest) is not None


@dataclass(frozen=True, eq=False)
class Fragment:
    """Markup for the page: `render(visit)` is called once per response that is rewritten
    (it may return "": nothing to show this time); `vary` is added to the page's `Vary`
    either way, since a cache must know that the page could have carried it. `variant(visit)`
    names what else the page depends on (what an element hook does to it), for its `ETag`."""

    render: Callable[[Visit], str]
    vary: tuple[str, ...] = ()
    variant: Callable[[Visit], str] | None = None


_SCRIPT = re.compile(r"<script\b", re.IGNORECASE)
_STYLE = re.compile(r"<style\b|<link\b(?=[^>]*\brel\s*=\s*[\"']?stylesheet)", re.IGNORECASE)


def apply_nonces(markup: str, script: str | None, style: str | None) -> str:
    """`markup` with `nonce` attributes on its scripts and stylesheets."""
    if script:
        markup = _SCRIPT.sub(lambda m: f'{m.group(0)} nonce="{escape(script)}"', markup)
    if style:
        markup = _STYLE.sub(lambda m: f'{m.group(0)} nonce="{escape(style)}"', markup)
    return markup


def page_charset(content_type: str | None, head: bytes) -> str | None:
    """The page's charset (Python's name), or None when markup cannot be inserted in it: not
    ASCII-compatible (UTF-16, where `</body>` is other bytes) or a "replacement" encoding."""
    name = sniff_charset(content_type, head)
    return name if name is not None and ascii_compatible(name) else None


def rewriting_send(visit: Visit, send: Send) -> Send:
    """`send`, wrapped to put the visit's fragments into the page (see the module docstring)."""
    if not visit.is_page_request:
        return send
    return _Rewriter(visit, send)


class _Rewriter:
    def __init__(self, visit: Visit, send: Send) -> None:
        self.visit = visit
        self.send = send
        self.held: Message | None = None  # the start, until the body shows it is a page
        self.head = b""
        self.length: int | None = None
        self.charset: str | None = None
        self.insertion: Scanner | None = None
        self.nonces: tuple[str | None, str | None] = (None, None)
        self.changes: dict[bytes, bytes | None] = {}  # to the app's headers
        self.raw: list[tuple[bytes, bytes]] = []
        self.content_type = ""

    async def __call__(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            if self.visit.fragments or self.visit.element_hooks:
                self._start(message)
            if self.held is None:
                await self.send(message)
        elif self.held is not None and kind == "http.response.body":
            await self._hold(message.get("body", b""), message.get("more_body", False))
        elif self.held is not None and kind == "http.response.pathsend":
            await self._pathsend(message["path"])
        elif self.insertion is not None and kind == "http.response.body":
            more = message.get("more_body", False)
            body = self.insertion.feed(message.get("body", b""), more)
            await self.send({"type": kind, "body": body, "more_body": more})
        elif self.insertion is not None and kind == "http.response.pathsend":
            await self._pathsend(message["path"])
        else:
            await self.send(message)

    def _start(self, message: Message) -> None:
        """Headers: `Vary` for any HTML page; the variant's `ETag` for one that is (or would
        be) rewritten; the start held back when the body may be rewritten."""
        raw, found = read_response(message)
        visit = self.visit
        status = message.get("status", 200)
        changes = self.changes
        names = [name for fragment in visit.fragments for name in fragment.vary]
        present = found[b"vary"].decode("latin-1") if b"vary" in found else None
        vary = merged_vary(present, names)
        if vary is not None:
            changes[b"vary"] = vary.encode("latin-1")
        etag = found.get(b"etag")
        if status == 304:  # no Content-Type to go by: the Vary and ETag of its 200
            if etag is not None and visit.variant_matched:
                changes[b"etag"] = self._tagged(etag)
            message["headers"] = replaced(raw, changes)
            return
        content_type = found.get(b"content-type", b"").decode("latin-1")
        if media_type(content_type)[0] != "text/html":
            return
        encoding = found.get(b"content-encoding", b"").strip().lower()
        if (
            b"attachment" in found.get(b"content-disposition", b"").lower()
            or encoding not in (b"", b"identity")
            or status == 206
            or status < 200
        ):
            message["headers"] = replaced(raw, changes)
            return
        length = found.get(b"content-length", b"").strip()
        if status in _NO_BODY or visit.method == "HEAD":
            if etag is not None:
                changes[b"etag"] = self._tagged(etag)
            if status not in _NO_BODY and length.isdigit() and visit.element_hooks:
                changes[b"content-length"] = None  # the GET's depends on its elements
            elif status not in _NO_BODY and length.isdigit():
                # The length the GET would carry, for a page in the header's charset.
                self.charset = page_charset(content_type, b"") or "utf-8"
                changes[b"content-length"] = b"%d" % (int(length) + len(self._markup()))
            message["headers"] = replaced(raw, changes)
            return
        if length:
            if not length.isdigit():  # a broken length: the body is left as the app made it
                message["headers"] = replaced(raw, changes)
                return
            self.length = int(length)
            changes[b"content-length"] = None  # set once the markup is known
        if etag is not None:
            changes[b"etag"] = self._tagged(etag)
        if b"accept-ranges" in found:
            changes[b"accept-ranges"] = None
        if _CSP[0] in found or _CSP[1] in found:
            self.nonces = csp_nonces([v.decode("latin-1") for k, v in raw if k in _CSP])
        self.content_type = content_type
        self.raw = raw
        self.held = message

    def _tagged(self, etag: bytes) -> bytes:
        return tag_etag(etag.decode("latin-1"), self.visit.variant_tag()).encode("latin-1")

    async def _hold(self, body: bytes, more: bool) -> None:
        self.head += body
        head, held = self.head, self.held
        assert held is not None
        hooks = self.visit.element_hooks
        at: int | None = None
        document: bool | None
        if not more:  # the whole body is here
            known = _whole_body(self.content_type, head)
            document, charset = known.document, known.charset
            if hooks and not known.shows(hooks):
                hooks = []  # nothing in this page for them to see
            if not hooks:
                at = known.at
        else:
            document = is_document(head, final=False)
            if document is None or (self.length is not None and len(head) < _PREFIX):
                return  # not enough to tell yet
            charset = page_charset(self.content_type, head[:_PREFIX])
        self.held = None
        if not document or charset is None:
            # With the Vary of a page that could have been rewritten, nothing else changed.
            vary = self.changes.get(b"vary")
            held["headers"] = self.raw if vary is None else replaced(self.raw, {b"vary": vary})
            await self.send(held)
            await self.send({"type": "http.response.body", "body": head, "more_body": more})
            return
        self.charset = self.visit.charset = charset
        markup = self._markup()
        changes = self.changes
        if at is not None and markup:
            body = b"".join((head[:at], markup, head[at:]))
        else:
            self.insertion = Scanner(markup, hook=_chained(hooks), encoding=charset)
            body = self.insertion.feed(head, more)
        if self.length is not None and not more:  # the whole body is here: its length is known
            changes[b"content-length"] = b"%d" % len(body)
        elif self.length is not None and not hooks:
            changes[b"content-length"] = b"%d" % (self.length + len(markup))
        # else: an element hook may change the length; the body goes without one (chunked).
        held["headers"] = replaced(self.raw, changes)
        await self.send(held)
        await self.send({"type": "http.response.body", "body": body, "more_body": more})

    def _markup(self) -> bytes:
        charset = self.charset
        assert charset is not None
        markup = self.visit.rendered()
        if self.nonces != (None, None):  # a nonce is new with every response
            markup = apply_nonces(markup, *self.nonces)
            return markup.encode(charset, errors="xmlcharrefreplace")
        key = (markup, charset)
        encoded = _ENCODED.get(key)
        if encoded is None:
            encoded = _ENCODED.put(key, markup.encode(charset, errors="xmlcharrefreplace"))
        return encoded

    async def _pathsend(self, path: str) -> None:
        # The file is read and sent as body chunks, so that the markup can be put into it.
        async with await anyio.open_file(path, "rb") as file:
            while chunk := await file.read(_PATHSEND_CHUNK):
                await self({"type": "http.response.body", "body": chunk, "more_body": True})
        await self({"type": "http.response.body", "body": b"", "more_body": False})


def _chained(hooks: list[ElementHook]) -> ElementHook | None:
    """One hook for the scanner: each registered hook in turn; the first answer wins."""
    if not hooks:
        return None
    if len(hooks) == 1:
        return hooks[0]

    def chained(element: Element) -> bytes | None:
        for hook in hooks:
            replacement = hook(element)
            if replacement is not None:
                return replacement
        return None

    return chained
