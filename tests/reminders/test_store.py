"""The reminder tables on every backend: SQLite always, PostgreSQL where TEST_POSTGRES_URL is
set (always in CI). Claims are exactly once between two stores, `forget` reaches reminders."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from support.postgres import backends

from bot.common.users import UserKey
from bot.reminders.model import NewReminder, ReminderKind, Role, Status
from bot.reminders.queue import DueQueue
from bot.reminders.store import ReminderStore
from bot.storage.schema import occurrences, reminders
from bot.storage.sql import SqlStore

ALICE = UserKey("slack", "T1", "U_REMINDER_ALICE")
BOB = UserKey("slack", "T1", "U_REMINDER_BOB")
T0 = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)


@pytest.fixture(params=backends())
async def url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'reminders.db'}"
        return
    found = os.environ["TEST_POSTGRES_URL"]
    store = await SqlStore.open(found)
    for key in (ALICE, BOB):
        await store.forget(key)
    yield found
    for key in (ALICE, BOB):
        await store.forget(key)
    await store.close()


async def _add(store: ReminderStore, owner: UserKey, count: int, at: datetime) -> None:
    for n in range(count):
        reminder = NewReminder(
            id=f"{owner.user[-3:]}{n:05d}",
            owner=owner,
            channel=None,
            text=f"reminder {n}",
            kind=ReminderKind.ONCE,
            timezone="UTC",
            occurrences=((Role.ONCE, at + timedelta(milliseconds=n)),),
        )
        await store.create(reminder, now=T0)


async def test_two_stores_claim_each_due_occurrence_exactly_once(url):
    first, second = await SqlStore.open(url), await SqlStore.open(url)
    try:
        await _add(ReminderStore(first), ALICE, 200, T0)
        queues = (DueQueue(first), DueQueue(second))
        claimed: list[str] = []

        async def drain(queue: DueQueue) -> None:
            while found := await queue.claim(
                now=T0 + timedelta(seconds=1), lease=LEASE, platforms=["slack"], batch=7
            ):
                claimed.extend(due.delivery_key for due in found)
                for due in found:
                    assert await queue.finish(due, Status.SENT, now=T0)

        await asyncio.gather(*(drain(queue) for queue in queues))
        assert len(claimed) == 200
        assert len(set(claimed)) == 200
    finally:
        await first.close()
        await second.close()


async def test_claims_only_what_is_due_on_the_platforms_served(url):
    sql = await SqlStore.open(url)
    try:
        await _add(ReminderStore(sql), ALICE, 3, T0)
        await _add(ReminderStore(sql), BOB, 2, T0 + timedelta(hours=1))
        queue = DueQueue(sql)
        assert await queue.claim(now=T0, lease=LEASE, platforms=["discord"]) == []
        found = await queue.claim(now=T0 + timedelta(seconds=1), lease=LEASE, platforms=["slack"])
        assert sorted(due.owner.user for due in found) == [ALICE.user] * 3
        assert found[0].due_at.tzinfo is not None
        # The leased ones come back when the lease runs out, before Bob's are due.
        assert await queue.next_ready(["slack"]) == T0 + timedelta(seconds=1) + LEASE
        for due in found:
            await queue.finish(due, Status.SENT, now=T0)
        assert await queue.next_ready(["slack"]) == T0 + timedelta(hours=1)
    finally:
        await sql.close()


async def test_times_in_any_zone_are_stored_and_compared_as_utc(url):
    sql = await SqlStore.open(url)
    try:
        from zoneinfo import ZoneInfo

        tokyo = T0.astimezone(ZoneInfo("Asia/Tokyo"))
        await _add(ReminderStore(sql), ALICE, 1, tokyo)
        queue = DueQueue(sql)
        early = T0.astimezone(ZoneInfo("America/New_York")) - timedelta(seconds=1)
        assert await queue.claim(now=early, lease=LEASE, platforms=["slack"]) == []
        [due] = await queue.claim(now=T0, lease=LEASE, platforms=["slack"])
        assert due.due_at == T0 and due.due_at.utcoffset() == timedelta(0)
    finally:
        await sql.close()


async def test_forget_deletes_the_users_reminders_and_no_one_elses(url):
    sql = await SqlStore.open(url)
    try:
        store = ReminderStore(sql)
        await _add(store, ALICE, 2, T0)
        await _add(store, BOB, 1, T0)
        await sql.forget(ALICE)

        def count(conn):  # type: ignore[no-untyped-def]
            mine = reminders.c.user_id.in_([ALICE.user, BOB.user])
            return (
                conn.execute(select(reminders.c.user_id).where(mine)).scalars().all(),
                conn.execute(
                    select(func.count())
                    .select_from(occurrences.join(reminders))
                    .where(reminders.c.user_id == ALICE.user)
                ).scalar(),
            )

        owners, alice_occurrences = await sql.read(count)
        assert owners == [BOB.user]
        assert alice_occurrences == 0
    finally:
        await sql.close()


async def test_finding_what_is_due_uses_the_partial_index_on_sqlite(tmp_path):
    sql = await SqlStore.open(f"sqlite:///{tmp_path / 'plan.db'}")
    executed: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):  # type: ignore[no-untyped-def]
        executed.append((statement, parameters))

    event.listen(sql._engine, "before_cursor_execute", capture)
    try:
        queue = DueQueue(sql)
        await queue.claim(now=T0, lease=LEASE, platforms=["slack"])
        await queue.next_ready(["slack"])
        statements = [(s, p) for s, p in executed if "occurrences" in s]

        def plans(conn):  # type: ignore[no-untyped-def]
            return [
                " ".join(
                    str(row[-1])
                    for row in conn.exec_driver_sql(
                        f"EXPLAIN QUERY PLAN {statement}", parameters
                    ).all()
                )
                for statement, parameters in statements
            ]

        found = await sql.read(plans)
        assert len(found) == 2
        for plan in found:
            assert "USING INDEX ix_occurrences_ready" in plan, plan
            assert "SCAN occurrences" not in plan.replace("USING INDEX", ""), plan
    finally:
        event.remove(sql._engine, "before_cursor_execute", capture)
        await sql.close()


async def test_a_database_from_before_reminders_upgrades_with_its_history_kept(tmp_path):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from bot.questionnaire.state import HistoryEntry, Session
    from bot.storage.connect import MIGRATIONS

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    engine.dispose()
    # A finished questionnaire in the old schema (this save writes only columns it had).
    old = SqlStore(create_engine(f"sqlite:///{path}"))
    entry = HistoryEntry("conv1", {"certainty": "maybe"}, "TAKE IT", 3, T0, "Acme", "Analyst")
    await old.save(ALICE, Session(), expected_version=0, record=entry)
    await old.close()

    upgraded = await SqlStore.open(f"sqlite:///{path}")
    try:
        [kept] = await upgraded.history(ALICE)
        assert (kept.company, kept.verdict, kept.outcome) == ("Acme", "TAKE IT", None)
        await ReminderStore(upgraded).set_outcome(ALICE, "conv1", "offer", now=T0)
        [noted] = await upgraded.history(ALICE)
        assert noted.outcome == "offer"
    finally:
        await upgraded.close()
