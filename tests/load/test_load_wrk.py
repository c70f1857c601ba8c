"""uvicorn under wrk: a new random User-Agent on every request, valid consent cookies, no errors,
flat memory. The one long run of the suite (60 s; LOAD_SECONDS shortens it for a quick look)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import httpx
import psutil
import pytest
from load_support import COOKIE, HERE, PREFIX, record_figures, serving

pytestmark = pytest.mark.load

SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
WARM_UP_SECONDS = 5
CONNECTIONS = 32
MB = 1024 * 1024
# Growth allowed after the warm-up: the verdict, parse and banner caches are bounded, and fill
# during the warm-up; what is left is allocator noise.
RSS_GROWTH_LIMIT = 40 * MB


def consent_cookies(url: str) -> list[str]:
    values = []
    with httpx.Client(base_url=url) as client:
        for body in (
            {"action": "accept_all"},
            {"action": "reject_all"},
            {"action": "save", "categories": ["analytics"]},
            {"action": "save", "categories": ["advertising", "social"], "partners": ["pixel"]},
        ):
            response = client.post(f"{PREFIX}/consent", json=body)
            assert response.status_code == 200, response.text
            values.append(response.cookies[COOKIE])
            client.cookies.clear()
    return values


def wrk(url: str, script: Path, seconds: int) -> dict[str, str]:
    command = [
        shutil.which("wrk") or "/usr/bin/wrk",
        "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "--latency",
        "-s", str(script), url,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("LOADRESULT"))
    return dict(re.findall(r"(\w+)=(\S+)", line))


def test_random_user_agents_under_wrk_give_no_errors_and_flat_memory(tmp_path: Path) -> None:
    with serving() as server:
        cookies = consent_cookies(server.url)
        lua = (HERE / "wrk_random_ua.lua").read_text()
        quoted = ", ".join(f'"{value}"' for value in cookies)
        script = tmp_path / "random_ua.lua"
        script.write_text(lua.replace("local COOKIES = {}", f"local COOKIES = {{ {quoted} }}"))

        process = psutil.Process(server.process.pid)
        idle = process.memory_info().rss
        wrk(server.url, script, WARM_UP_SECONDS)
        start = process.memory_info().rss

        samples: list[int] = []
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                samples.append(process.memory_info().rss)
                stop.wait(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            result = wrk(server.url, script, SECONDS)
        finally:
            stop.set()
            sampler.join()
        time.sleep(0.5)
        end = process.memory_info().rss
        peak = max([*samples, end])
        assert server.process.poll() is None, server.log

    requests = int(result["requests"])
    errors = {k: int(result[k]) for k in ("bad", "connect", "read", "write", "timeout")}
    record_figures(
        f"wrk, {SECONDS} s, {CONNECTIONS} connections, random UA per request",
        [
            f"requests: {requests} ({requests / SECONDS:.0f}/s); answered 200/303/406: "
            f"{result['good']}",
            f"errors: {sum(errors.values())} {errors} (other statuses: {result['bad_statuses']})",
            "latency: "
            + ", ".join(
                f"{name} {int(result[key]) / 1000:.2f} ms"
                for name, key in (("p50", "p50_us"), ("p90", "p90_us"), ("p99", "p99_us"))
            )
            + f", max {int(result['max_us']) / 1000:.2f} ms",
            f"RSS: idle {idle / MB:.1f} MB, start (after {WARM_UP_SECONDS} s warm-up) "
            f"{start / MB:.1f} MB, peak {peak / MB:.1f} MB, end {end / MB:.1f} MB",
        ],
    )
    assert requests > 0
    assert sum(errors.values()) == 0, result
    assert peak - start < RSS_GROWTH_LIMIT
    assert end - start < RSS_GROWTH_LIMIT
