"""Consent records under load and faults, against uvicorn on 127.0.0.1 and a real SQLite file:
every acknowledged choice is recorded exactly once, even when the server is killed, and a store
that cannot write makes the choice fail visibly instead of confirming it."""

from __future__ import annotations

import asyncio
import os
import random
import resource
import signal
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest
from load_support import (
    COOKIE,
    PREFIX,
    consent_id_of,
    no_cookie_jar,
    record_figures,
    serving,
)

pytestmark = [pytest.mark.load, pytest.mark.anyio]

CONCURRENCY = 100
FORM = {"content-type": "application/x-www-form-urlencoded"}
BODIES: list[dict[str, Any]] = [
    {"action": "accept_all"},
    {"action": "reject_all"},
    {"action": "save", "categories": ["analytics"]},
    {"action": "save", "categories": ["preferences", "advertising"], "partners": ["pixel"]},
]


def rows(path: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT consent_id, action FROM consent_records").fetchall()


async def choose(client: httpx.AsyncClient, n: int) -> tuple[str, str]:
    """One visitor's choice; returns (consent_id, action) once acknowledged, else raises."""
    body = BODIES[n % len(BODIES)]
    if n % 2:
        response = await client.post(f"{PREFIX}/consent", json=body)
        response.raise_for_status()
        return response.json()["consent_id"], body["action"]
    fields: list[tuple[str, str]] = [("action", body["action"]), ("next", f"/article/{n}")]
    fields += [("categories", c) for c in body.get("categories", [])]
    fields += [("partners", p) for p in body.get("partners", [])]
    response = await client.post(f"{PREFIX}/consent", data=dict(fields) | {}, headers=FORM)
    if response.status_code != 303:
        raise httpx.HTTPStatusError("not acknowledged", request=response.request, response=response)
    return consent_id_of(response.cookies[COOKIE]), body["action"]


def visitor_client(url: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=url,
        cookies=no_cookie_jar(),
        limits=httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY),
        timeout=30,
    )


async def test_a_thousand_concurrent_choices_give_exactly_a_thousand_records(
    tmp_path: Path,
) -> None:
    database = tmp_path / "consent.db"
    with serving({"LOAD_CONSENT_LOG": f"sqlite:///{database}"}) as server:
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(n: int) -> tuple[str, str]:
            async with gate:
                return await choose(client, n)

        started = time.perf_counter()
        async with visitor_client(server.url) as client:
            acknowledged = await asyncio.gather(*(one(n) for n in range(1000)))
        elapsed = time.perf_counter() - started
    stored = rows(database)
    record_figures(
        "1,000 concurrent consent choices (SQLite)",
        [
            f"acknowledged: {len(acknowledged)} in {elapsed:.2f} s "
            f"({len(acknowledged) / elapsed:.0f}/s, {CONCURRENCY} at a time); rows: {len(stored)}"
        ],
    )
    assert len(stored) == 1000
    assert len({cid for cid, _ in acknowledged}) == 1000
    assert sorted(stored) == sorted(acknowledged)


async def test_every_acknowledged_choice_survives_sigkill(tmp_path: Path) -> None:
    database = tmp_path / "consent.db"
    env = {"LOAD_CONSENT_LOG": f"sqlite:///{database}"}
    acknowledged: list[tuple[str, str]] = []
    failed = 0
    with serving(env) as server:
        stop = asyncio.Event()

        async def visitor(k: int) -> None:
            nonlocal failed
            n = k
            while not stop.is_set():
                try:
                    acknowledged.append(await choose(client, n))
                except (httpx.HTTPError, KeyError):
                    failed += 1
                    if stop.is_set():
                        return
                    await asyncio.sleep(0.01)
                n += 50

        async def killer() -> None:
            # Kill in the middle of the run, at a moment that is not a round number of choices.
            while len(acknowledged) < 300:
                await asyncio.sleep(0.01)
            await asyncio.sleep(random.uniform(0.05, 0.3))
            os.kill(server.process.pid, signal.SIGKILL)
            await asyncio.sleep(0.5)
            stop.set()

        async with visitor_client(server.url) as client:
            await asyncio.wait_for(
                asyncio.gather(killer(), *(visitor(k) for k in range(50))), timeout=60
            )
        assert server.process.wait(timeout=10) == -signal.SIGKILL

    # The same database, opened by a new server process.
    with serving(env) as server:
        async with visitor_client(server.url) as client:
            after = await choose(client, 1)
    stored = set(rows(database))
    lost = [choice for choice in acknowledged if choice not in stored]
    record_figures(
        "SIGKILL in the middle of a run of choices",
        [
            f"acknowledged before the kill: {len(acknowledged)}; requests cut off: {failed}; "
            f"rows after restart: {len(stored)}; acknowledged but lost: {len(lost)}"
        ],
    )
    assert acknowledged
    assert not lost, lost[:5]
    assert after in stored


def _limit_file_size() -> None:
    # The disk fills up: no file the server writes may grow past 96 KB. (Python ignores SIGXFSZ,
    # so a write past the limit fails with EFBIG, which SQLite reports as a full disk.)
    limit = 96 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


async def test_a_full_disk_refuses_choices_visibly_and_pages_keep_coming(tmp_path: Path) -> None:
    database = tmp_path / "consent.db"
    env = {"LOAD_CONSENT_LOG": f"sqlite:///{database}"}
    statuses: list[int] = []
    acknowledged: list[tuple[str, str]] = []
    with serving(env, preexec=_limit_file_size) as server:
        async with visitor_client(server.url) as client:
            for n in range(200):
                try:
                    acknowledged.append(await choose(client, n))
                    statuses.append(200)
                except httpx.HTTPStatusError as error:
                    statuses.append(error.response.status_code)
                    assert COOKIE not in error.response.headers.get("set-cookie", "")
                    assert "location" not in error.response.headers
                if statuses[-20:] == [503] * 20:
                    break
            pages = [await client.get("/", headers={"accept": "text/html"}) for _ in range(20)]
            state = await client.get(f"{PREFIX}/consent")
        log = server.log
    refused = statuses.count(503)
    record_figures(
        "consent store on a full disk (RLIMIT_FSIZE 96 KB)",
        [
            f"choices: {len(statuses)}; recorded and confirmed: {len(acknowledged)}; "
            f"refused with 503: {refused}; other: {len(statuses) - len(acknowledged) - refused}",
            "sequence: " + "".join("." if s == 200 else "x" for s in statuses),
            "log: " + next((x.strip() for x in log.splitlines() if "could not" in x), "(none)"),
        ],
    )
    assert refused, "the disk never filled up"
    assert set(statuses) <= {200, 503}
    assert all(page.status_code == 200 for page in pages)
    assert state.json()["decided"] is False
    assert "could not be stored" in log and "full" in log, log[-2000:]
    stored = set(rows(database))
    assert set(acknowledged) <= stored
