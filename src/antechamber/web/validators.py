"""Validators that name the variant: a rewritten page's `ETag`, and the conditional requests
that must not get a copy made for another consent or notice state.

A rewritten page is another representation than the app's: its `ETag` is the app's with a tag of
the inserted markup appended (`"abc"` becomes `"abc-ac3f9e0c1d2b7a"`). Before the app sees a
conditional request for a page that will be rewritten:
- `If-None-Match` keeps only the entity tags carrying the current variant's tag, with the tag
  taken off (the app compares them with its own); every other entity tag is dropped, so the app
  can answer 304 only for a copy made for the visitor's current state;
- `If-Modified-Since` is dropped: a date cannot say which variant the browser holds;
- `If-Range` naming a rewritten copy, or a date, drops it and `Range`: the app answers the whole
  page (rewritten), never a byte range of a body the browser's copy does not match.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

__all__ = ["prepare_conditionals", "tag_etag", "variant_tag"]

_MARK = "-ac"


def variant_tag(markup: str) -> str:
    """A short tag naming the markup inserted into a page (its variant)."""
    return hashlib.blake2b(markup.encode("utf-8"), digest_size=7).hexdigest()


def tag_etag(etag: str, tag: str) -> str:
    """The app's entity tag extended with the variant's tag (a malformed one is replaced)."""
    etag = etag.strip()
    weak = etag.startswith("W/")
    opaque = etag[2:] if weak else etag
    if len(opaque) >= 2 and opaque.startswith('"') and opaque.endswith('"'):
        opaque = opaque[1:-1]
    else:
        opaque = opaque.replace('"', "")
    return f'{"W/" if weak else ""}"{opaque}{_MARK}{tag}"'


def _untagged(etag: str, tag: str) -> str | None:
    """The app's entity tag inside one of ours for `tag`, or None if it is not one."""
    suffix = f'{_MARK}{tag}"'
    etag = etag.strip()
    if not etag.endswith(suffix):
        return None
    return etag[: -len(suffix)] + '"'


def is_tagged(etag: str) -> bool:
    """Whether an entity tag names a rewritten copy (of any variant)."""
    etag = etag.strip()
    at = etag.rfind(_MARK)
    return at > 0 and etag.endswith('"') and len(etag) - at - len(_MARK) - 1 == 14


def prepare_conditionals(
    raw: list[tuple[bytes, bytes]], headers: Mapping[str, str], tag: str
) -> tuple[list[tuple[bytes, bytes]], bool]:
    """The request's headers (`raw`, as sent; `headers`, decoded) for the app, for a page whose
    variant is `tag` (see the module docstring); and whether `If-None-Match` named the current
    variant (a 304 from the app is then for it)."""
    matched = False
    kept: list[tuple[bytes, bytes]] = []
    if_range = headers.get("if-range")
    drop_range = if_range is not None and (
        not if_range.strip().startswith(('"', "W/")) or is_tagged(if_range)
    )
    for name, value in raw:
        lower = bytes(name).lower()
        if lower == b"if-none-match":
            tags = [_untagged(t, tag) for t in bytes(value).decode("latin-1").split(",")]
            found = [t for t in tags if t is not None]
            if found:
                matched = True
                kept.append((b"if-none-match", ", ".join(found).encode("latin-1")))
        elif lower == b"if-modified-since" or (lower in (b"if-range", b"range") and drop_range):
            continue
        else:
            kept.append((name, value))
    return kept, matched
