"""How the HTML tokenizer reads markup, as patterns over bytes: the steps `scan.Scanner` takes,
and a start tag's attributes.

    PLAIN.match(buf, i)          # text, comments and common tags the scanner need not act on
    TAG, NAME                    # a whole tag as the tokenizer ends it; its name
    COMMENT_END, SCRIPT, RAW_END # what ends a comment, a script's escape state, a raw text element
    parse_attributes(tag, encoding) -> dict[str, str]
    Element(name, attributes, raw), ElementHook   # what the scanner shows a hook

Every pattern is possessive where it repeats, so a scan stays linear in the page's length.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html.entities import html5

__all__ = [
    "COMMENT_END",
    "NAME",
    "PLAIN",
    "RAW_END",
    "SCRIPT",
    "TAG",
    "Element",
    "ElementHook",
    "parse_attributes",
]

_RAW_TEXT = r"script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext"
# A tag's attributes, as the tokenizer reads them: quotes open a value only after `=`; an
# unfinished quoted value leaves the tag unfinished (the look-ahead refuses to read it as a name).
_ATTRS = (
    rb"(?:[\t\n\f\r /]++"
    rb"|[^\t\n\f\r />][^\t\n\f\r />=]*+"
    rb"(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+"
    rb"(?:\"[^\"]*+\"|'[^']*+'|[^\t\n\f\r >\"'][^\t\n\f\r >]*+|(?=>)))?"
    rb"(?![\t\n\f\r ]*+=))*+"
)
TAG = re.compile(rb"</?[A-Za-z][^\t\n\f\r />]*+" + _ATTRS + rb">")


def _name_except(words: list[str]) -> bytes:
    """A lower-case tag name that is none of `words`. The look-ahead comes only after a first
    letter that begins one of them: one look-ahead on every tag cost 260 ns a tag, more than
    all the rest of the scan (a 50 KB page of 1,700 tags: 700 µs, now 280 µs; `benchmarks/scan.py`).
    """
    delimiter = "[\t\n\f\r />]"
    by_letter: dict[str, list[str]] = {}
    for word in words:
        by_letter.setdefault(word[0], []).append(word[1:] + delimiter)
    others = "".join(c for c in "abcdefghijklmnopqrstuvwxyz" if c not in by_letter)
    guarded = [f"{c}(?!{'|'.join(rests)})" for c, rests in sorted(by_letter.items())]
    return f"(?:[{others}]|{'|'.join(guarded)})[a-z0-9-]*+".encode()


# What a scan steps over in one regex call: text, comments, bogus comments and the tags of the
# common shape (a lower-case name, attributes separated by whitespace, `=` with no space around
# it, values quoted or plain) whose name is not one the scanner must act on. Anything else stops
# it, and the exact rules in `Scanner._scan` take over. Possessive everywhere: linear time.
_WELL_FORMED_ATTRS = (
    rb"(?:[\t\n\f\r /]++[^\t\n\f\r />\"'=]++"
    rb"(?:=(?:\"[^\"]*+\"|'[^']*+'|[^\t\n\f\r >\"'=`<][^\t\n\f\r >\"'=`<]*+))?)*+"
    rb"[\t\n\f\r /]*+>"
)
PLAIN = re.compile(
    rb"(?:[^<]*+<(?:"
    + _name_except([*_RAW_TEXT.split("|"), "template"])
    + _WELL_FORMED_ATTRS
    + rb"|/"
    + _name_except(["body", "template"])
    + _WELL_FORMED_ATTRS
    + rb"|!--(?:-?>|(?:[^-]++|-(?!-!?>))*+--!?>)"
    rb"|!(?!--)[^>]*+>"
    rb"|\?[^>]*+>"
    rb"|/[^A-Za-z>][^>]*+>"
    rb"|/>"
    rb"|(?=[^A-Za-z/!?])"
    rb"))*+[^<]*+"
)
NAME = re.compile(rb"</?([A-Za-z][^\t\n\f\r />]*+)(?=[\t\n\f\r />])")
COMMENT_END = re.compile(rb"--!?>")
# Inside a script, per escape state (0 data, 1 escaped after `<!--`, 2 double escaped):
# the tokens that change it.
SCRIPT = (
    re.compile(rb"(?i:</script)[\t\n\f\r />]|<!--"),
    re.compile(rb"-->|(?i:</?script)[\t\n\f\r />]"),
    re.compile(rb"-->|(?i:</script)[\t\n\f\r />]"),
)
RAW_END = {
    name.encode(): re.compile(rb"(?i:</" + name.encode() + rb")[\t\n\f\r />]")
    for name in _RAW_TEXT.split("|")
}


@dataclass(frozen=True, slots=True)
class Element:
    """An element a hook sees: `<iframe ...>...</iframe>` whole, or a `<script ...>` start tag;
    `start`: the offset in the body where `raw` begins."""

    name: str
    attributes: dict[str, str]
    raw: bytes
    start: int = 0


ElementHook = Callable[[Element], bytes | None]

_ATTRIBUTE = re.compile(
    rb"([^\t\n\f\r />][^\t\n\f\r />=]*)"
    rb"(?:[\t\n\f\r ]*=[\t\n\f\r ]*(?:\"([^\"]*)\"|'([^']*)'|([^\t\n\f\r >]+)|(?=>)))?"
)
_REFERENCE = re.compile(r"&(?:#[xX]([0-9a-fA-F]+);?|#([0-9]+);?|([A-Za-z][A-Za-z0-9]*;?))")
_C1 = {  # numeric references the HTML standard maps to windows-1252
    0x80: 0x20AC, 0x82: 0x201A, 0x83: 0x0192, 0x84: 0x201E, 0x85: 0x2026, 0x86: 0x2020,
    0x87: 0x2021, 0x88: 0x02C6, 0x89: 0x2030, 0x8A: 0x0160, 0x8B: 0x2039, 0x8C: 0x0152,
    0x8E: 0x017D, 0x91: 0x2018, 0x92: 0x2019, 0x93: 0x201C, 0x94: 0x201D, 0x95: 0x2022,
    0x96: 0x2013, 0x97: 0x2014, 0x98: 0x02DC, 0x99: 0x2122, 0x9A: 0x0161, 0x9B: 0x203A,
    0x9C: 0x0153, 0x9E: 0x017E, 0x9F: 0x0178,
}  # fmt: skip


def _reference(match: re.Match[str]) -> str:
    """One character reference in an attribute value, decoded as the tokenizer does."""
    hexa, decimal, name = match.groups()
    if name is None:
        code = int(hexa, 16) if hexa is not None else int(decimal)
        code = _C1.get(code, code)
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return "\ufffd"
        return chr(code)
    if name in html5 and name.endswith(";"):
        return html5[name]
    # Legacy names without ";": the longest known prefix, but in an attribute not when an
    # alphanumeric or "=" follows it (`?a=1&copy=2` stays as written).
    for end in range(len(name.rstrip(";")), 1, -1):
        if name[:end] in html5:
            after = name[end:end + 1] or match.string[match.end():match.end() + 1]  # fmt: skip
            if after.isalnum() or after == "=":
                return match.group()
            return html5[name[:end]] + name[end:]
    return match.group()


def parse_attributes(tag: bytes, encoding: str = "utf-8") -> dict[str, str]:
    """A start tag's attributes: names lower-cased, the first of a repeated name kept, values
    with character references decoded."""
    name = NAME.match(tag)
    start = name.end() if name else len(tag)
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(tag, start, len(tag) - 1 if tag.endswith(b">") else len(tag)):
        key = match.group(1).decode(encoding, "replace").lower()
        raw = next((g for g in match.groups()[1:] if g is not None), b"")
        value = raw.decode(encoding, "replace")
        if "&" in value:
            value = _REFERENCE.sub(_reference, value)
        found.setdefault(key, value)
    return found
