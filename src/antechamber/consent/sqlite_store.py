"""The SQLite consent store: one file, one writer thread, group commits."""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from antechamber.consent.records import (
    COLUMNS,
    PAGE_SIZE,
    SCHEMA_VERSION,
    ConsentRecord,
    ConsentStoreError,
    DayStats,
    assemble,
    from_row,
    row_values,
    utc_iso,
)
from antechamber.consent.retention import Retention

__all__ = ["SQLiteConsentStore"]

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS consent_records (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        consent_id TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        action TEXT NOT NULL,
        revision INTEGER NOT NULL,
        categories TEXT NOT NULL,
        partners TEXT NOT NULL,
        gpc INTEGER NOT NULL,
        ip_hash TEXT,
        banner_hash TEXT,
        locale TEXT,
        user_agent TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS consent_records_consent_id ON consent_records (consent_id, id)",
    "CREATE INDEX IF NOT EXISTS consent_records_recorded_at ON consent_records (recorded_at, id)",
    """CREATE TABLE IF NOT EXISTS consent_records_schema (
        version INTEGER PRIMARY KEY,
        applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
    )""",
    f"INSERT OR IGNORE INTO consent_records_schema (version) VALUES ({SCHEMA_VERSION})",  # noqa: S608
)
_SELECT = f"SELECT id, {', '.join(COLUMNS)} FROM consent_records"  # noqa: S608 (constants)
_INSERT = (
    f"INSERT INTO consent_records ({', '.join(COLUMNS)}) "  # noqa: S608 (constants)
    f"VALUES ({', '.join('?' * len(COLUMNS))})"
)
_BATCH = 256
_T = TypeVar("_T")
_Job = tuple[ConsentRecord, asyncio.Future[None], asyncio.AbstractEventLoop]


class SQLiteConsentStore:
    """Records in the SQLite table `consent_records`, one writer thread, group commits.

        store = SQLiteConsentStore("/var/lib/site/consent.db")
        await store.record(rec)   # returns after COMMIT (WAL, synchronous=FULL)
        await store.close()

    The file and tables are created on first use. If the database cannot be opened or written,
    `record` raises `ConsentStoreError` naming the cause (and the next record tries to open it
    again). The path is what follows `sqlite:///` in the setting, so `sqlite:///consent.db` is
    relative to the working directory and `sqlite:////var/lib/site/consent.db` absolute
    (SQLAlchemy's convention). Reads and deletions use connections of their own in worker
    threads; WAL lets them run beside the writer.
    """

    def __init__(self, path: str, *, retention_days: int | None = None) -> None:
        self.path = path
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.retention = Retention(retention_days, self.delete_older_than)

    def __repr__(self) -> str:
        return f"SQLiteConsentStore({self.path!r})"

    async def open(self) -> None:
        self.retention.poke()

    async def record(self, rec: ConsentRecord) -> None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._lock:
            # Under the lock, so that a writer leaving at close() cannot strand the record.
            self._queue.put((rec, future, loop))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="antechamber-consent-sqlite", daemon=True
                )
                self._thread.start()
        self.retention.poke()
        # Shielded: a client that disconnects must not cancel the wait for a commit under way.
        await asyncio.shield(future)

    async def history(self, consent_id: str) -> list[ConsentRecord]:
        rows = await self._read(
            lambda db: db.execute(
                f"{_SELECT} WHERE consent_id = ? ORDER BY id DESC", (consent_id,)
            ).fetchall()
        )
        return [from_row(row[1:]) for row in rows]

    async def between(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> AsyncIterator[ConsentRecord]:
        # Keyset pages on (recorded_at, id): each page is one short query on the index.
        after: tuple[str, int] = (utc_iso(since) if since else "", 0)
        end = utc_iso(until) if until else "~"  # "~" sorts after any ISO date

        def page(db: sqlite3.Connection) -> list[Any]:
            return db.execute(
                f"{_SELECT} WHERE (recorded_at, id) > (?, ?) AND recorded_at < ? "
                "ORDER BY recorded_at, id LIMIT ?",
                (*after, end, PAGE_SIZE),
            ).fetchall()

        while True:
            rows = await self._read(page)
            for row in rows:
                yield from_row(row[1:])
            if len(rows) < PAGE_SIZE:
                return
            after = (rows[-1][2], rows[-1][0])

    async def count_older_than(self, cutoff: datetime) -> int:
        count: int = (
            await self._read(
                lambda db: db.execute(
                    "SELECT count(*) FROM consent_records WHERE recorded_at < ?",
                    (utc_iso(cutoff),),
                ).fetchone()
            )
        )[0]
        return count

    async def delete_older_than(self, cutoff: datetime) -> int:
        # In pages, each its own short transaction: the writer thread is never held up long.
        def page(db: sqlite3.Connection) -> int:
            with db:
                cursor = db.execute(
                    "DELETE FROM consent_records WHERE id IN (SELECT id FROM consent_records "
                    "WHERE recorded_at < ? ORDER BY recorded_at LIMIT ?)",
                    (utc_iso(cutoff), PAGE_SIZE),
                )
            return cursor.rowcount

        deleted = 0
        while True:
            count = await self._read(page)
            deleted += count
            if count < PAGE_SIZE:
                return deleted

    async def stats(self, since: datetime | None = None) -> list[DayStats]:
        # Counted by SQLite (json_each), not by streaming every record through Python.
        start = utc_iso(since) if since else ""

        def count(db: sqlite3.Connection) -> list[list[Any]]:
            day = "substr(recorded_at, 1, 10)"
            queries = [
                f"SELECT {day}, action, count(*) FROM consent_records "  # noqa: S608
                "WHERE recorded_at >= ? GROUP BY 1, 2",
                *(
                    f"SELECT {day}, j.key, count(*) FROM consent_records, "  # noqa: S608
                    f"json_each(consent_records.{column}) AS j "
                    "WHERE recorded_at >= ? AND j.value = 1 GROUP BY 1, 2"
                    for column in ("categories", "partners")
                ),
            ]
            return [db.execute(query, (start,)).fetchall() for query in queries]

        return assemble(*await self._read(count))

    async def close(self) -> None:
        """Write what is queued, then stop the writer; a later `record` starts it again."""
        await self.retention.stop()
        await asyncio.to_thread(self.stop_writer)

    def stop_writer(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
            if thread is not None:
                self._queue.put(None)
        if thread is not None:
            thread.join(timeout=10)

    # -- the database -----------------------------------------------------------------------------

    def _connect(self, *, create: bool = True) -> sqlite3.Connection:
        if create:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        else:
            # Reading never creates a file: a mistyped path is an error, not an empty store.
            uri = Path(self.path).absolute().as_uri() + "?mode=rw"
            connection = sqlite3.connect(uri, timeout=30, isolation_level=None, uri=True)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            # FULL: a confirmed choice survives a power cut, not just a crash of the process.
            connection.execute("PRAGMA synchronous=FULL")
            if create or not _has_tables(connection):
                for statement in _SCHEMA:
                    connection.execute(statement)
        except BaseException:
            connection.close()
            raise
        return connection

    async def _read(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        def run() -> _T:
            db = self._connect(create=False)
            db.isolation_level = "DEFERRED"  # `with db:` wraps deletions in a transaction
            try:
                return work(db)
            finally:
                db.close()

        try:
            return await asyncio.to_thread(run)
        except sqlite3.Error as error:
            raise ConsentStoreError(f"consent records at {self.path!r}: {error}") from error

    def _run(self) -> None:
        connection: sqlite3.Connection | None = None
        while True:
            item = self._queue.get()
            if item is None:
                break
            batch = [item]
            stop = False
            while len(batch) < _BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
            error: Exception | None = None
            try:
                if connection is None:
                    connection = self._connect()
                _write(connection, [row_values(rec) for rec, _, _ in batch])
            except Exception as exc:
                error = exc
                if connection is not None:
                    connection.close()
                    connection = None
            for _, future, loop in batch:
                # RuntimeError: that event loop is gone, and nobody waits for the answer.
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(_settle, future, error, self.path)
            if stop:
                break
        if connection is not None:
            connection.close()


def _has_tables(connection: sqlite3.Connection) -> bool:
    names = {"consent_records", "consent_records_schema"}
    found = connection.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)", tuple(names)
    ).fetchone()[0]
    return bool(found == len(names))


def _write(connection: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.executemany(_INSERT, rows)
        connection.execute("COMMIT")
    except BaseException:
        # SQLite has already rolled back by itself after some errors (a full disk, an I/O
        # error); a ROLLBACK then fails with "no transaction is active" and would hide the cause.
        if connection.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
        raise


def _settle(future: asyncio.Future[None], error: Exception | None, path: str) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(
            ConsentStoreError(f"could not write consent record to {path!r}: {error}")
        )
