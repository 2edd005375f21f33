"""Who may have the bot post where, on Discord: only someone who can view a channel and send
messages in it may have reminders posted there or make it the job-hunt channel; a channel named
from a DM is refused (which server, and who may post in it, is unknown there); and a recurring
reminder pauses once its owner can no longer post in its channel. The real discord.py client
against FakeDiscord, which keeps servers' roles, members and channel overwrites and fills
interactions with the permissions Discord computes from them."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from fakes.discord import (
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    JSON,
    USER_ID,
    FakeDiscord,
    option,
    slash_command,
    subcommand,
)
from fakes.discord import guilds as rules
from support.discord_harness import (
    BOT_ROLE_ID,
    CALLBACK,
    EPHEMERAL,
    OTHER_CHANNEL_ID,
    Harness,
    buttons,
    reminder_servers,
)
from support.harness import T0, Clock
from support.reminders import ReminderWorld

from adapters.discord import DiscordDelivery, DiscordPlaces
from adapters.discord.receiving import user_key
from adapters.discord.reminders import CHECK_FAILED, RUN_IN_SERVER, YOU_CANT_POST, YOU_CANT_SEE
from adapters.discord.rendering import escape
from bot.reminders import texts
from bot.reminders.model import Access, Places
from bot.storage.sql import SqlStore

BOB = "1400000000000000002"  # a member of the fake's server with no role; in no other server
BOB_DM = "1500000000000000002"
BOB_KEY = user_key(int(BOB))
STAFF = "1300000000000000021"  # "staff-only": @everyone may not view it; staff and the bot may
NEWS = "1300000000000000022"  # "news": members read it, only the bot may send there
STAFF_ROLE = "1210000000000000021"
MODS_ROLE = "1210000000000000022"  # Manage Channels, server-wide
VIEW_AND_SEND = rules.VIEW_CHANNEL | rules.SEND_MESSAGES
# 9:00 in New York (the world's default zone) on the days after T0.
NINE = T0.replace(hour=14)


def _servers(fake: FakeDiscord) -> None:
    reminder_servers(fake)
    guild = fake.guild["id"]
    fake.guild["roles"] += [
        rules.role(STAFF_ROLE, "staff", 0, position=2),
        rules.role(MODS_ROLE, "mods", rules.MANAGE_CHANNELS, position=3),
    ]
    staff_only = [
        rules.overwrite(guild, deny=rules.VIEW_CHANNEL),
        rules.overwrite(STAFF_ROLE, allow=VIEW_AND_SEND),
        rules.overwrite(BOT_ROLE_ID, allow=VIEW_AND_SEND),
    ]
    fake.add_channel(rules.text_channel(STAFF, "staff-only", guild, overwrites=staff_only))
    news = [
        rules.overwrite(guild, deny=rules.SEND_MESSAGES),
        rules.overwrite(BOT_ROLE_ID, allow=rules.SEND_MESSAGES),
    ]
    fake.add_channel(rules.text_channel(NEWS, "news", guild, overwrites=news))
    fake.add_member(guild, BOB)


class Bot:
    """The client, the fake and the reminder world behind them, on one clock."""

    def __init__(self, harness: Harness, world: ReminderWorld) -> None:
        self.harness = harness
        self.fake = harness.fake
        self.world = world

    def command(
        self, name: str, *options: JSON, user: str = BOB, channel: str | None = None
    ) -> JSON:
        """`/takeorpass <name> …` run in the server's #job-hunt by `user`, as Discord fills it
        in; `channel` picks a channel in the CHANNEL option."""
        listed, resolved = list(options), None
        if channel is not None:
            listed.append(rules.channel_option("channel", channel))
            resolved = {
                "channels": {channel: rules.resolved_channel(self.fake.channels[channel], 0)}
            }
        payload = slash_command(
            "takeorpass",
            [subcommand(name, listed)],
            user_id=user,
            guild_id=GUILD_ID,
            channel_id=CHANNEL_ID,
            command_id=self.fake.command_id("takeorpass"),
            resolved=resolved,
        )
        return self.fake.filled(payload)

    async def answer(self, payload: JSON) -> JSON:
        """Dispatch an interaction; the data of the bot's answer to it."""
        answered = len(self.harness.callbacks())
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        callback = await self.fake.wait_for("POST", CALLBACK, count=answered + 1)
        data: JSON = callback.json["data"]
        return data

    def posts(self, channel: str) -> list[JSON]:
        """What the bot posted in `channel` for everyone to see."""
        return self.harness.visible(channel)


@pytest.fixture
async def bot(store: SqlStore, clock: Clock) -> AsyncIterator[Bot]:
    clock.now = T0
    places: dict[str, Places] = {}  # filled once the client exists; the scheduler asks it too
    world = ReminderWorld(store, clock, places=places)
    async with Harness.started(world.engine, prepare=_servers) as harness:
        harness.fake.dm_channel(USER_ID, DM_CHANNEL_ID)
        harness.fake.dm_channel(BOB, BOB_DM)
        assert harness.client is not None
        # What the places keep for a minute expires on the test's clock.
        places["discord"] = DiscordPlaces(
            harness.client, clock=lambda: (clock.now - T0).total_seconds()
        )
        world.scheduler = world.make_scheduler(DiscordDelivery(harness.client))
        yield Bot(harness, world)
        assert harness.fake.spec_violations == []


# --- named from a DM --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "channel",
    [STAFF, OTHER_CHANNEL_ID, CHANNEL_ID],
    ids=["staff-only", "another server", "one Bob may post in"],
)
async def test_a_channel_named_in_a_dm_is_refused(bot: Bot, channel: str) -> None:
    [answer] = await bot.harness.dm(
        f"remind <#{channel}> in 3 seconds hello staff", user=BOB, channel=BOB_DM
    )
    assert answer["content"] == escape(RUN_IN_SERVER)  # shown as written, backticks and all
    assert await bot.world.store.count_active(BOB_KEY) == 0
    await bot.world.run_until(T0 + timedelta(seconds=4))
    assert bot.posts(channel) == []


async def test_the_slash_command_in_a_dm_with_a_channel_is_refused(bot: Bot) -> None:
    payload = slash_command(
        "takeorpass",
        [
            subcommand(
                "remind",
                [
                    option("when", "every monday 9am"),
                    option("text", "hello staff"),
                    rules.channel_option("channel", STAFF),
                ],
            )
        ],
        user_id=BOB,
        guild_id=None,
        channel_id=BOB_DM,
        command_id=bot.fake.command_id("takeorpass"),
        resolved={"channels": {STAFF: rules.resolved_channel(bot.fake.channels[STAFF], 0)}},
    )
    assert (await bot.answer(payload))["content"] == escape(RUN_IN_SERVER)
    assert await bot.world.store.count_active(BOB_KEY) == 0


# --- in the server ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "channel", "refusal"),
    [
        ("in 3 seconds", STAFF, YOU_CANT_SEE),
        ("every monday 9am", STAFF, YOU_CANT_SEE),  # would take one of its 25 series
        ("in 3 seconds", NEWS, YOU_CANT_POST.format(name="news")),
        # Named in the words instead of the option: a server Bob is not in.
        (f"<#{OTHER_CHANNEL_ID}> in 3 seconds", None, YOU_CANT_SEE),
    ],
    ids=["staff-only", "staff-only, recurring", "no Send Messages", "another server"],
)
async def test_a_member_is_refused_a_channel_they_cannot_view_or_send_in(
    bot: Bot, when: str, channel: str | None, refusal: str
) -> None:
    payload = bot.command("remind", option("when", when), option("text", "hi"), channel=channel)
    answer = await bot.answer(payload)
    assert answer["content"] == refusal
    assert answer["flags"] & EPHEMERAL
    assert await bot.world.store.count_active(BOB_KEY) == 0
    await bot.world.run_until(T0 + timedelta(days=5))
    for where in (STAFF, NEWS, OTHER_CHANNEL_ID, CHANNEL_ID):
        assert bot.posts(where) == []


async def test_the_interaction_carries_the_permissions_discord_computes(bot: Bot) -> None:
    payload = bot.command("remind", option("when", "in 3 seconds"), option("text", "hi"))
    assert int(payload["member"]["permissions"]) & VIEW_AND_SEND == VIEW_AND_SEND
    picked = bot.command("remind", channel=STAFF)["data"]["resolved"]["channels"][STAFF]
    assert picked["permissions"] == "0"  # Bob can't see staff-only
    bot.fake.add_member(GUILD_ID, BOB, roles=[STAFF_ROLE])
    picked = bot.command("remind", channel=STAFF)["data"]["resolved"]["channels"][STAFF]
    assert int(picked["permissions"]) & VIEW_AND_SEND == VIEW_AND_SEND


async def test_a_manager_cannot_make_a_channel_they_cannot_see_the_job_hunt_channel(
    bot: Bot,
) -> None:
    bot.fake.add_member(GUILD_ID, BOB, roles=[MODS_ROLE])
    refused = await bot.answer(bot.command("channel", channel=STAFF))
    assert refused["content"] == YOU_CANT_SEE
    assert await bot.world.store.job_hunt_channel("discord", GUILD_ID) is None
    done = await bot.answer(bot.command("channel", channel=CHANNEL_ID))
    assert done["content"] == texts.CHANNEL_SET.format(channel=CHANNEL_ID)
    assert await bot.world.store.job_hunt_channel("discord", GUILD_ID) == CHANNEL_ID


@pytest.mark.parametrize(
    ("user", "roles", "channel"),
    [(BOB, [], CHANNEL_ID), (BOB, [STAFF_ROLE], STAFF), (USER_ID, [], STAFF)],
    ids=["member in job-hunt", "staff in staff-only", "the server's owner in staff-only"],
)
async def test_a_member_has_a_reminder_posted_where_they_can_view_and_send(
    bot: Bot, user: str, roles: list[str], channel: str
) -> None:
    if user == BOB:
        bot.fake.add_member(GUILD_ID, BOB, roles=roles)
    when, text = option("when", "in 3 seconds"), option("text", "hello staff")
    answer = await bot.answer(bot.command("remind", when, text, user=user, channel=channel))
    assert "Reminder set for Thu 26 Nov, 04:00 EST" in answer["content"]
    await bot.world.run_until(T0 + timedelta(seconds=3))
    [posted] = bot.posts(channel)
    assert posted["content"].startswith("Reminder: hello staff")


# --- at each delivery -------------------------------------------------------------------------


async def _daily_standup(bot: Bot, channel: str) -> None:
    when, text = option("when", "every day 9am"), option("text", "standup notes")
    answer = await bot.answer(bot.command("remind", when, text, channel=channel))
    assert "Recurring reminder set" in answer["content"]
    await bot.world.run_until(NINE)
    assert len(bot.posts(channel)) == 1


def _told(bot: Bot) -> list[JSON]:
    return [m for m in bot.posts(BOB_DM) if m["content"].startswith("Your recurring reminder")]


async def test_a_recurring_reminder_pauses_when_its_owner_leaves_the_server_and_resumes(
    bot: Bot,
) -> None:
    await _daily_standup(bot, CHANNEL_ID)
    bot.fake.remove_member(GUILD_ID, BOB)
    await bot.world.run_until(NINE + timedelta(days=1))
    assert len(bot.posts(CHANNEL_ID)) == 1
    [told] = _told(bot)
    assert re.match(r'Your recurring reminder "standup notes" in <#\d+> is paused', told["content"])
    assert [b["label"] for b in buttons(told)] == [texts.STOP]
    await bot.world.run_until(NINE + timedelta(days=2))
    assert len(_told(bot)) == 1  # told once
    bot.fake.add_member(GUILD_ID, BOB)
    await bot.world.run_until(NINE + timedelta(days=3))
    assert len(bot.posts(CHANNEL_ID)) == 2  # back: it carries on by itself


async def test_a_recurring_reminder_pauses_when_its_owner_loses_the_role_that_let_them_post(
    bot: Bot,
) -> None:
    bot.fake.add_member(GUILD_ID, BOB, roles=[STAFF_ROLE])
    await _daily_standup(bot, STAFF)
    bot.fake.add_member(GUILD_ID, BOB, roles=[])
    await bot.world.run_until(NINE + timedelta(days=1))
    assert len(bot.posts(STAFF)) == 1
    assert len(_told(bot)) == 1


async def test_a_slow_answer_about_a_member_is_given_up_and_never_taken_for_a_yes(
    bot: Bot,
) -> None:
    assert bot.harness.client is not None
    places = DiscordPlaces(bot.harness.client, timeout=0.2)
    members = rf"/guilds/{GUILD_ID}/members/{BOB}"
    bot.fake.hold_next("GET", members, 3.0)
    assert await places.check_channel(BOB_KEY, CHANNEL_ID, GUILD_ID) == CHECK_FAILED
    bot.fake.hold_next("GET", members, 3.0)
    assert await places.may_post(BOB_KEY, CHANNEL_ID) is Access.UNKNOWN
    assert await places.may_post(BOB_KEY, CHANNEL_ID) is Access.ALLOWED  # answered in time
