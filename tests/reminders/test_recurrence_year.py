"""A year of recurring reminders through the real scheduler and database, on an injected clock:
"every other Friday 16:00 Europe/Berlin until 3 Dec 2027" and "the last day of every month
09:00" in New York (13 times) post at exactly the right instants across both DST changes of
each zone, and stop after their end.

The clock moves the way the running scheduler sleeps: to the queue's next ready time, so no
test waits in real time. Expected instants are written out by hand.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from support.harness import ALICE, Clock
from support.reminders import ReminderWorld

from bot.reminders.model import NewReminder, ReminderKind, Role
from bot.reminders.queue import DueQueue
from bot.reminders.recurrence import build_rule, next_occurrence
from bot.storage.schema import occurrences

BERLIN, NY = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
# Wednesday 2 Dec 2026, 12:00 in Berlin.
START = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)
PLATFORMS = ["console", "slack", "discord"]

# Every other Friday from 4 Dec 2026, 16:00 Berlin: 15:00 UTC in CET, 14:00 UTC in CEST
# (from 28 Mar 2027 to 31 Oct 2027). 3 Dec 2027 is the last: UNTIL is inclusive.
FRIDAYS_CET_2026 = [(2026, 12, 4), (2026, 12, 18)]
FRIDAYS_CET_2027 = [(1, 1), (1, 15), (1, 29), (2, 12), (2, 26), (3, 12), (3, 26)]
FRIDAYS_CEST = [(4, 9), (4, 23), (5, 7), (5, 21), (6, 4), (6, 18), (7, 2), (7, 16), (7, 30)]
FRIDAYS_CEST += [(8, 13), (8, 27), (9, 10), (9, 24), (10, 8), (10, 22)]
FRIDAYS_CET_LATE = [(11, 5), (11, 19), (12, 3)]
EVERY_OTHER_FRIDAY = (
    [datetime(y, m, d, 15, 0, tzinfo=UTC) for y, m, d in FRIDAYS_CET_2026]
    + [datetime(2027, m, d, 15, 0, tzinfo=UTC) for m, d in FRIDAYS_CET_2027]
    + [datetime(2027, m, d, 14, 0, tzinfo=UTC) for m, d in FRIDAYS_CEST]
    + [datetime(2027, m, d, 15, 0, tzinfo=UTC) for m, d in FRIDAYS_CET_LATE]
)

# The last day of each month, 09:00 New York: 14:00 UTC in EST, 13:00 UTC in EDT (from
# 14 Mar 2027 to 7 Nov 2027); 13 times, 31 Dec 2026 to 31 Dec 2027.
LAST_DAYS = [
    datetime(2026, 12, 31, 14, 0, tzinfo=UTC),
    datetime(2027, 1, 31, 14, 0, tzinfo=UTC),
    datetime(2027, 2, 28, 14, 0, tzinfo=UTC),
    datetime(2027, 3, 31, 13, 0, tzinfo=UTC),
    datetime(2027, 4, 30, 13, 0, tzinfo=UTC),
    datetime(2027, 5, 31, 13, 0, tzinfo=UTC),
    datetime(2027, 6, 30, 13, 0, tzinfo=UTC),
    datetime(2027, 7, 31, 13, 0, tzinfo=UTC),
    datetime(2027, 8, 31, 13, 0, tzinfo=UTC),
    datetime(2027, 9, 30, 13, 0, tzinfo=UTC),
    datetime(2027, 10, 31, 13, 0, tzinfo=UTC),
    datetime(2027, 11, 30, 14, 0, tzinfo=UTC),
    datetime(2027, 12, 31, 14, 0, tzinfo=UTC),
]


@pytest.fixture
def db_url(fresh_db_url: str) -> str:
    """On SQLite, and on PostgreSQL when TEST_POSTGRES_URL is set."""
    return fresh_db_url


@pytest.fixture(autouse=True)
def _at_start(clock: Clock) -> None:
    clock.now = START


def _fridays_rule() -> str:
    return build_rule(
        "WEEKLY",
        interval=2,
        byday=["FR"],
        hour=16,
        minute=0,
        dtstart=datetime(2026, 12, 2, 12, 0),
        until=date(2027, 12, 3),
    )


def _last_days_rule() -> str:
    return build_rule(
        "MONTHLY", bymonthday=[-1], hour=9, minute=0, dtstart=datetime(2026, 12, 2), count=13
    )


async def _recurring(
    world: ReminderWorld, rid: str, rule: str, tz: ZoneInfo, text: str, channel: str | None
) -> None:
    first = next_occurrence(rule, tz, world.clock.now)
    assert first is not None
    await world.store.create(
        NewReminder(
            id=rid,
            owner=ALICE,
            channel=channel,
            text=text,
            kind=ReminderKind.RECURRING,
            timezone=tz.key,
            occurrences=((Role.REPEAT, first),),
            rule=rule,
        ),
        now=world.clock.now,
    )


async def _run_as_the_scheduler_sleeps(world: ReminderWorld, until: datetime) -> None:
    """Move the clock from one ready time to the next (as the loop's sleep does), checking a
    second before each that nothing is posted early, until nothing is left or `until`."""
    queue = DueQueue(world.sql)
    while (ready := await queue.next_ready(PLATFORMS)) is not None and ready <= until:
        posted = len(world.delivery.posts)
        await world.run_until(ready - timedelta(seconds=1))
        assert len(world.delivery.posts) == posted, "posted before its time"
        await world.run_until(ready)
        assert len(world.delivery.posts) > posted, "nothing posted at the ready time"


def _posted(world: ReminderWorld, text: str) -> list[datetime]:
    return [at for at, item in world.delivery.posts if at and item.message.text.startswith(text)]


async def test_a_year_of_every_other_friday_and_month_ends_posts_the_exact_instants_then_stops(
    world: ReminderWorld,
) -> None:
    await _recurring(world, "fridays", _fridays_rule(), BERLIN, "team demo", "C_JOBS")
    await _recurring(world, "monthend", _last_days_rule(), NY, "send the invoice", None)
    channel = (ALICE.platform, ALICE.workspace, "C_JOBS")
    assert await world.store.count_channel_recurring(*channel) == 1

    await _run_as_the_scheduler_sleeps(world, START + timedelta(days=3 * 365))

    assert _posted(world, "Reminder: team demo") == EVERY_OTHER_FRIDAY
    assert _posted(world, "Reminder: send the invoice") == LAST_DAYS
    # Both series have ended: nothing is waiting, and a clock two years on posts nothing more.
    assert await DueQueue(world.sql).next_ready(PLATFORMS) is None
    count = len(world.delivery.posts)
    await world.run_until(datetime(2029, 1, 1, tzinfo=UTC))
    assert len(world.delivery.posts) == count
    assert await world.store.upcoming(ALICE) == []
    statuses = await world.sql.read(
        lambda conn: [row.status for row in conn.execute(select(occurrences.c.status)).all()]
    )
    assert statuses == ["sent"] * (len(EVERY_OTHER_FRIDAY) + len(LAST_DAYS))
    # An ended series no longer takes one of the channel's recurring places.
    assert await world.store.count_channel_recurring(*channel) == 0


async def test_each_post_says_the_rule_and_the_last_one_says_it_was_the_last(
    world: ReminderWorld,
) -> None:
    await _recurring(world, "fridays", _fridays_rule(), BERLIN, "team demo", "C_JOBS")
    await _recurring(world, "monthend", _last_days_rule(), NY, "send the invoice", None)
    await _run_as_the_scheduler_sleeps(world, START + timedelta(days=3 * 365))

    texts = [item.message.text for _, item in world.delivery.posts]
    fridays = [t for t in texts if "team demo" in t]
    month_ends = [t for t in texts if "send the invoice" in t]
    assert fridays[0] == (
        "Reminder: team demo\nThis repeats every other Friday at 16:00 until 3 Dec 2027."
    )
    assert fridays[-1] == (
        "Reminder: team demo\n"
        "This is the last time: it repeated every other Friday at 16:00 until 3 Dec 2027."
    )
    assert month_ends[0] == (
        "Reminder: send the invoice\n"
        "This repeats every month on the last day at 09:00, 12 more times."
    )
    assert month_ends[-2].endswith("every month on the last day at 09:00, once more.")
    assert month_ends[-1] == (
        "Reminder: send the invoice\n"
        "This is the last time: it repeated every month on the last day at 09:00, 13 times."
    )


async def test_back_after_months_offline_the_series_posts_once_and_keeps_its_rhythm(
    world: ReminderWorld,
) -> None:
    await _recurring(world, "fridays", _fridays_rule(), BERLIN, "team demo", "C_JOBS")
    await _run_as_the_scheduler_sleeps(world, datetime(2026, 12, 4, 15, 0, tzinfo=UTC))
    assert _posted(world, "Reminder: team demo") == [datetime(2026, 12, 4, 15, 0, tzinfo=UTC)]

    # Down from December until five seconds after the run of Fri 26 Mar 2027.
    await world.run_until(datetime(2027, 3, 26, 15, 0, 5, tzinfo=UTC))
    assert len(world.delivery.posts) == 2  # the missed runs post once, for the latest
    latest = datetime(2027, 3, 26, 15, tzinfo=UTC)
    assert world.delivery.keys[-1] == f"fridays.{int(latest.timestamp()):x}"
    # The next is two weeks on, the first run in summer time.
    assert await DueQueue(world.sql).next_ready(PLATFORMS) == datetime(2027, 4, 9, 14, tzinfo=UTC)
