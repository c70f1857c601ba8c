"""Under a real server: uvicorn (uvloop, httptools, one worker) on 127.0.0.1, loaded by wrk.

The bare app, antechamber and the minimal reference middleware (apps.Minimal) run side by side,
each in its own uvicorn process, and wrk (`-t1 -c32`, one second) goes from one to the next in
21 rounds whose order rotates, so each ratio compares runs made moments apart; the figure is the
median of the per-round ratios. Many short rounds rather than a few long ones, because this
machine's speed drifts from second to second: over three passes each, the warm-path figure
spread 0.75-0.78x with 21 rounds of 1 s, 0.72-0.80x with 10 of 2 s, and 0.67-0.86x over the
passes of earlier sessions with 7 of 3 s. The antechamber requests are the warm path: a current
Chrome with its Client Hints, a valid consent cookie, the 1 KB HTML page.
Consent choices are POSTed (a form, `action=accept_all`, Origin matching Host) by a wrk Lua script
to a third server that records every choice in a temporary SQLite file; the rows are counted.
"""

from __future__ import annotations

import contextlib
import http.client
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

from ._harness import Figure, Report, Unavailable, need
from .apps import PAGE, chrome_headers, consent_cookie

SECTION = "server"
ROOT = Path(__file__).resolve().parents[1]
WRK = shutil.which("wrk") or "/usr/bin/wrk"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def uvicorn(factory: str, env: dict[str, str] | None = None) -> Iterator[int]:
    """A uvicorn process serving `benchmarks.serve:{factory}`; its port."""
    with uvicorn_process(factory, env) as (port, _):
        yield port


@contextlib.contextmanager
def uvicorn_process(
    factory: str, env: dict[str, str] | None = None
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """The same, with the process (for a profiler to attach to)."""
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        f"benchmarks.serve:{factory}",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--workers",
        "1",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                if proc.poll() is not None:
                    errors.seek(0)
                    err = errors.read().decode(errors="replace")
                    raise RuntimeError(f"uvicorn {factory} exited: {err[-2000:]}")
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection(("127.0.0.1", port), 0.2),
                ):
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"uvicorn {factory} did not start listening")
                time.sleep(0.1)
            yield port, proc
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wrk(url: str, headers: list[tuple[str, str]], seconds: int, script: str | None = None) -> float:
    cmd = [WRK, "-t1", "-c32", f"-d{seconds}s"]
    for name, value in headers:
        cmd += ["-H", f"{name}: {value}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if match is None:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if bad:
        raise RuntimeError(f"{bad.group(1)} error responses from {url}:\n{out}")
    return float(match.group(1))


def _check(port: int, headers: list[tuple[str, str]]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/page", headers=dict(headers))
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200 or not body.startswith(PAGE.split(b"</main>")[0]):
        raise RuntimeError(f"the warm path answered {response.status}, not the app's page")


POST_SCRIPT = """\
wrk.method = "POST"
wrk.body = "action=accept_all&next=/"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Origin"] = "{origin}"
"""


def warm_headers() -> list[tuple[str, str]]:
    """What wrk sends for the warm path: a current Chrome with its Client Hints, and a valid
    consent cookie."""
    return [*((k.title(), v) for k, v in chrome_headers()), ("Cookie", consent_cookie())]


def bench(report: Report, *, quick: bool) -> None:
    need("antechamber", "Antechamber")
    need("antechamber.consent", "CookieConsentMiddleware")
    if not os.path.exists(WRK):
        raise Unavailable("wrk is not installed")
    seconds, rounds = (1, 1) if quick else (1, 21)
    headers = warm_headers()
    names = ("bare", "antechamber", "minimal")
    with (
        uvicorn("bare_app") as bare_port,
        uvicorn("antechamber_app") as ach_port,
        uvicorn("minimal_app") as minimal_port,
    ):
        _check(ach_port, headers)
        ports = dict(zip(names, (bare_port, ach_port, minimal_port), strict=True))
        urls = {name: f"http://127.0.0.1:{port}/page" for name, port in ports.items()}
        for url in urls.values():
            wrk(url, headers, 1)  # warm up
        rps: dict[str, list[float]] = {name: [] for name in names}
        for rnd in range(rounds):
            # The order rotates, so that none is always measured first after the others.
            for name in names[rnd % 3 :] + names[: rnd % 3]:
                rps[name].append(wrk(urls[name], headers, seconds))

    def ratio(name: str) -> float:
        return statistics.median(a / b for a, b in zip(rps[name], rps["bare"], strict=True))

    bare_rps = rps["bare"]
    report.add(
        Figure(
            SECTION,
            "bare Starlette HTML page under wrk (baseline)",
            statistics.median(bare_rps),
            "req/s",
            note=" / ".join(f"{r:,.0f}" for r in bare_rps),
        )
    )
    report.add(
        Figure(
            SECTION,
            "antechamber warm path under wrk vs bare",
            ratio("antechamber"),
            "x",
            0.8,
            ">=",
            note=f"{statistics.median(rps['antechamber']):,.0f} req/s",
        )
    )
    report.add(
        Figure(
            SECTION,
            "reference: minimal pure-Python middleware under wrk vs bare",
            ratio("minimal"),
            "x",
            note=f"{statistics.median(rps['minimal']):,.0f} req/s; the floor (apps.Minimal)",
        )
    )

    with tempfile.TemporaryDirectory(prefix="antechamber-bench-") as tmp:
        db = Path(tmp) / "consent.db"
        with uvicorn("consent_log_app", {"BENCH_CONSENT_DB": str(db)}) as port:
            script = Path(tmp) / "post.lua"
            script.write_text(POST_SCRIPT.format(origin=f"http://127.0.0.1:{port}"))
            ua = [(k, v) for k, v in headers if k != "Cookie"]
            url = f"http://127.0.0.1:{port}/_antechamber/consent"
            posts = wrk(url, ua, seconds, str(script))
        rows = 0
        if db.exists():
            with contextlib.closing(sqlite3.connect(db)) as conn:
                rows = conn.execute("SELECT count(*) FROM consent_records").fetchone()[0]
    report.add(
        Figure(
            SECTION,
            "consent choice POSTs (signed cookie + SQLite record)",
            posts,
            "req/s",
            note=f"{posts / statistics.median(bare_rps):.2f}x bare GET; {rows:,} records written",
        )
    )
    if rows == 0:
        report.info("warning: no consent records were written")
