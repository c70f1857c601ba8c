"""Consent records under a real server: choice POSTs per second, SQLite and PostgreSQL side by side.

Two uvicorn processes (uvloop, httptools, one worker) serve the same site (both halves of
antechamber), one recording into a SQLite file, the other into a PostgreSQL database on a
throwaway cluster (tests/postgres_cluster.py: Debian's postgresql, initdb in a temporary folder,
fsync on). wrk (`-t1 -c32`) POSTs `action=accept_all` as a form with a matching Origin, so every
request is a new visitor's choice: a signed cookie and one record committed before the 303. The
two servers take turns in rounds whose order alternates; each figure is the median over rounds,
and the ratio is taken within each round. The records are counted afterwards.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ._harness import Figure, Report, Unavailable, need

SECTION = "records"
ROOT = Path(__file__).resolve().parents[1]
WRK = shutil.which("wrk") or "/usr/bin/wrk"
POST_SCRIPT = """\
wrk.method = "POST"
wrk.body = "action=accept_all&next=/"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Origin"] = "{origin}"
"""


def app() -> Any:
    """The site uvicorn serves (`--factory benchmarks.records:app`): records go to the store
    that BENCH_RECORDS_LOG names."""
    from . import apps

    return apps.antechamber(consent={"log": os.environ["BENCH_RECORDS_LOG"]})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _serving(log: str) -> Iterator[str]:
    """uvicorn serving `app` with records in `log`; the consent endpoint's URL."""
    port = _free_port()
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "benchmarks.records:app",
        "--host", "127.0.0.1", "--port", str(port), "--loop", "uvloop", "--http", "httptools",
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    env = {**os.environ, "BENCH_RECORDS_LOG": log}
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=errors, stderr=errors)
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    errors.seek(0)
                    raise RuntimeError(f"uvicorn exited: {errors.read().decode()[-2000:]}")
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection(("127.0.0.1", port), 0.2),
                ):
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError("uvicorn did not start listening")
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port}/_antechamber/consent"
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _posts(url: str, script: Path, seconds: int) -> float:
    command = [WRK, "-t1", "-c32", f"-d{seconds}s", "-s", str(script), url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if bad:
        raise RuntimeError(f"{bad.group(1)} failed choices at {url}:\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if match is None:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    return float(match.group(1))


def _postgres() -> Any:
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        postgres_cluster = importlib.import_module("postgres_cluster")
    except ImportError as error:  # psycopg missing: the extra is not installed
        raise Unavailable(f"PostgreSQL store: {error}") from error
    try:
        return postgres_cluster.start_cluster(), postgres_cluster
    except postgres_cluster.PostgresUnavailable as error:
        raise Unavailable(f"PostgreSQL cannot be started: {error}") from error


def bench(report: Report, *, quick: bool) -> None:
    need("antechamber.consent", "PostgresConsentStore", "SQLiteConsentStore")
    if not os.path.exists(WRK):
        raise Unavailable("wrk is not installed")
    seconds, rounds = (1, 1) if quick else (2, 7)
    cluster, cluster_module = _postgres()
    try:
        pg_url = cluster.create_database()
        with tempfile.TemporaryDirectory(prefix="antechamber-bench-") as tmp:
            db = Path(tmp) / "consent.db"
            stores = {"SQLite": f"sqlite:///{db}", "PostgreSQL": pg_url}
            rps: dict[str, list[float]] = {name: [] for name in stores}
            with _serving(stores["SQLite"]) as sqlite_url, _serving(pg_url) as pg_endpoint:
                urls = {"SQLite": sqlite_url, "PostgreSQL": pg_endpoint}
                scripts = {}
                for name, url in urls.items():
                    scripts[name] = Path(tmp) / f"{name}.lua"
                    origin = url.removesuffix("/_antechamber/consent")
                    scripts[name].write_text(POST_SCRIPT.format(origin=origin))
                    _posts(url, scripts[name], 1)  # warm up: tables, pool, caches
                for rnd in range(rounds):
                    order = list(urls) if rnd % 2 == 0 else list(reversed(urls))
                    for name in order:
                        rps[name].append(_posts(urls[name], scripts[name], seconds))
            with contextlib.closing(sqlite3.connect(db)) as conn:
                sqlite_rows = conn.execute("SELECT count(*) FROM consent_records").fetchone()[0]
        import psycopg

        with psycopg.connect(pg_url) as conn:
            row = conn.execute("SELECT count(*) FROM consent_records").fetchone()
            pg_rows = row[0] if row else 0
    finally:
        cluster_module.remove_cluster(cluster)

    for name, rows in (("SQLite", sqlite_rows), ("PostgreSQL", pg_rows)):
        report.add(
            Figure(
                SECTION,
                f"consent choice POSTs under uvicorn, records in {name}",
                statistics.median(rps[name]),
                "req/s",
                note=" / ".join(f"{r:,.0f}" for r in rps[name]) + f"; {rows:,} records",
            )
        )
    ratios = [p / s for p, s in zip(rps["PostgreSQL"], rps["SQLite"], strict=True)]
    report.add(
        Figure(SECTION, "PostgreSQL vs SQLite, choice POSTs", statistics.median(ratios), "x")
    )
