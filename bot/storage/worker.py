"""SQLite's one writer, kept off the event loop: a thread with its own connection.

SQLite lets one connection write at a time, and another process (a backup, a second bot, an
admin's `sqlite3` shell) may hold the lock for seconds. Waiting for it on the event loop's
thread froze every user, so writes are queued to this thread instead. Whatever is queued when
it takes the lock goes into one transaction (group commit), each call in a savepoint of its own:
a call that fails (a stale version, a repeated delivery) is rolled back alone, and the others
are committed together, which keeps the throughput of many concurrent turns close to one commit
each. The wait for the lock is bounded by the earliest deadline in the batch, and a call that
could not get the lock in time fails with StorageBusy; nothing is written for it. Right before
every commit the database files are looked at (in place, the database file; here, it and its
log): a write made to files deleted meanwhile would be confirmed and then lost, so it is
rolled back instead."""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection

from bot.common.errors import StorageError
from bot.storage.faults import GONE, storage_failure

T = TypeVar("T")
log = logging.getLogger(__name__)

# More calls than this in one transaction would make the first of them wait for the last.
MAX_BATCH = 64
# How often the writer thread looks whether the database files were deleted or replaced while
# no write comes (for /healthz; every write looks for itself before it commits).
WATCH_EVERY = 0.1


@dataclass(eq=False)
class _Job(Generic[T]):
    fn: Callable[[Connection], T]
    future: asyncio.Future[T]
    loop: asyncio.AbstractEventLoop
    deadline: float
    checkpoint: str | None
    outcome: tuple[bool, Any] = field(default=(False, None))


class FileIdentity:
    """Which files a SQLite database was opened on, to tell when they are deleted or replaced
    (the open connections would go on writing to the unlinked files, and lose it all)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._paths = (path, f"{path}-wal")
        self._ids = tuple(self._identity(p) for p in self._paths)
        # Set by `changed()`, and then for good.
        self.gone = False

    @staticmethod
    def _identity(path: str) -> tuple[int, int] | None:
        try:
            stat = os.stat(path)
        except OSError:
            return None
        return stat.st_dev, stat.st_ino

    def changed(self) -> bool:
        """Look at both files now (two stat calls); once changed, `gone` stays set."""
        if not self.gone:
            self.gone = any(
                known is not None and self._identity(path) != known
                for path, known in zip(self._paths, self._ids, strict=True)
            )
        return self.gone

    def file_changed(self) -> bool:
        """Look at the database file alone (one stat call, 2-3 µs against some 40 µs for a
        write made in place), which `rm takeorpass.db` and `rm takeorpass.db*` both change;
        the log deleted alone is seen by `changed()` within WATCH_EVERY."""
        if not self.gone:
            known = self._ids[0]
            self.gone = known is not None and self._identity(self.path) != known
        return self.gone


class Writer:
    """Runs write calls on one thread, in few transactions. Start it with `start()`."""

    def __init__(
        self, connect: Callable[[], Connection], files: FileIdentity, *, timeout: float
    ) -> None:
        self._connect = connect
        self._files = files
        self._timeout = timeout
        self._jobs: queue.SimpleQueue[_Job[Any] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name="sqlite-writer", daemon=True)
        self._ready = threading.Event()
        self._failed: BaseException | None = None
        self._busy_ms = -1000  # the lock wait last set on the connection

    def start(self) -> None:
        self._thread.start()
        self._ready.wait()
        if self._failed is not None:
            raise self._failed

    async def run(self, fn: Callable[[Connection], T], *, checkpoint: str | None = None) -> T:
        """Run `fn(connection)` in a transaction and return what it returned once committed.
        `checkpoint` ("PASSIVE" or "TRUNCATE") folds the log back into the database file
        afterwards; TRUNCATE also empties the log (after deletes that must not linger in it)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put(_Job(fn, future, loop, time.monotonic() + self._timeout, checkpoint))
        return await future

    def checkpoint_soon(self) -> None:
        """Fold the log into the database file on this thread, without waiting for it: writes
        made in place (try_in_place) leave checkpoints, and their fsync, to the writer."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        future.add_done_callback(_ignore_failure)
        deadline = time.monotonic() + self._timeout
        self._jobs.put(_Job(_nothing, future, loop, deadline, "PASSIVE"))

    def stop(self) -> None:
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()

    def _serve(self) -> None:
        try:
            conn = self._connect()
        except BaseException as exc:  # reported to start()'s caller, on its thread
            self._failed = exc
            self._ready.set()
            return
        self._ready.set()
        raw: sqlite3.Connection = conn.connection.driver_connection  # type: ignore[assignment]
        try:
            while (job := self._next_job()) is not None:
                batch = [job]
                stop = False
                while len(batch) < MAX_BATCH:
                    try:
                        more = self._jobs.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        stop = True
                        break
                    batch.append(more)
                self._commit(conn, raw, batch)
                self._settle(batch)
                if stop:
                    break
        finally:
            conn.close()

    def _next_job(self) -> _Job[Any] | None:
        """The next call, looking at the database files whenever none came for a while."""
        while True:
            try:
                return self._jobs.get(timeout=WATCH_EVERY)
            except queue.Empty:
                self._files.changed()

    def _commit(self, conn: Connection, raw: sqlite3.Connection, batch: list[_Job[Any]]) -> None:
        wait = max(0, int((min(job.deadline for job in batch) - time.monotonic()) * 1000))
        try:
            if abs(wait - self._busy_ms) > 20:  # a statement saved on most transactions
                raw.execute(f"PRAGMA busy_timeout = {wait}")
                self._busy_ms = wait
            raw.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            self._fail(batch, storage_failure(exc, path=self._files.path))
            return
        try:
            if len(batch) == 1:  # alone, the transaction is its savepoint
                self._run_alone(conn, raw, batch[0])
            else:
                self._run_together(conn, raw, batch)
            # Not in one when a call alone failed: it was rolled back, and its error says why.
            committed = (
                _commit_unless_gone(raw, self._files.changed) if raw.in_transaction else True
            )
        except (sqlite3.Error, _Lost) as exc:
            if raw.in_transaction:
                raw.execute("ROLLBACK")
            cause = exc.cause if isinstance(exc, _Lost) else exc
            self._fail(batch, storage_failure(cause, path=self._files.path))
            return
        finally:
            conn.rollback()  # SQLAlchemy's own bookkeeping; the DBAPI has nothing open now
        if not committed:
            self._fail(batch, StorageError(GONE))
            return
        modes = {job.checkpoint for job in batch if job.checkpoint}
        if modes:
            mode = "TRUNCATE" if "TRUNCATE" in modes else "PASSIVE"
            try:
                raw.execute(f"PRAGMA wal_checkpoint({mode})")
            except sqlite3.Error as exc:  # a reader in the way: the next checkpoint gets it
                log.warning("database checkpoint put off (%s)", exc.sqlite_errorname)

    @staticmethod
    def _run_together(conn: Connection, raw: sqlite3.Connection, batch: list[_Job[Any]]) -> None:
        for job in batch:
            raw.execute("SAVEPOINT call")
            try:
                job.outcome = (True, job.fn(conn))
            except Exception as exc:
                if not raw.in_transaction:  # SQLite gave the whole transaction up (a full disk)
                    raise _Lost(exc) from exc
                raw.execute("ROLLBACK TO call")
                job.outcome = (False, exc)
            raw.execute("RELEASE call")

    @staticmethod
    def _run_alone(conn: Connection, raw: sqlite3.Connection, job: _Job[Any]) -> None:
        try:
            job.outcome = (True, job.fn(conn))
        except Exception as exc:
            if raw.in_transaction:
                raw.execute("ROLLBACK")
            job.outcome = (False, exc)

    @staticmethod
    def _fail(batch: list[_Job[Any]], error: StorageError) -> None:
        for job in batch:  # an exception of its own for each caller, to raise with its traceback
            job.outcome = (False, type(error)(*error.args))

    @staticmethod
    def _settle(batch: list[_Job[Any]]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[_Job[Any]]] = {}
        for job in batch:
            by_loop.setdefault(job.loop, []).append(job)
        for loop, jobs in by_loop.items():
            try:
                loop.call_soon_threadsafe(_resolve, jobs)
            except RuntimeError:  # that loop has closed: nobody is waiting any more
                pass


class _Lost(Exception):
    """SQLite rolled back the writer's whole transaction while one call ran."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(type(cause).__name__)
        self.cause = cause


class Busy(Exception):
    """The write lock is taken (by the writer thread or another process); nothing was run."""


def try_in_place(conn: Connection, files: FileIdentity, fn: Callable[[Connection], T]) -> T:
    """Run `fn(connection)` in a transaction right here if the write lock is free at once; Busy
    if it is not (never waits: the connection's busy timeout is 0). Run on the event loop, this
    is a few page writes to the log, with no fsync: in WAL mode with synchronous=NORMAL only
    checkpoints sync, and this connection leaves them to the writer thread."""
    raw: sqlite3.Connection = conn.connection.driver_connection  # type: ignore[assignment]
    try:
        raw.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorname in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            raise Busy from None
        raise
    try:
        value = fn(conn)
        if not _commit_unless_gone(raw, files.file_changed):
            raise StorageError(GONE)
    except BaseException:
        if raw.in_transaction:
            raw.execute("ROLLBACK")
        raise
    finally:
        if conn.in_transaction():  # SQLAlchemy's own bookkeeping; the DBAPI has nothing open
            conn.rollback()
    return value


def _commit_unless_gone(raw: sqlite3.Connection, gone: Callable[[], bool]) -> bool:
    """Commit the open transaction, unless `gone()` finds the database files deleted or
    replaced: then roll it back (its write would be confirmed and lost) and return False.
    Looked at here, with the write lock held, so nothing is confirmed that was written after
    the files went."""
    if gone():
        raw.execute("ROLLBACK")
        return False
    raw.execute("COMMIT")
    return True


def _nothing(_conn: Connection) -> None:
    return None


def _ignore_failure(future: asyncio.Future[None]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.warning("database checkpoint failed: %s", type(future.exception()).__name__)


def _resolve(jobs: list[_Job[Any]]) -> None:
    for job in jobs:
        if job.future.done():  # the caller gave up (cancelled); its write stands regardless
            continue
        ok, value = job.outcome
        if ok:
            job.future.set_result(value)
        else:
            job.future.set_exception(value)
