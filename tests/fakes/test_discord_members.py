"""FakeDiscord's members answer as Discord does, asked through the real discord.py client: a
member of a server, Unknown Member for someone who is not, the server without its gateway-only
fields, and interactions filled with the permissions Discord computes from roles and channel
overwrites."""

from __future__ import annotations

from collections.abc import AsyncIterator

import discord
import pytest

from fakes.discord import (
    CHANNEL_ID,
    GUILD_ID,
    USER_ID,
    FakeDiscord,
    running,
    slash_command,
    subcommand,
)
from fakes.discord import guilds as rules

BOB = "1400000000000000002"
STAFF = "1300000000000000021"
STAFF_ROLE = "1210000000000000021"


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        guild = fake.guild["id"]
        fake.guild["roles"].append(rules.role(STAFF_ROLE, "staff", 0))
        hidden = [
            rules.overwrite(guild, deny=rules.VIEW_CHANNEL),
            rules.overwrite(STAFF_ROLE, allow=rules.VIEW_CHANNEL | rules.SEND_MESSAGES),
        ]
        fake.add_channel(rules.text_channel(STAFF, "staff-only", guild, overwrites=hidden))
        fake.add_member(guild, BOB)
        with fake.patch_discord():
            yield fake


def _client() -> discord.Client:
    intents = discord.Intents.none()
    intents.guilds = True
    return discord.Client(intents=intents, guild_ready_timeout=0.05)


async def test_members_and_the_server_are_told_over_rest(fake: FakeDiscord) -> None:
    client = _client()
    async with running(client):
        member = await client.http.get_member(int(GUILD_ID), int(BOB))
        assert (member["user"]["id"], member["roles"]) == (BOB, [])
        fake.add_member(GUILD_ID, BOB, roles=[STAFF_ROLE])
        assert (await client.http.get_member(int(GUILD_ID), int(BOB)))["roles"] == [STAFF_ROLE]
        fake.remove_member(GUILD_ID, BOB)
        with pytest.raises(discord.NotFound) as gone:
            await client.http.get_member(int(GUILD_ID), int(BOB))
        assert gone.value.code == 10007  # Unknown Member
        guild = await client.http.get_guild(int(GUILD_ID), with_counts=False)
        assert guild["owner_id"] == USER_ID
        assert STAFF_ROLE in [r["id"] for r in guild["roles"]]
        assert "channels" not in guild and "members" not in guild
        with pytest.raises(discord.NotFound) as unknown:
            await client.http.get_guild(1299999999999999999)
        assert unknown.value.code == 10004  # Unknown Guild
    assert fake.spec_violations == []


def test_interactions_are_filled_with_the_permissions_discord_computes(fake: FakeDiscord) -> None:
    resolved = {"channels": {STAFF: rules.resolved_channel(fake.channels[STAFF], rules.ALL)}}
    payload = slash_command(
        "takeorpass",
        [subcommand("remind", [rules.channel_option("channel", STAFF)])],
        user_id=BOB,
        resolved=resolved,
    )
    filled = fake.filled(payload)
    mine = int(filled["member"]["permissions"])
    assert mine & rules.VIEW_CHANNEL and mine & rules.SEND_MESSAGES  # in #job-hunt
    assert not mine & rules.MANAGE_CHANNELS
    assert filled["channel"]["id"] == CHANNEL_ID
    assert int(filled["app_permissions"]) & rules.SEND_MESSAGES
    assert filled["data"]["resolved"]["channels"][STAFF]["permissions"] == "0"
    fake.add_member(GUILD_ID, BOB, roles=[STAFF_ROLE])
    staff = int(fake.filled(payload)["data"]["resolved"]["channels"][STAFF]["permissions"])
    assert staff & rules.VIEW_CHANNEL and staff & rules.SEND_MESSAGES
    owner = fake.filled(slash_command("takeorpass", user_id=USER_ID, resolved=resolved))
    assert owner["data"]["resolved"]["channels"][STAFF]["permissions"] == str(rules.ALL)
