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
from dataclasses import dataclass

from antechamber.web.cache import BoundedCache
from antechamber.web.charset import ascii_compatible, sniff_charset
from antechamber.web.scan import ElementHook, Scanner

__all__ = ["PREFIX", "PageBody", "is_document", "page_charset", "whole_body"]

PREFIX = 1024  # what browsers prescan for <meta charset>

# A whole body sent in one message (a static page, a file) is worked out once per Content-Type and
# body (`PageBody`): the same page is sent again and again. Scanning the 6 KB static page cost 178k
# instructions a request; with this, the warm path went from 468.3k to 278.1k, and keeping in it
# which tags an element hook could be shown saved another 32k (scripts/bench --instructions).
# Looked up by length and the first and last 256 bytes, then compared whole: keyed on the whole
# body, the Jinja2 page cost 67k more (its new bytes hashed on every request). At most 32 bodies
# of up to 64 KB: 2 MB.
_WHOLE_LIMIT = 64 * 1024
_IFRAME = re.compile(rb"<(?i:iframe)[\t\n\f\r />]")
_SCRIPT_TAG = re.compile(rb"<(?i:script)[\t\n\f\r />]")


@dataclass(frozen=True, slots=True)
class PageBody:
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


_WHOLE: BoundedCache[tuple[str, int, bytes, bytes], PageBody] = BoundedCache(32)


def whole_body(content_type: str, body: bytes) -> PageBody:
    """`body` worked out (see `PageBody`), from the cache when it was seen before."""
    key = (content_type, len(body), body[:256], body[-256:])
    known = _WHOLE.get(key)
    if known is not None and known.body == body:
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


def page_charset(content_type: str | None, head: bytes) -> str | None:
    """The page's charset (Python's name), or None when markup cannot be inserted in it: not
    ASCII-compatible (UTF-16, where `</body>` is other bytes) or a "replacement" encoding."""
    name = sniff_charset(content_type, head)
    return name if name is not None and ascii_compatible(name) else None
