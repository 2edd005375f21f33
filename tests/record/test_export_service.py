"""`export` through RecordService on a real database (SQLite, and PostgreSQL where
TEST_POSTGRES_URL is set): the two files of the user's own rows, an empty record, one export a
minute across instances, and `forget me` taking the last export's time with it."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from support.harness import ALICE, BOB, T0, Clock
from support.records import history_rows, seed_history
from support.reminders import ReminderWorld

from bot.common.replies import Kind
from bot.record.exporting import NOTHING
from bot.record.reading import claim_export, last_export
from bot.storage.sql import SqlStore


@pytest.fixture
async def sql(fresh_db_url: str) -> AsyncIterator[SqlStore]:
    opened = await SqlStore.open(fresh_db_url)
    yield opened
    await opened.close()


@pytest.fixture
def world(sql: SqlStore) -> ReminderWorld:
    return ReminderWorld(sql, Clock())


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


async def test_export_sends_a_csv_and_a_json_of_the_users_own_rows(world: ReminderWorld):
    await seed_history(world.sql, history_rows(ALICE, 3, T0 - timedelta(days=2)))
    await seed_history(world.sql, history_rows(BOB, 2, T0 - timedelta(days=2), company="Bobco"))
    handled = await world.record.export(ALICE, T0)
    (reply,) = handled.replies
    assert reply.kind is Kind.INFO and "3 questionnaires" in reply.text
    csv_file, json_file = reply.files
    assert (csv_file.name, csv_file.media_type) == ("takeorpass-record-2026-11-26.csv", "text/csv")
    assert json_file.name == "takeorpass-record-2026-11-26.json"
    assert json_file.media_type == "application/json"
    rows = _rows(csv_file.data)
    assert len(rows) == 4 and rows[0][:3] == ["Date", "Company", "Role"]
    assert [row[1] for row in rows[1:]] == ["Company 0", "Company 1", "Company 2"]
    document = json.loads(json_file.data)
    assert document["user"]["user_id"] == ALICE.user
    assert len(document["history"]) == 3
    assert "Bobco" not in csv_file.data.decode() + json_file.data.decode()


async def test_an_empty_record_says_so_sends_nothing_and_keeps_the_minute(world: ReminderWorld):
    handled = await world.record.export(ALICE, T0)
    assert [(r.text, r.files) for r in handled.replies] == [(NOTHING, ())]
    assert await last_export(world.sql, ALICE) is None
    await seed_history(world.sql, history_rows(ALICE, 1, T0 - timedelta(days=1)))
    (reply,) = (await world.record.export(ALICE, T0 + timedelta(seconds=5))).replies
    assert len(reply.files) == 2


async def test_a_second_export_within_a_minute_is_refused_with_when_the_next_can_be(
    world: ReminderWorld,
):
    await seed_history(world.sql, history_rows(ALICE, 1, T0 - timedelta(days=1)))
    assert (await world.record.export(ALICE, T0)).replies[0].files
    (again,) = (await world.record.export(ALICE, T0 + timedelta(seconds=20))).replies
    assert again.files == ()
    assert again.text == "You can export once a minute; try again in 40 seconds."
    (later,) = (await world.record.export(ALICE, T0 + timedelta(seconds=60))).replies
    assert len(later.files) == 2


async def test_one_export_a_minute_holds_across_two_instances_on_one_database(
    fresh_db_url: str,
):
    first, second = await SqlStore.open(fresh_db_url), await SqlStore.open(fresh_db_url)
    try:
        claims = [claim_export(store, ALICE, T0) for store in (first, second) for _ in range(3)]
        won = await asyncio.gather(*claims)
        assert sorted(won) == [False] * 5 + [True]
        assert not await claim_export(second, ALICE, T0 + timedelta(seconds=59))
        assert await claim_export(first, ALICE, T0 + timedelta(seconds=60))
        assert await last_export(second, ALICE) == T0 + timedelta(seconds=60)
    finally:
        await first.close()
        await second.close()


async def test_forget_me_deletes_the_time_of_the_last_export(world: ReminderWorld):
    await seed_history(world.sql, history_rows(ALICE, 1, T0 - timedelta(days=1)))
    await world.record.export(ALICE, T0)
    assert await last_export(world.sql, ALICE) == T0
    await world.sql.forget(ALICE)
    assert await last_export(world.sql, ALICE) is None
