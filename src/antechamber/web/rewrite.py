"""Rewriting the app's response: the fragments registered on a visit, put into its page.

Only a whole HTML document answering a page navigation is rewritten (`Visit.is_page_request()`):
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
from antechamber.web.headers import read_response, replaced
from antechamber.web.page import PREFIX, PageBody, is_document, page_charset, whole_body
from antechamber.web.request import PageHook, Visit
from antechamber.web.scan import Element, ElementHook, Scanner
from antechamber.web.start import HOLD, SEND, UNSEEN, start_of
from antechamber.web.validators import tag_etag

__all__ = ["Fragment", "Rewriter", "apply_nonces"]

_PATHSEND_CHUNK = 64 * 1024
# The markup as sent, per markup and charset: the same banner goes into page after page.
_ENCODED: BoundedCache[tuple[str, str], bytes] = BoundedCache(256)


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


class Rewriter:
    """What puts the visit's fragments into its page, for a request that
    `Visit.is_page_request()`: `Rewriter(visit, send).send` is the app's `send`, wrapped."""

    __slots__ = ("downstream", "head", "held", "insertion", "plan", "visit")

    def __init__(self, visit: Visit, send: Send) -> None:
        self.visit = visit
        self.downstream = send
        self.held: Message | None = None  # the start, until the body shows it is a page
        self.head = b""  # the body so far, while the start is held
        self.plan = UNSEEN
        self.insertion: Scanner | None = None  # once the body is being rewritten

    async def send(self, message: Message) -> None:
        """The app's `send`, wrapped (see the module docstring)."""
        kind = message["type"]
        if kind == "http.response.start":
            # Headers: `Vary` for any HTML page; the variant's `ETag` for one that is (or would
            # be) rewritten; the start held back when the body may be rewritten.
            visit = self.visit
            if visit.fragments or visit.element_hooks:
                status = message.get("status", 200)
                plan = start_of(message, status, visit.scope.get("method") == "HEAD", visit)
                self.plan = plan
                if plan.action == HOLD:
                    self.held = message
                    return
                if plan.action == SEND:
                    self._send_changed(message, status)
            await self.downstream(message)
        elif self.held is not None and kind == "http.response.body":
            held = self.held
            body = self._hold(held, message.get("body", b""), message.get("more_body", False))
            if body is not None:
                await self.downstream(held)
                await self.downstream(body)
        elif self.held is not None and kind == "http.response.pathsend":
            await self._pathsend(message["path"])
        elif self.insertion is not None and kind == "http.response.body":
            more = message.get("more_body", False)
            chunk = self.insertion.feed(message.get("body", b""), more)
            await self.downstream({"type": kind, "body": chunk, "more_body": more})
        elif self.insertion is not None and kind == "http.response.pathsend":
            await self._pathsend(message["path"])
        else:
            await self.downstream(message)

    def _send_changed(self, message: Message, status: int) -> None:
        """A start sent at once, with the changes its page would get (a 304, a HEAD ...)."""
        plan = self.plan
        changes = plan.changes
        if plan.etag is not None and (status != 304 or self.visit.variant_matched):
            changes = {**changes, b"etag": self._tagged(plan.etag)}
        if plan.length is not None:  # a HEAD: the length the GET would carry
            markup = self._markup(page_charset(plan.content_type, b"") or "utf-8")
            changes = {**changes, b"content-length": b"%d" % (plan.length + len(markup))}
        message["headers"] = replaced(read_response(message)[0], changes)

    def _tagged(self, etag: bytes) -> bytes:
        return tag_etag(etag.decode("latin-1"), self.visit.variant_tag()).encode("latin-1")

    def _hold(self, held: Message, body: bytes, more: bool) -> Message | None:
        """The body message that follows the `held` start (whose headers it sets), once the
        body so far shows what the page is; None until it does."""
        head = self.head + body
        plan = self.plan
        hooks = self.visit.element_hooks
        known: PageBody | None = None
        document: bool | None
        if not more:  # the whole body is here
            known = whole_body(plan.content_type, head)
            document, charset = known.document, known.charset
            if hooks and not (known.iframes or (known.scripts and known.shows(hooks))):
                hooks = []  # nothing in this page for them to see
        else:
            document = is_document(head, final=False)
            if document is None or (plan.length is not None and len(head) < PREFIX):
                self.head = head
                return None  # not enough to tell yet
            charset = page_charset(plan.content_type, head[:PREFIX])
        self.held = None
        if not document or charset is None:
            # With the Vary of a page that could have been rewritten, nothing else changed.
            vary = plan.changes.get(b"vary")
            if vary is not None:
                held["headers"] = replaced(read_response(held)[0], {b"vary": vary})
            return {"type": "http.response.body", "body": head, "more_body": more}
        self.visit.charset = charset
        headers = list(plan.headers)
        if known is not None and not hooks:  # the same page in the same state: the same bytes
            body, length = known.with_markup(self._text())
            if plan.length is not None:
                headers.append((b"content-length", length))
        else:
            markup = self._markup(charset)
            if known is not None:  # the elements of a whole body are found once
                body = known.rewritten(markup, self._hook(hooks))
            else:
                hook = self._hook(hooks) if hooks else None
                self.insertion = Scanner(markup, hook=hook, encoding=charset)
                body = self.insertion.feed(head, more)
            if plan.length is not None and not more:  # the whole body: its length is known
                headers.append((b"content-length", b"%d" % len(body)))
            elif plan.length is not None and not hooks:
                headers.append((b"content-length", b"%d" % (plan.length + len(markup))))
            # else: an element hook may change the length; the body goes without one (chunked).
        if plan.etag is not None:
            headers.append((b"etag", self._tagged(plan.etag)))
        held["headers"] = headers
        return {"type": "http.response.body", "body": body, "more_body": more}

    def _hook(self, hooks: list[PageHook]) -> ElementHook:
        """One hook for the scanner: each page hook's for this page in turn; the first answer
        wins."""
        made = [make(self.visit) for make in hooks]
        if len(made) == 1:
            return made[0]

        def chained(element: Element) -> bytes | None:
            for hook in made:
                replacement = hook(element)
                if replacement is not None:
                    return replacement
            return None

        return chained

    def _text(self) -> str:
        """The visit's markup for this page, with the response's nonces."""
        markup = self.visit.rendered()
        if self.plan.nonces != (None, None):
            markup = apply_nonces(markup, *self.plan.nonces)
        return markup

    def _markup(self, charset: str) -> bytes:
        """The visit's markup for this page, encoded in its `charset`."""
        if self.plan.nonces != (None, None):  # a nonce is new with every response
            return self._text().encode(charset, errors="xmlcharrefreplace")
        markup = self.visit.rendered()
        key = (markup, charset)
        encoded = _ENCODED.get(key)
        if encoded is None:
            encoded = _ENCODED.put(key, markup.encode(charset, errors="xmlcharrefreplace"))
        return encoded

    async def _pathsend(self, path: str) -> None:
        # The file is read and sent as body chunks, so that the markup can be put into it.
        async with await anyio.open_file(path, "rb") as file:
            while chunk := await file.read(_PATHSEND_CHUNK):
                await self.send({"type": "http.response.body", "body": chunk, "more_body": True})
        await self.send({"type": "http.response.body", "body": b"", "more_body": False})
