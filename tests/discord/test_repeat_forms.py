"""Each repeat form typed in the Discord DM (the real client against FakeDiscord): the
confirmation says the rule in words and the next two times, in the default zone (New York)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from support.discord_harness import Harness, with_reminders
from support.harness import Clock
from support.reminders import ReminderWorld
from support.repeat_forms import FORMS, Form

from bot.reminders.model import Places
from bot.storage.sql import SqlStore


@pytest.fixture
async def bot(store: SqlStore, clock: Clock) -> AsyncIterator[Harness]:
    clock.now = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # 09:00 in New York
    places: dict[str, Places] = {}
    world = ReminderWorld(store, clock, places=places)
    async with with_reminders(world, places) as harness:
        yield harness


@pytest.mark.parametrize("form", FORMS, ids=[f.typed for f in FORMS])
async def test_each_repeat_form_is_confirmed_with_its_rule_and_next_two_times(
    bot: Harness, form: Form
) -> None:
    [confirmation] = await bot.dm(f"remind {form.typed}")
    said = confirmation["content"]
    # Discord knows nobody's zone: the confirmation says which one it used.
    assert said.startswith("*Times are in America/New\\_York until you tell me yours")
    assert "Recurring reminder set, " in said
    for line in form.said("EST"):
        assert line in said
