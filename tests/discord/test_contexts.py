"""Interactions from where the bot does not work: a DM between two people, a group DM, a server
the bot is not in. Discord sends them when a user has installed the app to their account, or a
client misbehaves, whatever the command was registered for. Each gets one line only its user
sees, saying where the bot works, and nothing is stored: no conversation, no reminder, no DM
channel. The real discord.py client against FakeDiscord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from fakes.discord import (
    CHANNEL_ID,
    DM_CHANNEL_ID,
    JSON,
    USER_ID,
    RecordedRequest,
    button_press,
    option,
    slash_command,
    subcommand,
)
from fakes.discord import guilds as rules
from fakes.discord.contexts import (
    FOREIGN_CHANNEL_ID,
    PRIVATE_DM_ID,
    in_foreign_guild,
    in_private_channel,
)
from support.discord_harness import ALICE_KEY, CALLBACK, EPHEMERAL, Harness, settle, with_reminders
from support.harness import T0, Clock
from support.reminders import ReminderWorld

from adapters.discord.contexts import works_here
from adapters.discord.rendering import ONLY_WHERE_I_WORK
from bot.reminders.model import Places
from bot.storage.sql import SqlStore


class Bot:
    """The harness on a reminder world, counting what reached the engine."""

    def __init__(self, harness: Harness, world: ReminderWorld) -> None:
        self.harness = harness
        self.fake = harness.fake
        self.world = world
        self.handled = 0

    def command(self, name: str, *options: JSON) -> JSON:
        """`/takeorpass <name>` as built for the bot's DM; re-addressed by the test."""
        return slash_command(
            "takeorpass",
            [subcommand(name, list(options))],
            guild_id=None,
            channel_id=DM_CHANNEL_ID,
            command_id=self.fake.command_id("takeorpass"),
        )

    async def run(self, payload: JSON) -> RecordedRequest:
        answered = len(self.harness.callbacks())
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        return await self.fake.wait_for("POST", CALLBACK, count=answered + 1)

    async def refused(self, payload: JSON) -> None:
        """Run `payload` and check it got the one line, and that nothing happened."""
        before = len(self.fake.requests)
        handled = self.handled
        callback = await self.run(payload)
        await settle()
        assert callback.json["type"] == 4
        assert callback.json["data"]["content"] == ONLY_WHERE_I_WORK
        assert callback.json["data"]["flags"] & EPHEMERAL
        # The one answer is the only request: no DM opened, nothing posted or edited.
        assert [r.path for r in self.fake.requests[before:]] == [callback.path]
        assert self.handled == handled  # the engine never saw it
        assert self.harness.client is not None
        assert self.harness.client.dm_channels.get(int(USER_ID)) is None
        assert await self.world.engine.store.load(ALICE_KEY) == (None, 0)


@pytest.fixture
async def bot(store: SqlStore, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Bot]:
    clock.now = T0
    places: dict[str, Places] = {}
    world = ReminderWorld(store, clock, places=places)
    async with with_reminders(world, places) as harness:
        # with_reminders opens alice's DM in the fake; the client has seen nothing of it yet.
        tested = Bot(harness, world)
        handle = world.engine.handle

        async def counted(*args: Any, **kwargs: Any) -> Any:
            tested.handled += 1
            return await handle(*args, **kwargs)

        monkeypatch.setattr(world.engine, "handle", counted)
        yield tested


ELSEWHERE = {
    "dm-between-people": lambda p: in_private_channel(p),
    "group-dm": lambda p: in_private_channel(p, group=True),
    "server-without-the-bot": in_foreign_guild,
}


@pytest.mark.parametrize("where", list(ELSEWHERE))
async def test_start_where_the_bot_is_not_gets_one_private_line_and_stores_nothing(
    bot: Bot, where: str
) -> None:
    payload = ELSEWHERE[where](bot.command("start", option("company", "Acme — Data Analyst")))
    await bot.refused(payload)
    assert bot.harness.visible(PRIVATE_DM_ID) == []  # bob read nothing
    assert bot.harness.visible(FOREIGN_CHANNEL_ID) == []


@pytest.mark.parametrize("where", list(ELSEWHERE))
async def test_a_reminder_asked_for_where_the_bot_is_not_is_never_set(bot: Bot, where: str) -> None:
    payload = bot.command("remind", option("when", "in 2 hours"), option("text", "call Sam"))
    await bot.refused(ELSEWHERE[where](payload))
    assert await bot.world.store.count_active(ALICE_KEY) == 0


@pytest.mark.parametrize("where", list(ELSEWHERE))
async def test_a_button_pressed_where_the_bot_is_not_changes_nothing(bot: Bot, where: str) -> None:
    # A question the bot once sent, with its buttons, pressed from where the bot is not.
    button = {"type": 2, "style": 2, "label": "Maybe", "custom_id": "tp:c1:certainty:maybe"}
    body = {"content": "**Any chance?**", "components": [{"type": 1, "components": [button]}]}
    message = bot.fake.new_message(DM_CHANNEL_ID, body)
    press = button_press("tp:c1:certainty:maybe", USER_ID, DM_CHANNEL_ID, message)
    await bot.refused(ELSEWHERE[where](press))


async def test_a_form_submitted_where_the_bot_is_not_changes_nothing(bot: Bot) -> None:
    # The Edit form opened in the bot's DM, then sent from alice and bob's DM.
    [listing] = await bot.harness.dm("remind tomorrow 9am call Sam")
    [listing] = await bot.harness.dm("reminders")
    press = bot.harness.press_payload(listing, "edit")
    opened = await bot.run(press)
    assert opened.json["type"] == 9
    modal = opened.json["data"]
    values = {c["component"]["custom_id"]: "next week" for c in modal["components"]}
    handled = bot.handled
    submit = in_private_channel(rules.modal_submit(modal, values, source=press))
    callback = await bot.run(submit)
    await settle()
    assert callback.json["data"]["content"] == ONLY_WHERE_I_WORK
    assert callback.json["data"]["flags"] & EPHEMERAL
    assert bot.handled == handled
    [item] = await bot.world.store.upcoming(ALICE_KEY, limit=5)
    assert item.text == "call Sam"


@pytest.mark.parametrize("where", list(ELSEWHERE))
async def test_autocomplete_where_the_bot_is_not_offers_nothing(bot: Bot, where: str) -> None:
    typed = bot.command("timezone", rules.focused("name", "berlin"))
    callback = await bot.run(ELSEWHERE[where](rules.as_autocomplete(typed)))
    assert callback.json == {"type": 8, "data": {"choices": []}}
    assert bot.handled == 0


async def test_the_bots_own_dm_and_its_servers_still_work(bot: Bot) -> None:
    in_dm = await bot.run(bot.command("start", option("company", "Initech")))
    assert in_dm.json["type"] == 4
    assert not in_dm.json["data"].get("flags", 0) & EPHEMERAL
    assert "Got it: Initech." in in_dm.json["data"]["content"]
    assert bot.harness.client is not None
    assert bot.harness.client.dm_channels.get(int(USER_ID)) == int(DM_CHANNEL_ID)
    in_server = slash_command(
        "takeorpass",
        [subcommand("remind", [option("when", "in 2 hours"), option("text", "stretch")])],
        command_id=bot.fake.command_id("takeorpass"),
    )
    answer = await bot.run(in_server)
    assert answer.json["data"]["flags"] & EPHEMERAL
    assert "Reminder set" in answer.json["data"]["content"]
    assert bot.harness.visible(CHANNEL_ID) == []


async def test_a_dm_reminder_set_after_a_start_in_a_shared_dm_reaches_the_bots_dm(
    bot: Bot,
) -> None:
    # Before: a start in alice and bob's DM recorded that DM as alice's DM with the bot, and a
    # reminder she then set in a server failed there with 50001 (Missing Access).
    await bot.run(in_private_channel(bot.command("start")))
    in_server = slash_command(
        "takeorpass",
        [subcommand("remind", [option("when", "in 2 hours"), option("text", "call Sam")])],
        command_id=bot.fake.command_id("takeorpass"),
    )
    callback = await bot.run(in_server)
    assert "Reminder set" in callback.json["data"]["content"]
    await bot.world.run_until(T0 + timedelta(hours=2, minutes=1))
    posts = bot.fake.requests_to("POST", r"/channels/\d+/messages")
    assert [(p.path, p.status) for p in posts] == [(f"/channels/{DM_CHANNEL_ID}/messages", 200)]


@pytest.mark.parametrize(
    ("payload", "here"),
    [
        ({"guild_id": "7", "context": 0}, True),  # a server the bot is in
        ({"guild_id": "8", "context": 0}, False),  # one it is not in
        ({"context": 1, "channel": {"type": 1}}, True),
        ({"context": 2, "channel": {"type": 1}}, False),  # a DM between people
        ({"context": 2, "channel": {"type": 3}}, False),
        ({"authorizing_integration_owners": {"0": "0"}, "channel": {"type": 1}}, True),
        ({"authorizing_integration_owners": {"1": USER_ID}, "channel": {"type": 1}}, False),
        ({"channel": {"type": 1}}, True),  # from before user installs
        ({"channel": {"type": 3}}, False),
    ],
)
def test_where_the_bot_works_is_read_from_context_then_install_then_channel(
    payload: JSON, here: bool
) -> None:
    assert works_here(payload, in_server=lambda guild_id: guild_id == 7) is here
