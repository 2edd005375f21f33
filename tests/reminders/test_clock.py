"""Instances whose machines' clocks differ still agree on time: each follows the database's clock
(bot/reminders/clock.py), so a lease taken by one is not taken over early by another whose clock
runs ahead. PostgreSQL runs on this machine in the tests, so its clock is the real time here and
a skewed instance is one whose local clock is moved."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from support.harness import ALICE, Clock
from support.postgres import fresh_database
from support.reminders import ReminderWorld

from bot.reminders.clock import DatabaseClock, measure_offset
from bot.reminders.model import Delivered, DeliveryResult, NewReminder, Outgoing, ReminderKind, Role
from bot.reminders.queue import DueQueue
from bot.reminders.scheduler import Scheduler
from bot.storage.sql import SqlStore

FAST = timedelta(minutes=5)


def _real() -> datetime:
    return datetime.now(UTC)


def _fast() -> datetime:
    return datetime.now(UTC) + FAST


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with fresh_database() as url:
        yield url


def test_the_offset_is_taken_against_the_middle_of_the_round_trip():
    before = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    after = before + timedelta(milliseconds=20)
    server = before + timedelta(seconds=3, milliseconds=10)
    assert measure_offset(server, before, after) == timedelta(seconds=3)


async def test_on_sqlite_the_clock_is_this_machines_and_nothing_is_measured(store):
    local = Clock(datetime(2026, 12, 2, 12, 0, tzinfo=UTC))
    clock = DatabaseClock(store, local=local)
    await clock.sync()
    assert clock.offset == timedelta(0)
    assert clock() == local.now


async def test_a_machine_five_minutes_fast_reads_the_database_time(postgres_url, caplog):
    store = await SqlStore.open(postgres_url)
    try:
        clock = DatabaseClock(store, local=_fast)
        assert abs(clock() - _real()) > timedelta(minutes=4)  # before it has looked
        with caplog.at_level(logging.WARNING, logger="bot.reminders.clock"):
            await clock.sync()
        assert abs(clock() - _real()) < timedelta(seconds=1)
        assert abs(clock.offset + FAST) < timedelta(seconds=1)
        # The reading takes its own time under load: 299.9 s is as right as 300.0 s.
        said = re.search(r"this machine's clock is ([\d.]+) s ahead of the database's", caplog.text)
        assert said is not None, caplog.text
        assert abs(float(said.group(1)) - FAST.total_seconds()) < 1
    finally:
        await store.close()


async def test_refresh_measures_again_only_when_the_last_reading_is_old(postgres_url):
    store = await SqlStore.open(postgres_url)
    try:
        skew = [timedelta(0)]
        clock = DatabaseClock(store, local=lambda: _real() + skew[0], every=3600)
        await clock.refresh()
        skew[0] = timedelta(minutes=1)  # this machine's clock jumps
        await clock.refresh()  # too soon: the old reading stands
        assert abs(clock() - _real() - timedelta(minutes=1)) < timedelta(seconds=1)
        await clock.sync()
        assert abs(clock() - _real()) < timedelta(seconds=1)
    finally:
        await store.close()


async def test_an_instance_whose_clock_runs_ahead_does_not_take_over_a_live_lease(postgres_url):
    """Instance A claims a due reminder (60 s lease) and is still posting it. Instance B's
    machine is 5 minutes fast: on its own clock the lease has run out and it would post the
    reminder again; on the database's clock it leaves it alone."""
    store = await SqlStore.open(postgres_url)
    try:
        world = ReminderWorld(store, Clock(_real()))
        reminder = NewReminder(
            id="r-skew",
            owner=ALICE,
            channel=None,
            text="stretch",
            kind=ReminderKind.ONCE,
            timezone="UTC",
            occurrences=((Role.ONCE, _real() - timedelta(seconds=1)),),
        )
        await world.store.create(reminder, now=_real())
        posting = asyncio.Event()

        class StillPosting:
            async def deliver(self, item: Outgoing) -> DeliveryResult:
                posting.set()
                await asyncio.Event().wait()
                return Delivered()

        def instance(clock: object, delivery: object) -> Scheduler:
            return Scheduler(
                queue=DueQueue(store),
                deliveries={"slack": delivery},  # type: ignore[dict-item]
                clock=clock,  # type: ignore[arg-type]
                lease=timedelta(seconds=60),
                grace=timedelta(hours=1),
            )

        a_clock = DatabaseClock(store, local=_real)
        await a_clock.sync()
        a_tick = asyncio.create_task(instance(a_clock, StillPosting()).tick())
        await asyncio.wait_for(posting.wait(), timeout=5)

        b_clock = DatabaseClock(store, local=_fast)
        await b_clock.sync()
        assert await instance(b_clock, world.delivery).tick() == 0
        assert world.delivery.posts == []
        # The same machine without the database's clock would have posted it a second time.
        assert await instance(_fast, world.delivery).tick() == 1
        assert world.delivery.texts == ["Reminder: stretch"]
        a_tick.cancel()
    finally:
        await store.close()
