"""Resident memory across many requests with many distinct User-Agents.

One million requests (by default; `--requests N` scales it, `--quick` runs 20,000) through
`Antechamber` in-process, each with a User-Agent drawn uniformly from 100,000 distinct ones
(corpus UAs with their build numbers replaced), so the 10,000-entry cache is overrun all the
time. RSS (psutil) is read after 1,000 warm-up requests, once a tenth of the way through, and at
the end; the goal is that the end stays within 30 MB of the start. The UA strings and their
request headers are built before the start is read, since they belong to the benchmark.
"""

from __future__ import annotations

import gc
import random
import time
from typing import Any

from ._harness import Figure, Report, Scope, need, run
from .apps import antechamber, consent_cookie, corpus, fresh_uas, page_scope

SECTION = "memory"
DISTINCT = 100_000


async def _drive(app: Any, scopes: list[Scope], count: int, rng: random.Random) -> None:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        return None

    pick = rng.randrange
    k = len(scopes)
    for _ in range(count):
        await app(dict(scopes[pick(k)]), receive, send)


def bench(report: Report, *, quick: bool, requests: int | None = None) -> None:
    psutil = need("psutil")
    total = requests or (20_000 if quick else 1_000_000)
    distinct = min(DISTINCT, total // 10) if quick else DISTINCT
    app = antechamber()
    base = page_scope("/page", cookie=consent_cookie())
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
    run(_drive(app, scopes, total // 10, rng))
    gc.collect()
    tenth = proc.memory_info().rss
    run(_drive(app, scopes, total - total // 10, rng))
    gc.collect()
    end = proc.memory_info().rss
    elapsed = time.perf_counter() - t0
    mb = 1024 * 1024
    report.info(
        f"{total:,} requests, {distinct:,} distinct UAs, {elapsed:.1f} s "
        f"({elapsed / total * 1e6:.1f} µs/request); RSS start {start / mb:.1f} MB, "
        f"after {total // 10:,} {tenth / mb:.1f} MB, end {end / mb:.1f} MB"
    )
    scaled = "" if total == 1_000_000 else f"; scaled to {total:,} requests"
    report.add(
        Figure(
            SECTION,
            f"RSS growth over {total:,} requests, {distinct:,} UAs",
            (end - start) / mb,
            "MB",
            30.0,
            note=f"{start / mb:.0f} → {end / mb:.0f} MB{scaled}",
        )
    )
