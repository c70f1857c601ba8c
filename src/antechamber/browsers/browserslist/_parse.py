"""How browserslist splits a query into nodes (parse.js), and what each selector receives."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from antechamber.browsers.browserslist._js import is_space, trim


@dataclass(slots=True)
class Node:
    query: str
    type: str
    groups: tuple[str | None, ...] = ()
    negated: bool = False
    compose: str = "or"


@dataclass(frozen=True, slots=True)
class Context:
    """What a selector may read besides its node: browserslist's `context`."""

    now_ms: int | None
    # The folder or file that `extends`, `... stats` and `browserslist config` look from.
    path: Path | None = None
    env: str | None = None
    # `my stats`: usage by "agent version", or None when no statistics were given.
    custom_usage: Mapping[str, float] | None = None
    # browserslist's `mobileToDesktop` option (see _data.DESKTOP_NAMES).
    mobile_to_desktop: bool = False
    resolve: Callable[[str | Sequence[str], Context], list[str]] = field(
        default=lambda queries, context: [], compare=False
    )


Select = Callable[[Context, Node], list[str]]


def ends_with_operator(block: str) -> bool:
    end = len(block)
    while end > 0 and is_space(block[end - 1]):
        end -= 1
    if end > 0 and block[end - 1] == ",":
        return len(trim(block[: end - 1])) > 0
    tail = block[max(0, end - 3) : end].lower()
    size = 3 if tail == "and" else 2 if tail[-2:] == "or" else 0
    if size == 0 or end <= size or not is_space(block[end - size - 1]):
        return False
    return len(trim(block[: end - size])) > 0


def _parse_block(block: str, nodes: list[Node], match: Callable[[str], Node]) -> None:
    def push(text: str, compose: str) -> None:
        node = match(trim(text))
        node.compose = compose
        nodes.append(node)

    if not block:
        return
    length = len(block)
    start = 0
    compose = "or"
    i = 0
    while i < length:
        char = block[i]
        if char == ",":
            if i != 0:
                push(block[start:i], compose)
            i += 1
            while i < length and is_space(block[i]):
                i += 1
            compose, start = "or", i
            continue
        if is_space(char):
            q = i
            while q < length and is_space(block[q]):
                q += 1
            for keyword in ("and", "or"):
                after = q + len(keyword)
                if after < length and block[q:after].lower() == keyword and is_space(block[after]):
                    if i != 0:
                        push(block[start:i], compose)
                    while after < length and is_space(block[after]):
                        after += 1
                    compose, start, i = keyword, after, after
                    break
            else:
                i = q
            continue
        i += 1
    push(block[start:], compose)


def parse(queries: str | Sequence[str], match: Callable[[str], Node]) -> list[Node]:
    entries = [queries] if isinstance(queries, str) else list(queries)
    blocks: list[str] = []
    pending: list[str] = []
    for entry in entries:
        if not entry:
            continue
        pending.append(entry)
        if ends_with_operator(entry):
            continue
        blocks.append("\n".join(pending))
        pending = []
    if pending:
        blocks.append("\n".join(pending))
    nodes: list[Node] = []
    for block in blocks:
        _parse_block(block, nodes, match)
    return nodes


def join(entries: Sequence[str]) -> str:
    """Config entries as one query: entries ending in `and`/`or`/`,` continue on the next one;
    the others are separate queries, which ", " keeps separate."""
    groups: list[str] = []
    pending: list[str] = []
    for entry in entries:
        if not entry:
            continue
        pending.append(entry)
        if not ends_with_operator(entry):
            groups.append(" ".join(pending))
            pending = []
    if pending:
        groups.append(" ".join(pending))
    return ", ".join(groups)
