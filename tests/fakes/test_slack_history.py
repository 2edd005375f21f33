"""FakeSlack keeps what chat.postMessage carries out, message metadata and all, and answers
conversations.history from it as Slack does, to the real AsyncWebClient: newest first, within
`oldest`, a page at a time, the metadata's payload only with include_all_metadata, the scope
each kind of conversation needs. It refuses metadata Slack would refuse, and can take a call
and answer it late, carried out (`hold_next`) or not (`lose_next`)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from fakes.slack import USER_ID, FakeSlack, dm_channel_id

CHANNEL = "C0HISTORY"
META = {"event_type": "takeorpass_reminder", "event_payload": {"key": "abc.1"}}


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        slack.add_channel(CHANNEL, "history")
        yield slack


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=fake.api_url, timeout=5)


async def test_history_returns_posts_newest_first_with_the_payload_only_when_asked(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    await client.chat_postMessage(channel=CHANNEL, text="first", metadata=META)
    await client.chat_postMessage(channel=CHANNEL, text="second")
    full = await client.conversations_history(channel=CHANNEL, include_all_metadata=True)
    assert [m["text"] for m in full["messages"]] == ["second", "first"]
    assert full["messages"][1]["metadata"] == META
    assert "metadata" not in full["messages"][0]
    bare = await client.conversations_history(channel=CHANNEL)
    assert bare["messages"][1]["metadata"] == {"event_type": "takeorpass_reminder"}
    assert fake.spec_violations == []


async def test_history_pages_by_cursor_and_keeps_to_oldest(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.stamp = lambda: 1_000_000.0
    await client.chat_postMessage(channel=CHANNEL, text="old")
    fake.stamp = lambda: 2_000_000.0
    for n in range(5):
        await client.chat_postMessage(channel=CHANNEL, text=f"new {n}")
    first = await client.conversations_history(channel=CHANNEL, oldest="1500000", limit=2)
    assert [m["text"] for m in first["messages"]] == ["new 4", "new 3"]
    assert first["has_more"] is True
    cursor = first["response_metadata"]["next_cursor"]
    rest = await client.conversations_history(channel=CHANNEL, oldest="1500000", cursor=cursor)
    assert [m["text"] for m in rest["messages"]] == ["new 2", "new 1", "new 0"]
    assert rest["has_more"] is False and rest["response_metadata"]["next_cursor"] == ""


async def test_a_post_to_a_user_id_is_kept_in_their_dm(fake: FakeSlack, client: AsyncWebClient):
    await client.chat_postMessage(channel=USER_ID, text="to you", metadata=META)
    opened = await client.conversations_open(users=USER_ID)
    dm = opened["channel"]["id"]
    assert dm == dm_channel_id(USER_ID)
    found = await client.conversations_history(channel=dm, include_all_metadata=True)
    assert [(m["text"], m["metadata"]) for m in found["messages"]] == [("to you", META)]
    assert fake.messages_in(USER_ID) == fake.messages_in(dm)


async def test_history_needs_the_scope_of_the_conversation_and_the_app_in_it(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.add_channel("GSECRET", "secret", private=True)
    fake.add_channel("COUT", "out", member=False)
    fake.scopes = tuple(s for s in fake.scopes if s != "groups:history")
    with pytest.raises(SlackApiError) as private:
        await client.conversations_history(channel="GSECRET")
    assert private.value.response["error"] == "missing_scope"
    assert private.value.response["needed"] == "groups:history"
    with pytest.raises(SlackApiError) as outside:
        await client.conversations_history(channel="COUT")
    assert outside.value.response["error"] == "not_in_channel"
    with pytest.raises(SlackApiError) as unknown:
        await client.conversations_history(channel="CNOWHERE")
    assert unknown.value.response["error"] == "channel_not_found"


@pytest.mark.parametrize(
    "metadata",
    [
        {"event_type": "", "event_payload": {}},
        {"event_type": "x"},
        {"event_type": "x", "event_payload": "key"},
        {"event_type": "x", "event_payload": {"k": [1, 2]}},
        {"event_type": "x", "event_payload": {}, "extra": 1},
    ],
)
async def test_metadata_slack_would_refuse_is_refused(
    fake: FakeSlack, client: AsyncWebClient, metadata: dict[str, object]
) -> None:
    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(channel=CHANNEL, text="x", metadata=metadata)
    assert refused.value.response["error"] == "invalid_arguments"
    assert fake.messages_in(CHANNEL) == []
    assert fake.spec_violations and "metadata" in str(fake.spec_violations[0])
    fake.spec_violations.clear()


async def test_a_held_call_is_carried_out_and_a_lost_one_is_not(fake: FakeSlack) -> None:
    quick = AsyncWebClient(token="xoxb-test", base_url=fake.api_url, timeout=1)
    fake.hold_next("chat.postMessage", 2)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        await quick.chat_postMessage(channel=CHANNEL, text="held")
    fake.lose_next("chat.postMessage", 2)
    with pytest.raises(TimeoutError):
        await quick.chat_postMessage(channel=CHANNEL, text="lost")
    assert time.monotonic() - started < 3.5
    assert [c.params["text"] for c in fake.calls_to("chat.postMessage")] == ["held", "lost"]
    assert [m["text"] for m in fake.messages_in(CHANNEL)] == ["held"]
