"""Where the markup goes in a page's bytes: before `</body>`, or at the end when there is none.

`Insertion(markup, encoding)` is fed the body as it comes (`feed(chunk, final)`) and hands back
the bytes to send, with the markup in place exactly once. The search for the insertion point is
the scanner's (`antechamber.web.scan.Scanner`); until that module is merged, a stand-in that
looks for `</body>` by bytes (and keeps back the last 14 bytes of a chunk) does the job.
`is_document` tells a whole page from a fragment by its first bytes.
"""

from __future__ import annotations

import re

try:  # the raw-text-aware scanner (helper web-pure); until it is merged, the stand-in below
    from antechamber.web.scan import Scanner  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - gone once antechamber.web.scan is merged
    Scanner = None  # type: ignore[assignment, misc, unused-ignore]

__all__ = ["Insertion", "is_document"]

_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
_KEEP_BACK = len(b"</body") + 8  # enough for "</body  >" split over two chunks
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


class Insertion:
    """`markup` (bytes in the page's `encoding`), put into a body fed chunk by chunk."""

    def __init__(self, markup: bytes, encoding: str) -> None:
        self._scanner = None if Scanner is None else Scanner(markup, encoding=encoding)
        self._markup = markup
        self._tail = b""
        self.done = False

    def feed(self, data: bytes, final: bool) -> bytes:
        if self._scanner is not None:
            out: bytes = self._scanner.feed(data, not final)
            return out
        if self.done:
            return data
        data = self._tail + data
        self._tail = b""
        if final:
            at = _last_body_end(data)
            if at < 0:
                at = len(data)
            self.done = True
            return b"".join((data[:at], self._markup, data[at:]))
        match = _BODY_END.search(data)
        if match:
            self.done = True
            return b"".join((data[: match.start()], self._markup, data[match.start() :]))
        cut = max(0, len(data) - _KEEP_BACK)
        data, self._tail = data[:cut], data[cut:]
        return data


def _last_body_end(data: bytes) -> int:
    found = -1
    for match in _BODY_END.finditer(data):
        found = match.start()
    return found
