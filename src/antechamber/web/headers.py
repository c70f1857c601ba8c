"""Response header chores: `Vary` merged, Content-Type read, header lists copied."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import MutableHeaders
from starlette.types import Message

from antechamber.web.cache import BoundedCache

# A site sends a handful of distinct Content-Types and Vary lists: each is worked out once
# (asgi warm-path figure).
_MEDIA: BoundedCache[str, tuple[str, dict[str, str]]] = BoundedCache(256)
_VARY: BoundedCache[tuple[str | None, tuple[str, ...]], str | None] = BoundedCache(256)

__all__ = ["add_vary", "media_type", "merged_vary", "read_response", "replaced"]


def merged_vary(present: str | None, names: tuple[str, ...] | list[str]) -> str | None:
    """`Vary` with `names` added to what the app sent (None: nothing to send)."""
    key = (present, tuple(names))
    if key in _VARY:
        return _VARY.get(key)
    return _VARY.put(key, _merged_vary(present, names))


def _merged_vary(present: str | None, names: tuple[str, ...] | list[str]) -> str | None:
    values = [v.strip() for v in (present or "").split(",")]
    values = [v for v in values if v]
    lowered = {v.lower() for v in values}
    if "*" not in lowered:
        for name in names:
            if name.lower() not in lowered:
                values.append(name)
                lowered.add(name.lower())
    return ", ".join(values) if values else None


def add_vary(headers: MutableHeaders, *names: str) -> None:
    """Add names to `Vary`, keeping what is there (all its lines) and skipping what is listed."""
    present = ", ".join(headers.getlist("vary")) or None
    merged = merged_vary(present, names)
    if merged is not None and merged != present:
        del headers["vary"]
        headers["vary"] = merged


def media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    """A Content-Type's media type (lower case) and parameters (names lower case); the
    parameters are shared: read them, never change them."""
    if not content_type:
        return "", {}
    return _MEDIA.get_or(content_type, _media_type)


def _media_type(content_type: str) -> tuple[str, dict[str, str]]:
    mime, *params = content_type.split(";")
    found: dict[str, str] = {}
    for param in params:
        name, _, value = param.partition("=")
        if name.strip():
            found.setdefault(name.strip().lower(), value.strip().strip('"'))
    return mime.strip().lower(), found


def read_response(message: Message) -> tuple[list[tuple[bytes, bytes]], dict[bytes, bytes]]:
    """An `http.response.start`'s headers, names in lower case; and the first value of each
    name (`Vary` lines joined), to look things up in."""
    raw = message.get("headers") or []
    if type(raw) is not list:
        raw = list(raw)  # a one-pass iterable is read once
    try:
        # Frameworks send lower-case names, most once each: then one C call is all it takes
        # (a copy in Python cost 6k instructions a response; scripts/bench --instructions).
        found: dict[bytes, bytes] = dict(raw)
        if len(found) == len(raw) and b"".join(found).islower():
            return raw, found
    except (TypeError, ValueError):  # bytearray names: copied below
        pass
    raw = [(bytes(k).lower(), bytes(v)) for k, v in raw]
    found = {}
    for name, value in raw:
        if name not in found:
            found[name] = value
        elif name == b"vary":
            found[name] += b", " + value
    return raw, found


def replaced(
    raw: list[tuple[bytes, bytes]], changes: Mapping[bytes, bytes | None]
) -> list[tuple[bytes, bytes]]:
    """`raw` with each header named in `changes` set to one line of its new value (None: gone),
    in the place of its first line, or at the end."""
    out: list[tuple[bytes, bytes]] = []
    done: set[bytes] = set()
    for name, value in raw:
        if name not in changes:
            out.append((name, value if type(value) is bytes else bytes(value)))
        elif name not in done:
            done.add(name)
            new = changes[name]
            if new is not None:
                out.append((name, new))
    for name, new in changes.items():
        if new is not None and name not in done:
            out.append((name, new))
    return out
