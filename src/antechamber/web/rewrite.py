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
from starlette.datastructures import MutableHeaders
from starlette.types import Message, Send

from antechamber.web._interim import csp_nonces, sniff_charset
from antechamber.web.headers import add_vary, lower_names, media_type
from antechamber.web.insertion import Insertion, is_document
from antechamber.web.request import Visit
from antechamber.web.validators import tag_etag

__all__ = ["Fragment", "apply_nonces", "rewriting_send"]

_NO_BODY = frozenset({204, 205, 304})
_PREFIX = 1024  # what browsers prescan for <meta charset>
_PATHSEND_CHUNK = 64 * 1024


@dataclass(frozen=True, eq=False)
class Fragment:
    """Markup for the page: `render(visit)` is called once per response that is rewritten
    (it may return "": nothing to show this time); `vary` is added to the page's `Vary`
    either way, since a cache must know that the page could have carried it."""

    render: Callable[[Visit], str]
    vary: tuple[str, ...] = ()


_SCRIPT = re.compile(r"<script\b", re.IGNORECASE)
_STYLE = re.compile(r"<style\b|<link\b(?=[^>]*\brel\s*=\s*[\"']?stylesheet)", re.IGNORECASE)


def apply_nonces(markup: str, script: str | None, style: str | None) -> str:
    """`markup` with `nonce` attributes on its scripts and stylesheets."""
    if script:
        markup = _SCRIPT.sub(lambda m: f'{m.group(0)} nonce="{escape(script)}"', markup)
    if style:
        markup = _STYLE.sub(lambda m: f'{m.group(0)} nonce="{escape(style)}"', markup)
    return markup


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
        self.original: list[tuple[bytes, bytes]] = []
        self.head = b""
        self.length: int | None = None
        self.charset: str | None = None
        self.insertion: Insertion | None = None
        self.nonces: tuple[str | None, str | None] = (None, None)

    async def __call__(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            if self.visit.fragments:
                self._start(message)
            if self.held is None:
                await self.send(message)
        elif self.held is not None and kind == "http.response.body":
            await self._hold(message.get("body", b""), message.get("more_body", False))
        elif self.held is not None and kind == "http.response.pathsend":
            await self._pathsend(message["path"])
        elif self.insertion is not None and kind == "http.response.body":
            final = not message.get("more_body", False)
            body = self.insertion.feed(bytes(message.get("body", b"")), final)
            await self.send({"type": kind, "body": body, "more_body": not final})
        elif self.insertion is not None and kind == "http.response.pathsend":
            await self._pathsend(message["path"])
        else:
            await self.send(message)

    def _start(self, message: Message) -> None:
        """Headers: `Vary` for any HTML page; the variant's `ETag` for one that is (or would
        be) rewritten; the start held back when the body may be rewritten."""
        headers = lower_names(message)
        visit = self.visit
        vary = [name for f in visit.fragments for name in f.vary]
        status = message.get("status", 200)
        if status == 304:  # no Content-Type to go by: the Vary and ETag of its 200
            add_vary(headers, *vary)
            etag = headers.get("etag")
            if etag is not None and visit.variant_matched:
                headers["etag"] = tag_etag(etag, visit.variant_tag())
            return
        mime, _ = media_type(headers.get("content-type"))
        if mime != "text/html":
            return
        add_vary(headers, *vary)
        if "attachment" in headers.get("content-disposition", "").lower():
            return
        encoding = headers.get("content-encoding", "").strip().lower()
        if encoding not in ("", "identity") or status == 206 or status < 200:
            return
        etag = headers.get("etag")
        if status in _NO_BODY or visit.method == "HEAD":
            if etag is not None:
                headers["etag"] = tag_etag(etag, visit.variant_tag())
            sent = headers.get("content-length", "").strip()
            if status not in _NO_BODY and sent.isdigit():
                # The length the GET would carry, for a page in the header's charset.
                self.charset = sniff_charset(headers.get("content-type"), b"") or "utf-8"
                headers["content-length"] = str(int(sent) + len(self._markup()))
            return
        self.original = list(headers.raw)
        length = headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                return  # a broken length: the body is left as the app made it
            self.length = int(length)
        self.nonces = csp_nonces(
            headers.getlist("content-security-policy"),
            headers.getlist("content-security-policy-report-only"),
        )
        self.held = message

    async def _hold(self, body: bytes, more: bool) -> None:
        self.head += body
        head, held = self.head, self.held
        assert held is not None
        document = is_document(head, final=not more)
        if document is None or (self.length is not None and more and len(head) < _PREFIX):
            return  # not enough to tell yet
        self.held = None
        charset = sniff_charset(MutableHeaders(scope=held).get("content-type"), head[:_PREFIX])
        if not document or charset is None:
            held["headers"] = self.original
            await self.send(held)
            await self.send({"type": "http.response.body", "body": head, "more_body": more})
            return
        self.charset = charset
        markup = self._markup() if self.length is not None else None
        headers = MutableHeaders(scope=held)
        if markup is not None:
            headers["content-length"] = str((self.length or 0) + len(markup))
        etag = headers.get("etag")
        if etag is not None:
            headers["etag"] = tag_etag(etag, self.visit.variant_tag())
        if "accept-ranges" in headers:
            del headers["accept-ranges"]
        await self.send(held)
        self.insertion = Insertion(self._markup if markup is None else lambda: markup)
        body = self.insertion.feed(head, final=not more)
        await self.send({"type": "http.response.body", "body": body, "more_body": more})

    def _markup(self) -> bytes:
        assert self.charset is not None
        markup = apply_nonces(self.visit.rendered(), *self.nonces)
        return markup.encode(self.charset, errors="xmlcharrefreplace")

    async def _pathsend(self, path: str) -> None:
        # The file is read and sent as body chunks, so that the markup can be put into it.
        async with await anyio.open_file(path, "rb") as file:
            while chunk := await file.read(_PATHSEND_CHUNK):
                await self({"type": "http.response.body", "body": chunk, "more_body": True})
        await self({"type": "http.response.body", "body": b"", "more_body": False})
