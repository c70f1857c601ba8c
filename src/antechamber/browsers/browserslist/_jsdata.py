"""Reading a JavaScript module that only exports data: `module.exports = [...]`,
`module.exports = {...}` or `export default ...`, with strings, numbers, booleans, null, arrays
and objects (unquoted keys, single quotes, trailing commas, comments). Anything else (a variable,
a call, a spread) is not data: the caller then evaluates the module with Node.js."""

from __future__ import annotations

import json
import re
from typing import Any, Final

NOT_LITERAL: Final = object()

_PREFIX = re.compile(
    r"""\s*(?:(?:'use strict'|"use strict");?\s*)?"""
    r"""(?:module\.exports|export\s+default)\s*=?\s*"""
)
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_TOKEN = re.compile(
    r"""\s*(?:(?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(?P<number>-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"""
    r"""|(?P<word>[A-Za-z_$][\w$]*)|(?P<punct>[\[\]{}:,;]))"""
)


class _NotData(Exception):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None or match.lastgroup is None:
            raise _NotData
        tokens.append((match.lastgroup, match.group(match.lastgroup)))
        position = match.end()
    return tokens


def _string(raw: str) -> str:
    body = raw[1:-1]
    if raw[0] == "'":
        body = body.replace('\\"', '"').replace('"', '\\"').replace("\\'", "'")
    try:
        value = json.loads(f'"{body}"')
    except ValueError:
        raise _NotData from None
    return str(value)


def _value(tokens: list[tuple[str, str]], i: int) -> tuple[Any, int]:
    if i >= len(tokens):
        raise _NotData
    kind, text = tokens[i]
    if kind == "string":
        return _string(text), i + 1
    if kind == "number":
        number = float(text)
        return (int(number) if number.is_integer() and "." not in text else number), i + 1
    if kind == "word":
        words = {"true": True, "false": False, "null": None}
        if text not in words:
            raise _NotData
        return words[text], i + 1
    if text == "[":
        items: list[Any] = []
        i += 1
        while tokens[i][1] != "]":
            item, i = _value(tokens, i)
            items.append(item)
            if tokens[i][1] == ",":
                i += 1
            elif tokens[i][1] != "]":
                raise _NotData
        return items, i + 1
    if text == "{":
        result: dict[str, Any] = {}
        i += 1
        while tokens[i][1] != "}":
            key_kind, key = tokens[i]
            if key_kind == "string":
                key = _string(key)
            elif key_kind not in ("word", "number"):
                raise _NotData
            if tokens[i + 1][1] != ":":
                raise _NotData
            result[key], i = _value(tokens, i + 2)
            if tokens[i][1] == ",":
                i += 1
            elif tokens[i][1] != "}":
                raise _NotData
        return result, i + 1
    raise _NotData


def exported_literal(source: str) -> Any:
    """The module's exported value when it is a literal, else NOT_LITERAL."""
    text = _COMMENT.sub(" ", source)
    prefix = _PREFIX.match(text)
    if prefix is None:
        return NOT_LITERAL
    try:
        tokens = _tokens(text[prefix.end() :])
        value, end = _value(tokens, 0)
        while end < len(tokens) and tokens[end][1] == ";":
            end += 1
        if end != len(tokens):
            return NOT_LITERAL
    except (_NotData, IndexError):
        return NOT_LITERAL
    return value
