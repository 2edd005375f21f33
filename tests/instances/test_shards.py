"""Discord sharding across instances: two `takeorpass discord` processes, one running shard 0
and the other shard 1 of 2, on one PostgreSQL database, against FakeDiscord, which routes a
server's events to its shard's session and DMs to shard 0, as Discord does.

- Each instance is sent only its own servers, and answers the commands used in them; DMs reach
  the shard-0 instance; only the shard-0 instance registers the slash commands.
- A channel reminder set in a server of shard 0 is posted once while both run; and once when
  the shard-0 instance is paused before its time, by the shard-1 instance over REST (that
  server is not in its gateway cache), and not again after the pause."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import discord
import pytest
from fakes.discord import (
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    JSON,
    USER_ID,
    FakeDiscord,
    dm_message,
    guild_message,
    option,
    running,
    slash_command,
    subcommand,
)
from fakes.discord import guilds as rules
from fakes.discord.shards import INVALID_SHARD, guild_id_on, shard_of
from support.discord_harness import EPHEMERAL, MEMBER, TOKEN, Harness
from support.instances import Instance, environment
from support.postgres import fresh_database

from adapters.discord import (
    DiscordDelivery,
    DiscordPlaces,
    ShardedTakeOrPassClient,
    build_client,
    minimal_intents,
)
from adapters.discord.receiving import user_key
from adapters.discord.reminders import CANT_SEE, YOU_CANT_SEE
from bot.common.replies import Kind, Reply
from bot.config.settings import load_settings
from bot.engine.engine import Engine
from bot.reminders.model import Access, Delivered, Destination, Outgoing

SHARDS = 2
LEASE = 2.0
# The fake's own server lands on shard 1; a second server, created a millisecond later, on 0.
GUILD_1, CHANNEL_1 = GUILD_ID, CHANNEL_ID
GUILD_0 = guild_id_on(0, SHARDS, near=GUILD_ID)
CHANNEL_0 = "1300000000000000010"  # "standups", in GUILD_0
POSTS_0 = rf"/channels/{CHANNEL_0}/messages"
COMMANDS = r"/applications/\d+(/guilds/\d+)?/commands"
CALLBACK = r"/interactions/{id}/[^/]+/callback"
OWNER = user_key(int(USER_ID))
OUTSIDER = "1400000000000000077"  # in no server
START_TIMEOUT = 30.0  # two cold Python start-ups on a busy machine


def _environment(fake: FakeDiscord, database: str, shard: int) -> dict[str, str]:
    return environment(
        database,
        REMINDER_LEASE=f"{LEASE:g}s",
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_URL=fake.api_url,
        DISCORD_GATEWAY_URL=fake.gateway_url,
        DISCORD_SHARD_COUNT=str(SHARDS),
        DISCORD_SHARD_IDS=str(shard),
    )


@contextlib.asynccontextmanager
async def two_instances(
    fake: FakeDiscord, folder: Path
) -> AsyncIterator[tuple[Instance, Instance]]:
    """Shard 0 and shard 1 of 2, started together on one fresh database, both connected."""
    with fresh_database() as database:
        instances = []
        try:
            for shard in range(SHARDS):
                env = _environment(fake, database, shard)
                instances.append(await Instance.start(["discord"], env, folder))
            for shard in range(SHARDS):
                await fake.wait_until_connected(timeout=START_TIMEOUT, shard=shard)
            yield instances[0], instances[1]
        finally:
            for instance in instances:
                await instance.stop()
            for instance in instances:
                assert not instance.logged("Traceback"), "".join(instance.log)


def _servers(fake: FakeDiscord) -> None:
    """The fake's server (shard 1) and one more on shard 0, each with a text channel."""
    assert shard_of(GUILD_1, SHARDS) == 1 and shard_of(GUILD_0, SHARDS) == 0
    fake.add_guild(
        rules.guild_with(
            fake.guild,
            guild_id=GUILD_0,
            name="Shard Zero",
            channels=[rules.text_channel(CHANNEL_0, "standups", GUILD_0)],
        )
    )


def _command(fake: FakeDiscord, guild: str, channel: str, name: str, *options: JSON) -> JSON:
    """`/takeorpass <name> …` run by the user in `channel` of `guild`."""
    payload = slash_command(
        "takeorpass",
        [subcommand(name, list(options))],
        guild_id=guild,
        channel_id=channel,
        command_id=fake.command_id("takeorpass"),
    )
    return rules.with_member_permissions(payload, MEMBER)


async def _answered(fake: FakeDiscord, payload: JSON) -> str:
    """Dispatch an interaction; what the bot finally shows in answer (after "thinking…")."""
    await fake.dispatch("INTERACTION_CREATE", payload)
    callback = await fake.wait_for("POST", CALLBACK.format(id=payload["id"]), timeout=10)
    assert callback.status in (200, 204)
    if callback.json["type"] == 5:  # deferred: the answer replaces the placeholder
        edit = rf"/webhooks/\d+/{payload['token']}/messages/@original"
        return str((await fake.wait_for("PATCH", edit, timeout=10)).json["content"])
    return str(callback.json["data"]["content"])


async def test_each_instance_gets_only_its_shards_servers_and_only_shard_0_syncs_commands(
    tmp_path: Path,
) -> None:
    async with FakeDiscord() as fake:
        _servers(fake)
        fake.dm_channel(USER_ID, DM_CHANNEL_ID)
        async with two_instances(fake, tmp_path) as (first, second):
            [zero], [one] = fake.sessions_of(0), fake.sessions_of(1)
            assert (zero.shard, one.shard) == ((0, SHARDS), (1, SHARDS))
            assert zero.guild_ids() == [GUILD_0]
            assert one.guild_ids() == [GUILD_1]

            in_one = _command(fake, GUILD_1, CHANNEL_1, "help")
            assert "Continuing in your DMs" in await _answered(fake, in_one)
            in_zero = _command(fake, GUILD_0, CHANNEL_0, "help")
            assert "Continuing in your DMs" in await _answered(fake, in_zero)
            # Each was sent to its server's shard only, so that shard's instance answered it.
            assert one.interaction_ids() == [in_one["id"]]
            assert zero.interaction_ids() == [in_zero["id"]]

            dm_posts = rf"/channels/{DM_CHANNEL_ID}/messages"
            before = len(fake.requests_to("POST", dm_posts))
            await fake.dispatch("MESSAGE_CREATE", dm_message("help", USER_ID, DM_CHANNEL_ID))
            await fake.wait_for("POST", dm_posts, count=before + 1, timeout=10)
            assert len(zero.events("MESSAGE_CREATE")) == 1
            assert one.events("MESSAGE_CREATE") == []

            assert len(fake.requests_to("PUT", COMMANDS)) == 1
            assert first.logged("synced 1 command(s) globally")
            assert second.logged("the instance running shard 0 registers /takeorpass")
            assert first.logged("runs shard(s) 0 of 2") and second.logged("runs shard(s) 1 of 2")
        assert fake.spec_violations == []


async def _remind_in_shard_0(fake: FakeDiscord, when: str, text: str) -> None:
    """`/takeorpass remind` in the shard-0 server, to post `text` in its channel."""
    where = rules.channel_option("channel", CHANNEL_0)
    payload = _command(
        fake, GUILD_0, CHANNEL_0, "remind", option("when", when), option("text", text), where
    )
    payload["data"]["resolved"] = {  # Discord sends the picked channel along
        "channels": {CHANNEL_0: rules.resolved_channel(fake.channels[CHANNEL_0], MEMBER)}
    }
    answer = await _answered(fake, payload)
    assert "Reminder set for" in answer, answer


def _posts_of(fake: FakeDiscord, text: str) -> list[JSON]:
    """Every answered post request to the shard-0 channel with `text`."""
    return [r.json for r in fake.requests_to("POST", POSTS_0) if text in str(r.json["content"])]


async def test_a_reminder_in_a_shard_0_server_is_posted_once_by_whichever_instance_claims_it(
    tmp_path: Path,
) -> None:
    async with FakeDiscord() as fake:
        _servers(fake)
        async with two_instances(fake, tmp_path) as (first, _second):
            await _remind_in_shard_0(fake, "in 2 seconds", "both running")
            await fake.wait_for("POST", POSTS_0, count=1, timeout=10)

            await _remind_in_shard_0(fake, "in 3 seconds", "shard 0 paused")
            first.pause()  # before its time: only the shard-1 instance can claim it
            try:
                await fake.wait_for("POST", POSTS_0, count=2, timeout=10)
            finally:
                first.resume()
            # Past the lease and a scheduler tick: a second post would have been made by now.
            await asyncio.sleep(LEASE + 1.5)

        assert len(_posts_of(fake, "both running")) == 1
        assert len(_posts_of(fake, "shard 0 paused")) == 1
        shown = [
            m
            for m in fake.messages.values()
            if m["channel_id"] == CHANNEL_0 and not m["flags"] & EPHEMERAL
        ]
        assert sorted(m["content"] for m in shown) == [
            "Reminder: both running",
            "Reminder: shard 0 paused",
        ]
        assert fake.spec_violations == []


# --- the fake's sharding, with discord.py's own sharded client -----------------------------------


class _NoIdentifyWait(discord.AutoShardedClient):
    """Both shards in this process, identifying at once (discord.py waits 5 s between them,
    Discord's pace for one identify at a time)."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


async def test_the_fake_routes_each_servers_events_to_its_shard_and_dms_to_shard_0() -> None:
    async with FakeDiscord() as fake:
        _servers(fake)
        fake.dm_channel(USER_ID, DM_CHANNEL_ID)
        with fake.patch_discord():
            intents = minimal_intents()
            intents.guild_messages = intents.message_content = True
            client = _NoIdentifyWait(intents=intents, shard_count=SHARDS, guild_ready_timeout=0.05)
            seen: list[tuple[int | None, str]] = []

            @client.event
            async def on_message(message: discord.Message) -> None:
                guild = message.guild.id if message.guild else None
                seen.append((guild, message.content))

            async with running(client):
                assert {g.id for g in client.guilds} == {int(GUILD_0), int(GUILD_1)}
                await fake.dispatch("MESSAGE_CREATE", dm_message("hi", USER_ID, DM_CHANNEL_ID))
                message = guild_message("@x", channel_id=CHANNEL_0, guild_id=GUILD_0)
                await fake.dispatch("MESSAGE_CREATE", message)
                await Harness.until(lambda: len(seen) == 2)
        assert seen == [(None, "hi"), (int(GUILD_0), "@x")]
        zero, one = fake.sessions_of(0)[-1], fake.sessions_of(1)[-1]
        assert (zero.guild_ids(), one.guild_ids()) == ([GUILD_0], [GUILD_1])
        assert [m["content"] for m in zero.events("MESSAGE_CREATE")] == ["hi", "@x"]
        assert one.events("MESSAGE_CREATE") == []
        assert [r["shard"] for r in (zero.events("READY")[0], one.events("READY")[0])] == [
            [0, SHARDS],
            [1, SHARDS],
        ]


async def test_the_fake_closes_an_identify_with_an_impossible_shard_with_4010() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        async with http.ws_connect(fake.gateway_url) as ws:
            hello = await ws.receive_json()
            assert hello["op"] == 10
            await ws.send_json({"op": 2, "d": {"token": TOKEN, "intents": 1, "shard": [2, 2]}})
            closed = await ws.receive()
        assert closed.type is aiohttp.WSMsgType.CLOSE and closed.data == INVALID_SHARD
        assert fake.sessions == [] and len(fake.refused_identifies) == 1


async def test_a_client_without_shard_1_checks_and_posts_to_a_shard_1_channel_over_rest(
    engine: Engine,
) -> None:
    async with FakeDiscord() as fake:
        _servers(fake)
        hidden = rules.text_channel(
            "1300000000000000011",
            "secret",
            GUILD_1,
            overwrites=[rules.overwrite(GUILD_1, deny=rules.VIEW_CHANNEL)],
        )
        fake.add_channel(hidden)
        with fake.patch_discord():
            client = ShardedTakeOrPassClient(
                engine=engine, shard_count=SHARDS, shard_ids=[0], guild_ready_timeout=0.05
            )
            async with running(client):
                assert client.get_guild(int(GUILD_1)) is None  # not in this client's cache
                places = DiscordPlaces(client)
                # The server's roles over REST, the member's too: who may post is worked out.
                assert await places.check_channel(OWNER, CHANNEL_1, GUILD_1) is None
                assert await places.check_channel(OWNER, hidden["id"], GUILD_1) == CANT_SEE
                outsider = user_key(int(OUTSIDER))
                assert await places.check_channel(outsider, CHANNEL_1, GUILD_1) == YOU_CANT_SEE
                assert await places.may_post(OWNER, CHANNEL_1) is Access.ALLOWED
                assert await places.may_post(outsider, CHANNEL_1) is Access.DENIED
                assert fake.requests_to("GET", rf"/guilds/{GUILD_1}")  # not in this cache
                reply = Reply(kind=Kind.REMINDER, text="Reminder: across shards")
                item = Outgoing(Destination(OWNER, CHANNEL_1), reply, "k1.6745a1b0")
                assert await DiscordDelivery(client).deliver(item) == Delivered()
        [post] = fake.requests_to("POST", rf"/channels/{CHANNEL_1}/messages")
        assert post.json["content"] == "Reminder: across shards"
        assert fake.spec_violations == []


# --- which client the settings build ---------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "shard_ids", "syncs"),
    [
        ({}, None, True),
        ({"DISCORD_SHARD_COUNT": "4"}, None, True),  # no ids: every shard, here
        ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "0,1"}, [0, 1], True),
        ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "2,3"}, [2, 3], False),
    ],
)
async def test_settings_choose_the_sharded_client_its_shards_and_who_syncs_commands(
    engine: Engine, environ: dict[str, str], shard_ids: list[int] | None, syncs: bool
) -> None:
    settings = load_settings({"DISCORD_TOKEN": TOKEN, **environ}, env_file=None)
    client = build_client(settings, engine)
    sharded = "DISCORD_SHARD_COUNT" in environ
    assert isinstance(client, discord.AutoShardedClient) is sharded
    if sharded:
        assert (client.shard_count, client.shard_ids) == (4, shard_ids)
    assert client.runs_first_shard is syncs
