"""The Discord rules FakeDiscord applies for reminders: permissions, pings, what it refuses."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from fakes.discord import (
    BOT_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    USER_ID,
    FakeDiscord,
    slash_command,
    subcommand,
)
from fakes.discord import guilds as rules

BOT_ROLE = "1210000000000000001"


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as started:
        yield started


def _channel(*overwrites: dict) -> dict:
    return rules.text_channel(
        "1390000000000000001", "c", "1200000000000000001", overwrites=overwrites
    )


def test_permissions_follow_roles_then_overwrites() -> None:
    guild = FakeDiscord().guild
    everyone = guild["id"]
    assert rules.permissions(guild, _channel(), BOT_ID) & rules.SEND_MESSAGES
    denied = _channel(rules.overwrite(BOT_ROLE, deny=rules.SEND_MESSAGES))
    assert not rules.permissions(guild, denied, BOT_ID) & rules.SEND_MESSAGES
    assert rules.post_refusal(guild, denied, BOT_ID) == rules.MISSING_PERMISSIONS
    hidden = _channel(rules.overwrite(everyone, deny=rules.VIEW_CHANNEL))
    assert rules.permissions(guild, hidden, BOT_ID) == 0
    assert rules.post_refusal(guild, hidden, BOT_ID) == rules.MISSING_ACCESS
    # A member overwrite beats a role's: allowed back in.
    member = rules.overwrite(BOT_ID, kind=rules.MEMBER, allow=rules.VIEW_CHANNEL)
    assert rules.permissions(guild, _channel(member, *hidden["permission_overwrites"]), BOT_ID)
    assert rules.permissions(guild, hidden, USER_ID) == rules.ALL  # the owner sees everything


@pytest.mark.parametrize(
    ("allowed", "expected"),
    [
        (None, {"everyone", "here", "user:1", "user:2", "role:3"}),
        ({"parse": []}, set()),
        ({"parse": ["users"]}, {"user:1", "user:2"}),
        ({"parse": [], "users": [2]}, {"user:2"}),
        ({"parse": [], "users": ["1"], "roles": ["3"]}, {"user:1", "role:3"}),
        ({"parse": ["everyone"]}, {"everyone", "here"}),
    ],
)
def test_pings_follow_allowed_mentions(allowed: dict | None, expected: set[str]) -> None:
    content = "@everyone @here <@1> <@!2> <@&3> @\u200beveryone"
    assert rules.pings(content, allowed, in_guild=True) == expected


def test_mass_mentions_ping_nobody_in_a_dm() -> None:
    assert rules.pings("@everyone <@1>", None, in_guild=False) == {"user:1"}


def test_discord_refuses_parse_users_with_a_users_list() -> None:
    assert rules.mentions_problem({"parse": ["users"], "users": ["1"]})
    assert rules.mentions_problem({"parse": [], "users": ["1"]}) is None


def test_callbacks_discord_refuses() -> None:
    assert rules.callback_problem(rules.AUTOCOMPLETE, 4, {"content": "x"})
    too_many = {"choices": [{"name": str(i), "value": str(i)} for i in range(26)]}
    assert rules.callback_problem(rules.AUTOCOMPLETE, 8, too_many)
    assert rules.callback_problem(rules.AUTOCOMPLETE, 8, {"choices": []}) is None
    assert rules.callback_problem(rules.APPLICATION_COMMAND, 8, {"choices": []})
    modal = {"custom_id": "m", "title": "t" * 46, "components": [{}]}
    assert rules.callback_problem(rules.MESSAGE_COMPONENT, 9, modal)
    modal["title"] = "When?"
    assert rules.callback_problem(rules.MESSAGE_COMPONENT, 9, modal) is None
    assert rules.callback_problem(rules.MODAL_SUBMIT, 9, modal)


async def test_the_fake_refuses_an_autocomplete_answered_with_a_message(
    fake: FakeDiscord,
) -> None:
    payload = rules.as_autocomplete(
        slash_command("takeorpass", [subcommand("timezone", [rules.focused("name", "x")])])
    )
    fake._observe("INTERACTION_CREATE", payload)
    url = f"{fake.api_url}/interactions/{payload['id']}/{payload['token']}/callback"
    async with aiohttp.ClientSession() as session:
        wrong = {"type": 4, "data": {"content": "hi"}}
        async with session.post(url, json=wrong) as response:
            assert response.status == 400
        right = {
            "type": 8,
            "data": {"choices": [{"name": "Europe/Berlin", "value": "Europe/Berlin"}]},
        }
        async with session.post(url, json=right) as response:
            assert response.status == 204
    fake.spec_violations.clear()


async def test_a_closed_dm_and_a_refused_channel_answer_with_discords_codes(
    fake: FakeDiscord,
) -> None:
    fake.dm_channel(USER_ID, DM_CHANNEL_ID)
    fake.close_dms(USER_ID)
    fake.refuse_posts(CHANNEL_ID, rules.UNKNOWN_CHANNEL)
    async with aiohttp.ClientSession() as session:
        for channel, (status, code) in ((DM_CHANNEL_ID, (403, 50007)), (CHANNEL_ID, (404, 10003))):
            url = f"{fake.api_url}/channels/{channel}/messages"
            async with session.post(url, json={"content": "hi"}) as response:
                assert response.status == status
                assert (await response.json())["code"] == code
    assert fake.messages == {}
