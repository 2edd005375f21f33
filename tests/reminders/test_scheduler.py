"""The scheduler on a real database with an injected clock, on SQLite and on PostgreSQL (a fresh
database per test): on time, catch-up after downtime, exactly once between two schedulers, a
crash between claim and send, retries and failures."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from support.harness import ALICE, Clock
from support.reminders import RecordingDelivery, ReminderWorld

from bot.reminders.model import (
    Delivered,
    DeliveryResult,
    NewReminder,
    Outgoing,
    ReminderKind,
    RetryLater,
    Role,
    Status,
    Undeliverable,
)
from bot.reminders.plan import MAX_ATTEMPTS
from bot.reminders.queue import DueQueue
from bot.reminders.scheduler import Scheduler
from bot.storage.schema import occurrences
from bot.storage.sql import SqlStore

T0 = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
_ids = iter(range(10**6))


@pytest.fixture
def db_url(fresh_db_url: str) -> str:
    """Every test here runs on both databases (conftest's `store` and `world` open this)."""
    return fresh_db_url


@pytest.fixture(autouse=True)
def _at_t0(clock: Clock) -> None:
    clock.now = T0


def _new_id() -> str:
    return f"r{next(_ids):06d}"


async def _remind(
    world: ReminderWorld,
    at: datetime,
    text: str = "stretch",
    *,
    channel: str | None = None,
    kind: ReminderKind = ReminderKind.ONCE,
    role: Role = Role.ONCE,
    rule: str | None = None,
    tz: str = "America/New_York",
    event_at: datetime | None = None,
    extra: tuple[tuple[Role, datetime], ...] = (),
) -> str:
    reminder = NewReminder(
        id=_new_id(),
        owner=ALICE,
        channel=channel,
        text=text,
        kind=kind,
        timezone=tz,
        occurrences=((role, at), *extra),
        rule=rule,
        event_at=event_at,
    )
    await world.store.create(reminder, now=world.clock.now)
    return reminder.id


async def _statuses(store: SqlStore) -> list[tuple[str, str | None, int]]:
    query = select(occurrences.c.status, occurrences.c.last_error, occurrences.c.attempts).order_by(
        occurrences.c.id
    )
    return await store.read(lambda conn: [tuple(row) for row in conn.execute(query).all()])


# --- on time ----------------------------------------------------------------------------------


@pytest.mark.timing
async def test_running_loop_delivers_a_due_reminder_within_two_seconds(world):
    await _remind(world, T0 + timedelta(minutes=5))
    task = asyncio.create_task(world.scheduler.run())
    try:
        await asyncio.sleep(0.1)
        assert world.delivery.posts == []  # not due yet
        world.clock.now = T0 + timedelta(minutes=5)
        began = time.perf_counter()
        await asyncio.wait_for(world.delivery.arrived.wait(), timeout=2)
        assert time.perf_counter() - began < 2
        assert world.delivery.texts == ["Reminder: stretch"]
        # The post is recorded as sent by the same pass, once its write is committed (the
        # database offers no event for that, so it is polled).
        async with asyncio.timeout(2):
            while [s for s, _, _ in await _statuses(world.sql)] != ["sent"]:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
    finally:
        task.cancel()


@pytest.mark.timing
async def test_loop_on_the_real_clock_posts_within_two_seconds_of_the_time(store):
    clock = Clock(datetime.now(UTC))
    world = ReminderWorld(store, clock)
    real = RecordingDelivery(lambda: datetime.now(UTC))  # type: ignore[arg-type]
    scheduler = Scheduler(
        queue=DueQueue(world.sql),
        deliveries={"slack": real},
        clock=lambda: datetime.now(UTC),
        lease=timedelta(seconds=60),
        grace=timedelta(hours=1),
    )
    due = datetime.now(UTC) + timedelta(seconds=0.5)
    await _remind(world, due)
    task = asyncio.create_task(scheduler.run())
    try:
        for _ in range(300):
            if real.posts:
                break
            await asyncio.sleep(0.01)
    finally:
        task.cancel()
    [(posted_at, _item)] = real.posts
    assert posted_at is not None
    assert timedelta(0) <= posted_at - due < timedelta(seconds=2)


async def test_a_new_reminder_wakes_the_sleeping_scheduler(world):
    scheduler = world.make_scheduler(world.delivery, max_sleep=30)
    task = asyncio.create_task(scheduler.run())
    try:
        await asyncio.sleep(0.05)  # asleep for up to 30 s: nothing is pending
        await _remind(world, T0)
        scheduler.wake()
        for _ in range(100):
            if world.delivery.posts:
                break
            await asyncio.sleep(0.01)
        assert world.delivery.texts == ["Reminder: stretch"]
    finally:
        task.cancel()


async def test_a_scheduler_cancelled_just_as_it_is_woken_stops(world):
    # The console's `quit` right after `remind`: the wake and the cancel arrive together. On
    # Python 3.11 `asyncio.wait_for` swallowed that cancel and the loop ran on for ever.
    scheduler = world.make_scheduler(world.delivery, max_sleep=30)
    task = asyncio.create_task(scheduler.run())
    await asyncio.sleep(0.05)  # asleep, waiting to be woken
    scheduler.wake()
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=5)
    assert done == {task}, "the scheduler kept running after it was cancelled"
    assert task.cancelled()


# --- catch-up after downtime ------------------------------------------------------------------


async def test_after_a_restart_a_reminder_within_grace_is_delivered_marked_late(world):
    await _remind(world, T0)
    await world.run_until(T0 + timedelta(minutes=40))  # the bot was down for 40 minutes
    [(_, item)] = world.delivery.posts
    assert item.message.notice is not None and "late" in item.message.notice
    assert "Thu 26 Nov, 09:00 EST" in item.message.notice
    assert [s for s, _, _ in await _statuses(world.sql)] == ["late"]


async def test_after_a_restart_a_reminder_beyond_grace_is_missed_and_listed_once(world, alice):
    alice.engine = world.engine
    await _remind(world, T0)
    await world.run_until(T0 + timedelta(hours=2))
    assert world.delivery.posts == []
    assert [s for s, _, _ in await _statuses(world.sql)] == ["missed"]
    listed = await alice.say("reminders")
    assert listed.sections[0].lines == ("Thu 26 Nov, 09:00 EST: stretch",)
    again = await alice.say("reminders")
    assert again.sections == ()


async def test_a_recurring_reminder_that_missed_several_runs_posts_once_for_the_latest(world):
    tz = ZoneInfo("America/New_York")
    first = datetime(2026, 11, 23, 9, 0, tzinfo=tz)  # a Monday
    world.clock.now = first - timedelta(hours=1)
    await _remind(
        world,
        first,
        "water the plants",
        kind=ReminderKind.RECURRING,
        role=Role.REPEAT,
        rule="FREQ=DAILY;BYHOUR=9;BYMINUTE=0",
    )
    # Down from before Monday's run until Thursday 09:20: four runs were due.
    await world.run_until(datetime(2026, 11, 26, 9, 20, tzinfo=tz))
    [(_, item)] = world.delivery.posts
    assert item.key.endswith(f".{int(datetime(2026, 11, 26, 9, 0, tzinfo=tz).timestamp()):x}")
    assert item.message.notice is not None and "Thu 26 Nov, 09:00 EST" in item.message.notice
    [upcoming] = await world.store.upcoming(ALICE)
    assert upcoming.due_at == datetime(2026, 11, 27, 9, 0, tzinfo=tz)


async def test_interview_reminders_before_it_are_dropped_once_it_has_started(world):
    interview = T0 + timedelta(days=2)
    await _remind(
        world,
        interview - timedelta(hours=24),
        "Acme",
        kind=ReminderKind.INTERVIEW,
        role=Role.BEFORE,
        event_at=interview,
        extra=(
            (Role.BEFORE, interview - timedelta(hours=1)),
            (Role.FOLLOWUP, interview + timedelta(days=1)),
        ),
    )
    await world.run_until(interview + timedelta(minutes=10))  # down through both
    assert world.delivery.posts == []
    assert [s for s, _, _ in await _statuses(world.sql)] == ["cancelled", "cancelled", "pending"]
    await world.run_until(interview + timedelta(days=1))
    assert world.delivery.texts == ["How did the interview at Acme go?"]


# --- exactly once -----------------------------------------------------------------------------


def test_two_schedulers_on_one_database_deliver_500_reminders_exactly_once(db_url: str):
    url = db_url
    clock = Clock(T0)
    delivered: list[tuple[int, str]] = []

    class Slow:
        def __init__(self, who: int) -> None:
            self.who = who

        async def deliver(self, item: Outgoing) -> DeliveryResult:
            delivered.append((self.who, item.key))
            await asyncio.sleep(0.0005)  # let the other scheduler's thread in
            return Delivered()

    async def setup() -> None:
        store = await SqlStore.open(url)
        world = ReminderWorld(store, clock)
        for n in range(500):
            await _remind(world, T0 + timedelta(milliseconds=n), f"r{n}")
        await store.close()

    asyncio.run(setup())
    clock.now = T0 + timedelta(seconds=5)
    errors: list[BaseException] = []

    def scheduler_thread(who: int) -> None:
        async def work() -> None:
            store = await SqlStore.open(url)
            scheduler = Scheduler(
                queue=DueQueue(store),
                deliveries={"slack": Slow(who)},
                clock=clock,
                lease=timedelta(seconds=60),
                grace=timedelta(hours=1),
                batch=25,
            )
            idle = 0
            while idle < 3:
                idle = 0 if await scheduler.tick() else idle + 1
                await asyncio.sleep(0)
            await store.close()

        try:
            asyncio.run(work())
        except BaseException as exc:  # reported by the test below
            errors.append(exc)

    threads = [threading.Thread(target=scheduler_thread, args=(who,)) for who in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    keys = [key for _, key in delivered]
    assert len(keys) == 500
    assert len(set(keys)) == 500
    assert {who for who, _ in delivered} == {1, 2}, "both schedulers should have taken a share"

    async def check() -> list[str]:
        store = await SqlStore.open(url)
        found = [s for s, _, _ in await _statuses(store)]
        await store.close()
        return found

    assert asyncio.run(check()) == ["sent"] * 500


async def test_a_crash_between_claim_and_send_is_delivered_after_the_lease(world):
    await _remind(world, T0)
    entered = asyncio.Event()

    class Hangs:
        async def deliver(self, item: Outgoing) -> DeliveryResult:
            entered.set()
            await asyncio.Event().wait()
            return Delivered()

    crashing = world.make_scheduler(Hangs())
    world.clock.now = T0
    tick = asyncio.create_task(crashing.tick())
    await entered.wait()
    tick.cancel()  # the process died after its claim, before the post went out
    survivor = world.make_scheduler(world.delivery)
    assert await survivor.tick() == 0  # still leased to the dead one
    world.clock.now = T0 + timedelta(seconds=59)
    assert await survivor.tick() == 0
    world.clock.now = T0 + timedelta(seconds=61)
    assert await survivor.tick() == 1
    assert world.delivery.texts == ["Reminder: stretch"]
    assert await _statuses(world.sql) == [("late", None, 2)]


async def test_a_result_recorded_after_the_lease_was_taken_over_is_refused(world):
    await _remind(world, T0)
    [first] = await DueQueue(world.sql).claim(
        now=T0, lease=timedelta(seconds=60), platforms=["slack"]
    )
    [second] = await DueQueue(world.sql).claim(
        now=T0 + timedelta(seconds=61), lease=timedelta(seconds=60), platforms=["slack"]
    )
    assert second.attempts == first.attempts + 1
    assert not await DueQueue(world.sql).finish(first, Status.SENT, now=T0 + timedelta(seconds=62))
    assert await DueQueue(world.sql).finish(second, Status.SENT, now=T0 + timedelta(seconds=62))


# --- retries and failures ---------------------------------------------------------------------


async def test_a_failed_post_is_retried_with_backoff(world):
    await _remind(world, T0)
    world.delivery.results = [RetryLater("server error")]
    await world.run_until(T0)
    assert await _statuses(world.sql) == [("pending", "server error", 1)]
    await world.run_until(T0 + timedelta(seconds=4))
    assert len(world.delivery.posts) == 1
    await world.run_until(T0 + timedelta(seconds=5))
    assert len(world.delivery.posts) == 2
    assert await _statuses(world.sql) == [("sent", None, 2)]


async def test_a_rate_limited_post_waits_exactly_retry_after(world):
    await _remind(world, T0)
    world.delivery.results = [RetryLater("429", after=timedelta(seconds=7))]
    await world.run_until(T0)
    await world.run_until(T0 + timedelta(seconds=6.999))
    assert len(world.delivery.posts) == 1
    await world.run_until(T0 + timedelta(seconds=7))
    assert len(world.delivery.posts) == 2
    assert world.delivery.keys[0] == world.delivery.keys[1]  # the same post, the same key


async def test_a_post_that_keeps_failing_gives_up_after_the_retry_limit(world):
    await _remind(world, T0, channel="C_JOBS")
    world.delivery.results = [RetryLater("server error")] * MAX_ATTEMPTS
    moment = T0
    for _ in range(MAX_ATTEMPTS):
        await world.run_until(moment)
        moment += timedelta(minutes=10)
    statuses = await _statuses(world.sql)
    assert statuses == [("failed", "server error", MAX_ATTEMPTS)]
    assert world.delivery.posts[-1][1].destination.channel is None  # the owner told by DM


async def test_a_permanent_failure_is_recorded_and_the_owner_told_by_dm(world):
    await _remind(world, T0, channel="C_GONE")
    world.delivery.results = [Undeliverable("channel_not_found")]
    await world.run_until(T0)
    assert await _statuses(world.sql) == [("failed", "channel_not_found", 1)]
    [(_, post), (_, notice)] = world.delivery.posts
    assert post.destination.channel == "C_GONE"
    assert notice.destination == (ALICE, None)
    assert "channel_not_found" in notice.message.text and "stretch" in notice.message.text
    assert notice.key != post.key


async def test_a_dm_that_cannot_be_delivered_is_recorded_without_a_second_attempt(world):
    await _remind(world, T0)
    world.delivery.results = [Undeliverable("dms closed")]
    await world.run_until(T0 + timedelta(hours=1))
    assert len(world.delivery.posts) == 1
    assert await _statuses(world.sql) == [("failed", "dms closed", 1)]


async def test_a_delivery_that_raises_is_retried_and_the_scheduler_lives_on(world):
    await _remind(world, T0)

    class Broken:
        async def deliver(self, item: Outgoing) -> DeliveryResult:
            raise RuntimeError("bug in an adapter")

    await world.make_scheduler(Broken()).tick()
    assert await _statuses(world.sql) == [("pending", "delivery raised RuntimeError", 1)]


# --- wall-clock recurrence --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "start"),
    [("America/New_York", datetime(2026, 10, 19, 8, 0)), ("Europe/Berlin", datetime(2026, 10, 19))],
)
async def test_a_weekly_reminder_at_nine_stays_at_nine_across_the_clock_change(
    world, alice, zone, start
):
    tz = ZoneInfo(zone)
    alice.engine = world.engine
    world.clock.now = start.replace(tzinfo=tz)  # Monday 19 Oct, before the clocks go back
    await alice.say(f"timezone {zone}")
    reply = await alice.say("remind every monday 9am plan the week")
    assert "every Monday at 09:00" in reply.text
    for week in range(4):
        await world.run_until(datetime(2026, 10, 19, 9, 0, tzinfo=tz) + timedelta(weeks=week))
    locals_ = [posted.astimezone(tz) for posted, _ in world.delivery.posts if posted]
    assert [(t.day, t.hour, t.minute) for t in locals_] == [
        (19, 9, 0),
        (26, 9, 0),
        (2, 9, 0),
        (9, 9, 0),
    ]
    offsets = {t.utcoffset() for t in locals_}
    assert len(offsets) == 2  # the same 09:00 on both sides of the change
