"""Reminders on Discord as people type them, end to end (the real client against FakeDiscord, a
real scheduler on a hand-moved clock): Slack's word order typed in the DM, and a reminder read
two ways asked back with two buttons, the pressed one set and posted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from support.discord_harness import ALICE_KEY, Harness, labels, with_reminders
from support.harness import T0, Clock
from support.reminders import ReminderWorld

from bot.reminders import texts
from bot.reminders.model import Places
from bot.storage.sql import SqlStore


@pytest.fixture
async def bot(store: SqlStore, clock: Clock) -> AsyncIterator[tuple[Harness, ReminderWorld]]:
    clock.now = T0  # Thu 26 Nov 09:00 UTC: 04:00 in New York, the default zone
    places: dict[str, Places] = {}
    world = ReminderWorld(store, clock, places=places)
    async with with_reminders(world, places) as harness:
        yield harness, world


def _reminder_posts(harness: Harness, since: int) -> list[str]:
    return [m["content"] for m in harness.visible()[since:]]


async def test_slacks_word_order_typed_in_the_dm_sets_and_posts_only_the_text(
    bot: tuple[Harness, ReminderWorld],
) -> None:
    harness, world = bot
    [confirmation] = await harness.dm("remind me to call Sam tomorrow at 9am")
    assert "Reminder set for Fri 27 Nov, 09:00 EST: call Sam" in confirmation["content"]
    [weekly] = await harness.dm("remind me to update the tracker every monday at 9am")
    assert "every Monday at 09:00, starting Mon 30 Nov, 09:00 EST" in weekly["content"]
    seen = len(harness.visible())
    await world.run_until(datetime.fromisoformat("2026-11-27T13:59:59+00:00"))
    assert _reminder_posts(harness, seen) == []
    await world.run_until(datetime.fromisoformat("2026-11-27T14:00:00+00:00"))
    assert _reminder_posts(harness, seen) == ["Reminder: call Sam"]


async def test_a_reminder_read_two_ways_is_asked_with_two_buttons_and_the_pressed_one_is_set(
    bot: tuple[Harness, ReminderWorld],
) -> None:
    harness, world = bot
    [asked] = await harness.dm("remind tomorrow call Bob at 5pm")
    assert texts.REMIND_ASK.format(fragment="at 5pm") in asked["content"]
    assert labels(asked) == [
        "Fri 27 Nov, 09:00 EST: call Bob at 5pm",
        "Fri 27 Nov, 17:00 EST: call Bob",
    ]
    assert await world.store.upcoming(ALICE_KEY) == []  # nothing set before the answer
    callback, [confirmation] = await harness.press(asked, "2")
    # The question closes showing the choice; the confirmation follows it.
    assert callback.json["data"]["content"].endswith("→ **Fri 27 Nov, 17:00 EST: call Bob**")
    assert "Reminder set for Fri 27 Nov, 17:00 EST: call Bob" in confirmation["content"]
    [item] = await world.store.upcoming(ALICE_KEY)
    assert item.text == "call Bob"
    seen = len(harness.visible())
    await world.run_until(
        datetime.fromisoformat("2026-11-27T22:00:00+00:00") - timedelta(seconds=1)
    )
    assert _reminder_posts(harness, seen) == []
    await world.run_until(datetime.fromisoformat("2026-11-27T22:00:00+00:00"))
    assert _reminder_posts(harness, seen) == ["Reminder: call Bob"]
