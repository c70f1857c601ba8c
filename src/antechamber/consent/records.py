"""Consent records: proof of each choice (GDPR Art. 7(1): the controller must be able to show it).

A store has one job, `await store.record(rec)`, which returns only once the record is durable; the
middleware confirms a choice to the visitor only after that. Stores:

- `LoggingConsentStore`: one structured record per choice on the logger `antechamber.consent`;
- `SQLiteConsentStore`: the table `consent_records` in a SQLite file, in WAL mode, written by one
  dedicated thread that commits whatever records are waiting in a single transaction, so that
  concurrent choices neither block the event loop nor fight over the write lock.

A PostgreSQL store (for sites with many instances) only needs the same two methods.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import queue
import sqlite3
import threading
from dataclasses import asdict, dataclass
from typing import Any, Protocol

__all__ = [
    "ConsentRecord",
    "ConsentStore",
    "ConsentStoreError",
    "LoggingConsentStore",
    "SQLiteConsentStore",
    "open_store",
]

logger = logging.getLogger("antechamber.consent")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS consent_records (
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
)
"""
_INSERT = (
    "INSERT INTO consent_records (consent_id, recorded_at, action, revision, categories, "
    "partners, gpc, ip_hash, banner_hash, locale, user_agent) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_BATCH = 256


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


class ConsentStoreError(Exception):
    """A record could not be stored; the choice must not be confirmed."""


class ConsentStore(Protocol):
    """Where consent records go. `record` returns once the record is durable, or raises."""

    async def record(self, rec: ConsentRecord) -> None: ...

    def close(self) -> None: ...


class LoggingConsentStore:
    """Records as log lines on `antechamber.consent` (message: the record as JSON; the record
    is also attached as `record.consent` for structured handlers)."""

    def __init__(self, logger_: logging.Logger = logger) -> None:
        self.logger = logger_

    async def record(self, rec: ConsentRecord) -> None:
        data = rec.as_dict()
        self.logger.info("consent %s", json.dumps(data, sort_keys=True), extra={"consent": data})

    def close(self) -> None:
        pass


class SQLiteConsentStore:
    """Records in the SQLite table `consent_records`, one writer thread, group commits.

        store = SQLiteConsentStore("/var/lib/site/consent.db")
        await store.record(rec)   # returns after COMMIT (WAL, synchronous=FULL)
        store.close()

    The file and table are created on first use. If the database cannot be opened or written,
    `record` raises `ConsentStoreError` (and the next record tries to open it again). The path is
    what follows `sqlite:///` in the setting, so `sqlite:///consent.db` is relative to the working
    directory and `sqlite:////var/lib/site/consent.db` absolute (SQLAlchemy's convention).
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._queue: queue.SimpleQueue[
            tuple[ConsentRecord, asyncio.Future[None], asyncio.AbstractEventLoop] | None
        ] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

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
        # Shielded: a client that disconnects must not cancel the wait for a commit under way.
        await asyncio.shield(future)

    def close(self) -> None:
        """Write what is queued, then stop the writer; a later `record` starts it again."""
        with self._lock:
            thread, self._thread = self._thread, None
            if thread is not None:
                self._queue.put(None)
        if thread is not None:
            thread.join(timeout=10)

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            # FULL: a confirmed choice survives a power cut, not just a crash of the process.
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute(_SCHEMA)
        except BaseException:
            connection.close()
            raise
        return connection

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
                connection.execute("BEGIN IMMEDIATE")
                try:
                    connection.executemany(_INSERT, [_row(rec) for rec, _, _ in batch])
                    connection.execute("COMMIT")
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
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


def _settle(future: asyncio.Future[None], error: Exception | None, path: str) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(
            ConsentStoreError(f"could not write consent record to {path!r}: {error}")
        )


def _row(rec: ConsentRecord) -> tuple[Any, ...]:
    return (
        rec.consent_id,
        rec.recorded_at,
        rec.action,
        rec.revision,
        json.dumps(rec.categories, sort_keys=True),
        json.dumps(rec.partners, sort_keys=True),
        int(rec.gpc),
        rec.ip_hash,
        rec.banner_hash,
        rec.locale,
        rec.user_agent,
    )


def open_store(log: str | None) -> ConsentStore | None:
    """The store a `log` setting names (None: records are off)."""
    if log is None:
        return None
    if log == "logging":
        return LoggingConsentStore()
    if log.startswith("sqlite:///"):
        return SQLiteConsentStore(log.removeprefix("sqlite:///"))
    raise ValueError(f"log must be None, 'logging' or 'sqlite:///path/to/file.db'; got {log!r}")
