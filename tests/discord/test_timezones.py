"""Timezones by the names people use on Discord: typed in the DM and as `/takeorpass timezone`,
through the real discord.py client against FakeDiscord, with the real reminder service and
scheduler (delivering through DiscordDelivery) on a hand-moved clock."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from fakes.discord import (
    CHANNEL_ID,
    GUILD_ID,
    option,
    slash_command,
    subcommand,
)
from fakes.discord import guilds as rules
from support.discord_harness import ALICE_KEY as KEY
from support.discord_harness import CALLBACK, EPHEMERAL, MEMBER, Harness, labels, with_reminders
from support.harness import T0, Clock
from support.reminders import ReminderWorld

from adapters.discord.rendering import escape
from bot.reminders.model import Places
from bot.storage.sql import SqlStore

# T0 is Thursday 26 Nov 2026, 09:00 UTC: 01:00 in Los Angeles.
COMPANY = "Acme — Data Analyst"
TAKE_IT_TYPED = ("3", "2", "2", "1", "1", "1", "3")


class Bot:
    """The harness and the reminder world behind it, on one clock."""

    def __init__(self, harness: Harness, world: ReminderWorld) -> None:
        self.harness = harness
        self.fake = harness.fake
        self.world = world

    async def say(self, text: str) -> str:
        """Type in the DM; the content of the one answer."""
        [answer] = await self.harness.dm(text)
        return str(answer["content"])

    async def slash(self, name: str, *options: dict) -> dict:  # type: ignore[type-arg]
        """`/takeorpass <name> …` in the server; the private answer's data."""
        payload = slash_command(
            "takeorpass",
            [subcommand(name, list(options))],
            guild_id=GUILD_ID,
            channel_id=CHANNEL_ID,
            command_id=self.fake.command_id("takeorpass"),
        )
        answered = len(self.harness.callbacks())
        await self.fake.dispatch(
            "INTERACTION_CREATE", rules.with_member_permissions(payload, MEMBER)
        )
        callback = await self.fake.wait_for("POST", CALLBACK, count=answered + 1)
        data: dict = callback.json["data"]  # type: ignore[type-arg]
        assert data["flags"] & EPHEMERAL
        return data

    async def autocomplete(self, typed: str) -> list[tuple[str, str]]:
        """What `/takeorpass timezone` offers while `typed` is in its name option."""
        payload = slash_command(
            "takeorpass",
            [subcommand("timezone", [rules.focused("name", typed)])],
            guild_id=GUILD_ID,
            channel_id=CHANNEL_ID,
            command_id=self.fake.command_id("takeorpass"),
        )
        answered = len(self.harness.callbacks())
        await self.fake.dispatch("INTERACTION_CREATE", rules.as_autocomplete(payload))
        callback = await self.fake.wait_for("POST", CALLBACK, count=answered + 1)
        assert callback.json["type"] == 8
        return [(c["name"], c["value"]) for c in callback.json["data"]["choices"]]

    async def posts_until(self, moment: datetime) -> list[str]:
        """Move the clock to `moment`, let the scheduler post; the contents it posted."""
        start = len(self.fake.requests)
        await self.world.run_until(moment)
        return [
            str(r.json["content"])
            for r in self.fake.requests[start:]
            if r.method == "POST" and re.fullmatch(r"/channels/\d+/messages", r.path)
        ]


@pytest.fixture
async def bot(store: SqlStore, clock: Clock) -> AsyncIterator[Bot]:
    clock.now = T0
    places: dict[str, Places] = {}
    world = ReminderWorld(store, clock, places=places)
    async with with_reminders(world, places) as harness:
        yield Bot(harness, world)


def _lines(content: str) -> list[str]:
    return [line.removeprefix("• ") for line in content.split("\n") if line]


async def test_timezone_pst_typed_in_the_dm_is_said_back_as_america_los_angeles(bot: Bot) -> None:
    said = await bot.say("timezone PST")
    assert said == escape(
        "Your times are now in America/Los_Angeles (PST). It's Thu 26 Nov, 01:00 PST there."
    )
    assert str(await bot.world.sql.timezone(KEY)) == "America/Los_Angeles"


async def test_timezone_pst_as_a_slash_command_is_said_back(bot: Bot) -> None:
    data = await bot.slash("timezone", option("name", "PST"))
    assert data["content"] == escape(
        "Your times are now in America/Los_Angeles (PST). It's Thu 26 Nov, 01:00 PST there."
    )


async def test_the_slash_commands_suggestions_put_the_zones_a_name_means_first(bot: Bot) -> None:
    assert (await bot.autocomplete("PST"))[0] == (
        "America/Los_Angeles (PST)",
        "America/Los_Angeles",
    )
    assert [value for _, value in (await bot.autocomplete("IST"))[:3]] == [
        "Asia/Kolkata",
        "Europe/Dublin",
        "Asia/Jerusalem",
    ]
    assert await bot.autocomplete("BERL") == [("Europe/Berlin", "Europe/Berlin")]


async def test_a_city_of_two_words_in_the_slash_command_is_understood(bot: Bot) -> None:
    # discord.py hands the option over as typed; the adapter joins words with "_".
    data = await bot.slash("timezone", option("name", "New York"))
    assert data["content"].startswith(escape("Your times are now in America/New_York (New York)."))


async def test_a_zone_change_moves_the_weekly_and_interview_reminders_and_keeps_the_one_off(
    bot: Bot,
) -> None:
    assert (await bot.say("timezone UTC")).startswith("Your times are now in UTC")
    weekly = await bot.say("remind every weekday at 9am stand-up")
    assert "starting Fri 27 Nov, 09:00 UTC" in weekly
    assert "Fri 27 Nov, 15:00 UTC" in await bot.say("remind tomorrow 15:00 call Sam")
    await bot.say(f"start {COMPANY}")
    for typed in TAKE_IT_TYPED[:-1]:
        await bot.say(typed)
    [verdict] = await bot.harness.dm(TAKE_IT_TYPED[-1])
    await bot.harness.press(verdict, "set")
    assert "Tue 1 Dec, 15:00 UTC" in await bot.say("tue 15:00")

    said = await bot.say("timezone America/Los_Angeles")
    assert _lines(said) == [
        escape("Your times are now in America/Los_Angeles. It's Thu 26 Nov, 01:00 PST there."),
        "Moved to keep their clock time: 1 recurring reminder, 3 interview reminders. "
        "One-off reminders keep their moment.",
    ]
    listed = _lines(await bot.say("reminders"))
    assert [line for line in listed if " PST: " in line or " UTC: " in line] == [
        "1. Fri 27 Nov, 07:00 PST: call Sam",  # 15:00 UTC, as set
        "2. Fri 27 Nov, 09:00 PST: stand-up (every weekday at 09:00)",
        f"3. Mon 30 Nov, 15:00 PST: Your interview at {COMPANY} is in 1 day: Tue 1 Dec, 15:00 PST.",
        f"4. Tue 1 Dec, 14:00 PST: Your interview at {COMPANY} is in 1 hour: Tue 1 Dec, 15:00 PST.",
        f"5. Wed 2 Dec, 15:00 PST: How did the interview at {COMPANY} go?",
    ]
    # Friday 09:00 UTC passes quietly; the one-off comes at its moment, the stand-up at 09:00
    # in Los Angeles.
    assert await bot.posts_until(datetime(2026, 11, 27, 9, 0, tzinfo=UTC)) == []
    assert await bot.posts_until(datetime(2026, 11, 27, 15, 0, tzinfo=UTC)) == [
        "Reminder: call Sam"
    ]
    [stand_up] = await bot.posts_until(datetime(2026, 11, 27, 17, 0, tzinfo=UTC))
    assert stand_up.startswith("Reminder: stand-up")


async def test_an_ambiguous_name_offers_buttons_and_a_press_sets_the_zone(bot: Bot) -> None:
    [offered] = await bot.harness.dm("timezone CST")
    assert offered["content"].startswith("CST can mean more than one timezone. Which is yours?")
    assert labels(offered) == ["America/Chicago", "Asia/Shanghai", "America/Havana"]
    _, [chosen] = await bot.harness.press(offered, "Asia/Shanghai")
    assert chosen["content"].startswith(
        escape("Your times are now in Asia/Shanghai. It's Thu 26 Nov, 17:00 CST there.")
    )
    assert str(await bot.world.sql.timezone(KEY)) == "Asia/Shanghai"


async def test_an_unknown_zone_is_one_line_with_examples(bot: Bot) -> None:
    said = await bot.say("timezone Narnia")
    assert "I don't know the timezone 'Narnia'" in said
    assert await bot.world.sql.timezone(KEY) is None
