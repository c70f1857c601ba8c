"""Consent records: one per choice, durable before the choice is confirmed."""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from pathlib import Path

import anyio
import pytest
from consent_helpers import Clock, choose, client, consent_cookie, cookie_header, make_app

from antechamber.consent import ConsentRecord, SQLiteConsentStore

pytestmark = pytest.mark.anyio

CONTRACT_COLUMNS = {
    "consent_id",
    "recorded_at",
    "action",
    "revision",
    "categories",
    "partners",
    "gpc",
}


def rows(path: Path) -> list[sqlite3.Row]:
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        return db.execute("SELECT * FROM consent_records ORDER BY id").fetchall()


async def test_logging_writes_one_structured_record_per_choice(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="antechamber.consent")
    async with client(make_app(log="logging")) as c:
        response = await choose(c, "save", categories=["analytics"], headers={"sec-gpc": "1"})
        await c.get("/")
    (record,) = [r for r in caplog.records if r.name == "antechamber.consent"]
    data = record.consent  # type: ignore[attr-defined]
    assert set(data) >= CONTRACT_COLUMNS
    assert data["consent_id"] == response.json()["consent_id"]
    assert data["action"] == "save"
    assert data["categories"]["analytics"] is True
    assert data["gpc"] is True
    assert json.loads(record.getMessage().removeprefix("consent ")) == data


async def test_sqlite_keeps_every_choice_with_the_contract_columns(tmp_path: Path) -> None:
    path = tmp_path / "consent.db"
    app = make_app(log=f"sqlite:///{path}", clock=Clock(1_700_000_000.5))
    async with client(app) as c:
        first = await choose(c, "accept_all", headers={"user-agent": "Test/1.0"})
        await choose(c, "reject_all", headers=cookie_header(consent_cookie(first)))
    stored = rows(path)
    assert [r["action"] for r in stored] == ["accept_all", "reject_all"]
    assert set(stored[0].keys()) >= CONTRACT_COLUMNS
    first_row = stored[0]
    assert first_row["consent_id"] == first.json()["consent_id"]
    assert stored[1]["consent_id"] == first_row["consent_id"]  # one visitor, one history
    assert first_row["recorded_at"] == "2023-11-14T22:13:20.500000+00:00"
    assert first_row["revision"] == 1
    assert json.loads(first_row["categories"])["advertising"] is True
    assert json.loads(stored[1]["categories"])["advertising"] is False
    assert json.loads(first_row["partners"]) == {
        "google_analytics": True,
        "meta_pixel": True,
        "youtube": True,
    }
    assert first_row["gpc"] == 0
    assert first_row["user_agent"] == "Test/1.0"
    assert len(first_row["ip_hash"]) == 64 and "127.0.0.1" not in first_row["ip_hash"]
    assert len(first_row["banner_hash"]) == 64
    assert first_row["locale"] == "en"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_the_banner_hash_changes_with_the_banner_text(tmp_path: Path) -> None:
    hashes = []
    for text in ("We use cookies.", "We use many cookies."):
        path = tmp_path / f"{len(text)}.db"
        async with client(make_app(log=f"sqlite:///{path}", banner_text=text)) as c:
            await choose(c, "accept_all")
        hashes.append(rows(path)[0]["banner_hash"])
    assert hashes[0] != hashes[1]


async def test_200_concurrent_choices_are_all_recorded(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    app = make_app(log=f"sqlite:///{path}")
    statuses: list[int] = []
    actions = ["accept_all", "reject_all", "save"]

    async with client(app) as c:

        async def one(i: int) -> None:
            response = await choose(c, actions[i % 3], categories=["analytics"])
            statuses.append(response.status_code)

        async with anyio.create_task_group() as group:
            for i in range(200):
                group.start_soon(one, i)

    assert statuses == [200] * 200
    stored = rows(path)
    assert len(stored) == 200
    assert len({r["consent_id"] for r in stored}) == 200
    assert sorted(r["action"] for r in stored) == sorted(actions[i % 3] for i in range(200))


async def test_two_stores_on_one_file_do_not_lose_records(tmp_path: Path) -> None:
    # Two workers of one site, each with its own writer thread.
    path = tmp_path / "shared.db"
    apps = [make_app(log=f"sqlite:///{path}") for _ in range(2)]

    async def burst(app: object) -> None:
        async with client(app) as c, anyio.create_task_group() as group:
            for _ in range(50):
                group.start_soon(choose, c, "accept_all")

    async with anyio.create_task_group() as group:
        for app in apps:
            group.start_soon(burst, app)
    assert len(rows(path)) == 100


@pytest.mark.parametrize("broken", ["not a database", "a directory"])
async def test_a_failing_store_refuses_to_confirm_the_choice(
    tmp_path: Path, broken: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "broken.db"
    if broken == "a directory":
        path.mkdir()
    else:
        path.write_bytes(b"this is not a SQLite file" * 100)
    app = make_app(log=f"sqlite:///{path}")
    async with client(app) as c:
        as_json = await choose(c, "accept_all")
        as_form = await c.post("/_antechamber/consent", data={"action": "accept_all"})
        page = await c.get("/")
        preferences = await c.get("/_antechamber/preferences")
    for response in (as_json, as_form):
        assert response.status_code == 503
        assert "set-cookie" not in response.headers
        assert "could not be recorded" in response.text
    assert "error" in as_json.json()
    # The site keeps serving, and still asks.
    assert page.status_code == 200 and "ac-banner" in page.text
    assert preferences.status_code == 200
    errors = [r for r in caplog.records if r.name == "antechamber.consent" and r.levelno >= 40]
    assert len(errors) == 2
    assert "could not be stored" in errors[0].getMessage()


async def test_the_store_recovers_once_the_database_is_usable_again(tmp_path: Path) -> None:
    path = tmp_path / "later.db"
    path.mkdir()
    app = make_app(log=f"sqlite:///{path}")
    async with client(app) as c:
        assert (await choose(c, "accept_all")).status_code == 503
        path.rmdir()
        assert (await choose(c, "accept_all")).status_code == 200
    assert len(rows(path)) == 1


async def test_the_store_can_be_used_on_its_own_and_closed(tmp_path: Path) -> None:
    path = tmp_path / "direct.db"
    store = SQLiteConsentStore(str(path))
    record = ConsentRecord(
        consent_id="abc",
        recorded_at="2024-01-01T00:00:00+00:00",
        action="reject_all",
        revision=3,
        categories={"necessary": True, "analytics": False},
        partners={},
        gpc=False,
    )
    await store.record(record)
    await store.close()
    await store.record(record)  # a closed store starts its writer again when needed
    await store.close()
    assert [r["revision"] for r in rows(path)] == [3, 3]


async def test_the_store_is_closed_at_lifespan_shutdown(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    path = tmp_path / "lifespan.db"
    store = SQLiteConsentStore(str(path))
    with TestClient(make_app(store=store)) as c:
        response = c.post("/_antechamber/consent", json={"action": "accept_all"})
        assert response.status_code == 200
        writer = store._thread
        assert writer is not None and writer.is_alive()
    assert not writer.is_alive()
    assert len(rows(path)) == 1


FILL_THE_DISK = """
import asyncio, resource, sys
from antechamber.consent import ConsentRecord, ConsentStoreError, SQLiteConsentStore

# No file this process writes may grow past 64 KB (Python ignores SIGXFSZ: writes fail with
# EFBIG, which SQLite reports as a full disk or an I/O error).
resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

async def main() -> None:
    store = SQLiteConsentStore(sys.argv[1])
    for n in range(5000):
        record = ConsentRecord(
            f"id{n}", "2024-01-01T00:00:00+00:00", "accept_all", 1,
            {"necessary": True}, {}, False, user_agent="x" * 400,
        )
        try:
            await store.record(record)
        except ConsentStoreError as error:
            print(error)
            break
    await store.close()

asyncio.run(main())
"""


def test_the_first_failure_names_the_real_cause_not_the_rollback(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", FILL_THE_DISK, str(tmp_path / "full.db")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    message = done.stdout.strip()
    assert message.startswith("could not write consent record to"), done
    assert "rollback" not in message
    assert "disk" in message  # "database or disk is full" / "disk I/O error"


@pytest.mark.parametrize("days", [0, -3, True, "a month", 1.5])
def test_retention_days_must_be_a_positive_whole_number(days: object) -> None:
    with pytest.raises(ValueError, match="retention_days"):
        make_app(log="logging", retention_days=days)


def test_retention_days_deletes_old_records_when_the_site_starts(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from starlette.testclient import TestClient

    path = tmp_path / "kept.db"
    now = datetime.now(UTC)
    with sqlite3.connect(path) as db:  # records left by an earlier version of the site
        db.execute(
            "CREATE TABLE consent_records (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "consent_id TEXT NOT NULL, recorded_at TEXT NOT NULL, action TEXT NOT NULL, "
            "revision INTEGER NOT NULL, categories TEXT NOT NULL, partners TEXT NOT NULL, "
            "gpc INTEGER NOT NULL, ip_hash TEXT, banner_hash TEXT, locale TEXT, user_agent TEXT)"
        )
        for consent_id, age in (("old", 400), ("kept", 300)):
            db.execute(
                "INSERT INTO consent_records (consent_id, recorded_at, action, revision, "
                "categories, partners, gpc) VALUES (?, ?, 'accept_all', 1, '{}', '{}', 0)",
                (consent_id, (now - timedelta(days=age)).isoformat()),
            )
    with TestClient(make_app(log=f"sqlite:///{path}", retention_days=365)):
        deadline = time.monotonic() + 10
        while len(rows(path)) > 1:  # deleted in the background, not on a request's time
            assert time.monotonic() < deadline, "old records were not deleted"
            time.sleep(0.05)
    assert [r["consent_id"] for r in rows(path)] == ["kept"]


@pytest.mark.parametrize(
    ("language", "label", "day"),
    [
        ("en", "Your consent ID", "November 14, 2023"),
        ("de", "Ihre Einwilligungs-ID", "14. November 2023"),
        ("uk", "Ваш ідентифікатор згоди", "14 листопада 2023\u202fр."),  # CLDR: narrow nbsp
    ],
)
async def test_the_preferences_page_shows_the_consent_id_and_the_last_choice(
    tmp_path: Path, language: str, label: str, day: str
) -> None:
    app = make_app(log=f"sqlite:///{tmp_path / 'c.db'}", clock=Clock(1_700_000_000.5))
    async with client(app) as c:
        undecided = await c.get("/_antechamber/preferences")
        chosen = await choose(c, "reject_all")
        page = await c.get(
            "/_antechamber/preferences",
            headers={**cookie_header(consent_cookie(chosen)), "accept-language": language},
        )
    consent_id = chosen.json()["consent_id"]
    assert "ac-consent-id" not in undecided.text
    text = page.text
    assert f'<code class="ac-consent-id">{consent_id}</code>' in text
    assert label in text
    assert f'<time datetime="2023-11-14">{day}</time>' in text
    # The id shown is the one the records know this visitor by.
    assert [r["consent_id"] for r in rows(tmp_path / "c.db")] == [consent_id]
