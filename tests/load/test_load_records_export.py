"""`antechamber records export` streams: a million records leave the store in constant memory."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from load_support import record_figures

from antechamber.consent import ConsentRecord, SQLiteConsentStore

pytestmark = pytest.mark.load

MILLION = 1_000_000
PEAK_MEMORY = """
import resource, sys
from antechamber.cli import main
status = main(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)  # KiB
sys.exit(status)
"""


def fill(path: Path) -> None:
    """A million records: the first through the store (which makes its table and indexes), the
    rest inserted directly, which is much faster than a million choices."""
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    first = ConsentRecord(
        "visitor-0", t0.isoformat(), "accept_all", 1, {"necessary": True}, {}, False
    )

    async def through_the_store() -> None:
        store = SQLiteConsentStore(str(path))
        await store.record(first)
        await store.close()

    asyncio.run(through_the_store())
    categories = json.dumps({"analytics": True, "necessary": True})
    with closing(sqlite3.connect(path)) as db, db:
        db.executemany(
            "INSERT INTO consent_records (consent_id, recorded_at, action, revision, categories, "
            "partners, gpc, user_agent) VALUES (?, ?, 'accept_all', 1, ?, '{}', 0, ?)",
            (
                (
                    f"visitor-{n}",
                    (t0 + timedelta(seconds=n * 20)).isoformat(),
                    categories,
                    "x" * 100,
                )
                for n in range(1, MILLION)
            ),
        )


def peak_kib(*args: str, output: Path | None = None) -> tuple[int, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY, "records", *args],
        capture_output=True, text=True, timeout=900, check=True,
    )  # fmt: skip
    return int(done.stderr.strip().splitlines()[-1]), time.perf_counter() - started


def test_a_million_records_export_in_constant_memory(tmp_path: Path) -> None:
    database = tmp_path / "million.db"
    fill(database)
    store = f"sqlite:///{database}"
    baseline, _ = peak_kib("show", "visitor-5", "--store", store)
    target = tmp_path / "all.csv"
    peak, seconds = peak_kib("export", "--store", store, "-o", str(target))
    with target.open(encoding="utf-8") as exported:
        lines = sum(1 for _ in exported)
    record_figures(
        "records export of 1,000,000 SQLite records",
        [
            f"{seconds:.1f} s ({MILLION / seconds:,.0f} records/s); peak RSS {peak / 1024:.0f} MB "
            f"(showing one visitor: {baseline / 1024:.0f} MB); file {target.stat().st_size:,} B"
        ],
    )
    started = time.perf_counter()
    stats = subprocess.run(
        [sys.executable, "-m", "antechamber.cli", "records", "stats", "--store", store],
        capture_output=True, text=True, timeout=600, check=True,
    ).stdout  # fmt: skip
    stats_seconds = time.perf_counter() - started
    total = next(line for line in stats.splitlines() if line.startswith("total"))
    record_figures(
        "records stats over 1,000,000 SQLite records",
        [f"{stats_seconds:.1f} s; {total.split()[1]} choices"],
    )
    assert total.split()[1] == str(MILLION)
    assert "analytics" in stats and "100.0%" in stats
    assert lines == MILLION + 1  # the header
    # Held in memory, a million records would take gigabytes; streamed, a few pages.
    assert peak - baseline < 40 * 1024, (peak, baseline)
