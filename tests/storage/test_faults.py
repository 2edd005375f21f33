"""The database under faults: another process holding SQLite's lock, files deleted while the bot
runs, a PostgreSQL table locked for long, databases that cannot be opened. All run on real SQLite
files, a real PostgreSQL and real processes."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from support.harness import ALICE, BOB, TTL, Clock, Transcript
from support.lock_holder import lock_held
from support.processes import run_takeorpass

from bot.common.errors import StaleWrite, StorageError
from bot.common.events import Text
from bot.common.users import UserKey
from bot.engine.engine import Engine
from bot.questionnaire import texts
from bot.questionnaire.state import Session
from bot.storage import connect
from bot.storage.connect import SCHEMA_HEAD
from bot.storage.faults import BUSY, GONE
from bot.storage.sql import SqlStore
from bot.storage.worker import WATCH_EVERY

POSTGRES = os.environ.get("TEST_POSTGRES_URL")
needs_postgres = pytest.mark.skipif(not POSTGRES, reason="TEST_POSTGRES_URL is not set")


class LoopLag:
    """The longest the event loop went without running a 1 ms ticker."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.001)
            now = time.monotonic()
            self.worst = max(self.worst, now - last - 0.001)
            last = now

    @asynccontextmanager
    async def watching(self) -> AsyncIterator[LoopLag]:
        self._task = asyncio.create_task(self._tick())
        try:
            yield self
        finally:
            self._task.cancel()


@pytest.mark.timing
async def test_another_process_holding_the_lock_never_stalls_the_event_loop(tmp_path):
    path = tmp_path / "takeorpass.db"
    store = await SqlStore.open(f"sqlite:///{path}", timeout=5)
    try:
        await store.save(BOB, Session(), expected_version=0)
        with lock_held(path, 2.0):
            async with LoopLag().watching() as lag:
                began = time.monotonic()
                blocked = asyncio.create_task(store.save(ALICE, Session(), expected_version=0))
                # Bob's load is answered at once, while Alice's save waits for the lock.
                assert (await store.load(BOB))[1] == 1
                read_in = time.monotonic() - began
                assert not blocked.done()
                assert await blocked == 1
                waited = time.monotonic() - began
        assert read_in < 0.1
        assert 1.5 < waited < 4.0  # it waited for the other process, then committed
        assert lag.worst < 0.1, f"the loop stalled {lag.worst * 1000:.0f} ms"
        assert (await store.load(ALICE))[1] == 1
    finally:
        await store.close()


@pytest.mark.timing
async def test_a_lock_held_past_the_timeout_is_a_storage_error_and_writes_nothing(tmp_path):
    path = tmp_path / "takeorpass.db"
    store = await SqlStore.open(f"sqlite:///{path}", timeout=0.5)
    try:
        with lock_held(path, 2.0):
            began = time.monotonic()
            with pytest.raises(StorageError) as caught:
                await store.save(ALICE, Session(), expected_version=0, claim="slack:Ev1")
            assert time.monotonic() - began < 1.5
        assert str(caught.value) == BUSY
        assert await store.load(ALICE) == (None, 0)
        await store.claim("slack:Ev1")  # the claim was not kept either
    finally:
        await store.close()


async def test_writes_queued_behind_a_lock_commit_together_and_fail_alone(tmp_path):
    path = tmp_path / "takeorpass.db"
    store = await SqlStore.open(f"sqlite:///{path}", timeout=5)
    try:
        await store.save(ALICE, Session(), expected_version=0)
        users = [UserKey("slack", "T1", f"U{n}") for n in range(50)]
        with lock_held(path, 1.0):
            saves = [store.save(key, Session(), expected_version=0) for key in users]
            stale = store.save(ALICE, Session(), expected_version=0)  # Alice is at version 1
            results = await asyncio.gather(*saves, stale, return_exceptions=True)
        assert results[:-1] == [1] * 50
        assert isinstance(results[-1], StaleWrite)
        for key in users:
            assert (await store.load(key))[1] == 1
        assert (await store.load(ALICE))[1] == 1
    finally:
        await store.close()


@pytest.mark.parametrize("deleted", [("",), ("", "-wal", "-shm"), ("-wal",)])
async def test_database_files_deleted_while_running_are_reported_not_written_to(tmp_path, deleted):
    path = tmp_path / "takeorpass.db"
    store = await SqlStore.open(f"sqlite:///{path}")
    try:
        assert await store.health() is None
        await store.save(ALICE, Session(), expected_version=0)
        for suffix in deleted:
            os.unlink(f"{path}{suffix}")
        await asyncio.sleep(WATCH_EVERY * 3)  # the writer thread looks this often
        with pytest.raises(StorageError) as caught:
            await store.save(BOB, Session(), expected_version=0)
        assert str(caught.value) == GONE
        assert await store.health() == "the database file was deleted or replaced"
    finally:
        await store.close()


@pytest.mark.parametrize("deleted", [("",), ("", "-wal", "-shm")])  # rm takeorpass.db, .db*
async def test_a_press_right_after_the_files_are_deleted_is_refused_not_confirmed_and_lost(
    tmp_path, deleted
):
    path = tmp_path / "takeorpass.db"
    store = await SqlStore.open(f"sqlite:///{path}")
    try:
        alice = Transcript(Engine(store=store, ttl=TTL, clock=Clock()), ALICE)
        await alice.start("Acme")
        assert (await alice.answer_all(3)).progress == (2, 7)
        for suffix in deleted:
            os.unlink(f"{path}{suffix}")
        # At once: before the writer thread's next look at the files.
        with pytest.raises(StorageError) as caught:
            await alice.answer_all(2)
        assert str(caught.value) == GONE  # the user is told it failed (adapters say so)
        assert alice.last.progress == (2, 7)  # and is never shown question 3
    finally:
        await store.close()
    restarted = await SqlStore.open(f"sqlite:///{path}")
    try:  # nothing was confirmed that the restarted bot does not have
        assert await restarted.load(ALICE) == (None, 0)
    finally:
        await restarted.close()


async def test_a_replaced_database_file_is_reported(tmp_path):
    path = tmp_path / "takeorpass.db"
    store = await SqlStore.open(f"sqlite:///{path}")
    try:
        path.rename(tmp_path / "moved.db")
        path.write_bytes(b"")
        assert await store.health() == "the database file was deleted or replaced"
    finally:
        await store.close()


async def test_forget_me_leaves_the_company_in_neither_the_file_nor_the_log(tmp_path):
    from bot.common.events import Text
    from bot.engine.engine import Engine

    path = tmp_path / "takeorpass.db"
    store = await SqlStore.open(f"sqlite:///{path}")
    try:
        engine = Engine(store=store, ttl=timedelta(hours=24))
        await engine.handle(ALICE, Text("start Zqxwvcorp Secret Labs"))
        for answer in ("3", "2", "2", "1", "1", "1", "1"):
            await engine.handle(ALICE, Text(answer))
        assert await store.history(ALICE)
        await engine.handle(ALICE, Text("forget me"))
        await engine.handle(ALICE, Text("yes"))
        assert await store.history(ALICE) == []
        # Read while the bot still runs: no clean close has tidied anything yet.
        for name, data in on_disk(path).items():
            assert b"Zqxwvcorp" not in data, f"the company is still in {name}"
            assert b"U_ALICE" not in data, f"the user id is still in {name}"
    finally:
        await store.close()


def on_disk(path: Path) -> dict[str, bytes]:
    """The database's file and write-ahead log, as bytes (the log may be empty or gone)."""
    wal = Path(f"{path}-wal")
    return {path.name: path.read_bytes(), wal.name: wal.read_bytes() if wal.exists() else b""}


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("sqlite:///{tmp}/missing/dir/takeorpass.db", "unable to open database file"),
        ("sqlite:////proc/takeorpass.db", "unable to open database file"),
        ("sqlite:///{tmp}", "unable to open database file"),  # a directory
        ("sqlite:///{tmp}/notes.db", "file is not a database"),
        ("postgresql://takeorpass:takeorpass@127.0.0.1:9/none", "connection"),
        ("sqlite:///", "memory"),  # refused by the settings already
    ],
)
def test_a_database_that_cannot_be_opened_stops_start_up_with_one_line(tmp_path, url, reason):
    (tmp_path / "notes.db").write_text("not a database, just notes\n" * 200)
    url = url.replace("{tmp}", str(tmp_path))
    result = run_takeorpass(["console"], "", tmp_path, DATABASE_URL=url, DATABASE_TIMEOUT="2s")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("takeorpass: DATABASE_URL:") and reason in lines[0]
    assert "Traceback" not in result.stderr


def _newer_schema(path: Path, oldest: str) -> None:
    """Make the database look upgraded by a later release that runs with `oldest` and up."""
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
        conn.execute("UPDATE schema_compat SET oldest = ?", (oldest,))


def test_a_database_from_a_newer_version_stops_start_up_with_one_line(tmp_path):
    path = tmp_path / "takeorpass.db"
    assert run_takeorpass(["console"], "", tmp_path).returncode == 0
    _newer_schema(path, oldest="0099")
    result = run_takeorpass(["console"], "", tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "takeorpass: DATABASE_URL: cannot open the database "
        "(its schema 0099 is newer than this Take or Pass; upgrade it)"
    ]


def test_during_a_rolling_upgrade_an_old_instance_runs_on_the_newer_schema(tmp_path):
    """The new release's first instance upgraded the schema and says this release can still
    run on it: an old instance (re)starting meanwhile runs, warns once, and changes nothing."""
    path = tmp_path / "takeorpass.db"
    assert run_takeorpass(["console"], "", tmp_path).returncode == 0
    _newer_schema(path, oldest=SCHEMA_HEAD)
    result = run_takeorpass(["console"], "1\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Question 1 of 7" in result.stdout  # the questionnaire ran on it
    warnings = [line for line in result.stderr.splitlines() if "schema" in line]
    assert len(warnings) == 1
    assert (
        f"schema 0099 is newer than this Take or Pass ({SCHEMA_HEAD}) and still works"
        in (warnings[0])
    )
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0099",)]


@asynccontextmanager
async def postgres_table_locked(url: str) -> AsyncIterator[None]:
    """Another session holds an exclusive lock on the sessions table until the block ends."""
    import psycopg

    conn = await psycopg.AsyncConnection.connect(url)
    try:
        await conn.execute("LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE")
        yield
    finally:
        await conn.rollback()
        await conn.close()


@pytest.mark.timing
@needs_postgres
async def test_postgresql_gives_up_on_a_locked_table_after_the_timeout():
    assert POSTGRES is not None
    store = await SqlStore.open(POSTGRES, timeout=1)
    try:
        users = [UserKey("slack", "T9", f"U_LOCK{n}") for n in range(8)]
        async with postgres_table_locked(POSTGRES):
            began = time.monotonic()
            results = await asyncio.gather(
                *(store.load(key) for key in users), return_exceptions=True
            )
            took = time.monotonic() - began
            reason = await store.health(timeout=0.5)
        assert all(isinstance(r, StorageError) for r in results), results
        assert took < 5, f"8 users waited {took:.1f} s"
        assert reason is not None and "database" in reason
        assert await store.health() is None  # released: healthy again
    finally:
        await store.close()


@pytest.mark.timing
@needs_postgres
async def test_postgresql_counts_the_wait_for_a_connection_within_the_timeout(monkeypatch):
    """More users wait than the pool has connections: the one left waiting for a connection
    is told the database is busy within DATABASE_TIMEOUT, not after it plus a statement's."""
    assert POSTGRES is not None
    monkeypatch.setattr(connect, "POOL_SIZE", 1)  # two connections at most
    store = await SqlStore.open(POSTGRES, timeout=1)
    try:
        engine = Engine(store=store, ttl=TTL)
        users = [UserKey("slack", "T9", f"U_POOL{n}") for n in range(3)]
        async with postgres_table_locked(POSTGRES):
            holding = [asyncio.create_task(engine.handle(key, Text("help"))) for key in users[:2]]
            await asyncio.sleep(0.2)  # both connections now wait for the locked table
            began = time.monotonic()
            replies = await engine.handle(users[2], Text("help"))
            waited = time.monotonic() - began
            held = await asyncio.gather(*holding)
        assert [reply.text for reply in replies] == [texts.STORAGE_BUSY]
        assert all([reply.text for reply in answer] == [texts.STORAGE_BUSY] for answer in held)
        assert waited < 1.5, f"told after {waited:.2f} s with DATABASE_TIMEOUT=1s"
        assert await store.health() is None  # released: all answer again
    finally:
        await store.close()


@needs_postgres
async def test_postgresql_keeps_the_options_given_in_the_url():
    assert POSTGRES is not None
    joiner = "&" if "?" in POSTGRES else "?"
    url = f"{POSTGRES}{joiner}options=-c%20application_name%3Dtakeorpass-test"
    store = await SqlStore.open(url, timeout=3)
    try:

        def settings(conn):  # type: ignore[no-untyped-def]
            return [
                conn.exec_driver_sql(f"SHOW {name}").scalar()
                for name in ("application_name", "statement_timeout", "lock_timeout")
            ]

        assert await store.read(settings) == ["takeorpass-test", "3s", "3s"]
    finally:
        await store.close()
