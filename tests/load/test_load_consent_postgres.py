"""Consent records in one PostgreSQL database shared by two uvicorn instances of one site, under
load and faults: every acknowledged choice is recorded exactly once, an instance killed with
SIGKILL loses none, and a database that goes away makes choices fail visibly (503, no cookie)
while pages keep coming, until it is back."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx
import psycopg
import pytest
from load_support import COOKIE, PREFIX, Server, record_figures, serving
from test_load_consent_records import CONCURRENCY, choose, visitor_client

from postgres_cluster import Cluster, remove_cluster, start_cluster

pytestmark = [pytest.mark.load, pytest.mark.anyio]


def rows(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(url) as conn:
        return [
            (str(cid), str(action))
            for cid, action in conn.execute("SELECT consent_id, action FROM consent_records")
        ]


@contextmanager
def two_instances(url: str) -> Iterator[list[Server]]:
    with ExitStack() as stack:
        yield [stack.enter_context(serving({"LOAD_CONSENT_LOG": url})) for _ in range(2)]


async def test_two_instances_record_a_thousand_concurrent_choices_exactly_once(
    postgres_database: str,
) -> None:
    with two_instances(postgres_database) as servers:
        gate = asyncio.Semaphore(CONCURRENCY)
        clients = [visitor_client(s.url) for s in servers]

        async def one(n: int) -> tuple[str, str]:
            async with gate:
                return await choose(clients[n % 2], n)

        started = time.perf_counter()
        acknowledged = await asyncio.gather(*(one(n) for n in range(1000)))
        elapsed = time.perf_counter() - started
        for c in clients:
            await c.aclose()
    stored = rows(postgres_database)
    record_figures(
        "1,000 concurrent consent choices over two uvicorn instances (PostgreSQL)",
        [
            f"acknowledged: {len(acknowledged)} in {elapsed:.2f} s "
            f"({len(acknowledged) / elapsed:.0f}/s, {CONCURRENCY} at a time); rows: {len(stored)}"
        ],
    )
    assert len(stored) == 1000
    assert len({cid for cid, _ in acknowledged}) == 1000
    assert sorted(stored) == sorted(acknowledged)


async def test_sigkill_of_one_instance_loses_no_acknowledged_choice(
    postgres_database: str,
) -> None:
    acknowledged: list[tuple[str, str]] = []
    cut_off = 0
    with two_instances(postgres_database) as servers:
        victim = servers[0]
        clients = [visitor_client(s.url) for s in servers]
        stop = asyncio.Event()

        async def visitor(k: int) -> None:
            nonlocal cut_off
            n = k
            while not stop.is_set():
                try:
                    acknowledged.append(await choose(clients[n % 2], n))
                except (httpx.HTTPError, KeyError):
                    cut_off += 1
                    await asyncio.sleep(0.01)
                n += 50

        async def killer() -> None:
            while len(acknowledged) < 300:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.1)
            os.kill(victim.process.pid, signal.SIGKILL)
            # The survivor keeps taking choices for a while.
            await asyncio.sleep(1.0)
            stop.set()

        await asyncio.wait_for(asyncio.gather(killer(), *(visitor(k) for k in range(50))), 90)
        assert victim.process.wait(timeout=10) == -signal.SIGKILL
        for c in clients:
            await c.aclose()
    stored = set(rows(postgres_database))
    lost = [choice for choice in acknowledged if choice not in stored]
    record_figures(
        "SIGKILL of one of two instances sharing PostgreSQL",
        [
            f"acknowledged: {len(acknowledged)}; requests cut off: {cut_off}; "
            f"rows: {len(stored)}; acknowledged but lost: {len(lost)}"
        ],
    )
    assert len(acknowledged) > 300 and cut_off
    assert not lost, lost[:5]


@pytest.fixture
def own_cluster() -> Iterator[Cluster]:
    # A server of its own: this test stops it, and no other test should notice.
    cluster = start_cluster()
    yield cluster
    remove_cluster(cluster)


async def test_a_stopped_database_gives_503_without_cookie_then_recovers(
    own_cluster: Cluster,
) -> None:
    url = own_cluster.create_database()
    outcomes: list[str] = []  # "." recorded, "x" refused with 503
    acknowledged: list[tuple[str, str]] = []
    pages: list[int] = []
    with two_instances(url) as servers:
        clients = [visitor_client(s.url) for s in servers]

        async def one(n: int) -> None:
            try:
                acknowledged.append(await choose(clients[n % 2], n))
                outcomes.append(".")
            except httpx.HTTPStatusError as error:
                assert error.response.status_code == 503, error.response.text
                assert COOKIE not in error.response.headers.get("set-cookie", "")
                outcomes.append("x")
            page = await clients[n % 2].get("/", headers={"accept": "text/html"})
            pages.append(page.status_code)

        async def burst(start: int) -> None:
            await asyncio.gather(*(one(start + n) for n in range(20)))

        await burst(0)
        own_cluster.stop("fast")
        down_from = len(outcomes)
        for k in range(3):
            await burst(100 * (k + 1))
        down_to = len(outcomes)
        state = await clients[0].get(f"{PREFIX}/consent")
        own_cluster.start()
        deadline = time.monotonic() + 30
        k = 10
        while outcomes[-20:] != ["."] * 20:
            assert time.monotonic() < deadline, "the store did not recover: " + "".join(outcomes)
            await burst(100 * k)
            k += 1
        for c in clients:
            await c.aclose()
        log = "".join(s.log for s in servers)
    stored = set(rows(url))
    record_figures(
        "PostgreSQL stopped and restarted under two instances",
        [
            "sequence: " + "".join(outcomes),
            "log: " + next((x.strip() for x in log.splitlines() if "consent records at" in x), ""),
        ],
    )
    assert outcomes[:20] == ["."] * 20
    assert set(outcomes[down_from:down_to]) == {"x"}
    assert set(pages) == {200}
    assert state.json()["decided"] is False
    assert "could not be stored" in log
    assert "Connection refused" in log or "terminating connection" in log, log[-3000:]
    assert set(acknowledged) <= stored
