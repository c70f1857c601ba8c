"""`BoundedCache`, the one cache type: a dict that never holds more than its size."""

from __future__ import annotations

import threading

import pytest

from antechamber.web import BoundedCache


def test_a_full_cache_lets_its_oldest_entry_go() -> None:
    cache: BoundedCache[str, int] = BoundedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("c", 3)
    assert dict(cache) == {"b": 2, "c": 3}
    assert cache.get("a") is None


def test_a_full_cache_lets_its_oldest_eighth_go_at_once() -> None:
    cache: BoundedCache[int, int] = BoundedCache(16)
    for n in range(17):
        cache.put(n, n)
    assert list(cache) == list(range(2, 17))


def test_a_full_cache_puts_as_fast_as_a_small_one() -> None:
    # Letting the oldest entry go one at a time walked past every entry gone before it.
    import time

    def seconds_per_put(size: int) -> float:
        cache: BoundedCache[int, int] = BoundedCache(size)
        for n in range(size):
            cache.put(n, n)
        started = time.perf_counter()
        for n in range(size, size + 20_000):
            cache.put(n, n)
        return (time.perf_counter() - started) / 20_000

    assert seconds_per_put(20_000) < 3 * seconds_per_put(100)


def test_putting_a_kept_key_again_replaces_its_value_and_lets_nothing_go() -> None:
    cache: BoundedCache[str, int] = BoundedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.put("a", 10) == 10
    assert dict(cache) == {"a": 10, "b": 2}


def test_get_or_makes_a_value_once() -> None:
    made: list[str] = []

    def make(key: str) -> str:
        made.append(key)
        return key.upper()

    cache: BoundedCache[str, str] = BoundedCache(4)
    assert cache.get_or("x", make) == "X"
    assert cache.get_or("x", make) == "X"
    assert made == ["x"]


@pytest.mark.parametrize("size", [0, -1])
def test_a_cache_of_no_entries_is_refused(size: int) -> None:
    with pytest.raises(ValueError, match="at least one entry"):
        BoundedCache(size)


def test_threads_putting_at_once_never_overfill_it_or_fail() -> None:
    cache: BoundedCache[int, int] = BoundedCache(64)
    errors: list[BaseException] = []

    def fill(offset: int) -> None:
        try:
            for n in range(20_000):
                cache.put(offset + n, n)
        except BaseException as exc:  # any failure is the finding
            errors.append(exc)

    threads = [threading.Thread(target=fill, args=(k * 1_000_000,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(cache) <= 64 + len(threads)  # each thread may add one past an eviction it lost
