"""The SQL store: SQLAlchemy Core over SQLite (default) or PostgreSQL, one code path.

The interface is async and never blocks the event loop on the database: see SqlStore for where
each call runs, worker.py for SQLite's writer, connect.py for opening and timeouts, and hot.py
for the statements of every turn."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.common.errors import DiskFull, DuplicateDelivery, StaleWrite, StorageBusy, StorageError
from bot.common.users import UserKey
from bot.questionnaire.state import HistoryEntry, Session, session_from_json, session_to_json
from bot.storage import connect
from bot.storage.connect import build_engine, migrate, open_failure
from bot.storage.faults import DiskWatch, storage_failure
from bot.storage.hot import Statements
from bot.storage.pooled import PooledCalls
from bot.storage.schema import users
from bot.storage.statements import (
    ENTRY,
    FORGET,
    HISTORY,
    INSERT_HISTORY,
    PROBE,
    PRUNE_SEEN,
    REPLACE_HISTORY,
    SET_TIMEZONE,
    TIMEZONE,
    history_entry,
    history_row,
    key_params,
    key_row,
    upsert_insert,
)
from bot.storage.worker import Busy, FileIdentity, Writer, try_in_place

T = TypeVar("T")
# Platforms re-deliver within minutes (Slack: 1 and 5 minutes); a day of ids is plenty.
KEEP_DELIVERIES = timedelta(days=1)
PRUNE_EVERY = 500
# Writes made in place between two checkpoints by the writer thread (SQLite's own default
# checkpoints at about 1,000 pages of log; a turn writes a few).
CHECKPOINT_EVERY = 250


class SqlStore:
    """Store on a SQLAlchemy engine; create it with `await SqlStore.open(url)`.

    SQLite: writes go to one writer thread (worker.py), which commits whatever is queued in one
    transaction; reads run in place on the event loop's thread, on a connection that never waits
    for a lock (in WAL mode reads take none; a rare busy read moves to a spare thread). A read
    is a few microseconds of CPU, less than a thread hop. PostgreSQL: every call runs in a
    worker thread on a pooled connection, within DATABASE_TIMEOUT in all (pooled.py). A write
    refused for want of disk space is DiskFull, said in the log and by `health` (faults.py)."""

    def __init__(self, engine: Engine, *, timeout: float = 5.0, path: str | None = None) -> None:
        self._engine = engine
        self._timeout = timeout
        self._hot = Statements(engine.dialect.name)
        self._claims = 0
        self._in_place = 0
        self._path = path
        self._files = FileIdentity(path) if path is not None else None
        self._writer: Writer | None = None
        self._conn: Connection | None = None  # SQLite reads on the loop's thread
        self._spare: ThreadPoolExecutor | None = None
        self._spare_conn: Connection | None = None
        self._pooled: PooledCalls | None = None
        if path is None:  # as many threads as the pool has connections, at its peak
            threads = 2 * connect.POOL_SIZE
            self._pooled = PooledCalls(engine, timeout=timeout, threads=threads)
        self._disk = DiskWatch(path)
        self._driver_error: type[Exception] = engine.dialect.dbapi.Error  # type: ignore[union-attr]
        # INSERT … ON CONFLICT DO NOTHING: one statement where a savepoint would take three.
        self._insert_user = upsert_insert(engine.dialect.name, users).on_conflict_do_nothing()

    # --- where calls run -------------------------------------------------------------------

    def _start_sqlite(self) -> None:
        assert self._files is not None

        def connect_writer() -> Connection:
            return self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")

        self._writer = Writer(connect_writer, self._files, timeout=self._timeout)
        self._writer.start()
        self._conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        # Never wait for a lock on the loop's thread, and leave checkpoints (which fsync) to
        # the writer thread.
        self._conn.exec_driver_sql("PRAGMA busy_timeout = 0")
        self._conn.exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
        self._spare = ThreadPoolExecutor(1, thread_name_prefix="sqlite-reader")

    def _spare_read(self, fn: Callable[[Connection], T]) -> T:
        if self._spare_conn is None:
            self._spare_conn = self._engine.connect()
        try:
            return fn(self._spare_conn)
        finally:
            self._spare_conn.rollback()

    def _storage_error(self, exc: Exception) -> StorageError:
        # Reported by type and code only: the statement's parameters may hold a user's answers.
        return storage_failure(exc, path=self._path)

    async def _read(self, fn: Callable[[Connection], T]) -> T:
        try:
            if self._pooled is not None:
                return await self._pooled.run(fn, write=False)
            assert self._conn is not None
            try:
                return fn(self._conn)
            except (DBAPIError, self._driver_error) as exc:
                if not isinstance(self._storage_error(exc), StorageBusy):
                    raise
            finally:
                if self._conn.in_transaction():  # SQLAlchemy's bookkeeping: autocommit below
                    self._conn.rollback()
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._spare, self._spare_read, fn)
        except (DBAPIError, PoolTimeout, self._driver_error) as exc:
            raise self._storage_error(exc) from exc

    async def _write(self, fn: Callable[[Connection], T], *, checkpoint: str | None = None) -> T:
        try:
            value = await self._write_now(fn, checkpoint)
        except DiskFull:
            self._disk.refused()
            raise
        if self._disk.full:
            self._disk.wrote()
        return value

    async def _write_now(self, fn: Callable[[Connection], T], checkpoint: str | None) -> T:
        try:
            if self._pooled is not None:
                return await self._pooled.run(fn, write=True)
            assert self._writer is not None
            if checkpoint is None and self._conn is not None and self._files is not None:
                # In place when the lock is free at once: a thread hop there and back cost more
                # than the write. Otherwise the writer thread waits for it, off the loop.
                try:
                    value = try_in_place(self._conn, self._files, fn)
                except Busy:
                    pass
                else:
                    self._in_place += 1
                    if self._in_place % CHECKPOINT_EVERY == 0:
                        self._writer.checkpoint_soon()
                    return value
            return await self._writer.run(fn, checkpoint=checkpoint)
        except (DBAPIError, PoolTimeout, self._driver_error) as exc:
            raise self._storage_error(exc) from exc

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    async def open(cls, url: str, *, timeout: float = 5.0) -> SqlStore:  # noqa: ASYNC109
        """Connect, bring the schema up to date, and return the store. `timeout` (seconds,
        DATABASE_TIMEOUT) bounds every wait for the database. Any failure to open is one
        SettingsError line."""
        engine, path = build_engine(url, timeout)
        store = cls(engine, timeout=timeout, path=path)
        try:
            await asyncio.to_thread(migrate, engine)
            if path is not None:
                store._files = FileIdentity(path)  # the files exist now
                store._start_sqlite()
        except Exception as exc:
            await store.close()
            raise open_failure(exc) from None
        return store

    async def migrate(self) -> None:
        """Apply pending migrations (Alembic), skipping its import when already at head."""
        try:
            await asyncio.to_thread(migrate, self._engine)
        except (DBAPIError, self._driver_error) as exc:
            raise self._storage_error(exc) from exc

    # --- the Store protocol ----------------------------------------------------------------

    async def load(self, key: UserKey) -> tuple[Session | None, int]:
        return await self._read(lambda conn: self._load(conn, key))

    def _load(self, conn: Connection, key: UserKey) -> tuple[Session | None, int]:
        row = self._hot.execute(conn, self._hot.load, _params(key)).fetchone()
        if row is None:
            return None, 0
        return session_from_json(row[0]), int(row[1])

    async def save(
        self,
        key: UserKey,
        session: Session,
        *,
        expected_version: int,
        record: HistoryEntry | None = None,
        claim: str | None = None,
    ) -> int:
        state = session_to_json(session)
        return await self._write(
            lambda conn: self._save(conn, key, state, expected_version, record, claim)
        )

    def _save(
        self,
        conn: Connection,
        key: UserKey,
        state: str,
        expected: int,
        record: HistoryEntry | None,
        claim: str | None,
    ) -> int:
        now = datetime.now(UTC)
        hot = self._hot
        version = expected + 1
        params = {**_params(key), "state": state, "version": version, "now": hot.time(now)}
        if expected == 0:
            if not hot.execute(conn, hot.insert_session, params).fetchall():
                raise StaleWrite("a session for this user appeared meanwhile")
        else:
            params["expected"] = expected
            if hot.execute(conn, hot.update_session, params).rowcount != 1:
                raise StaleWrite(f"the stored session is newer than version {expected}")
        if record is not None:
            replaced = conn.execute(
                REPLACE_HISTORY,
                {
                    **key_params(key),
                    "cid": record.conversation_id,
                    "new_answers": json.dumps(record.answers, sort_keys=True),
                    "new_verdict": record.verdict,
                    "new_score": record.score,
                },
            )
            if replaced.rowcount == 0:
                conn.execute(INSERT_HISTORY, history_row(key, record))
        if claim is not None:
            self._claim(conn, claim, now)
        return version

    async def history(self, key: UserKey, *, limit: int = 20) -> list[HistoryEntry]:
        def run(conn: Connection) -> list[HistoryEntry]:
            rows = conn.execute(HISTORY, {**key_params(key), "limit": limit}).all()
            return [history_entry(row) for row in rows]

        return await self._read(run)

    async def entry(self, key: UserKey, conversation_id: str | None) -> HistoryEntry | None:
        if conversation_id is None:
            latest = await self.history(key, limit=1)
            return latest[0] if latest else None

        def run(conn: Connection) -> HistoryEntry | None:
            row = conn.execute(ENTRY, {**key_params(key), "cid": conversation_id}).first()
            return history_entry(row) if row is not None else None

        return await self._read(run)

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self._engine.dialect.name

    async def read(self, fn: Callable[[Connection], T]) -> T:
        """Run `fn(connection)` as one read (for modules with tables of their own)."""
        return await self._read(fn)

    async def read_aside(self, fn: Callable[[Connection], T]) -> T:
        """Run `fn(connection)` as one read off the event loop's thread, for a read too long
        to hold the loop (an export of a large record): SQLite's spare reader thread;
        PostgreSQL's reads are all off the loop already."""
        if self._spare is None:
            return await self._read(fn)
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._spare, self._spare_read, fn)
        except (DBAPIError, PoolTimeout, self._driver_error) as exc:
            raise self._storage_error(exc) from exc

    async def write(self, fn: Callable[[Connection], T]) -> T:
        """Run `fn(connection)` as one transaction, committed when it returns."""
        return await self._write(fn)

    async def timezone(self, key: UserKey) -> tzinfo | None:
        name = await self._read(lambda conn: conn.execute(TIMEZONE, key_params(key)).scalar())
        if not name:
            return None
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return None

    async def set_timezone(self, key: UserKey, name: str) -> None:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{name!r} is not an IANA timezone such as Europe/Berlin") from None

        def run(conn: Connection) -> None:
            row = {**key_row(key), "timezone": name, "created_at": datetime.now(UTC)}
            conn.execute(self._insert_user, row)
            conn.execute(SET_TIMEZONE, {**key_params(key), "timezone": name})

        await self._write(run)

    async def forget(self, key: UserKey, *, claim: str | None = None) -> None:
        def run(conn: Connection) -> None:
            for statement in FORGET:
                conn.execute(statement, key_params(key))
            if claim is not None:
                self._claim(conn, claim, datetime.now(UTC))

        # The checkpoint moves the log's pages into the file, where secure_delete has zeroed
        # the deleted rows, and empties the log: nothing about the user stays on disk.
        await self._write(run, checkpoint="TRUNCATE")

    async def claim(self, event_id: str) -> None:
        await self._write(lambda conn: self._claim(conn, event_id, datetime.now(UTC)))

    def _claim(self, conn: Connection, event_id: str, now: datetime) -> None:
        """Record a handled delivery inside the caller's transaction; a repeat raises
        DuplicateDelivery, which rolls that whole transaction back."""
        self._claims += 1
        if self._claims % PRUNE_EVERY == 1:
            conn.execute(PRUNE_SEEN, {"before": now - KEEP_DELIVERIES})
        params = {"event_id": event_id, "now": self._hot.time(now)}
        if not self._hot.execute(conn, self._hot.insert_seen, params).fetchall():
            raise DuplicateDelivery(event_id)

    async def health(self, *, timeout: float = 1.0) -> str | None:  # noqa: ASYNC109
        """None when the database answers a cheap query within `timeout` seconds and has room
        to save, else why not, in a few words (for /healthz)."""
        if self._files is not None and self._files.changed():
            return "the database file was deleted or replaced"
        if (full := self._disk.problem()) is not None:
            return full

        def probe(conn: Connection) -> None:
            conn.execute(PROBE).first()

        try:
            async with asyncio.timeout(timeout):
                if self._pooled is not None:  # PostgreSQL: give up on a lock within `timeout`
                    await self._pooled.run(probe, write=False, timeout=timeout)
                else:
                    await self._read(probe)
        except TimeoutError:
            return f"the database did not answer within {timeout:g} s"
        except StorageError as exc:
            return str(exc)
        except (DBAPIError, PoolTimeout, self._driver_error) as exc:
            return str(self._storage_error(exc))
        return None

    async def close(self) -> None:
        if self._writer is not None:
            await asyncio.to_thread(self._writer.stop)
            self._writer = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._spare is not None:
            spare, self._spare = self._spare, None
            if self._spare_conn is not None:
                await asyncio.get_running_loop().run_in_executor(spare, self._spare_conn.close)
            spare.shutdown()
        if self._pooled is not None:
            await asyncio.to_thread(self._pooled.close)
        await asyncio.to_thread(self._engine.dispose)


def _params(key: UserKey) -> dict[str, Any]:
    return {"platform": key.platform, "workspace": key.workspace, "user_id": key.user}
