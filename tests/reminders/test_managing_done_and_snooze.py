"""Done on a delivered reminder, and Slack's snooze choices, each landing where it says: on a
post, in the list, or typed with the item number. Transcripts through the real engine, on the
reminders harness's hand-moved clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from support.harness import Transcript
from support.managing import CONSOLE, NOW, _button, _statuses
from support.reminders import ReminderWorld

from bot.common.replies import Kind
from bot.reminders import texts

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
