"""A start tag as the embed guard reads it: `start_tag_attributes(tag)`, and the element a hook
is shown (`HookedElement`: the scanner's `Element`, or a `TagElement` read from bytes alone)."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

__all__ = ["HookedElement", "TagElement", "start_tag_attributes"]

# The tokenizer's view of a start tag's attributes (HTML's "before attribute name" state on).
_ATTRIBUTE = re.compile(
    r"""[\t\n\f\r /]*([^\t\n\f\r />][^\t\n\f\r />=]*)"""
    r"""(?:[\t\n\f\r ]*=[\t\n\f\r ]*(?:"([^"]*)"|'([^']*)'|([^\t\n\f\r >]*)))?"""
)
_TAG_NAME = re.compile(r"<[A-Za-z][^\t\n\f\r />]*")


class HookedElement(Protocol):
    """What the scanner shows a hook (`antechamber.web.scan.Element`): the element's name, its
    start tag's attributes (names in lower case, the first of a repeated name, values decoded)
    and its bytes (an iframe whole, a script's start tag)."""

    @property
    def name(self) -> str: ...
    @property
    def attributes(self) -> Mapping[str, str]: ...
    @property
    def raw(self) -> bytes: ...


@dataclass(frozen=True, slots=True)
class TagElement:
    """An element read from its bytes alone (`EmbedPage.element`)."""

    name: str
    attributes: Mapping[str, str]
    raw: bytes


def start_tag_attributes(tag: str) -> dict[str, str]:
    """The attributes of a start tag (`<iframe src="..." width=560>`), names in lower case,
    values with character references decoded; the first of two same-named attributes wins, as
    in browsers. Attributes without a value are ""."""
    name = _TAG_NAME.match(tag)
    position = name.end() if name else 0
    attributes: dict[str, str] = {}
    while position < len(tag) and tag[position] != ">":
        match = _ATTRIBUTE.match(tag, position)
        if match is None or match.end() == position:
            position += 1
            continue
        position = match.end()
        key = match.group(1).lower()
        value = match.group(2)
        if value is None:
            value = match.group(3) if match.group(3) is not None else match.group(4) or ""
        if key not in attributes:
            attributes[key] = html.unescape(value) if "&" in value else value
    return attributes
