"""Reminders typed in the console as people type them: Slack's word order, and a reminder read
two ways asked back with two numbered buttons, one typed number setting the chosen one. The
console adapter on the real engine, store and scheduler, on a hand-moved clock."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from support.reminders import ReminderWorld

from adapters.console import Console
from bot.common.users import UserKey

KEY = UserKey("console", "local", "me")
NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # Thu 26 Nov, 09:00 in New York


class Typed:
    """A console user: each line goes through the console adapter; what it printed is kept."""

    def __init__(self, world: ReminderWorld) -> None:
        self.out = io.StringIO()
        self.console = Console(world.engine, out=self.out, user="me")

    async def type(self, line: str) -> str:
        start = len(self.out.getvalue())
        await self.console.send(self.console.event_for(line))
        return self.out.getvalue()[start:]


@pytest.fixture
def me(world: ReminderWorld) -> Typed:
    world.clock.now = NOW
    return Typed(world)


async def test_slacks_word_order_sets_the_reminder_with_only_the_text(
    me: Typed, world: ReminderWorld
) -> None:
    said = await me.type("remind me to call Sam tomorrow at 9am")
    assert "Reminder set for Fri 27 Nov, 09:00 EST: call Sam" in said
    said = await me.type("remind me to update the tracker every monday at 9am")
    assert "Recurring reminder set, every Monday at 09:00, starting Mon 30 Nov, 09:00 EST" in said
    assert said.rstrip().endswith("1) Undo")
    await world.run_until(datetime(2026, 11, 27, 14, 0, tzinfo=UTC))
    await world.run_until(datetime(2026, 11, 30, 14, 0, tzinfo=UTC))
    assert world.delivery.texts[0] == "Reminder: call Sam"
    assert world.delivery.texts[1].startswith("Reminder: update the tracker")


async def test_a_bare_hour_says_which_hour_it_took(me: Typed) -> None:
    said = await me.type("remind me on friday at 3 to email Sarah")
    assert "Reminder set for Fri 27 Nov, 15:00 EST: email Sarah" in said
    assert "I read “on friday at 3” as 15:00; write 3am" in said


async def test_a_time_left_in_the_text_is_asked_back_and_a_typed_number_sets_that_one(
    me: Typed, world: ReminderWorld
) -> None:
    said = await me.type("remind tomorrow call Bob at 5pm")
    assert "“at 5pm” looks like a time too, so I didn't guess. Which did you mean?" in said
    assert "1) Fri 27 Nov, 09:00 EST: call Bob at 5pm" in said
    assert "2) Fri 27 Nov, 17:00 EST: call Bob" in said
    assert await world.store.upcoming(KEY) == []  # nothing set before the answer
    said = await me.type("2")
    assert "Reminder set for Fri 27 Nov, 17:00 EST: call Bob" in said
    [item] = await world.store.upcoming(KEY)
    assert (item.due_at, item.text) == (datetime(2026, 11, 27, 22, 0, tzinfo=UTC), "call Bob")
