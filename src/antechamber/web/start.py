"""What the start of a response means for the rewriting (`ResponseStart`), worked out from its
status, the request's method, the fragments' `Vary` names and the response's headers alone, and
kept for the next response that sends the same (`start_of`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from starlette.types import Message

from antechamber.web.cache import BoundedCache
from antechamber.web.csp import csp_nonces
from antechamber.web.headers import media_type, merged_vary, read_response
from antechamber.web.request import Visit

__all__ = ["HOLD", "PASS", "SEND", "UNSEEN", "ResponseStart", "start_of"]

_NO_BODY = frozenset({204, 205, 304})
_CSP = (b"content-security-policy", b"content-security-policy-report-only")

PASS, SEND, HOLD = range(3)


@dataclass(frozen=True, slots=True)
class ResponseStart:
    """What the start of a response means for the rewriting, from its status, the request's
    method and the response's headers alone. `action`: send the start as it is (`PASS`: not
    HTML), send it with `changes` (`SEND`: no body to rewrite), or hold it until the body shows
    whether it is a page (`HOLD`). `changes` to the app's headers (None: the header goes);
    `etag`: the app's, to be tagged with the visit's variant; `length`: the app's
    Content-Length (for a HEAD: the length the GET's body would have before the markup). For a
    held start, `kept` are the app's headers that stay as they are and `sets` the ones changed
    whatever the visit (Vary): a rewritten page's headers are `headers` (the two together),
    its length and its ETag."""

    action: int
    changes: Mapping[bytes, bytes | None]  # shared by every response it is kept for: read only
    etag: bytes | None = None
    content_type: str = ""
    length: int | None = None
    nonces: tuple[str | None, str | None] = (None, None)
    headers: tuple[tuple[bytes, bytes], ...] = ()


UNSEEN = ResponseStart(PASS, {})  # before the start (a frozen dataclass is dear to make: made once)

# Response starts by status, HEAD or not, element hooks or not, Vary names and the headers as
# sent: a site answers each page with the same headers again and again. Working the start out
# each time cost 9k instructions a request (223.3k against 214.3k: scripts/bench --instructions,
# static 6 KB page).
_STARTS: BoundedCache[tuple[object, ...], ResponseStart] = BoundedCache(256)


def _work_out(
    status: int, head: bool, hooks: bool, names: list[str], message: Message
) -> ResponseStart:
    raw, found = read_response(message)
    changes: dict[bytes, bytes | None] = {}
    present = found[b"vary"].decode("latin-1") if b"vary" in found else None
    vary = merged_vary(present, names)
    if vary is not None:
        changes[b"vary"] = vary.encode("latin-1")
    etag = found.get(b"etag")
    if status == 304:  # no Content-Type to go by: the Vary and ETag of its 200
        return ResponseStart(SEND, changes, etag)
    content_type = found.get(b"content-type", b"").decode("latin-1")
    if media_type(content_type)[0] != "text/html":
        return ResponseStart(PASS, {})
    encoding = found.get(b"content-encoding", b"").strip().lower()
    if (
        b"attachment" in found.get(b"content-disposition", b"").lower()
        or encoding not in (b"", b"identity")
        or status == 206
        or status < 200
    ):
        return ResponseStart(SEND, changes)
    length = found.get(b"content-length", b"").strip()
    if status in _NO_BODY or head:
        if status not in _NO_BODY and length.isdigit():
            if hooks:
                changes[b"content-length"] = None  # the GET's depends on its elements
            else:  # the length the GET would carry: set once the markup is known
                return ResponseStart(SEND, changes, etag, content_type, int(length))
        return ResponseStart(SEND, changes, etag)
    if length and not length.isdigit():  # a broken length: the body is left as the app made it
        return ResponseStart(SEND, changes)
    if length:
        changes[b"content-length"] = None  # set once the markup is known
    if b"accept-ranges" in found:
        changes[b"accept-ranges"] = None
    nonces: tuple[str | None, str | None] = (None, None)
    if _CSP[0] in found or _CSP[1] in found:
        nonces = csp_nonces([v.decode("latin-1") for k, v in raw if k in _CSP])
    changed = {*changes, b"content-length", b"etag"}
    kept = tuple((k, bytes(v)) for k, v in raw if k not in changed)
    sets = tuple((k, v) for k, v in changes.items() if v is not None)
    size = int(length) if length else None
    return ResponseStart(HOLD, changes, etag, content_type, size, nonces, kept + sets)


def start_of(message: Message, status: int, is_head: bool, visit: Visit) -> ResponseStart:
    """What `message` (an `http.response.start`) means for `visit`'s page."""
    hooks = bool(visit.element_hooks)
    names: tuple[str, ...] = ()
    for fragment in visit.fragments:
        names += fragment.vary  # (a map over them cost 0.7k instructions a request more)
    headers = message.get("headers")
    key: tuple[object, ...] | None = None
    if type(headers) is list:
        key = (status, is_head, hooks, names, *headers)
        try:
            known = _STARTS.get(key)
        except TypeError:  # headers given as lists, not tuples: not kept
            key, known = None, None
        if known is not None:
            return known
    start = _work_out(status, is_head, hooks, list(names), message)
    if key is not None and start.nonces == (None, None):  # a nonce is new each time
        _STARTS.put(key, start)
    return start
