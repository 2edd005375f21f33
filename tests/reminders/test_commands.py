"""`remind`, `reminders`, `timezone`, `channel` and `forget me` as transcripts: what is stored,
what is said, and that bad input stores nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from support.harness import Transcript
from support.reminders import ReminderWorld

from bot.common.events import Text
from bot.common.replies import Kind, Reply
from bot.common.users import UserKey
from bot.reminders import texts
from bot.reminders.plan import MAX_PENDING_PER_USER
from bot.storage.schema import occurrences, reminders

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # Thu 26 Nov, 09:00 in New York
CONSOLE = UserKey("console", "local", "me")


@pytest.fixture
def me(world: ReminderWorld) -> Transcript:
    world.clock.now = NOW
    return Transcript(world.engine, CONSOLE)


@pytest.fixture
def slack_me(world: ReminderWorld) -> Transcript:
    world.clock.now = NOW
    return Transcript(world.engine, UserKey("slack", "T1", "U_ALICE"))


def _button(reply: Reply, label: str, index: int = 0) -> str:
    found = [
        b.id
        for b in (*reply.buttons, *(x for i in reply.items for x in i.buttons))
        if b.label == label
    ]
    return found[index]


async def _rows(world: ReminderWorld) -> tuple[int, int]:
    def count(conn):  # type: ignore[no-untyped-def]
        return (
            conn.execute(select(func.count()).select_from(reminders)).scalar(),
            conn.execute(select(func.count()).select_from(occurrences)).scalar(),
        )

    return await world.sql.read(count)


async def test_remind_stores_it_and_confirms_the_time_in_my_zone_with_undo(me, world):
    reply = await me.say("remind me in 90 minutes to call Sam back")
    assert reply.text == "Reminder set for Thu 26 Nov, 10:30 EST: call Sam back"
    assert [b.label for b in reply.buttons] == ["Undo"]
    assert await _rows(world) == (1, 1)
    await world.run_until(NOW + timedelta(minutes=90))
    assert world.delivery.texts == ["Reminder: call Sam back"]
    [(_, post)] = world.delivery.posts
    assert post.destination == (CONSOLE, None)
    assert [b.label for b in post.message.buttons] == [
        "Done",
        "Snooze 20 minutes",
        "Snooze 1 hour",
        "Snooze 3 hours",
        "Snooze until tomorrow morning",
        "Snooze until next week",
    ]


async def test_undo_cancels_the_reminder_before_it_fires(me, world):
    reply = await me.say("remind in 5 minutes stretch")
    assert (await me.press(_button(reply, "Undo"))).text == texts.UNDONE
    await world.run_until(NOW + timedelta(hours=1))
    assert world.delivery.posts == []
    assert (await me.press(_button(reply, "Undo"))).kind is Kind.ERROR  # nothing left to undo


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("remind banana stretch", "Put the time first or last"),
        ("remind yesterday 9am stretch", "passed"),
        ("remind in 400 days stretch", "year"),
        ("remind 2020-01-01 10:00 stretch", "passed"),
    ],
)
async def test_a_time_that_cannot_be_used_gets_examples_and_stores_nothing(me, world, typed, says):
    reply = await me.say(typed)
    assert reply.kind is Kind.ERROR
    assert says in reply.text
    assert "in 2 hours" in reply.text and "every monday 9am" in reply.text
    assert await _rows(world) == (0, 0)


async def test_remind_without_words_or_with_too_many_stores_nothing(me, world):
    assert (await me.say("remind")).text == texts.REMIND_HELP
    assert (await me.say("remind in 5 minutes")).kind is Kind.ERROR
    long = await me.say("remind in 5 minutes " + "x" * 501)
    assert long.text == texts.TOO_LONG.format(length=501, limit=500)
    assert await _rows(world) == (0, 0)


async def test_at_most_25_pending_reminders(me, world):
    for n in range(MAX_PENDING_PER_USER):
        assert (await me.say(f"remind in {n + 1} hours thing {n}")).kind is Kind.INFO
    refused = await me.say("remind in 30 hours one too many")
    assert refused.text == texts.TOO_MANY.format(limit=MAX_PENDING_PER_USER)
    assert await _rows(world) == (25, 25)


async def test_reminders_lists_upcoming_with_edit_cancel_and_snooze(me, world):
    await me.say("remind in 2 hours water the plants")
    await me.say("remind tomorrow 9am send the thank-you note")
    listed = await me.say("reminders")
    assert listed.text == texts.LIST_TITLE
    assert [item.text for item in listed.items] == [
        "Thu 26 Nov, 11:00 EST: water the plants",
        "Fri 27 Nov, 09:00 EST: send the thank-you note",
    ]
    assert [b.label for b in listed.items[0].buttons] == ["Edit", "Cancel", "Snooze"]
    cancelled = await me.press(_button(listed, "Cancel", 0))
    assert cancelled.text.startswith("Cancelled: Thu 26 Nov, 11:00 EST: water the plants")
    assert (await me.press(_button(listed, "Cancel", 0))).text == texts.GONE  # one press only
    choices = await me.press(_button(listed, "Snooze", 1))
    snoozed = await me.press(_button(choices, "Snooze until tomorrow morning"))
    assert snoozed.text == "Snoozed until Sat 28 Nov, 09:00 EST: send the thank-you note"
    again = await me.say("reminders")
    assert [item.text for item in again.items] == ["Sat 28 Nov, 09:00 EST: send the thank-you note"]


async def test_snooze_on_a_posted_reminder_brings_it_back_later(me, world):
    await me.say("remind in 5 minutes stretch")
    await world.run_until(NOW + timedelta(minutes=5))
    post = world.delivery.posts[-1][1].message
    snoozed = await me.press(_button(post, "Snooze 1 hour"))
    assert snoozed.text == "Snoozed until Thu 26 Nov, 10:05 EST: stretch"
    await world.run_until(NOW + timedelta(minutes=65))
    assert world.delivery.texts == ["Reminder: stretch", "Reminder: stretch"]
    assert len(set(world.delivery.keys)) == 2


async def test_a_recurring_reminder_can_be_stopped_from_its_post(me, world):
    reply = await me.say("remind every weekday 8:30 stand-up notes")
    assert reply.text == (
        "Recurring reminder set, every weekday at 08:30, starting Fri 27 Nov, 08:30 EST: "
        "stand-up notes"
    )
    await world.run_until(datetime(2026, 11, 27, 13, 30, tzinfo=UTC))
    post = world.delivery.posts[-1][1].message
    assert "This repeats every weekday at 08:30." in post.text
    stopped = await me.press(_button(post, "Stop"))
    assert stopped.text.startswith("Stopped: stand-up notes")
    await world.run_until(datetime(2026, 12, 5, tzinfo=UTC))
    assert len(world.delivery.posts) == 1


async def test_someone_else_cannot_cancel_my_reminder(me, world):
    await me.say("remind in 2 hours water the plants")
    listed = await me.say("reminders")
    other = Transcript(world.engine, UserKey("console", "local", "someone"))
    assert (await other.press(_button(listed, "Cancel"))).text == texts.NOT_YOURS
    assert len(await world.store.upcoming(CONSOLE)) == 1


async def test_timezone_is_set_by_name_and_used_for_new_reminders(me, world):
    bad = await me.say("timezone Mars/Olympus")
    assert bad.kind is Kind.ERROR and "Europe/Berlin" in bad.text
    shown = await me.say("timezone")
    assert shown.text.startswith("Your timezone is America/New_York")
    assert (await me.say("timezone asia/kolkata")).text.startswith(
        "Your times are now in Asia/Kolkata"
    )
    reply = await me.say("remind tomorrow 9am yoga")
    assert reply.text == "Reminder set for Fri 27 Nov, 09:00 IST: yoga"


async def test_channels_are_refused_in_the_console_with_a_plain_answer(me, world):
    for typed in ("remind #job-hunt in 5 minutes x", "remind channel in 5 minutes x", "channel"):
        reply = await me.say(typed)
        assert reply.text == texts.NO_CHANNELS_HERE, typed
    assert await _rows(world) == (0, 0)


async def test_remind_in_a_named_channel_or_the_job_hunt_channel(slack_me, world):
    named = await slack_me.say("remind <#C0123|job-hunt> in 5 minutes mock interview prep")
    assert named.text.endswith(" in <#C0123>: mock interview prep")
    unset = await slack_me.say("remind channel in 5 minutes x")
    assert unset.text == texts.NO_JOB_HUNT_CHANNEL
    # Slack lets any member set it (the adapter says so with manage=True).
    set_it = await slack_me.send(Text("channel <#C0777|jobs>", manage=True))
    assert set_it[-1].text == texts.CHANNEL_SET.format(channel="C0777")
    await slack_me.say("remind channel every monday 9am weekly goals")
    await world.run_until(NOW + timedelta(minutes=5))
    await world.run_until(datetime(2026, 11, 30, 14, 0, tzinfo=UTC))  # Monday 09:00 EST
    channels = [item.destination.channel for _, item in world.delivery.posts]
    assert channels == ["C0123", "C0777"]


async def test_the_job_hunt_channel_setting_is_the_default(store, clock):
    world = ReminderWorld(store, clock, job_hunt_channels={"slack": "C_DEFAULT"})
    world.clock.now = NOW
    me = Transcript(world.engine, UserKey("slack", "T1", "U_ALICE"))
    reply = await me.say("remind channel in 5 minutes x")
    assert "<#C_DEFAULT>" in reply.text


async def test_reminders_where_nothing_delivers_them_are_refused_plainly(store, clock):
    world = ReminderWorld(store, clock, platforms=frozenset({"console", "slack"}))
    discord = Transcript(world.engine, UserKey("discord", "", "42"))
    reply = await discord.say("remind in 5 minutes x")
    assert reply.text == texts.NOT_HERE
    assert await _rows(world) == (0, 0)


async def test_forget_me_deletes_my_reminders_too(me, world):
    await me.say("remind in 5 minutes stretch")
    await me.say("remind every monday 9am plan the week")
    await me.say("timezone Europe/Berlin")
    await me.say("forget me")
    await me.say("yes")
    assert await _rows(world) == (0, 0)
    await world.run_until(NOW + timedelta(days=14))
    assert world.delivery.posts == []


async def test_a_repeated_delivery_of_remind_creates_one_reminder(me, world):
    first = await world.engine.handle(CONSOLE, Text("remind in 5 minutes x"), delivery_id="ev1")
    again = await world.engine.handle(CONSOLE, Text("remind in 5 minutes x"), delivery_id="ev1")
    assert len(first) == 1 and again == []
    assert await _rows(world) == (1, 1)


@pytest.mark.parametrize(
    "company", ["Channel 4 — Producer", "Stats Inc — Analyst", "Timezone Labs of Berlin"]
)
async def test_a_company_named_like_a_command_stays_a_company(me, company):
    await me.start()
    reply = await me.say(company)
    assert reply.kind is Kind.QUESTION
    assert reply.notice == f"Got it: {company}."
