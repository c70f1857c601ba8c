"""Timing and reporting shared by the benchmark sections.

Every in-process figure comes from `compare`: each case is awaited directly through ASGI with a
prebuilt scope, in batches of many requests; a round runs one batch of every case, in an order
that rotates from round to round, and a ratio is taken within each round (candidate over the
baseline measured moments before or after it) before the median over rounds is taken. So slow
drift of a shared, noisy machine cancels out, and a single disturbed batch does not move the result.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]

_LOOP = asyncio.new_event_loop()


def run(coro: Any) -> Any:
    """Run a coroutine on the one event loop the benchmarks share."""
    return _LOOP.run_until_complete(coro)


class Unavailable(Exception):
    """A piece of antechamber that a section needs has not landed yet."""


def need(module: str, *names: str) -> Any:
    """Import `module` (and check `names` on it), or raise Unavailable saying what is missing."""
    try:
        mod = importlib.import_module(module)
    except Exception as exc:  # ImportError, or a half-written module failing on import
        raise Unavailable(f"{module} not available yet ({type(exc).__name__}: {exc})") from exc
    missing = [name for name in names if not hasattr(mod, name)]
    if missing:
        raise Unavailable(f"{module}.{', '.join(missing)} not available yet")
    return mod


# --- figures -------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One printed result: a value, optionally beside its goal (`op` is "<=" or ">=")."""

    section: str
    name: str
    value: float
    unit: str
    goal: float | None = None
    op: str = "<="
    note: str = ""

    @property
    def passed(self) -> bool | None:
        if self.goal is None:
            return None
        return self.value <= self.goal if self.op == "<=" else self.value >= self.goal

    @property
    def verdict(self) -> str:
        return {None: "", True: "PASS", False: "MISS"}[self.passed]

    def shown(self) -> str:
        return fmt(self.value, self.unit)

    def goal_shown(self) -> str:
        if self.goal is None:
            return "report"
        return f"{'≤' if self.op == '<=' else '≥'} {fmt(self.goal, self.unit)}"


def fmt(value: float, unit: str) -> str:
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "µs":
        return f"{value:.1f} µs" if value < 1000 else f"{value:,.0f} µs"
    if unit == "req/s":
        return f"{value:,.0f} req/s"
    if unit == "MB":
        return f"{value:.1f} MB"
    if unit == "KB":
        return f"{value:,.0f} KB"
    if unit == "B":
        return f"{value:,.0f} B"
    if unit == "s":
        return f"{value:.1f} s"
    return f"{value:g} {unit}".strip()


@dataclass
class Report:
    """Collects figures and prints each one as it arrives."""

    figures: list[Figure] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        note = f"  ({figure.note})" if figure.note else ""
        print(
            f"  {figure.name:<58} {figure.shown():>14}   goal {figure.goal_shown():<12} "
            f"{figure.verdict}{note}",
            flush=True,
        )
        return figure

    def info(self, text: str) -> None:
        print(f"    {text}", flush=True)


# --- in-process ASGI -----------------------------------------------------------------------------


def http_scope(
    path: str = "/",
    *,
    method: str = "GET",
    headers: Iterable[tuple[str, str]] = (),
    host: str = "testserver",
    query: str = "",
) -> Scope:
    raw = [(b"host", host.encode())]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": raw,
        "client": ("127.0.0.1", 50000),
        "server": (host, 80),
    }


def with_header(scope: Scope, name: str, value: str | bytes) -> Scope:
    """A copy of `scope` with header `name` set (replaced if present)."""
    key = name.lower().encode("latin-1")
    raw = value if isinstance(value, bytes) else value.encode("latin-1")
    headers = [(k, v) for k, v in scope["headers"] if k != key] + [(key, raw)]
    return {**scope, "headers": headers}


_REQUEST: Message = {"type": "http.request", "body": b"", "more_body": False}


async def _receive() -> Message:
    return _REQUEST


async def _discard(message: Message) -> None:
    return None


@dataclass
class Response:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    def header(self, name: str) -> list[str]:
        key = name.lower().encode()
        return [v.decode("latin-1") for k, v in self.headers if k.lower() == key]


async def call(app: Any, scope: Scope, body: bytes = b"") -> Response:
    """One request through `app`, recording the response (for checks, never for timing)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    status, headers, chunks = 0, [], []

    async def send(message: Message) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status, headers = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(dict(scope), receive, send)
    return Response(status, headers, b"".join(chunks))


@dataclass
class Case:
    """A candidate: an app and what each request's scope is.

    `scopes(round, n)` gives the n scopes for one batch (so a batch of never-seen User-Agents can
    be fresh in every round); a fixed `scope` is used for every request otherwise.
    """

    name: str
    app: Any
    scope: Scope | None = None
    scopes: Callable[[int, int], Sequence[Scope]] | None = None
    n: int = 0  # requests per batch, calibrated when 0

    def batch(self, rnd: int, n: int) -> Sequence[Scope]:
        if self.scopes is not None:
            return self.scopes(rnd, n)
        assert self.scope is not None
        return [self.scope] * n


async def _timed(app: Any, scopes: Sequence[Scope]) -> float:
    receive, send = _receive, _discard
    start = time.perf_counter_ns()
    for scope in scopes:
        await app(dict(scope), receive, send)
    return (time.perf_counter_ns() - start) / len(scopes) / 1000.0


@dataclass
class Timing:
    name: str
    per_round: list[float]  # µs per request, one figure per round

    @property
    def median(self) -> float:
        return statistics.median(self.per_round)


@dataclass
class Comparison:
    timings: dict[str, Timing]

    def us(self, name: str) -> float:
        return self.timings[name].median

    def ratio(self, name: str, baseline: str) -> float:
        """Median over rounds of (candidate / baseline in the same round)."""
        a, b = self.timings[name].per_round, self.timings[baseline].per_round
        return statistics.median(x / y for x, y in zip(a, b, strict=True))

    def added(self, name: str, reference: str) -> float:
        """Median over rounds of (candidate - reference in the same round), in µs."""
        a, b = self.timings[name].per_round, self.timings[reference].per_round
        return statistics.median(x - y for x, y in zip(a, b, strict=True))


def compare(cases: Sequence[Case], *, rounds: int, batch_seconds: float) -> Comparison:
    """Time every case in `rounds` interleaved rounds of about `batch_seconds` each."""
    for case in cases:
        if not case.n:
            probe = 50
            per_call = run(_timed(case.app, case.batch(-1, probe)))
            case.n = max(50, int(batch_seconds * 1e6 / max(per_call, 0.1)))
    timings = {case.name: Timing(case.name, []) for case in cases}
    k = len(cases)
    # Whatever the setup built is moved out of the collector's way once, so that a collection
    # during a batch costs what it would in a server, not what this process's heap happens to be.
    gc.collect()
    gc.freeze()
    try:
        for rnd in range(rounds):
            order = [cases[(rnd + i) % k] for i in range(k)]
            for case in order:
                scopes = case.batch(rnd, case.n)
                timings[case.name].per_round.append(run(_timed(case.app, scopes)))
    finally:
        gc.unfreeze()
    return Comparison(timings)


def median_call_us(fn: Callable[[], Any], *, n: int, rounds: int) -> list[float]:
    """µs per call of a synchronous function, one figure per round."""
    out = []
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter_ns()
        for _ in range(n):
            fn()
        out.append((time.perf_counter_ns() - start) / n / 1000.0)
    return out
