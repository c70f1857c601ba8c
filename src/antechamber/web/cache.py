"""`BoundedCache`: the one cache type antechamber keeps anything in.

A dict with a size limit: when it is full, the oldest entry goes (insertion order; no LRU
bookkeeping on a hit, which is one dict lookup). Every per-request cache in the package
(verdicts by User-Agent, consent states by Cookie header, rendered markup) is one of these.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["BoundedCache"]

K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """At most `size` entries; `get(key)` or `None`, `put(key, value)`, `get_or(key, make)`."""

    __slots__ = ("_data", "size")

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"a cache holds at least one entry; got size={size!r}")
        self.size = size
        self._data: dict[K, V] = {}

    def get(self, key: K) -> V | None:
        return self._data.get(key)

    def put(self, key: K, value: V) -> V:
        data = self._data
        if key not in data and len(data) >= self.size:
            del data[next(iter(data))]  # the oldest
        data[key] = value
        return value

    def get_or(self, key: K, make: Callable[[K], V]) -> V:
        """The value kept for `key`, made (and kept) the first time."""
        value = self._data.get(key)
        if value is None:
            value = self.put(key, make(key))
        return value

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def clear(self) -> None:
        self._data.clear()
