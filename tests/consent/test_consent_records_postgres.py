"""Consent records in a real PostgreSQL server, through the middleware."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time

import anyio
import psycopg
import pytest
from consent_helpers import Clock, choose, client, consent_cookie, cookie_header, make_app
from starlette.testclient import TestClient

from antechamber.settings import Settings
from postgres_cluster import Cluster

pytestmark = pytest.mark.anyio


def rows(url: str) -> list[dict[str, object]]:
    with psycopg.connect(url) as conn:
        cursor = conn.execute("SELECT * FROM consent_records ORDER BY id")
        names = [c.name for c in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def connections_to(cluster: Cluster, url: str) -> int:
    database = url.rsplit("/", 1)[1]
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (database,)
        ).fetchone()
    return int(row[0]) if row else 0


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
async def test_choices_are_committed_with_the_contract_columns(
    postgres_database: str, scheme: str
) -> None:
    url = postgres_database.replace("postgresql://", f"{scheme}://")
    app = make_app(log=url, clock=Clock(1_700_000_000.5))
    async with client(app) as c:
        first = await choose(c, "accept_all", headers={"user-agent": "Test/1.0"})
        # Confirmed means committed: another connection sees the row before the next request.
        assert [r["action"] for r in rows(postgres_database)] == ["accept_all"]
        await choose(c, "reject_all", headers=cookie_header(consent_cookie(first)))
    stored = rows(postgres_database)
    assert [r["consent_id"] for r in stored] == [first.json()["consent_id"]] * 2
    assert stored[0]["recorded_at"].isoformat() == "2023-11-14T22:13:20.500000+00:00"  # type: ignore[attr-defined]
    assert json.loads(str(stored[1]["categories"]))["advertising"] is False
    assert stored[0]["gpc"] is False and stored[0]["revision"] == 1
    with psycopg.connect(postgres_database) as conn:
        assert conn.execute("SELECT version FROM consent_records_schema").fetchall() == [(1,)]


async def test_300_concurrent_choices_are_all_recorded(postgres_database: str) -> None:
    statuses: list[int] = []
    async with client(make_app(log=postgres_database)) as c:

        async def one() -> None:
            statuses.append((await choose(c, "save", categories=["analytics"])).status_code)

        async with anyio.create_task_group() as group:
            for _ in range(300):
                group.start_soon(one)
    assert statuses == [200] * 300
    assert len({r["consent_id"] for r in rows(postgres_database)}) == 300


async def test_a_refusing_database_gets_503_without_cookie_and_recovers(
    postgres_cluster: Cluster, caplog: pytest.LogCaptureFixture
) -> None:
    # A database that does not exist yet: the server answers, and refuses.
    url = postgres_cluster.url("not_created_yet")
    async with client(make_app(log=url)) as c:
        refused = await choose(c, "accept_all")
        page = await c.get("/")
        assert refused.status_code == 503
        assert "set-cookie" not in refused.headers
        assert "could not be recorded" in refused.json()["error"]
        assert page.status_code == 200 and "ac-banner" in page.text
        errors = [r for r in caplog.records if r.name == "antechamber.consent" and r.exc_info]
        assert errors, "the failure was not logged"
        cause = str(errors[0].exc_info[1])  # type: ignore[index]
        assert 'database "not_created_yet" does not exist' in cause
        assert "antechamber@127.0.0.1" in cause

        with psycopg.connect(postgres_cluster.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE not_created_yet")
        try:
            deadline = time.monotonic() + 30
            while (response := await choose(c, "accept_all")).status_code != 200:
                assert time.monotonic() < deadline, "the store did not recover"
                await anyio.sleep(0.5)
            assert "antechamber_consent=" in response.headers["set-cookie"]
        finally:
            await anyio.sleep(0)
    postgres_cluster.drop_database(url)


def test_the_pool_is_closed_at_lifespan_shutdown(
    postgres_cluster: Cluster, postgres_database: str
) -> None:
    with TestClient(make_app(log=postgres_database)) as c:
        assert c.post("/_antechamber/consent", json={"action": "accept_all"}).status_code == 200
        assert connections_to(postgres_cluster, postgres_database) >= 1
    deadline = time.monotonic() + 10
    while connections_to(postgres_cluster, postgres_database):
        assert time.monotonic() < deadline, "connections left open after shutdown"
        time.sleep(0.1)
    assert len(rows(postgres_database)) == 1


def test_a_missing_psycopg_is_a_start_up_error_naming_the_extra() -> None:
    script = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from antechamber.consent import CookieConsentMiddleware\n"
        "from antechamber.settings import Settings\n"
        "settings = Settings(secret_key='k' * 32, consent={'log': 'postgresql://db/site'})\n"
        "CookieConsentMiddleware(None, settings=settings)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: consent.log names a PostgreSQL database")
    assert "pip install 'antechamber[postgres]'" in last


@pytest.mark.parametrize("log", ["postgresql://u@h/db", "postgres://h:5432/db"])
def test_settings_accept_postgresql_urls(log: str) -> None:
    assert Settings(secret_key="k" * 32, consent={"log": log}).consent.log == log


def test_settings_reject_other_database_urls() -> None:
    with pytest.raises(ValueError, match=r"log must be .*postgresql://.*got 'mysql://h/db'"):
        Settings(secret_key="k" * 32, consent={"log": "mysql://h/db"})


async def test_records_log_no_password(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    async with client(make_app(log="postgresql://site:s3cret@127.0.0.1:1/db")) as c:
        assert (await choose(c, "accept_all")).status_code == 503
    text = "\n".join(str(r.exc_info[1]) for r in caplog.records if r.exc_info)
    assert "Connection refused" in text or "connection refused" in text.lower()
    assert "s3cret" not in text and "site:***@127.0.0.1:1" in text
