"""The PostgreSQL consent store: one database shared by every instance of a site.

psycopg 3 and its async pool, installed by `pip install 'antechamber[postgres]'`. Writes are
batched (the records waiting when a writer is free go in one transaction) by at most `_WRITERS`
tasks on the event loop, so that nothing blocks it and a burst of choices costs a few commits.
The tables and the statements it runs are in `antechamber.consent.postgres_sql`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from antechamber.consent.postgres_sql import (
    EARLIEST,
    INSERT,
    LATEST,
    SCHEMA,
    SELECT,
    STATS,
    insert_values,
)
from antechamber.consent.records import (
    PAGE_SIZE,
    SCHEMA_VERSION,
    ConsentRecord,
    ConsentStoreError,
    DayStats,
    assemble,
    from_row,
)
from antechamber.consent.retention import Retention

if TYPE_CHECKING:
    import psycopg
    from psycopg_pool import AsyncConnectionPool

__all__ = ["PostgresConsentStore"]

_BATCH = 256
_WRITERS = 4  # concurrent batches, and the size of the pool
_WAIT = 3.0  # seconds a choice waits for a connection before the visitor is told it failed


def _require_psycopg() -> None:
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError as error:
        raise ImportError(
            "consent.log names a PostgreSQL database, which needs psycopg 3 and its pool: "
            f"pip install 'antechamber[postgres]' ({error})"
        ) from error


class PostgresConsentStore:
    """Records in the PostgreSQL table `consent_records`, through an async connection pool.

        store = PostgresConsentStore("postgresql://user:password@db.internal:5432/site")
        await store.record(rec)   # returns after COMMIT
        await store.close()       # at lifespan shutdown

    The tables are created when missing. If the database is down or refuses, `record` raises
    `ConsentStoreError` naming the cause within `_WAIT` seconds; the pool reconnects by itself
    when the database is back.
    """

    def __init__(self, url: str, *, retention_days: int | None = None) -> None:
        _require_psycopg()
        self.url = url
        self.display = _without_password(url)
        self.retention = Retention(retention_days, self.delete_older_than)
        self._pool: AsyncConnectionPool[Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._schema_ready = False
        self._schema_lock = asyncio.Lock()
        self._pending: list[tuple[ConsentRecord, asyncio.Future[None]]] = []
        self._writers: set[asyncio.Task[None]] = set()

    def __repr__(self) -> str:
        return f"PostgresConsentStore({self.display!r})"

    async def open(self) -> None:
        await self._get_pool()
        self.retention.poke()

    async def record(self, rec: ConsentRecord) -> None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._pending.append((rec, future))
        if len(self._writers) < _WRITERS:
            writer = loop.create_task(self._write_pending())
            self._writers.add(writer)
            writer.add_done_callback(self._writers.discard)
        self.retention.poke()
        # Shielded: a client that disconnects must not cancel the wait for a commit under way.
        await asyncio.shield(future)

    async def history(self, consent_id: str) -> list[ConsentRecord]:
        async with self._connection() as conn:
            cursor = await conn.execute(
                f"{SELECT} WHERE consent_id = %s ORDER BY id DESC", (consent_id,)
            )
            return [from_row(row[1:]) for row in await cursor.fetchall()]

    async def between(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> AsyncIterator[ConsentRecord]:
        # Keyset pages on (recorded_at, id): no transaction stays open while the caller works.
        after: tuple[datetime, int] = (since or EARLIEST, 0)
        while True:
            async with self._connection() as conn:
                cursor = await conn.execute(
                    f"{SELECT} WHERE (recorded_at, id) > (%s, %s) AND recorded_at < %s "
                    "ORDER BY recorded_at, id LIMIT %s",
                    (*after, until or LATEST, PAGE_SIZE),
                )
                rows = await cursor.fetchall()
            for row in rows:
                yield from_row(row[1:])
            if len(rows) < PAGE_SIZE:
                return
            after = (rows[-1][2], rows[-1][0])

    async def count_older_than(self, cutoff: datetime) -> int:
        async with self._connection() as conn:
            cursor = await conn.execute(
                "SELECT count(*) FROM consent_records WHERE recorded_at < %s", (cutoff,)
            )
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def delete_older_than(self, cutoff: datetime) -> int:
        # In pages, each its own short transaction, so that no lock is held for long.
        deleted = 0
        while True:
            async with self._connection() as conn:
                cursor = await conn.execute(
                    "DELETE FROM consent_records WHERE id IN (SELECT id FROM consent_records "
                    "WHERE recorded_at < %s ORDER BY recorded_at LIMIT %s)",
                    (cutoff, PAGE_SIZE),
                )
                count = cursor.rowcount
            deleted += count
            if count < PAGE_SIZE:
                return deleted

    async def stats(self, since: datetime | None = None) -> list[DayStats]:
        counted = []
        async with self._connection() as conn:
            for query in STATS:
                cursor = await conn.execute(query, (since or EARLIEST,))
                counted.append(await cursor.fetchall())
        return assemble(*counted)

    async def close(self) -> None:
        """Finish the batches under way, then close the pool; a later `record` opens a new one."""
        await self.retention.stop()
        if self._writers:
            await asyncio.gather(*self._writers, return_exceptions=True)
        pool, self._pool = self._pool, None
        if pool is not None and self._loop is asyncio.get_running_loop():
            await pool.close()

    # -- the database -----------------------------------------------------------------------------

    async def _get_pool(self) -> AsyncConnectionPool[Any]:
        from psycopg_pool import AsyncConnectionPool

        loop = asyncio.get_running_loop()
        if self._pool is None or self._loop is not loop:
            # A pool belongs to the event loop it was opened in (tests run one loop each).
            self._pool = AsyncConnectionPool(
                self.url,
                min_size=1,
                max_size=_WRITERS,
                open=False,
                timeout=_WAIT,
                check=AsyncConnectionPool.check_connection,
                kwargs={"connect_timeout": 5},
                name="antechamber-consent",
            )
            self._loop = loop
            self._schema_ready = False
            self._schema_lock = asyncio.Lock()
            # Without waiting: a database that is down must not stop the site from starting.
            await self._pool.open(wait=False)
        return self._pool

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        """A pooled connection in a transaction (committed at the end of the block); every
        failure becomes a `ConsentStoreError` naming its real cause."""
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            pool = await self._get_pool()
            async with pool.connection() as conn:
                if not self._schema_ready:
                    await self._create_schema(conn)
                async with conn.transaction():
                    yield conn
        except PoolTimeout as error:
            cause = await self._cause(error)
            raise ConsentStoreError(f"consent records at {self.display}: {cause}") from error
        except psycopg.Error as error:
            message = _one_line(error)
            raise ConsentStoreError(f"consent records at {self.display}: {message}") from error

    async def _create_schema(self, conn: psycopg.AsyncConnection[Any]) -> None:
        async with self._schema_lock:  # the other writers wait until the tables exist
            if self._schema_ready:
                return
            async with conn.transaction():
                for statement in SCHEMA:
                    await conn.execute(statement, (SCHEMA_VERSION,) if "%s" in statement else ())
            self._schema_ready = True

    async def _cause(self, timeout: Exception) -> str:
        """Why no pooled connection came: the pool only says it waited, so ask the server."""
        import psycopg

        try:
            conn = await psycopg.AsyncConnection.connect(self.url, connect_timeout=2)
        except psycopg.Error as error:
            return _one_line(error)
        await conn.close()
        return f"{timeout} (every pooled connection was busy)"

    async def _write_pending(self) -> None:
        while self._pending:
            batch = self._pending[:_BATCH]
            del self._pending[:_BATCH]
            error: Exception | None = None
            try:
                async with self._connection() as conn, conn.cursor() as cursor:
                    await cursor.executemany(INSERT, [insert_values(rec) for rec, _ in batch])
            except Exception as exc:
                error = exc
            for _, future in batch:
                if future.done():  # cancelled: its request is gone
                    continue
                # RuntimeError: that future's event loop is closed, and nobody waits for it.
                with contextlib.suppress(RuntimeError):
                    if error is None:
                        future.set_result(None)
                    else:
                        future.set_exception(
                            ConsentStoreError(f"could not write consent record: {error}")
                        )


def _one_line(error: Exception) -> str:
    # libpq's messages carry a hint on a second, tab-indented line.
    return " ".join(str(error).split()) or type(error).__name__


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))
