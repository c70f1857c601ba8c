"""`BoundedCache`: the one cache type antechamber keeps anything in.

A dict with a size limit: when it is full, the oldest eighth of its entries goes (insertion
order; no LRU bookkeeping on a hit). Every per-request cache in the package (verdicts by
User-Agent, consent states by cookie, rendered markup, analysed pages) is one of these.

It is a `dict` subclass so that a hit (`get`, `in`) is the dict's own lookup, in C: a Python
method around it cost about 1,000 instructions a call, and the warm path makes a dozen
(scripts/bench --instructions, static 6 KB page). Only `put` and `get_or` are Python.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from itertools import islice
from typing import TypeVar

__all__ = ["BoundedCache"]

K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(dict[K, V]):
    """At most `size` entries: `get(key)` (None when absent), `put(key, value)`,
    `get_or(key, make)`; everything else a dict does."""

    __slots__ = ("size",)

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"a cache holds at least one entry; got size={size!r}")
        super().__init__()
        self.size = size

    def put(self, key: K, value: V) -> V:
        """Keep `value` for `key`; when the cache is full, the oldest eighth of it goes first.
        Returns `value`."""
        if key not in self:
            while len(self) >= self.size:
                # An eighth at once: a dict keeps the slots of the entries taken from its front
                # until it grows, and finding the oldest walks past them. Taking one entry at a
                # time, a put into a full cache of 10,000 (the gate's default) took 4.6 us
                # against 0.9 us with 100 entries; an eighth at once, 0.3 us at either size.
                with suppress(RuntimeError):  # another thread changed it: look again
                    for old in list(islice(self, max(1, self.size // 8))):
                        self.pop(old, None)
        self[key] = value
        return value

    def get_or(self, key: K, make: Callable[[K], V]) -> V:
        """The value kept for `key`, made (and kept) the first time."""
        value = self.get(key)
        if value is None:
            value = self.put(key, make(key))
        return value
