"""What every consent store does, run against each real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest

from antechamber.consent import ConsentRecord, ConsentStore
from antechamber.consent.records import PAGE_SIZE, PURGE_INTERVAL, open_store

pytestmark = pytest.mark.anyio

DAY1 = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[ConsentStore]:
    opened = open_store(store_url)
    assert opened is not None
    yield opened
    await opened.close()


def record(
    consent_id: str,
    at: datetime,
    action: str = "accept_all",
    *,
    categories: dict[str, bool] | None = None,
    partners: dict[str, bool] | None = None,
    gpc: bool = False,
) -> ConsentRecord:
    return ConsentRecord(
        consent_id=consent_id,
        recorded_at=at.isoformat(),
        action=action,
        revision=2,
        categories=categories or {"necessary": True, "analytics": action == "accept_all"},
        partners=partners or {},
        gpc=gpc,
        ip_hash="ab" * 32,
        banner_hash="cd" * 32,
        locale="uk",
        user_agent="Mozilla/5.0 (test)",
    )


async def test_a_record_reads_back_exactly_as_written(store: ConsentStore) -> None:
    written = record(
        "visitor-1",
        DAY1.replace(microsecond=123456),
        "save",
        categories={"necessary": True, "analytics": False, "advertising": True},
        partners={"meta_pixel": True, "google_analytics": False},
        gpc=True,
    )
    await store.record(written)
    assert await store.history("visitor-1") == [written]


async def test_history_is_one_visitors_choices_newest_first(store: ConsentStore) -> None:
    await store.record(record("a", DAY1, "accept_all"))
    await store.record(record("b", DAY1 + timedelta(minutes=1), "reject_all"))
    await store.record(record("a", DAY1 + timedelta(hours=2), "reject_all"))
    await store.record(record("a", DAY1 + timedelta(days=3), "save"))
    history = await store.history("a")
    assert [r.action for r in history] == ["save", "reject_all", "accept_all"]
    assert await store.history("nobody") == []


async def test_between_streams_a_date_range_oldest_first(store: ConsentStore) -> None:
    # More than a page of records sharing one timestamp: pages must neither skip nor repeat.
    same_moment = [record(f"tie-{n}", DAY1 + timedelta(days=1)) for n in range(PAGE_SIZE + 7)]
    others = [record(f"day-{n}", DAY1 + timedelta(days=n)) for n in range(5)]
    await asyncio.gather(*(store.record(r) for r in same_moment + others))

    everything = [r async for r in store.between()]
    assert len(everything) == len(same_moment) + len(others)
    assert [r.recorded_at for r in everything] == sorted(r.recorded_at for r in everything)

    since, until = DAY1 + timedelta(days=1), DAY1 + timedelta(days=3)
    window = [r.consent_id async for r in store.between(since, until)]
    assert sorted(window) == sorted([r.consent_id for r in same_moment] + ["day-1", "day-2"])
    assert len(set(window)) == len(window)
    assert [r.consent_id async for r in store.between(since=DAY1 + timedelta(days=4))] == ["day-4"]
    assert [r async for r in store.between(until=DAY1)] == []


async def test_count_and_delete_older_than_a_cutoff(store: ConsentStore) -> None:
    await asyncio.gather(
        *(store.record(record(f"old-{n}", DAY1 - timedelta(days=400 + n))) for n in range(1500)),
        *(store.record(record(f"new-{n}", DAY1 - timedelta(days=n))) for n in range(10)),
    )
    cutoff = DAY1 - timedelta(days=365)
    assert await store.count_older_than(cutoff) == 1500
    assert await store.delete_older_than(cutoff) == 1500
    assert await store.count_older_than(cutoff) == 0
    assert len([r async for r in store.between()]) == 10
    assert await store.delete_older_than(cutoff) == 0


async def test_stats_count_choices_and_grants_per_day(store: ConsentStore) -> None:
    day2 = DAY1 + timedelta(days=1)
    await store.record(
        record("a", DAY1, "accept_all", categories={"analytics": True}, partners={"ga": True})
    )
    await store.record(
        record("b", DAY1 + timedelta(hours=3), "reject_all", categories={"analytics": False})
    )
    await store.record(
        record("c", day2, "save", categories={"analytics": True}, partners={"ga": False})
    )
    days = await store.stats()
    assert [d.day for d in days] == [date(2024, 3, 1), date(2024, 3, 2)]
    first, second = days
    assert (first.choices, dict(first.actions)) == (2, {"accept_all": 1, "reject_all": 1})
    assert first.categories["analytics"] == 1 and first.partners["ga"] == 1
    assert (second.choices, second.categories["analytics"], second.partners["ga"]) == (1, 1, 0)
    assert [d.day for d in await store.stats(since=day2)] == [date(2024, 3, 2)]


async def test_retention_deletes_old_records_by_itself_once_a_day(
    store: ConsentStore, store_url: str
) -> None:
    now = datetime.now(UTC)
    await store.record(record("ancient", now - timedelta(days=31)))
    await store.record(record("recent", now - timedelta(days=29)))
    keeping = open_store(store_url, retention_days=30)
    assert keeping is not None
    try:
        await keeping.open()  # at lifespan startup: a purge starts in the background
        retention = keeping.retention  # type: ignore[attr-defined]
        await retention.wait()
        assert [r.consent_id async for r in store.between()] == ["recent"]

        # Within the day, records do not start another purge...
        clock = [retention.last_run]
        retention.clock = lambda: clock[0]
        await keeping.record(record("ancient-2", now - timedelta(days=40)))
        await retention.wait()
        assert await store.count_older_than(now - timedelta(days=30)) == 1
        # ... a day later, the next one does.
        clock[0] += PURGE_INTERVAL
        await keeping.record(record("new", now))
        await retention.wait()
        assert await store.count_older_than(now - timedelta(days=30)) == 0
    finally:
        await keeping.close()
