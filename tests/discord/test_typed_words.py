"""Typed words do what buttons do on Discord: `undo` after a reminder is set and `open 1` after
`history`, typed in the DM, with the real discord.py client against FakeDiscord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from fakes.discord import DM_CHANNEL_ID, USER_ID
from support.discord_harness import Harness, labels, reminder_servers
from support.harness import T0, Clock
from support.reminders import ReminderWorld

from adapters.discord import DiscordPlaces
from bot.questionnaire import texts
from bot.reminders import texts as reminder_texts
from bot.reminders.model import Places
from bot.storage.sql import SqlStore

ANSWERS = ("3", "only on paper", "a year or more ago", "yes", "recruiter", "late", "2")


PLACES: dict[str, Places] = {}


@pytest.fixture
async def world(store: SqlStore, clock: Clock) -> ReminderWorld:
    clock.now = T0
    return ReminderWorld(store, clock, places=PLACES)


@pytest.fixture
async def bot(world: ReminderWorld) -> AsyncIterator[Harness]:
    async with Harness.started(world.engine, prepare=reminder_servers) as harness:
        harness.fake.dm_channel(USER_ID, DM_CHANNEL_ID)
        assert harness.client is not None
        PLACES["discord"] = DiscordPlaces(harness.client)  # the client exists only now
        yield harness
        PLACES.clear()
        assert harness.fake.spec_violations == []


async def test_typed_undo_in_the_dm_undoes_the_reminder_just_set(
    bot: Harness, world: ReminderWorld
) -> None:
    [confirmed] = await bot.dm("remind tomorrow 9am call Sam")
    assert "Reminder set for" in confirmed["content"]
    assert labels(confirmed) == ["Undo"]
    [undone] = await bot.dm("undo")
    assert reminder_texts.UNDONE in undone["content"]
    [listed] = await bot.dm("my reminders")
    assert "You have no upcoming reminders" in listed["content"]
    await world.run_until(T0 + timedelta(days=2))
    assert [p for p in world.delivery.texts if "call Sam" in p] == []


async def test_typed_open_1_in_the_dm_opens_the_verdict_from_history(bot: Harness) -> None:
    await bot.dm("start Acme — Data Analyst")
    for typed in ANSWERS:
        [said] = await bot.dm(typed)
    assert said["content"].startswith("TAKE IT — Acme — Data Analyst")
    [listed] = await bot.dm("history")
    assert "Open 1" in labels(listed)
    [opened] = await bot.dm("open 1")
    assert opened["content"].startswith("TAKE IT — Acme — Data Analyst")


async def test_a_mistyped_command_in_the_dm_is_told_so(bot: Harness) -> None:
    [said] = await bot.dm("histroy")
    assert said["content"].startswith("I didn't understand “histroy”")
    assert "Did you mean history?" in said["content"]
    [listed] = await bot.dm("show my history")
    assert listed["content"].startswith(texts.HISTORY_EMPTY)
