"""`export` through RecordService on a real database (SQLite, and PostgreSQL where
TEST_POSTGRES_URL is set): the two files of the user's own rows, an empty record, one export a
minute across instances, and `forget me` taking the last export's time with it."""

from __future__ import annotations

import asyncio
import csv
import gc
import io
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from support.harness import ALICE, BOB, T0, Clock, Transcript
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


async def test_the_interview_time_and_outcome_come_from_the_real_follow_up_path(
    world: ReminderWorld,
):
    """Verdict → Set interview reminders → the follow-up's Offer: the export's row carries the
    interview's time in the user's zone and the outcome with its day; the JSON lists the
    interview's reminder with its posts."""
    ny, now = ZoneInfo("America/New_York"), datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
    world.clock.now = now
    me = Transcript(world.engine, ALICE)
    await me.start("Acme — Data Analyst")
    verdict = await me.answer_all(3, 2, 2, 1, 1, 1, 1)
    await me.press(next(b.id for b in verdict.buttons if b.label == "Set interview reminders"))
    await me.say("tue 15:00")
    interview = datetime(2026, 12, 1, 15, 0, tzinfo=ny)
    await world.run_until(interview + timedelta(days=1))
    followup = world.delivery.posts[-1][1].message
    await me.press(next(b.id for b in followup.buttons if b.label == "Offer"))
    (reply,) = (await world.record.export(ALICE, world.clock.now)).replies
    header, row = _rows(reply.files[0].data)
    cells = dict(zip(header, row, strict=True))
    assert cells["Interview"] == "2026-12-01 15:00"
    assert (cells["Outcome"], cells["Outcome date"]) == ("Offer", "2026-12-02")
    document = json.loads(reply.files[1].data)
    assert document["history"][0]["interview_at"] == "2026-12-01T20:00:00Z"
    (saved,) = document["reminders"]
    assert saved["kind"] == "interview" and len(saved["occurrences"]) == 3


async def test_an_export_leaves_the_garbage_collector_as_it_found_it(world: ReminderWorld):
    await seed_history(world.sql, history_rows(ALICE, 250, T0 - timedelta(days=30)))
    assert gc.isenabled()
    assert (await world.record.export(ALICE, T0)).replies[0].files
    assert gc.isenabled()
    gc.disable()
    try:
        await world.record.export(ALICE, T0 + timedelta(minutes=1))
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.timing
async def test_an_export_of_1000_questionnaires_keeps_the_event_loop_turning(
    world: ReminderWorld,
):
    await seed_history(world.sql, history_rows(ALICE, 1000, T0 - timedelta(days=60)))
    longest = 0.0

    async def tick() -> None:
        nonlocal longest
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            longest, last = max(longest, now - last - 0.001), now

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0.01)
    began = time.perf_counter()
    handled = await world.record.export(ALICE, T0)
    took = time.perf_counter() - began
    ticker.cancel()
    assert len(handled.replies[0].files) == 2
    assert longest < 0.05, f"the event loop was held {longest * 1000:.0f} ms"
    assert took < 0.5
