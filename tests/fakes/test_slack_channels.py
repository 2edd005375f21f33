"""FakeSlack's channels answer as Slack does, asked through the real slack_sdk client:
users.conversations pages with cursors, lists private channels only where the app is too, and
refuses what Slack refuses; conversations.info can't see a private channel the app is not in."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from fakes.slack import USER_ID, FakeSlack


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=fake.api_url)


async def _error(call: object) -> str:
    with pytest.raises(SlackApiError) as raised:
        await call  # type: ignore[misc]
    return str(raised.value.response["error"])


async def test_users_conversations_pages_a_users_channels_with_cursors(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    for n in range(5):
        fake.add_channel(f"C0{n}", f"c{n}")
    fake.add_channel("C0X", "not-hers", members=["U0002"])
    found: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = await client.users_conversations(user=USER_ID, limit=2, cursor=cursor)
        pages += 1
        assert "is_member" not in page["channels"][0]  # as the method's spec says
        found += [c["id"] for c in page["channels"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert (pages, found) == (3, [f"C0{n}" for n in range(5)])


async def test_private_channels_are_listed_only_where_the_app_is_too(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.add_channel("G0IN", "with-the-app", private=True)
    fake.add_channel("G0OUT", "without-the-app", private=True, member=False)
    fake.add_channel("C0PUB", "public")
    public = await client.users_conversations(user=USER_ID)  # types: public_channel by default
    assert [c["id"] for c in public["channels"]] == ["C0PUB"]
    both = await client.users_conversations(user=USER_ID, types="public_channel,private_channel")
    assert [c["id"] for c in both["channels"]] == ["G0IN", "C0PUB"]
    assert await _error(client.conversations_info(channel="G0OUT")) == "channel_not_found"
    info = await client.conversations_info(channel="G0IN")
    assert info["channel"]["is_private"] and info["channel"]["is_member"]


async def test_members_join_and_leave(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.add_channel("C0J", "joinable", members=[])
    assert (await client.users_conversations(user=USER_ID))["channels"] == []
    fake.join("C0J", USER_ID)
    assert [c["id"] for c in (await client.users_conversations(user=USER_ID))["channels"]] == [
        "C0J"
    ]
    fake.leave("C0J", USER_ID)
    assert (await client.users_conversations(user=USER_ID))["channels"] == []


async def test_users_conversations_refuses_what_slack_refuses(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    assert await _error(client.users_conversations(limit=1001)) == "invalid_limit"
    assert await _error(client.users_conversations(cursor="not a cursor")) == "invalid_cursor"
    assert await _error(client.users_conversations(types="public_channel,dm")) == "invalid_types"
    fake.scopes = ("commands", "chat:write", "channels:read")
    with pytest.raises(SlackApiError) as raised:
        await client.users_conversations(types="private_channel")
    assert raised.value.response["error"] == "missing_scope"
    assert raised.value.response["needed"] == "groups:read"
