"""Listing and changing reminders as people expect: `remind list`, `remind delete 2`,
`reminders clear` (asked first), `edit 2 …` (a new time or a new text) and the edit form, and
the store under them. Transcripts through the real engine, on the reminders harness's
hand-moved clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from support.harness import Transcript
from support.managing import CONSOLE, NOW, _button, _occurrence, _statuses
from support.reminders import ReminderWorld

from bot.common.replies import Kind, Reply
from bot.common.users import UserKey
from bot.reminders import texts
from bot.reminders.commands import (
    EditReminder,
)
from bot.reminders.managing import EditForm
from bot.reminders.model import NewReminder, ReminderKind, Role, Status


@pytest.fixture
def me(world: ReminderWorld) -> Transcript:
    world.clock.now = NOW
    return Transcript(world.engine, CONSOLE)


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
