"""`SqlStore.read_aside`: a long read (an export's) made off the event loop's thread, on
SQLite's spare reader thread; on PostgreSQL, as every read, on a pooled worker."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Connection, select
from support.harness import ALICE

from bot.storage.schema import users
from bot.storage.sql import SqlStore


@pytest.fixture
async def sql(fresh_db_url: str) -> AsyncIterator[SqlStore]:
    opened = await SqlStore.open(fresh_db_url)
    yield opened
    await opened.close()


async def test_a_read_aside_runs_off_the_loops_thread_and_sees_committed_rows(sql: SqlStore):
    await sql.set_timezone(ALICE, "Europe/Berlin")
    loop_thread = threading.get_ident()

    def run(conn: Connection) -> tuple[int, int]:
        return threading.get_ident(), len(conn.execute(select(users)).all())

    (thread, count), (in_place, _) = await sql.read_aside(run), await sql.read(run)
    assert thread != loop_thread and count == 1
    if sql.dialect == "sqlite":
        assert in_place == loop_thread  # a plain read stays on the loop's thread
