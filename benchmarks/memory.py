"""Resident memory across many requests with many distinct User-Agents.

One million requests (by default; `--requests N` scales it, `--quick` runs 20,000) through
`Antechamber` in-process, each with a User-Agent drawn uniformly from 100,000 distinct ones
(corpus UAs with their build numbers replaced), so the 10,000-entry cache is overrun all the
time: nine requests in ten inspect a UA afresh, and the outdated ones render the upgrade page.
That is far slower than the warm path, so the run also stops at a time budget
(`--memory-seconds`; by default what is left of five minutes for the whole run, at most 150 s)
and says how many requests it made. The cache is full after about 11,000 requests, so growth
beyond that is what the figure is about.

RSS (psutil) is read after 1,000 warm-up requests, a tenth of the way through, and at the end;
the goal is that the end stays within 30 MB of the start. The UA strings and their request
headers are built before the start is read, since they belong to the benchmark.
"""

from __future__ import annotations

import gc
import math
import random
import time
from typing import Any

from ._harness import Figure, Report, Scope, need, run
from .apps import antechamber, consent_cookie, corpus, fresh_uas, page_scope

SECTION = "memory"
DISTINCT = 100_000


async def _drive(
    app: Any, scopes: list[Scope], count: int, rng: random.Random, deadline: float = math.inf
) -> int:
    """Send up to `count` requests, stopping early at `deadline`; returns how many were sent."""

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        return None

    pick = rng.randrange
    k = len(scopes)
    done = 0
    while done < count and time.perf_counter() < deadline:
        for _ in range(min(1000, count - done)):
            await app(dict(scopes[pick(k)]), receive, send)
        done += min(1000, count - done)
    return done


def policy_cache(app: Any) -> str:
    """The gate's cache of browsers seen (by User-Agent and Client Hints as sent), found by
    walking the middleware chain; it is the one a request looks in."""
    layer, depth = app, 0
    while layer is not None and depth < 10:
        seen = getattr(layer, "_seen", None)
        limit = getattr(layer, "_seen_limit", None)
        if isinstance(seen, dict) and limit is not None:
            return f"{len(seen):,}/{limit:,} entries"
        layer, depth = getattr(layer, "app", None), depth + 1
    return ""


def bench(
    report: Report, *, quick: bool, requests: int | None = None, seconds: float | None = None
) -> None:
    psutil = need("psutil")
    total = requests or (20_000 if quick else 1_000_000)
    distinct = min(DISTINCT, total // 10) if quick else DISTINCT
    app = antechamber()
    base = page_scope("/page", cookie=consent_cookie(), ua="")  # no Client Hints: not Chrome
    others = [(k, v) for k, v in base["headers"] if k != b"user-agent"]
    fresh = fresh_uas(corpus())
    scopes = [
        {**base, "headers": [(b"user-agent", next(fresh).encode("latin-1")), *others]}
        for _ in range(distinct)
    ]
    rng = random.Random(7)
    proc = psutil.Process()
    run(_drive(app, scopes, 1000, rng))
    gc.collect()
    start = proc.memory_info().rss
    t0 = time.perf_counter()
    deadline = t0 + (seconds or (10.0 if quick else 60.0))
    first = done = run(_drive(app, scopes, total // 10, rng, deadline))
    gc.collect()
    tenth = proc.memory_info().rss
    done += run(_drive(app, scopes, total - total // 10, rng, deadline))
    gc.collect()
    end = proc.memory_info().rss
    elapsed = time.perf_counter() - t0
    mb = 1024 * 1024
    info = policy_cache(app)
    report.info(
        f"{done:,} requests, {distinct:,} distinct UAs, {elapsed:.1f} s "
        f"({elapsed / done * 1e6:.0f} µs/request); RSS start {start / mb:.1f} MB, "
        f"after {first:,} {tenth / mb:.1f} MB, end {end / mb:.1f} MB"
        + (f"; verdict cache {info}" if info else "")
    )
    scaled = ""
    if done < total:
        scaled = f"; stopped by the time budget after {done:,} of {total:,} requests"
    elif total != 1_000_000:
        scaled = f"; scaled to {total:,} requests"
    report.add(
        Figure(
            SECTION,
            f"RSS growth over {done:,} requests, {distinct:,} UAs",
            (end - start) / mb,
            "MB",
            30.0,
            note=f"{start / mb:.0f} → {end / mb:.0f} MB{scaled}",
        )
    )
