"""A timezone change as transcripts and in the store: recurring reminders and interviews keep
their clock time in the new zone, one-off reminders keep their moment, the reply says what
moved, an ambiguous name offers its zones as buttons, and every listing and post shows the new
zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from support.harness import Clock, Transcript
from support.reminders import ReminderWorld

from bot.common.replies import Kind, Reply
from bot.common.users import UserKey
from bot.reminders.model import NewReminder, ReminderKind, Role, Status
from bot.reminders.plan import delivery_key
from bot.reminders.store import ReminderStore
from bot.storage.schema import occurrences, reminders
from bot.storage.sql import SqlStore

# Thursday 26 Nov 2026, 14:00 UTC (06:00 in Los Angeles).
NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
ME = UserKey("console", "local", "me")
# certainty maybe, paper, a while, dream yes, recruiter, late rounds elsewhere, slip away.
TAKE_IT = (3, 2, 2, 1, 1, 1, 1)


@pytest.fixture
def utc_world(store: SqlStore, clock: Clock) -> ReminderWorld:
    clock.now = NOW
    return ReminderWorld(store, clock, default_timezone="UTC")


@pytest.fixture
def me(utc_world: ReminderWorld) -> Transcript:
    return Transcript(utc_world.engine, ME)


def _button(reply: Reply, label: str) -> str:
    return next(b.id for b in reply.buttons if b.label == label)


async def _set_all_kinds(me: Transcript) -> None:
    """A weekday series, a weekly one, a one-off and an interview, all set in UTC."""
    await me.say("remind every weekday at 9am stand-up")
    await me.say("remind every monday 9am plan the week")
    await me.say("remind tomorrow 15:00 call Sam")
    await me.start("Acme — Data Analyst")
    verdict = await me.answer_all(*TAKE_IT)
    await me.press(_button(verdict, "Set interview reminders"))
    confirmed = await me.say("tue 15:00")
    assert confirmed.text.startswith("Interview reminders set for Acme — Data Analyst, Tue 1 Dec")


async def test_timezone_pst_moves_repeats_and_interviews_and_keeps_one_offs(me, utc_world):
    await _set_all_kinds(me)
    reply = await me.say("timezone PST")
    assert reply.kind is Kind.INFO
    assert reply.text.split("\n") == [
        "Your times are now in America/Los_Angeles (PST). It's Thu 26 Nov, 06:00 PST there.",
        "Moved to keep their clock time: 2 recurring reminders, 3 interview reminders. "
        "One-off reminders keep their moment.",
    ]
    listed = await me.say("reminders")
    assert [item.text for item in listed.items] == [
        # 15:00 UTC, as set: the one-off keeps its moment.
        "Fri 27 Nov, 07:00 PST: call Sam",
        # 09:00 stays 09:00, now in Los Angeles.
        "Fri 27 Nov, 09:00 PST: stand-up (every weekday at 09:00)",
        "Mon 30 Nov, 09:00 PST: plan the week (every Monday at 09:00)",
        # The interview is at 15:00 Los Angeles time now, its reminders with it.
        "Mon 30 Nov, 15:00 PST: Your interview at Acme — Data Analyst is in 1 day: "
        "Tue 1 Dec, 15:00 PST.",
        "Tue 1 Dec, 14:00 PST: Your interview at Acme — Data Analyst is in 1 hour: "
        "Tue 1 Dec, 15:00 PST.",
        "Wed 2 Dec, 15:00 PST: How did the interview at Acme — Data Analyst go?",
    ]


async def test_after_the_change_posts_come_at_the_new_clock_time(me, utc_world):
    await me.say("remind every weekday at 9am stand-up")
    await me.say("remind tomorrow 15:00 call Sam")
    await me.say("timezone America/Los_Angeles")
    # Friday 09:00 UTC: the stand-up no longer comes then.
    await utc_world.run_until(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    assert utc_world.delivery.texts == []
    await utc_world.run_until(datetime(2026, 11, 27, 15, 0, tzinfo=UTC))
    assert utc_world.delivery.texts == ["Reminder: call Sam"]
    await utc_world.run_until(datetime(2026, 11, 27, 17, 0, tzinfo=UTC))  # 09:00 PST
    assert utc_world.delivery.texts[1].startswith("Reminder: stand-up")
    # And Monday's run follows the rule in the new zone.
    await utc_world.run_until(datetime(2026, 11, 30, 16, 59, tzinfo=UTC))
    assert len(utc_world.delivery.texts) == 2
    await utc_world.run_until(datetime(2026, 11, 30, 17, 0, tzinfo=UTC))
    assert len(utc_world.delivery.texts) == 3


async def test_an_interview_post_shows_the_new_zone(me, utc_world):
    await _set_all_kinds(me)
    await me.say("timezone Berlin")
    await utc_world.run_until(datetime(2026, 11, 30, 14, 0, tzinfo=UTC))  # Mon 15:00 CET
    before = [t for t in utc_world.delivery.texts if t.startswith("Your interview")]
    assert before == ["Your interview at Acme — Data Analyst is in 1 day: Tue 1 Dec, 15:00 CET."]


async def test_only_one_offs_to_keep_says_so_and_nothing_moved(me):
    await me.say("remind tomorrow 15:00 call Sam")
    reply = await me.say("timezone Berlin")
    assert reply.text.split("\n")[1:] == ["One-off reminders keep their moment."]


async def test_nothing_to_move_says_only_the_zone(me):
    reply = await me.say("timezone new york")
    assert reply.text == (
        "Your times are now in America/New_York (New York). It's Thu 26 Nov, 09:00 EST there."
    )


async def test_setting_the_same_zone_again_moves_nothing(me):
    await me.say("timezone Europe/Berlin")
    await me.say("remind every monday 9am plan the week")
    again = await me.say("timezone CET")
    assert again.text == (
        "Your times are now in Europe/Berlin (CET). It's Thu 26 Nov, 15:00 CET there."
    )


async def test_an_ambiguous_name_offers_its_zones_as_buttons_and_a_press_sets_one(me, utc_world):
    await me.say("remind every weekday at 9am stand-up")
    reply = await me.say("timezone IST")
    assert reply.text.split("\n") == [
        "IST can mean more than one timezone. Which is yours?",
        "Asia/Kolkata: India, 19:30 there now",
        "Europe/Dublin: Ireland, 14:00 there now",
        "Asia/Jerusalem: Israel, 16:00 there now",
        "Or type it: timezone Asia/Kolkata",
    ]
    assert [b.label for b in reply.buttons] == ["Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"]
    assert str(await utc_world.sql.timezone(ME)) != "Asia/Kolkata"  # nothing set yet
    chosen = await me.press(_button(reply, "Asia/Kolkata"))
    assert chosen.text.split("\n") == [
        "Your times are now in Asia/Kolkata. It's Thu 26 Nov, 19:30 IST there.",
        "Moved to keep their clock time: 1 recurring reminder.",
    ]
    assert str(await utc_world.sql.timezone(ME)) == "Asia/Kolkata"
    listed = await me.say("reminders")
    assert listed.items[0].text == "Fri 27 Nov, 09:00 IST: stand-up (every weekday at 09:00)"


async def test_a_country_with_several_zones_offers_them(me):
    reply = await me.say("timezone USA")
    assert reply.text.startswith("USA can mean more than one timezone.")
    assert "America/Chicago: Central (most areas), 08:00 there now" in reply.text.split("\n")
    assert "America/Los_Angeles" in [b.label for b in reply.buttons]


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("timezone Narnia", "I don't know the timezone 'Narnia'. Try a city (timezone Berlin)"),
        ("timezone UTC+15", "UTC offsets run from UTC-12 to UTC+14"),
        ("timezone -03:30", "No timezone keeps UTC-3:30 all year."),
    ],
)
async def test_an_unknown_zone_gets_one_line_with_examples_and_changes_nothing(
    me, utc_world, typed, says
):
    await me.say("remind every weekday at 9am stand-up")
    reply = await me.say(typed)
    assert reply.kind is Kind.ERROR
    assert reply.text.startswith(says)
    assert "\n" not in reply.text
    assert await utc_world.sql.timezone(ME) is None
    listed = await me.say("reminders")
    assert listed.items[0].text == "Fri 27 Nov, 09:00 UTC: stand-up (every weekday at 09:00)"


async def test_an_offset_is_set_and_the_reversed_etc_sign_explained(me):
    reply = await me.say("timezone UTC+2")
    lines = reply.text.split("\n")
    assert (
        lines[0] == "Your times are now in Etc/GMT-2 (UTC+2). It's Thu 26 Nov, 16:00 UTC+02 there."
    )
    assert lines[1].startswith("Etc/GMT-2 is UTC+2: IANA names write these offsets with the sign")


@pytest.mark.parametrize("typed", ["timezone New York", "timezone Eastern Standard Time"])
async def test_a_zone_of_several_words_is_the_command(me, typed):
    reply = await me.say(typed)
    assert reply.text.startswith("Your times are now in America/New_York")


async def test_a_company_named_like_timezone_words_stays_a_company(me):
    await me.start()
    reply = await me.say("Timezone Labs of Berlin")
    assert reply.notice == "Got it: Timezone Labs of Berlin."


# --- the store: one transaction ---------------------------------------------------------------


async def _interview(
    store: ReminderStore, event_at: datetime, zone: str, befores: tuple[timedelta, ...]
) -> str:
    reminder = NewReminder(
        id="iv0000000001",
        owner=ME,
        channel=None,
        text="Acme",
        kind=ReminderKind.INTERVIEW,
        timezone=zone,
        occurrences=(
            *((Role.BEFORE, event_at - ahead) for ahead in befores),
            (Role.FOLLOWUP, event_at + timedelta(days=1)),
        ),
        conversation_id="c1",
        event_at=event_at,
    )
    await store.create(reminder, now=NOW)
    return reminder.id


async def _occurrences(sql: SqlStore) -> list[tuple[str, datetime, str, str]]:
    o = occurrences.c
    query = select(o.role, o.due_at, o.status, o.delivery_key).order_by(o.id)
    return await sql.read(lambda conn: [tuple(row) for row in conn.execute(query).all()])


async def test_reminders_trading_times_keep_unique_delivery_keys(store: SqlStore):
    # From UTC+12 to UTC-11: the same clock time is 23 hours later, so the reminder 24 hours
    # before lands on the old time of the one an hour before.
    reminders_ = ReminderStore(store)
    event = datetime(2026, 12, 10, 3, 0, tzinfo=UTC)
    rid = await _interview(
        reminders_, event, "Etc/GMT-12", (timedelta(hours=24), timedelta(hours=1))
    )
    moved = await reminders_.change_zone(ME, "Etc/GMT+11", now=NOW)
    assert (moved.recurring, moved.interview, moved.dropped, moved.kept) == (0, 3, 0, 0)
    shifted = event + timedelta(hours=23)
    rows = await _occurrences(store)
    assert [(role, at) for role, at, _, _ in rows] == [
        ("before", shifted - timedelta(hours=24)),
        ("before", shifted - timedelta(hours=1)),
        ("followup", shifted + timedelta(days=1)),
    ]
    assert [key for *_, key in rows] == [delivery_key(rid, at) for _, at, _, _ in rows]
    event_at = await store.read(
        lambda conn: conn.execute(select(reminders.c.event_at)).scalar_one()
    )
    assert event_at == shifted
    assert str(await store.timezone(ME)) == "Etc/GMT+11"


async def test_an_interview_reminder_whose_new_time_has_passed_is_cancelled(store: SqlStore):
    # Set in Los Angeles for Friday 09:00 (17:00 UTC); moved to Tokyo, 09:00 is Friday 00:00
    # UTC: the reminder a day before would have been Thursday 00:00 UTC, already past.
    reminders_ = ReminderStore(store)
    event = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
    await _interview(
        reminders_, event, "America/Los_Angeles", (timedelta(hours=24), timedelta(hours=1))
    )
    moved = await reminders_.change_zone(ME, "Asia/Tokyo", now=NOW)
    assert (moved.interview, moved.dropped) == (2, 1)
    rows = await _occurrences(store)
    assert [(role, status) for role, _, status, _ in rows] == [
        ("before", Status.CANCELLED.value),
        ("before", Status.PENDING.value),
        ("followup", Status.PENDING.value),
    ]
    assert rows[1][1] == datetime(2026, 11, 26, 23, 0, tzinfo=UTC)  # Fri 08:00 Tokyo


async def test_what_is_already_due_is_left_to_the_scheduler(store: SqlStore):
    reminders_ = ReminderStore(store)
    due = NOW - timedelta(seconds=5)  # due, not yet claimed
    await reminders_.create(
        NewReminder(
            id="rc0000000001",
            owner=ME,
            channel=None,
            text="stand-up",
            kind=ReminderKind.RECURRING,
            timezone="UTC",
            occurrences=((Role.REPEAT, due),),
            rule="FREQ=DAILY;BYHOUR=13;BYMINUTE=59;BYSECOND=55",
        ),
        now=NOW,
    )
    moved = await reminders_.change_zone(ME, "Europe/Berlin", now=NOW)
    assert moved.recurring == 0
    [(_, at, status, _)] = await _occurrences(store)
    assert (at, status) == (due, Status.PENDING.value)
