"""What an HTML body is, for the rewriter: a document or not, its charset, where the markup goes.

    is_document(head, final) -> bool | None
    page_charset(content_type, head) -> str | None
    whole_body(content_type, body) -> PageBody        # a whole body, worked out once

A body is a document when a doctype, `<html>`, `<head>` or `<body>` comes first (after white
space, comments and an XML declaration); anything else (an HTML fragment for a script to insert)
is left alone. Its charset is read the way browsers read it (`web/charset.py`); markup goes only
into ASCII-compatible ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from antechamber.web.cache import BoundedCache
from antechamber.web.charset import ascii_compatible, sniff_charset
from antechamber.web.scan import Element, ElementHook, Scanner

if TYPE_CHECKING:
    from antechamber.web.request import PageHook

__all__ = ["PREFIX", "PageBody", "is_document", "page_charset", "whole_body"]

PREFIX = 1024  # what browsers prescan for <meta charset>

# A whole body sent in one message (a static page, a file) is worked out once per Content-Type and
# body (`PageBody`): the same page is sent again and again. Scanning the 6 KB static page cost 178k
# instructions a request; with this, the warm path went from 468.3k to 278.1k, and keeping in it
# which tags an element hook could be shown saved another 32k (scripts/bench --instructions).
# Looked up by Content-Type and length, then compared whole: keyed on the whole body, the Jinja2
# page cost 67k more (its new bytes hashed on every request), and with its first and last 64
# bytes in the key, the static page 2.3k more. Two bodies of one length are kept (pages from
# one template often have the same length). At most 32 lengths, two bodies each, of up to 64 KB:
# 4 MB, and up to twice that in the copies `made` with markup inserted.
_WHOLE_LIMIT = 64 * 1024
_IFRAME = re.compile(rb"<(?i:iframe)[\t\n\f\r />]")
_SCRIPT_TAG = re.compile(rb"<(?i:script)[\t\n\f\r />]")


@dataclass(slots=True, eq=False)
class PageBody:
    """What a whole body is: a document or not, its charset (None: markup cannot go into it),
    the offset the markup goes in at, and whether it has the start tags element hooks watch;
    `elements`, once a hook needed them, every element a hook is shown, in order; `made`, the
    body with the markups last inserted into it."""

    body: bytes
    document: bool
    charset: str | None
    at: int | None
    iframes: bool
    scripts: bool
    elements: tuple[Element, ...] | None = None
    # The same page for visitors in the same state is the same bytes: joining the 50 KB page
    # again cost 48k instructions a request (scripts/bench --instructions), and encoding the
    # markup and the length 2.3k on the static page. Two markups (say, visitors who accepted
    # and who refused) per page.
    made: BoundedCache[str, tuple[bytes, bytes]] = field(default_factory=lambda: BoundedCache(2))

    def with_markup(self, markup: str) -> tuple[bytes, bytes]:
        """The body with `markup` inserted at `at`, in the page's charset; and its length (a
        Content-Length value)."""
        made = self.made.get(markup)
        if made is None:
            assert self.at is not None and self.charset is not None
            encoded = markup.encode(self.charset, errors="xmlcharrefreplace")
            page = memoryview(self.body)  # joined from views: the page is copied once
            body = b"".join((page[: self.at], encoded, page[self.at :]))
            made = self.made.put(markup, (body, b"%d" % len(body)))
        return made

    def rewritten(self, markup: bytes, hook: ElementHook) -> bytes:
        """The body with `markup` inserted and each element replaced by what `hook` returns for
        it (None: kept): what the scanner makes of it, from a scan made once per body. The
        scanner cost 3.27 M instructions a request on a 50 KB page with 5 partner frames
        (scripts/bench --instructions)."""
        assert self.charset is not None and self.at is not None
        if self.elements is None:
            found: list[Element] = []
            Scanner(hook=lambda element: found.append(element), encoding=self.charset).feed(
                self.body, False
            )
            self.elements = tuple(found)
        return splice(self.body, self.at, markup, self.elements, hook)

    def shows(self, hooks: list[PageHook]) -> bool:
        """Whether one of `hooks` would be shown an element of this body. A hook may say which
        it watches with a `watches_scripts` attribute (False: iframes only)."""
        if self.iframes:
            return True
        return self.scripts and any(getattr(hook, "watches_scripts", True) for hook in hooks)


_WHOLE: BoundedCache[tuple[str, int], tuple[PageBody, ...]] = BoundedCache(32)


def whole_body(content_type: str, body: bytes) -> PageBody:
    """`body` worked out (see `PageBody`), from the cache when it was seen before."""
    key = (content_type, len(body))
    same_length = _WHOLE.get(key, ())
    for known in same_length:
        if known.body == body:
            return known
    document = bool(is_document(body, final=True))
    charset = page_charset(content_type, body[:PREFIX]) if document else None
    at = None
    if charset is not None:
        scanner = Scanner(b"-", encoding=charset)  # where any markup would go
        scanner.feed(body, False)
        at = scanner.inserted_at
    iframes = _IFRAME.search(body) is not None
    scripts = _SCRIPT_TAG.search(body) is not None
    known = PageBody(body, document, charset, at, iframes, scripts)
    if len(body) <= _WHOLE_LIMIT:
        _WHOLE.put(key, (known, *same_length[:1]))
    return known


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


def page_charset(content_type: str | None, head: bytes) -> str | None:
    """The page's charset (Python's name), or None when markup cannot be inserted in it: not
    ASCII-compatible (UTF-16, where `</body>` is other bytes) or a "replacement" encoding."""
    name = sniff_charset(content_type, head)
    return name if name is not None and ascii_compatible(name) else None


def splice(
    body: bytes, at: int, markup: bytes, elements: tuple[Element, ...], hook: ElementHook
) -> bytes:
    """`body` with `markup` at offset `at` and each of `elements` (in order, as a scan of `body`
    found them) replaced by what `hook` returns for it (None: kept)."""
    page = memoryview(body)
    pieces: list[bytes | memoryview] = []
    done = 0  # the body up to here is in `pieces`
    for element in elements:
        if at <= element.start and done <= at:
            pieces += (page[done:at], markup)
            done, at = at, -1  # inserted
        replacement = hook(element)
        if replacement is not None:
            pieces += (page[done : element.start], replacement)
            done = element.start + len(element.raw)
    if done <= at:
        pieces += (page[done:at], markup)
        done = at
    pieces.append(page[done:])
    return b"".join(pieces)
