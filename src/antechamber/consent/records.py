"""Consent records: proof of each choice (GDPR Art. 7(1): the controller must be able to show it).

A store writes with `await store.record(rec)`, which returns only once the record is durable; the
middleware confirms a choice to the visitor only after that. It also reads them back for the people
who answer regulators (`history`, `between`, `stats`) and deletes what is kept too long
(`delete_older_than`; `retention_days` does it by itself once a day). Stores:

- `LoggingConsentStore`: one structured record per choice on the logger `antechamber.consent`;
- `SQLiteConsentStore` (`sqlite:///path`): a SQLite file, one writer thread, group commits;
- `PostgresConsentStore` (`postgresql://...`): a PostgreSQL database shared by many instances,
  installed with the extra `antechamber[postgres]`.

Both databases keep the table `consent_records` with the same columns, and the table
`consent_records_schema` with one row per schema version applied (for later migrations).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "ConsentRecord",
    "ConsentStore",
    "ConsentStoreError",
    "DayStats",
    "LoggingConsentStore",
    "open_store",
]

logger = logging.getLogger("antechamber.consent")

SCHEMA_VERSION = 1
# The columns every store keeps, in this order (SELECTs and INSERTs use it).
COLUMNS = (
    "consent_id",
    "recorded_at",
    "action",
    "revision",
    "categories",
    "partners",
    "gpc",
    "ip_hash",
    "banner_hash",
    "locale",
    "user_agent",
)
PAGE_SIZE = 1000  # rows per round trip when streaming or deleting
PURGE_INTERVAL = 24 * 3600.0  # retention runs at most once a day


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    """One choice, as recorded: who (a pseudonymous id), when, what, under which banner."""

    consent_id: str
    recorded_at: str  # UTC, ISO 8601
    action: str
    revision: int
    categories: dict[str, bool]
    partners: dict[str, bool]
    gpc: bool
    ip_hash: str | None = None
    banner_hash: str | None = None
    locale: str | None = None
    user_agent: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class DayStats:
    """The choices of one UTC day: how many, by action, and how many granted each key."""

    day: date
    choices: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    partners: Counter[str] = field(default_factory=Counter)


class ConsentStoreError(Exception):
    """A record could not be stored or read; a choice must not be confirmed."""


@runtime_checkable
class ConsentStore(Protocol):
    """Where consent records go, and where they are read back from. Plug in your own with
    `CookieConsentMiddleware(app, store=...)`.

    `record` returns once the record is durable, or raises (then the visitor is told the choice
    was not saved). Every other failure is a `ConsentStoreError` naming its cause. `open` is
    called at lifespan startup (a store must also work without it) and `close` at shutdown.
    """

    async def open(self) -> None: ...

    async def record(self, rec: ConsentRecord) -> None: ...

    async def history(self, consent_id: str) -> list[ConsentRecord]:
        """One visitor's records, newest first."""
        ...

    def between(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> AsyncIterator[ConsentRecord]:
        """Records with `since <= recorded_at < until`, oldest first, streamed in pages."""
        ...

    async def count_older_than(self, cutoff: datetime) -> int: ...

    async def delete_older_than(self, cutoff: datetime) -> int:
        """Delete records from before `cutoff`; returns how many."""
        ...

    async def stats(self, since: datetime | None = None) -> list[DayStats]:
        """Choices per UTC day since `since`, oldest day first."""
        ...

    async def close(self) -> None: ...


class LoggingConsentStore:
    """Records as log lines on `antechamber.consent` (message: the record as JSON; the record
    is also attached as `record.consent` for structured handlers). It cannot read them back:
    your log system keeps them."""

    def __init__(self, logger_: logging.Logger = logger) -> None:
        self.logger = logger_

    async def open(self) -> None:
        pass

    async def record(self, rec: ConsentRecord) -> None:
        data = rec.as_dict()
        self.logger.info("consent %s", json.dumps(data, sort_keys=True), extra={"consent": data})

    async def history(self, consent_id: str) -> list[ConsentRecord]:
        raise self._unreadable()

    async def between(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> AsyncIterator[ConsentRecord]:
        raise self._unreadable()
        yield  # an async generator, like the other stores' (unreachable)

    async def count_older_than(self, cutoff: datetime) -> int:
        raise self._unreadable()

    async def delete_older_than(self, cutoff: datetime) -> int:
        raise self._unreadable()

    async def stats(self, since: datetime | None = None) -> list[DayStats]:
        raise self._unreadable()

    async def close(self) -> None:
        pass

    @staticmethod
    def _unreadable() -> ConsentStoreError:
        return ConsentStoreError(
            "consent.log='logging' writes records to the log and cannot read them back; "
            "use a sqlite:/// or postgresql:// store"
        )


def utc_iso(moment: datetime) -> str:
    """A datetime as the stores write `recorded_at` (UTC, ISO 8601); naive means UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def row_values(rec: ConsentRecord) -> tuple[Any, ...]:
    """A record as the values of `COLUMNS` (categories and partners as JSON text)."""
    return (
        rec.consent_id,
        rec.recorded_at,
        rec.action,
        rec.revision,
        json.dumps(rec.categories, sort_keys=True),
        json.dumps(rec.partners, sort_keys=True),
        rec.gpc,
        rec.ip_hash,
        rec.banner_hash,
        rec.locale,
        rec.user_agent,
    )


def from_row(row: tuple[Any, ...]) -> ConsentRecord:
    """A record from the values of `COLUMNS` as a database returns them."""
    consent_id, recorded_at, action, revision, categories, partners, gpc, *rest = row
    if isinstance(recorded_at, datetime):
        recorded_at = utc_iso(recorded_at)
    ip_hash, banner_hash, locale, user_agent = rest
    return ConsentRecord(
        consent_id=consent_id,
        recorded_at=recorded_at,
        action=action,
        revision=int(revision),
        categories=json.loads(categories),
        partners=json.loads(partners),
        gpc=bool(gpc),
        ip_hash=ip_hash,
        banner_hash=banner_hash,
        locale=locale,
        user_agent=user_agent,
    )


async def tally(records: AsyncIterator[ConsentRecord]) -> list[DayStats]:
    """Choices per UTC day, streamed: memory grows with the number of days, not of records.
    (For a store of your own that cannot count in its database; the built-in stores do.)"""
    days: dict[date, DayStats] = {}
    async for rec in records:
        day = date.fromisoformat(rec.recorded_at[:10])
        stats = days.get(day)
        if stats is None:
            stats = days[day] = DayStats(day)
        stats.choices += 1
        stats.actions[rec.action] += 1
        stats.categories.update(key for key, granted in rec.categories.items() if granted)
        stats.partners.update(key for key, granted in rec.partners.items() if granted)
    return [days[day] for day in sorted(days)]


def assemble(
    actions: Iterable[tuple[Any, str, int]],
    categories: Iterable[tuple[Any, str, int]],
    partners: Iterable[tuple[Any, str, int]],
) -> list[DayStats]:
    """DayStats from (day, key, count) rows counted by a database (day: a date or ISO text)."""
    days: dict[date, DayStats] = {}

    def day_of(value: Any) -> DayStats:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
        stats = days.get(day)
        if stats is None:
            stats = days[day] = DayStats(day)
        return stats

    for value, action, count in actions:
        stats = day_of(value)
        stats.actions[action] += int(count)
        stats.choices += int(count)
    for value, key, count in categories:
        day_of(value).categories[key] += int(count)
    for value, key, count in partners:
        day_of(value).partners[key] += int(count)
    return [days[day] for day in sorted(days)]


def retention_cutoff(days: int, now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) - timedelta(days=days)


def open_store(log: str | None, *, retention_days: int | None = None) -> ConsentStore | None:
    """The store a `consent.log` setting names (None: records are off)."""
    if log is None:
        return None
    if log == "logging":
        return LoggingConsentStore()
    if log.startswith("sqlite:///") and len(log) > len("sqlite:///"):
        from antechamber.consent.sqlite_store import SQLiteConsentStore

        return SQLiteConsentStore(log.removeprefix("sqlite:///"), retention_days=retention_days)
    if log.startswith(("postgresql://", "postgres://")):
        from antechamber.consent.postgres_store import PostgresConsentStore

        return PostgresConsentStore(log, retention_days=retention_days)
    raise ValueError(
        "log must be None, 'logging', 'sqlite:///path/to/file.db' or "
        f"'postgresql://user:password@host:5432/database'; got {log!r}"
    )
