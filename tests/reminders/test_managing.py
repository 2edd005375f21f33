"""Managing reminders as people expect: `remind list`, `remind delete 2`, `reminders clear`
(asked first), `edit 2 …` (a new time or a new text), Done on a delivered reminder, and
Slack's snooze choices, each landing where it says. Transcripts through the real engine, on
the reminders harness's hand-moved clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from support.harness import Transcript
from support.reminders import ReminderWorld

from bot.common.replies import Kind, Reply
from bot.common.users import UserKey
from bot.reminders import texts
from bot.reminders.commands import (
    CancelItem,
    ClearReminders,
    EditItem,
    EditReminder,
    ListReminders,
    Remind,
    parse_command,
)
from bot.reminders.manage import NewText, NewTime, Unreadable, read_edit, snooze_until
from bot.reminders.managing import EditForm
from bot.reminders.model import NewReminder, ReminderKind, Role, Status
from bot.storage.schema import occurrences, reminders

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # Thu 26 Nov, 09:00 in New York
NEW_YORK = ZoneInfo("America/New_York")
CONSOLE = UserKey("console", "local", "me")
SNOOZE_LABELS = [
    "Snooze 20 minutes",
    "Snooze 1 hour",
    "Snooze 3 hours",
    "Snooze until tomorrow morning",
    "Snooze until next week",
]


@pytest.fixture
def me(world: ReminderWorld) -> Transcript:
    world.clock.now = NOW
    return Transcript(world.engine, CONSOLE)


def _button(reply: Reply, label: str, index: int = 0) -> str:
    found = [
        b.id
        for b in (*reply.buttons, *(x for i in reply.items for x in i.buttons))
        if b.label == label
    ]
    return found[index]


def _occurrence(button: str) -> int:
    return int(button.split(":")[1])


async def _statuses(world: ReminderWorld) -> list[tuple[str, str]]:
    def read(conn):  # type: ignore[no-untyped-def]
        query = (
            select(reminders.c.text, occurrences.c.status)
            .select_from(occurrences.join(reminders))
            .order_by(occurrences.c.id)
        )
        return [(row.text, row.status) for row in conn.execute(query).all()]

    return await world.sql.read(read)


# --- the words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "command"),
    [
        ("remind list", ListReminders()),
        ("remind me list", None),  # "me" makes it a reminder to be read as one
        ("remind delete 2", CancelItem(2)),
        ("remind cancel 2", CancelItem(2)),
        ("reminders delete 3", CancelItem(3)),
        ("reminders clear", ClearReminders()),
        ("remind clear", ClearReminders()),
        ("edit 2 tomorrow 10am", EditItem(2, "tomorrow 10am")),
        ("edit 2 call Sam and Ann", EditItem(2, "call Sam and Ann")),
        ("remind edit 1 noon", EditItem(1, "noon")),
        ("edit 2", EditItem(2, "")),
        # Only the exact forms: these stay reminders (or aren't commands at all).
        ("remind list the groceries at 5pm", Remind("list the groceries at 5pm")),
        (
            "remind me to cancel 2 subscriptions tomorrow",
            Remind("to cancel 2 subscriptions tomorrow"),
        ),
        ("edit the cover letter", None),
    ],
)
def test_managing_words_are_read_before_remind_when_what(typed, command):
    found = parse_command(typed)
    if command is None:
        assert not isinstance(found, ListReminders | CancelItem | ClearReminders | EditItem)
    else:
        assert found == command


@pytest.mark.parametrize(
    ("words", "reading"),
    [
        ("tomorrow 10am", NewTime),
        ("every friday 4pm", NewTime),
        ("call Sam and Ann", NewText),
        ('"tomorrow"', NewText),
        ("tomorrow at 25:00", Unreadable),
        ("at 25:00 call Sam", Unreadable),
        # Numbers and lead words in a text stay text.
        ("10 push-ups", NewText),
        ("in the office call Sam", NewText),
        ("next steps for the offer", NewText),
    ],
)
def test_an_edit_is_a_time_only_when_it_reads_fully_as_one(words, reading):
    assert isinstance(read_edit(words, now=NOW, tz=NEW_YORK), reading)


@pytest.mark.parametrize(
    ("value", "base", "expected"),
    [
        # 20 minutes, 1 hour, 3 hours: elapsed time, across the autumn change too.
        (
            "s20m",
            datetime(2026, 11, 1, 5, 50, tzinfo=UTC),
            datetime(2026, 11, 1, 6, 10, tzinfo=UTC),
        ),
        ("s1h", datetime(2026, 11, 1, 5, 30, tzinfo=UTC), datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
        ("s3h", NOW, NOW + timedelta(hours=3)),
        # Tomorrow morning: 09:00 local the next day, here the first day of summer time.
        (
            "smorning",
            datetime(2026, 3, 8, 3, 0, tzinfo=UTC),
            datetime(2026, 3, 8, 13, 0, tzinfo=UTC),
        ),
        # Next week: the same wall-clock time 7 days on, 09:00 EDT → 09:00 EST.
        (
            "sweek",
            datetime(2026, 10, 31, 13, 0, tzinfo=UTC),
            datetime(2026, 11, 7, 14, 0, tzinfo=UTC),
        ),
        # A time the spring change skips moves to the first that exists (SPEC §3): 02:30 → 03:00
        # EDT, as recurring times do.
        ("sweek", datetime(2026, 3, 1, 7, 30, tzinfo=UTC), datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
    ],
)
def test_each_snooze_choice_lands_in_local_time(value, base, expected):
    assert snooze_until(value, base=base, tz=NEW_YORK) == expected


# --- list, delete, clear --------------------------------------------------------------------


async def test_remind_list_shows_the_listing_not_a_time_error(me):
    await me.say("remind in 2 hours water the plants")
    listed = await me.say("remind list")
    assert listed.text == texts.LIST_TITLE
    assert [item.text for item in listed.items] == ["Thu 26 Nov, 11:00 EST: water the plants"]
    assert [b.label for b in listed.items[0].buttons] == ["Edit", "Cancel", "Snooze"]


async def test_remind_delete_cancels_the_item_by_its_number_in_the_list(me, world):
    await me.say("remind in 3 hours third")
    await me.say("remind in 1 hour first")
    await me.say("remind in 2 hours second")
    deleted = await me.say("remind delete 2")
    assert deleted.text == "Cancelled: Thu 26 Nov, 11:00 EST: second"
    listed = await me.say("reminders")
    assert [item.text for item in listed.items] == [
        "Thu 26 Nov, 10:00 EST: first",
        "Thu 26 Nov, 12:00 EST: third",
    ]
    missing = await me.say("remind cancel 9")
    assert missing.kind is Kind.ERROR
    assert missing.text == texts.NO_SUCH_ITEM.format(number=9, count=2)
    for hours in range(1, 5):  # hour by hour: a jump past the grace would mark them missed
        await world.run_until(NOW + timedelta(hours=hours))
    assert world.delivery.texts == ["Reminder: first", "Reminder: third"]


async def test_remind_delete_stops_a_recurring_one(me, world):
    await me.say("remind every monday 9am plan the week")
    stopped = await me.say("remind delete 1")
    assert stopped.text == texts.STOPPED_SERIES.format(text="plan the week")
    await world.run_until(NOW + timedelta(days=8))
    assert world.delivery.posts == []


async def test_reminders_clear_asks_first_and_keep_keeps_them(me, world):
    await me.say("remind in 1 hour one")
    await me.say("remind in 2 hours two")
    asked = await me.say("reminders clear")
    assert asked.text == texts.CLEAR_ASK.format(count=2)
    assert [b.label for b in asked.buttons] == [texts.CLEAR_CONFIRM, texts.CLEAR_KEEP]
    assert asked.buttons[0].danger
    kept = await me.press(_button(asked, texts.CLEAR_KEEP))
    assert kept.text == texts.CLEAR_KEPT
    # The question is closed: its confirm, pressed now, clears nothing.
    late = await me.press(_button(asked, texts.CLEAR_CONFIRM))
    assert late.refused and late.text == texts.CLEAR_STALE
    assert [status for _, status in await _statuses(world)] == ["pending", "pending"]


async def test_reminders_clear_confirmed_cancels_all_of_mine_and_nobody_elses(me, world):
    other = Transcript(world.engine, UserKey("console", "local", "someone-else"))
    await other.say("remind in 1 hour theirs")
    await me.say("remind in 1 hour one")
    await me.say("remind every day 9am two")
    asked = await me.say("remind clear")
    cleared = await me.press(_button(asked, texts.CLEAR_CONFIRM))
    assert cleared.text == texts.CLEARED.format(count=2, s="s")
    assert (await me.say("reminders")).items == ()
    for hours in range(1, 49):
        await world.run_until(NOW + timedelta(hours=hours))
    assert world.delivery.texts == ["Reminder: theirs"]
    again = await me.press(_button(asked, texts.CLEAR_CONFIRM))
    assert again.refused


async def test_reminders_clear_with_nothing_to_clear_says_so(me):
    reply = await me.say("reminders clear")
    assert reply.text == texts.CLEAR_NOTHING
    assert reply.buttons == ()


# --- edit -----------------------------------------------------------------------------------


async def test_edit_with_a_time_moves_it_and_with_words_changes_the_text(me, world):
    await me.say("remind in 2 hours water the plants")
    await me.say("remind tomorrow 9am send the note")
    moved = await me.say("edit 2 tomorrow 10am")
    assert moved.text == "Moved to Fri 27 Nov, 10:00 EST: send the note"
    changed = await me.say("edit 1 water the cactus")
    assert changed.text == "Changed to: water the cactus (Thu 26 Nov, 11:00 EST)"
    listed = await me.say("reminders")
    assert [item.text for item in listed.items] == [
        "Thu 26 Nov, 11:00 EST: water the cactus",
        "Fri 27 Nov, 10:00 EST: send the note",
    ]
    await world.run_until(NOW + timedelta(hours=2))
    await world.run_until(datetime(2026, 11, 27, 15, 0, tzinfo=UTC))
    assert [when for when, _ in world.delivery.posts] == [
        NOW + timedelta(hours=2),
        datetime(2026, 11, 27, 15, 0, tzinfo=UTC),
    ]
    assert world.delivery.texts == ["Reminder: water the cactus", "Reminder: send the note"]


async def test_an_edit_that_looks_like_a_time_but_is_not_one_changes_nothing(me, world):
    await me.say("remind in 2 hours water the plants")
    refused = await me.say("edit 1 tomorrow at 25:00")
    assert refused.kind is Kind.ERROR
    assert "quotes" in refused.text
    quoted = await me.say('edit 1 "tomorrow: water the plants"')
    assert quoted.text == "Changed to: tomorrow: water the plants (Thu 26 Nov, 11:00 EST)"
    assert await _statuses(world) == [("tomorrow: water the plants", "pending")]


async def test_edit_makes_a_recurring_one_repeat_differently(me, world):
    await me.say("remind every monday 9am plan the week")
    edited = await me.say("edit 1 every friday 4pm")
    assert edited.kind is Kind.INFO
    assert edited.text.startswith("Now every Friday at 16:00, starting Fri 27 Nov, 16:00 EST")
    await world.run_until(datetime(2026, 11, 27, 21, 0, tzinfo=UTC))
    await world.run_until(datetime(2026, 12, 4, 21, 0, tzinfo=UTC))
    assert [when for when, _ in world.delivery.posts] == [
        datetime(2026, 11, 27, 21, 0, tzinfo=UTC),
        datetime(2026, 12, 4, 21, 0, tzinfo=UTC),
    ]


async def test_edit_without_words_and_edit_pressed_say_how_to_type_it(me):
    await me.say("remind in 2 hours water the plants")
    asked = await me.say("edit 1")
    assert asked.text.startswith("Type the new time or the new text for water the plants")
    listed = await me.say("reminders")
    pressed = await me.press(_button(listed, "Edit"))
    assert pressed.text == asked.text
    assert (await me.say("edit 3 noon")).text == texts.NO_SUCH_ITEM.format(number=3, count=1)


async def test_an_edit_form_opens_prefilled_and_applies_only_what_changed(me, world):
    await me.say("remind tomorrow 9am send the note")
    listed = await me.say("reminders")
    occurrence = _occurrence(_button(listed, "Edit"))
    form = await world.service.edit_form(CONSOLE, occurrence, now=NOW)
    assert form == EditForm(occurrence, "nov 27 09:00", "send the note")
    [same] = await me.send(EditReminder(occurrence, when=form.when, text=form.text))
    assert same.text == "Nothing changed: send the note (Fri 27 Nov, 09:00 EST)."
    [text_only] = await me.send(
        EditReminder(occurrence, when=form.when, text="send the thank-you note")
    )
    assert text_only.text == "Changed to: send the thank-you note (Fri 27 Nov, 09:00 EST)"
    [both] = await me.send(EditReminder(occurrence, when="fri 3pm", text="call Ann"))
    assert both.text == "Moved to Fri 27 Nov, 15:00 EST: call Ann"
    [bad] = await me.send(EditReminder(occurrence, when="fri 25:00", text="call Ann"))
    assert bad.kind is Kind.ERROR
    [typed] = await me.send(EditReminder(occurrence, typed="tomorrow 10am"))
    assert typed.text == "Moved to Fri 27 Nov, 10:00 EST: call Ann"


async def test_only_the_owner_may_edit(me, world):
    await me.say("remind tomorrow 9am send the note")
    occurrence = _occurrence(_button(await me.say("reminders"), "Edit"))
    stranger = UserKey("console", "local", "stranger")
    refusal = await world.service.edit_form(stranger, occurrence, now=NOW)
    assert isinstance(refusal, Reply) and refusal.text == texts.NOT_YOURS
    [refused] = await world.engine.handle(stranger, EditReminder(occurrence, typed="noon"))
    assert refused.refused
    assert await _statuses(world) == [("send the note", "pending")]


# --- done and the snooze choices on a delivered reminder ------------------------------------


async def test_done_stops_it_and_lists_it_as_done(me, world):
    await me.say("remind in 5 minutes stretch")
    await world.run_until(NOW + timedelta(minutes=5))
    post = world.delivery.posts[-1][1].message
    assert [b.label for b in post.buttons] == ["Done", *SNOOZE_LABELS]
    # Snoozed first, then done: the snoozed copy won't come either.
    await me.press(_button(post, "Snooze 20 minutes"))
    done = await me.press(_button(post, "Done"))
    assert done.text == texts.MARKED_DONE.format(text="stretch")
    again = await me.press(_button(post, "Done"))
    assert again.refused and again.text == texts.ALREADY_DONE
    await world.run_until(NOW + timedelta(hours=2))
    assert world.delivery.texts == ["Reminder: stretch"]
    assert await _statuses(world) == [("stretch", "done"), ("stretch", "cancelled")]
    listed = await me.say("reminders")
    assert listed.sections[-1].title == texts.LIST_DONE
    assert listed.sections[-1].lines == ("✓ stretch (Thu 26 Nov, 09:05 EST)",)


async def test_done_on_a_recurring_one_leaves_the_next_runs(me, world):
    await me.say("remind every day 9am water the plants")
    await world.run_until(datetime(2026, 11, 27, 14, 0, tzinfo=UTC))
    post = world.delivery.posts[-1][1].message
    assert [b.label for b in post.buttons] == ["Done", *SNOOZE_LABELS, "Stop"]
    done = await me.press(_button(post, "Done"))
    assert done.text == "Done: water the plants. It comes again every day at 09:00."
    await world.run_until(datetime(2026, 11, 28, 14, 0, tzinfo=UTC))
    assert len(world.delivery.posts) == 2


@pytest.mark.parametrize(
    ("label", "says", "comes_back"),
    [
        ("Snooze 20 minutes", "Thu 26 Nov, 09:25 EST", datetime(2026, 11, 26, 14, 25, tzinfo=UTC)),
        ("Snooze 1 hour", "Thu 26 Nov, 10:05 EST", datetime(2026, 11, 26, 15, 5, tzinfo=UTC)),
        ("Snooze 3 hours", "Thu 26 Nov, 12:05 EST", datetime(2026, 11, 26, 17, 5, tzinfo=UTC)),
        (
            "Snooze until tomorrow morning",
            "Fri 27 Nov, 09:00 EST",
            datetime(2026, 11, 27, 14, 0, tzinfo=UTC),
        ),
        (
            "Snooze until next week",
            "Thu 3 Dec, 09:05 EST",
            datetime(2026, 12, 3, 14, 5, tzinfo=UTC),
        ),
    ],
)
async def test_each_snooze_choice_on_a_post_brings_it_back_then(me, world, label, says, comes_back):
    await me.say("remind in 5 minutes stretch")
    await world.run_until(NOW + timedelta(minutes=5))
    post = world.delivery.posts[-1][1].message
    snoozed = await me.press(_button(post, label))
    assert snoozed.text == f"Snoozed until {says}: stretch"
    await world.run_until(comes_back - timedelta(seconds=1))
    assert len(world.delivery.posts) == 1
    await world.run_until(comes_back)
    assert [when for when, _ in world.delivery.posts] == [NOW + timedelta(minutes=5), comes_back]


async def test_snooze_in_the_list_offers_the_choices_and_moves_it_from_its_time(me, world):
    await me.say("remind tomorrow 9am send the note")
    listed = await me.say("reminders")
    choices = await me.press(_button(listed, "Snooze"))
    assert choices.text == "Snooze until when? Fri 27 Nov, 09:00 EST: send the note"
    assert [b.label for b in choices.buttons] == SNOOZE_LABELS
    snoozed = await me.press(_button(choices, "Snooze 3 hours"))
    assert snoozed.text == "Snoozed until Fri 27 Nov, 12:00 EST: send the note"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("snooze 1 20 minutes", "Fri 27 Nov, 09:20 EST"),
        ("snooze 1 1 hour", "Fri 27 Nov, 10:00 EST"),
        ("snooze 1 for 3 hours", "Fri 27 Nov, 12:00 EST"),
        ("snooze 1 tomorrow morning", "Sat 28 Nov, 09:00 EST"),
        ("remind snooze 1 until next week", "Fri 4 Dec, 09:00 EST"),
    ],
)
async def test_snooze_typed_with_the_item_number_and_a_choice_moves_that_item(me, typed, says):
    await me.say("remind tomorrow 9am send the note")
    snoozed = await me.say(typed)
    assert snoozed.text == f"Snoozed until {says}: send the note"


async def test_snooze_typed_without_a_choice_offers_them_and_an_unknown_one_lists_them(me):
    await me.say("remind tomorrow 9am send the note")
    choices = await me.say("snooze 1")
    assert [b.label for b in choices.buttons] == SNOOZE_LABELS
    unknown = await me.say("snooze 1 a fortnight")
    assert unknown.kind is Kind.ERROR
    assert "a fortnight" in unknown.text and "20 minutes" in unknown.text
    missing = await me.say("snooze 3 1 hour")
    assert (
        missing.text == "You have no reminder 3; you have 1. Type reminders to see them numbered."
    )


# --- the store ------------------------------------------------------------------------------


async def test_the_store_lists_done_ones_for_a_week_only(me, world):
    await me.say("remind in 5 minutes stretch")
    await world.run_until(NOW + timedelta(minutes=5))
    [(_, post)] = world.delivery.posts
    occurrence = _occurrence(_button(post.message, "Done"))
    assert await world.store.edits.mark_done(occurrence, now=NOW + timedelta(minutes=6)) is True
    assert await world.store.edits.mark_done(occurrence, now=NOW + timedelta(minutes=7)) is False
    recent = await world.store.edits.recently_done(CONSOLE, since=NOW)
    assert [item.text for item in recent] == ["stretch"]
    assert await world.store.edits.recently_done(CONSOLE, since=NOW + timedelta(days=1)) == []
    assert Status.DONE.value == "done"


async def test_the_store_reschedules_edits_text_and_cancels_all(me, world):
    await me.say("remind in 1 hour one")
    await me.say("remind every day 9am two")
    [first, second] = await world.store.upcoming(CONSOLE)
    at = NOW + timedelta(hours=5)
    assert await world.store.edits.reschedule(first.occurrence_id, at=at, rule=None) == at
    assert await world.store.edits.edit_text(first.reminder_id, "uno")
    # A run of a series given a one-off time becomes a one-off.
    moved = await world.store.edits.reschedule(
        second.occurrence_id, at=at + timedelta(hours=1), rule=None
    )
    assert moved == at + timedelta(hours=1)
    series = await world.store.reminder(second.reminder_id)
    assert series is not None and series.rule is None
    assert await world.store.edits.cancel_all(CONSOLE, now=NOW) == 2
    assert await world.store.edits.cancel_all(CONSOLE, now=NOW) == 0
    assert await world.store.edits.reschedule(first.occurrence_id, at=at, rule=None) is None
    assert await _statuses(world) == [("uno", "cancelled"), ("two", "cancelled")]


async def test_a_delivered_or_an_interview_reminder_cannot_be_edited(me, world):
    await world.store.create(
        NewReminder(
            id="interview1",
            owner=CONSOLE,
            channel=None,
            text="Acme",
            kind=ReminderKind.INTERVIEW,
            timezone="America/New_York",
            occurrences=((Role.BEFORE, NOW + timedelta(days=1)),),
            event_at=NOW + timedelta(days=1, hours=1),
        ),
        now=NOW,
    )
    listed = await me.say("reminders")
    assert [b.label for b in listed.items[0].buttons] == ["Cancel", "Snooze"]  # no Edit
    assert (await me.say("edit 1 noon")).text == texts.EDIT_INTERVIEW
    await me.say("remind in 5 minutes stretch")
    occurrence = _occurrence(_button(await me.say("reminders"), "Edit"))
    await world.run_until(NOW + timedelta(minutes=5))
    refusal = await world.service.edit_form(CONSOLE, occurrence, now=NOW)
    assert isinstance(refusal, Reply) and refusal.text == texts.GONE
