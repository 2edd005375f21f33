"""The time every instance agrees on: the database server's.

Instances on one PostgreSQL may run on machines whose clocks differ by seconds or more. A lease
taken on one machine's clock and judged on another's could be taken over early (a post made
twice) or late; "in 90 seconds" would mean different moments on different instances. So each
instance reads the database's clock now and then and keeps the difference: `clock()` is this
machine's time corrected by it, cheap enough for every call. SQLite lives on this machine, so
its clock is this machine's and nothing is measured."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Connection, text

from bot.common.clock import utc_now
from bot.storage.sql import SqlStore

log = logging.getLogger(__name__)

# How often the difference is measured again: clocks drift by milliseconds an hour.
RESYNC_EVERY = 60.0
# A difference past this is worth an operator's look (NTP off on some machine).
WARN_PAST = timedelta(seconds=2)
_SERVER_TIME = text("SELECT clock_timestamp()")


def measure_offset(server: datetime, before: datetime, after: datetime) -> timedelta:
    """How far the server's clock is ahead of ours, from a reading of it taken between our
    `before` and `after`: it is compared with the middle of the two."""
    return server - (before + (after - before) / 2)


class DatabaseClock:
    """A clock (`clock()` → aware UTC datetime) that follows the database server's."""

    def __init__(
        self,
        sql: SqlStore,
        *,
        local: Callable[[], datetime] = utc_now,
        every: float = RESYNC_EVERY,
    ) -> None:
        self._sql = sql
        self._local = local
        self._every = every
        self._offset = timedelta(0)
        self._synced_at: float | None = None

    @property
    def offset(self) -> timedelta:
        """How far the database's clock was ahead of this machine's at the last reading."""
        return self._offset

    def __call__(self) -> datetime:
        return self._local() + self._offset

    async def refresh(self) -> None:
        """Measure the difference again if it is older than `every` seconds (or never was)."""
        if self._synced_at is not None and time.monotonic() - self._synced_at < self._every:
            return
        await self.sync()

    async def sync(self) -> None:
        """Measure the difference now. StorageError when the database cannot be reached; the
        last difference is kept."""
        if self._sql.dialect == "sqlite":
            self._synced_at = time.monotonic()
            return
        before = self._local()
        server = await self._sql.read(_server_time)
        after = self._local()
        offset = measure_offset(server, before, after)
        if abs(offset) > WARN_PAST and abs(offset - self._offset) > WARN_PAST / 2:
            log.warning(
                "this machine's clock is %.1f s %s the database's; reminders keep the "
                "database's time",
                abs(offset.total_seconds()),
                "behind" if offset > timedelta(0) else "ahead of",
            )
        self._offset = offset
        self._synced_at = time.monotonic()


def _server_time(conn: Connection) -> datetime:
    found = conn.execute(_SERVER_TIME).scalar_one()
    assert isinstance(found, datetime)
    return found
