"""What a database failure means: a lock or a connection not had in time (busy), no room left on
the disk (full), or anything else; and the disk-full alarm for whoever runs the bot, said in the
log at most once a minute and kept for /healthz until space comes back.

The messages are for logs and /healthz, never for users (they get bot/questionnaire/texts.py's
lines): they name no user and quote no statement, whose parameters may hold answers."""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable
from typing import Final

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.common.errors import DiskFull, StorageBusy, StorageError

log = logging.getLogger(__name__)

BUSY: Final = "the database is busy (another program holds its lock); please try again in a moment"
SLOW: Final = "the database is busy: it did not answer within the time allowed"
GONE: Final = "the database file was deleted or replaced while the bot ran; restart the bot"
FULL: Final = "disk full: the database cannot save anything until space is freed"

# An I/O error while less than this is free is taken for a full disk: SQLite says SQLITE_FULL
# for most writes that find no room, but a plain I/O error for some (growing its -shm file).
LOW_SPACE: Final = 1 << 20
# How much room must come back, since the last write refused for want of it, before /healthz
# says the disk is fine again. A write that fits meanwhile does not say so by itself: a write
# that changes nothing, or reuses the log's old pages, fits on a disk that is still full.
SPACE_BACK: Final = 256 << 10
# The disk-full line is logged at most this often (seconds); on PostgreSQL, whose disk is not
# ours to measure, /healthz reports it for as long after the last refused write.
REPORT_EVERY: Final = 60.0

# PostgreSQL's SQLSTATEs: query_canceled (statement_timeout), lock_not_available
# (lock_timeout), disk_full.
_PG_BUSY: Final = frozenset({"57014", "55P03"})
_PG_FULL: Final = "53100"


def storage_failure(exc: BaseException, *, path: str | None = None) -> StorageError:
    """Our error for a driver's or SQLAlchemy's: StorageBusy, DiskFull or StorageError, by type
    and code only. `path`: the SQLite file, to tell a full disk behind an I/O error."""
    if isinstance(exc, StorageError):
        return exc
    if isinstance(exc, PoolTimeout):  # every pooled connection was taken for the whole wait
        return StorageBusy(SLOW)
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    if isinstance(orig, sqlite3.Error):
        name = getattr(orig, "sqlite_errorname", None) or ""
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return StorageBusy(BUSY)
        if name == "SQLITE_FULL" or (
            name.startswith("SQLITE_IOERR") and path is not None and _low_on_space(path)
        ):
            return DiskFull(FULL)
        return StorageError(f"database error: {type(orig).__name__} ({name or 'no code'})")
    code = getattr(orig, "sqlstate", None)
    if code in _PG_BUSY:
        return StorageBusy(SLOW)
    if code == _PG_FULL:
        return DiskFull(FULL)
    return StorageError(f"database error: {type(orig).__name__}")


def free_space(path: str) -> int | None:
    """Bytes free on the disk holding `path` for this process (root may use the blocks kept
    back for it), or None if that cannot be told."""
    try:
        stat = os.statvfs(os.path.dirname(path) or ".")
    except OSError:
        return None
    blocks = stat.f_bfree if os.geteuid() == 0 else stat.f_bavail
    return blocks * stat.f_frsize


def _low_on_space(path: str) -> bool:
    free = free_space(path)
    return free is not None and free < LOW_SPACE


def _size(count: int | None) -> str:
    if count is None:
        return "an unknown amount"
    if count < 1 << 20:
        return f"{count // 1024} KiB"
    return f"{count / (1 << 20):.1f} MiB"


class DiskWatch:
    """Whether the database's disk was last found full, for /healthz, and the one log line a
    minute that says so. Used on the event loop's thread only."""

    def __init__(self, path: str | None, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._path = path
        self._clock = clock
        self.full = False  # read after every write: kept a plain attribute
        self._free_then: int | None = None
        self._failed_at = 0.0
        self._said_at: float | None = None

    def refused(self) -> None:
        """A write was refused for want of room."""
        now = self._clock()
        self.full = True
        self._failed_at = now
        self._free_then = free_space(self._path) if self._path is not None else None
        if self._said_at is not None and now - self._said_at < REPORT_EVERY:
            return
        self._said_at = now
        if self._path is None:
            log.error("disk full on the PostgreSQL server: nothing can be saved until it has room")
        else:
            log.error(
                "disk full: %s has %s free; nothing can be saved until space is freed",
                self._path,
                _size(self._free_then),
            )

    def wrote(self) -> None:
        """A write went through while the disk was last found full: see whether room is back."""
        if self._path is None:
            self._recovered()
        else:
            self.problem()

    def problem(self) -> str | None:
        """The disk-full reason while it lasts, else None (for /healthz)."""
        if not self.full:
            return None
        if self._path is None:
            if self._clock() - self._failed_at >= REPORT_EVERY:
                self._recovered()
                return None
            return FULL
        free = free_space(self._path)
        if free is not None and free >= (self._free_then or 0) + SPACE_BACK:
            self._recovered()
            return None
        return FULL

    def _recovered(self) -> None:
        self.full = False
        log.warning("the database's disk has room again: saving works")
