"""The placeholder that stands in for a frame waiting for consent (templates/consent/embed.html).

Rendered once per language, partner, address and visitor's choice, and kept split at the page's
own values (the frame's bytes, its id, the Load form's `next`), which are joined in per page.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from markupsafe import Markup

from antechamber.pages import Pages
from antechamber.settings import Category, Partner

__all__ = ["Placeholders", "Size", "frame_size"]

_ORIGINAL = "\x00antechamber-original\x00"  # the frame's bytes
_ANCHOR = "\x00antechamber-anchor\x00"
_NEXT = "\x00antechamber-next\x00"
_MARKS = re.compile(f"({_ORIGINAL}|{_ANCHOR}|{_NEXT})")
# Kept because the render dominates: EmbedPage.element on the YouTube embed for an undecided
# visitor took 0.71 ms rendering every time, 0.16 ms with the render kept (timeit, this machine
# shared by eight jobs). Cleared when full.
_KEPT = 512
_PIXELS = re.compile(r"^\s*(\d{1,5}(?:\.\d+)?)(?:px)?\s*$")
_PERCENT = re.compile(r"^\s*(\d{1,3}(?:\.\d+)?)%\s*$")


@dataclass(frozen=True, slots=True)
class Size:
    """The placeholder's box, as attributes of its `<svg>` sizer."""

    width: str  # pixels, or a percentage
    height: str | None  # pixels; None: from the aspect ratio
    view_box: str | None  # the aspect ratio the box keeps when it is narrowed
    fluid: bool  # takes its container's width


def _pixels(value: str | None) -> str | None:
    match = _PIXELS.match(value or "")
    return match[1] if match and float(match[1]) > 0 else None


def frame_size(width: str | None, height: str | None) -> Size:
    """The frame's width and height when it gives them in pixels, its percentage width with its
    pixel height, else a 16:9 box (as wide as its container, or as the one length it gives)."""
    w, h = _pixels(width), _pixels(height)
    percent = _PERCENT.match(width or "")
    if w and h:
        return Size(w, h, f"0 0 {w} {h}", fluid=False)
    if percent and h:
        return Size(f"{percent[1]}%", h, None, fluid=True)
    if w:
        return Size(w, None, "0 0 16 9", fluid=False)
    if h:
        wide = f"{float(h) * 16 / 9:g}"
        return Size(wide, h, f"0 0 {wide} {h}", fluid=False)
    return Size("100%", None, "0 0 16 9", fluid=True)


class Placeholders:
    """Renders placeholders in the visitor's language, keeping what was rendered."""

    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self._kept: dict[tuple[object, ...], list[str]] = {}

    def render(
        self,
        locale: str,
        raw: bytes,
        *,
        anchor: str,
        next_path: str,
        encoding: str,
        partner: Partner | None,
        category: Category | None,
        keys: tuple[str, ...],
        can_load: bool,
        host: str | None,
        url: str | None,
        caption: str,
        size: Size,
        categories: tuple[str, ...],
        partners: tuple[str, ...],
    ) -> bytes:
        """The placeholder for the frame `raw`, with the id `anchor`, whose Load form grants
        `categories` and `partners` and comes back to `next_path`; in the page's `encoding`."""
        key = (
            locale,
            partner.key if partner else None,
            category.key if category else None,
            keys,
            can_load,
            host,
            url,
            caption,
            size,
            categories,
            partners,
        )
        pieces = self._kept.get(key)
        if pieces is None:
            markup = self.pages.render(
                "consent/embed.html",
                locale,
                id=_ANCHOR,
                partner=partner,
                category=category,
                keys=" ".join(keys),
                can_load=can_load,
                host=host,
                url=url,
                caption=caption,
                size=size,
                categories=categories,
                partners=partners,
                next=_NEXT,
                original=Markup(_ORIGINAL),  # noqa: S704 - a marker for the page's own bytes
            )
            pieces = _MARKS.split(markup)
            if len(self._kept) >= _KEPT:
                self._kept.clear()
            self._kept[key] = pieces
        values = {_ANCHOR: anchor, _NEXT: html.escape(next_path)}
        out = bytearray()
        for piece in pieces:
            if piece == _ORIGINAL:
                out += raw
            else:
                out += values.get(piece, piece).encode(encoding, "xmlcharrefreplace")
        return bytes(out)
