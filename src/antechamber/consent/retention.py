"""`consent.retention_days`: a store deletes its own old records, at most once a day, in the
background (GDPR Art. 5(1)(e), storage limitation)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from antechamber.consent.records import PURGE_INTERVAL, retention_cutoff

logger = logging.getLogger("antechamber.consent")
_RETRY_AFTER = 3600.0


class Retention:
    """Calls `delete(cutoff)` when due: at most once per `PURGE_INTERVAL`, never on a request's
    time. A store pokes it when it opens and on every record; after each run a timer pokes it
    again a day later, so that a site where nobody chooses still forgets on time."""

    def __init__(
        self,
        days: int | None,
        delete: Callable[[datetime], Awaitable[int]],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.days = days
        self.delete = delete
        self.clock = clock
        self.last_run: float | None = None
        self._task: asyncio.Task[None] | None = None
        self._timer: asyncio.TimerHandle | None = None

    def poke(self) -> None:
        if self.days is None:
            return
        now = self.clock()
        if self.last_run is not None and now - self.last_run < PURGE_INTERVAL:
            return
        if self._task is not None and not self._task.done():
            return
        self.last_run = now
        loop = asyncio.get_running_loop()
        self._task = loop.create_task(self._run(self.days))
        if self._timer is not None:
            self._timer.cancel()
        self._timer = loop.call_later(PURGE_INTERVAL, self.poke)

    async def wait(self) -> None:
        """Until the run under way (if any) is over: for tests and for `close`."""
        if self._task is not None:
            await asyncio.shield(self._task)

    async def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, days: int) -> None:
        try:
            deleted = await self.delete(retention_cutoff(days))
        except Exception:
            logger.exception("consent records older than %d days could not be deleted", days)
            # Try again an hour from now (not on every record while the database is down).
            self.last_run = self.clock() - PURGE_INTERVAL + _RETRY_AFTER
        else:
            logger.info("deleted %d consent records older than %d days", deleted, days)
