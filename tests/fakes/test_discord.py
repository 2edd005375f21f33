"""The Discord fake speaks enough protocol for the real discord.py client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import discord
import pytest
from discord import app_commands
from support.discord_harness import CALLBACK

from fakes.discord import (
    DIRECT_MESSAGES,
    DM_CHANNEL_ID,
    GUILD_ID,
    GUILDS,
    USER_ID,
    FakeDiscord,
    button_press,
    dm_message,
    load_payload,
    option,
    running,
    slash_command,
    subcommand,
)

MESSAGES = r"/channels/\d+/messages"


def make_client() -> discord.Client:
    intents = discord.Intents.none()
    intents.guilds = True
    intents.dm_messages = True
    return discord.Client(
        intents=intents,
        allowed_mentions=discord.AllowedMentions.none(),
        guild_ready_timeout=0.05,
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        with fake.patch_discord():
            yield fake


async def test_client_logs_in_identifies_and_gets_ready(fake: FakeDiscord) -> None:
    client = make_client()
    ready = asyncio.Event()
    client.event(_setter("on_ready", ready))
    async with running(client):
        await asyncio.wait_for(ready.wait(), 1)
        assert client.user is not None and str(client.user.id) == fake.bot_user["id"]
        assert client.application_id == int(fake.application["id"])
        guild = client.get_guild(int(GUILD_ID))
        assert guild is not None and [c.name for c in guild.text_channels] == ["job-hunt"]
    assert fake.intents == GUILDS | DIRECT_MESSAGES
    assert fake.requests_to("GET", "/users/@me")[0].headers["Authorization"] == "Bot fake-token"


async def test_dm_reaches_on_message_and_reply_sets_allowed_mentions(fake: FakeDiscord) -> None:
    client = make_client()
    got: list[discord.Message] = []

    @client.event
    async def on_message(message: discord.Message) -> None:
        got.append(message)
        await message.channel.send("hi")

    async with running(client):
        await fake.dispatch("MESSAGE_CREATE", dm_message("hello", USER_ID, DM_CHANNEL_ID))
        sent = await fake.wait_for("POST", MESSAGES)
    assert got[0].content == "hello" and isinstance(got[0].channel, discord.DMChannel)
    assert sent.path == f"/channels/{DM_CHANNEL_ID}/messages"
    assert sent.json["content"] == "hi"
    assert sent.json["allowed_mentions"] == {"parse": []}


async def test_button_press_on_persistent_view_answers_the_interaction(
    fake: FakeDiscord,
) -> None:
    pressed: list[str] = []

    class Choices(discord.ui.View):
        def __init__(self) -> None:
            super().__init__(timeout=None)

        @discord.ui.button(label="Yes", custom_id="tp:1:q1:yes")
        async def yes(
            self, interaction: discord.Interaction, button: discord.ui.Button[Choices]
        ) -> None:
            pressed.append(button.custom_id or "")
            await interaction.response.send_message("noted", ephemeral=True)

    # A message with the button sent before a restart: only the persistent view can handle it.
    fake.dm_channel(USER_ID, DM_CHANNEL_ID)
    row = {
        "type": 1,
        "components": [{"type": 2, "style": 2, "label": "Yes", "custom_id": "tp:1:q1:yes"}],
    }
    earlier = fake.new_message(DM_CHANNEL_ID, {"content": "Q?", "components": [row]})
    client = make_client()
    client.add_view(Choices())
    async with running(client):
        press = button_press("tp:1:q1:yes", USER_ID, DM_CHANNEL_ID, earlier)
        await fake.dispatch("INTERACTION_CREATE", press)
        answer = await fake.wait_for("POST", CALLBACK)
    assert pressed == ["tp:1:q1:yes"]
    assert answer.path == f"/interactions/{press['id']}/{press['token']}/callback"
    assert answer.json["type"] == 4 and answer.json["data"]["content"] == "noted"
    assert answer.json["data"]["flags"] == 64  # ephemeral
    assert answer.status == 200


async def test_injected_429_is_waited_out(fake: FakeDiscord) -> None:
    fake.fail_next("POST", MESSAGES, status=429, retry_after=0.2)
    client = make_client()
    async with running(client):
        channel = await client.create_dm(discord.Object(int(USER_ID)))
        message = await asyncio.wait_for(channel.send("after the wait"), 3)
    posts = fake.requests_to("POST", MESSAGES)
    assert [r.status for r in posts] == [429, 200]
    assert posts[1].at - posts[0].at >= 0.2
    assert str(message.id) in fake.messages


async def test_closed_dms_raise_forbidden_50007(fake: FakeDiscord) -> None:
    fake.fail_next(
        "POST", MESSAGES, status=403, code=50007, message="Cannot send messages to this user"
    )
    client = make_client()
    async with running(client):
        channel = await client.create_dm(discord.Object(int(USER_ID)))
        with pytest.raises(discord.Forbidden) as caught:
            await channel.send("hello?")
    assert caught.value.code == 50007 and caught.value.status == 403


async def test_slash_command_in_guild_runs(fake: FakeDiscord) -> None:
    client = make_client()
    tree = app_commands.CommandTree(client)
    seen: list[tuple[str, str]] = []
    group = app_commands.Group(name="takeorpass", description="Take or Pass")

    @group.command(name="remind", description="Set a reminder")
    async def remind(interaction: discord.Interaction, when: str) -> None:
        seen.append((str(interaction.user.id), when))
        await interaction.response.send_message(f"ok {when}", ephemeral=True)

    guild = discord.Object(int(GUILD_ID))
    tree.add_command(group, guild=guild)
    async with running(client):
        await tree.sync(guild=guild)
        payload = slash_command(
            "takeorpass",
            [subcommand("remind", [option("when", "monday 9am")])],
            command_id=fake.command_id("takeorpass", GUILD_ID),
            command_guild_id=GUILD_ID,
        )
        await fake.dispatch("INTERACTION_CREATE", payload)
        answer = await fake.wait_for("POST", CALLBACK)
    assert seen == [(USER_ID, "monday 9am")]
    assert answer.status == 200
    assert answer.json == {
        "type": 4,
        "data": {
            "content": "ok monday 9am",
            "flags": 64,
            "tts": False,
            "allowed_mentions": {"parse": []},
        },
    }
    assert fake.requests_to("PUT", rf"/applications/\d+/guilds/{GUILD_ID}/commands")


async def test_reconnect_resumes_the_session(fake: FakeDiscord) -> None:
    client = make_client()
    resumed = asyncio.Event()
    client.event(_setter("on_resumed", resumed))
    got: list[str] = []

    @client.event
    async def on_message(message: discord.Message) -> None:
        got.append(message.content)

    async with running(client):
        await fake.send_op(7)  # RECONNECT
        await asyncio.wait_for(resumed.wait(), 3)
        await fake.dispatch("MESSAGE_CREATE", dm_message("still here", USER_ID, DM_CHANNEL_ID))
        await asyncio.sleep(0.05)
    assert [f["op"] for f in fake.gateway_received].count(2) == 1  # identified once
    assert fake.resumes[0]["session_id"] == fake.session_id
    assert got == ["still here"]


async def test_message_limits_are_enforced(fake: FakeDiscord) -> None:
    client = make_client()
    async with running(client):
        channel = await client.create_dm(discord.Object(int(USER_ID)))
        with pytest.raises(discord.HTTPException) as caught:
            await channel.send("x" * 2001)
    assert caught.value.status == 400 and caught.value.code == 50035


async def test_a_payload_error_in_the_gateway_loop_surfaces(fake: FakeDiscord) -> None:
    message = load_payload("interaction_button")["message"]
    broken = button_press("tp:1:q1:yes", USER_ID, DM_CHANNEL_ID, message)
    del broken["attachment_size_limit"]
    with pytest.raises(KeyError, match="attachment_size_limit"):
        async with running(make_client()):
            await fake.dispatch("INTERACTION_CREATE", broken)
            await asyncio.sleep(0.2)


def _setter(name: str, event: asyncio.Event) -> Callable[[], Coroutine[Any, Any, None]]:
    async def handler() -> None:
        event.set()

    handler.__name__ = name
    return handler
