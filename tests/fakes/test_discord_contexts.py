"""FakeDiscord and interaction contexts: what it accepts when commands are registered, which
envelopes it refuses to send, and that a DM between people is not the bot's DM."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator

import aiohttp
import pytest

from fakes.discord import (
    APP_ID,
    DM_CHANNEL_ID,
    USER_ID,
    FakeDiscord,
    button_press,
    slash_command,
    subcommand,
)
from fakes.discord.contexts import (
    FOREIGN_CHANNEL_ID,
    GROUP_DM_ID,
    PRIVATE_DM_ID,
    envelope_problem,
    in_foreign_guild,
    in_private_channel,
    is_bot_dm,
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as started:
        yield started


def _command(**fields: object) -> dict[str, object]:
    return {"name": "takeorpass", "description": "Decide", "type": 1, **fields}


async def _put(fake: FakeDiscord, body: list[dict[str, object]]) -> tuple[int, object]:
    url = f"{fake.api_url}/applications/{APP_ID}/commands"
    async with aiohttp.ClientSession() as session, session.put(url, json=body) as response:
        return response.status, await response.json()


async def test_install_types_and_contexts_are_checked_by_discords_spec(fake: FakeDiscord) -> None:
    status, stored = await _put(fake, [_command(integration_types=[0], contexts=[0, 1])])
    assert status == 200
    assert isinstance(stored, list)
    assert (stored[0]["integration_types"], stored[0]["contexts"]) == ([0], [0, 1])
    for wrong in ({"contexts": [3]}, {"integration_types": [2]}, {"contexts": []}):
        status, body = await _put(fake, [_command(**wrong)])
        assert status == 400, wrong
        assert isinstance(body, dict) and body["code"] == 50035
    assert len(fake.spec_violations) == 3
    fake.spec_violations.clear()


def _dm_command() -> dict[str, object]:
    return slash_command(
        "takeorpass", [subcommand("start")], guild_id=None, channel_id=DM_CHANNEL_ID
    )


def test_the_builders_make_envelopes_discord_sends() -> None:
    dm, server = _dm_command(), slash_command("takeorpass", [subcommand("start")])
    press = button_press("tp:1:q:a", USER_ID, DM_CHANNEL_ID, {"id": "1", "channel_id": "2"})
    for payload in (dm, server, press):
        for shaped in (payload, in_private_channel(payload), in_foreign_guild(payload)):
            assert envelope_problem(shaped) is None
        assert envelope_problem(in_private_channel(payload, group=True)) is None
    assert is_bot_dm(dm) and is_bot_dm(press)
    assert not is_bot_dm(server) and not is_bot_dm(in_private_channel(dm))
    assert not is_bot_dm(in_foreign_guild(dm))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"context": 4}, "not an interaction context"),
        ({"context": 0}, "comes with a guild_id"),
        ({"authorizing_integration_owners": {"2": "1"}}, "unknown keys"),
        ({"authorizing_integration_owners": {"0": "0", "1": USER_ID}}, "only a user install"),
        ({"channel": {"id": "1", "type": 0}}, "a DM or group DM"),
    ],
)
def test_envelopes_discord_never_sends_are_refused(change: dict[str, object], problem: str) -> None:
    shaped = in_private_channel(_dm_command())
    shaped.update(copy.deepcopy(change))
    found = envelope_problem(shaped)
    assert found is not None and problem in found


def test_a_dm_to_the_bot_is_not_a_guild_install_elsewhere() -> None:
    dm = _dm_command()
    dm["authorizing_integration_owners"] = {"0": "1200000000000000001"}
    assert envelope_problem(dm) == 'in the bot\'s DM a guild install is "0"'
    dm.pop("context")
    dm.pop("authorizing_integration_owners")
    assert is_bot_dm(dm)  # from before user installs: a DM channel could only be the bot's


async def test_a_dm_between_people_is_not_taken_for_the_bots_dm(fake: FakeDiscord) -> None:
    for payload in (
        in_private_channel(_dm_command()),
        in_private_channel(_dm_command(), group=True),
        in_foreign_guild(_dm_command()),
    ):
        fake._observe("INTERACTION_CREATE", payload)
    assert fake.dm_channels == {}
    assert set(fake.unreachable) == {PRIVATE_DM_ID, GROUP_DM_ID, FOREIGN_CHANNEL_ID}
    async with aiohttp.ClientSession() as session:
        for channel in fake.unreachable:
            url = f"{fake.api_url}/channels/{channel}"
            async with session.post(f"{url}/messages", json={"content": "hi"}) as response:
                assert (response.status, (await response.json())["code"]) == (403, 50001)
            async with session.get(url) as response:
                assert (response.status, (await response.json())["code"]) == (403, 50001)
    fake._observe("INTERACTION_CREATE", _dm_command())
    assert fake.dm_channels == {USER_ID: DM_CHANNEL_ID}


async def test_dispatch_refuses_an_envelope_discord_never_sends(fake: FakeDiscord) -> None:
    wrong = in_private_channel(_dm_command(), group=True)
    wrong["context"] = 1  # the bot is never in a group DM
    with pytest.raises(ValueError, match="no such interaction"):
        await fake.dispatch("INTERACTION_CREATE", wrong, timeout=0.1)
