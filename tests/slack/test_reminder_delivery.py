"""SlackDelivery on its own against FakeSlack: pacing per channel, Deferred turns, rate limits
waited out exactly, and Slack's refusals sorted into retry or give up; and the fake's `pings`."""

from __future__ import annotations

import asyncio
import itertools
import time
from datetime import timedelta

import pytest
from fakes.slack import FakeSlack, next_ts, pings
from slack_sdk.web.async_client import AsyncWebClient
from support.slack_harness import ALICE_KEY

from adapters.slack import SlackDelivery
from bot.common.replies import Kind, Reply
from bot.reminders.model import (
    Deferred,
    Delivered,
    Destination,
    Outgoing,
    RetryLater,
    Undeliverable,
)


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=fake.api_url)


def outgoing(key: str, channel: str | None, text: str = "stretch") -> Outgoing:
    reply = Reply(kind=Kind.REMINDER, text=f"Reminder: {text}")
    return Outgoing(Destination(ALICE_KEY, channel), reply, key)


@pytest.mark.timing
async def test_posts_to_one_channel_are_paced_and_other_channels_are_not(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    seen: list[tuple[float, str, str]] = []

    def record(params: dict[str, object]) -> dict[str, object]:
        seen.append((time.monotonic(), str(params["channel"]), str(params["text"])))
        return {"ok": True, "channel": params["channel"], "ts": next_ts()}

    delivery = SlackDelivery(client, interval=0.2, hold=2.0)
    # The process's first post pays one-time costs (the client's session, the first rendering)
    # before it leaves, which would shorten the first gap measured where posts arrive.
    assert await delivery.deliver(outgoing("warm-up", "C9")) == Delivered()
    fake.set_reply("chat.postMessage", record)
    items = [outgoing(f"k{n}", "C1", f"one-{n}") for n in range(6)]
    items.append(outgoing("other", "C2", "elsewhere"))
    started = time.monotonic()
    results = await asyncio.gather(*(delivery.deliver(item) for item in items))
    assert results == [Delivered()] * 7
    in_c1 = [(at, text) for at, channel, text in seen if channel == "C1"]
    assert [text for _, text in in_c1] == [f"Reminder: one-{n}" for n in range(6)]  # in order
    gaps = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(in_c1)]
    assert min(gaps) >= 0.19, gaps
    [elsewhere] = [at for at, channel, _ in seen if channel == "C2"]
    assert elsewhere - started < 0.15  # another channel does not wait for C1


async def test_post_beyond_the_hold_is_deferred_and_keeps_its_turn(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    now = [100.0]
    delivery = SlackDelivery(client, interval=1.0, hold=0.5, clock=lambda: now[0])
    assert await delivery.deliver(outgoing("a", "C1", "a")) == Delivered()
    assert await delivery.deliver(outgoing("b", "C1", "b")) == Deferred(timedelta(seconds=1))
    assert await delivery.deliver(outgoing("c", "C1", "c")) == Deferred(timedelta(seconds=2))
    assert await delivery.deliver(outgoing("x", "C2", "x")) == Delivered()
    now[0] = 100.8  # handed back a little early: waits the 0.2 s left, then posts
    assert await delivery.deliver(outgoing("b", "C1", "b")) == Delivered()
    # A newcomer queues behind the deferred one, whose turn is kept.
    assert await delivery.deliver(outgoing("d", "C1", "d")) == Deferred(timedelta(seconds=2.2))
    now[0] = 102.0
    assert await delivery.deliver(outgoing("c", "C1", "c")) == Delivered()
    posted = [c.params["text"] for c in fake.calls_to("chat.postMessage")]
    assert posted == ["Reminder: a", "Reminder: x", "Reminder: b", "Reminder: c"]


async def test_rate_limit_is_retry_later_with_exactly_its_retry_after(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    result = await SlackDelivery(client).deliver(outgoing("k", "C1"))
    assert isinstance(result, RetryLater)
    assert result.after == timedelta(seconds=7)
    # slack_sdk did not wait and retry by itself: the scheduler does, and records it.
    await asyncio.sleep(0.1)
    assert len(fake.calls_to("chat.postMessage")) == 1


@pytest.mark.parametrize(
    ("error", "to_dm", "says"),
    [
        ("not_in_channel", False, "I'm not in that channel; invite me with /invite @Take or Pass"),
        ("channel_not_found", False, "pick another channel"),
        ("is_archived", False, "the channel is archived"),
        ("channel_is_archived", False, "the channel is archived"),
        ("restricted_action", False, "ask an admin"),
        ("user_not_found", True, "that Slack account is gone"),
        ("channel_not_found", True, "I can't reach that Slack account by direct message"),
        ("user_disabled", True, "deactivated"),
        ("account_inactive", True, "deactivated"),
        ("cannot_dm_bot", True, "a bot"),
        ("messages_tab_disabled", True, "Messages tab"),
    ],
)
async def test_permanent_refusals_are_undeliverable_with_a_plain_reason(
    fake: FakeSlack, client: AsyncWebClient, error: str, to_dm: bool, says: str
) -> None:
    channel = None if to_dm else "C1"
    fake.refuse_posts(ALICE_KEY.user if to_dm else "C1", error)
    result = await SlackDelivery(client).deliver(outgoing("k", channel))
    assert isinstance(result, Undeliverable), result
    assert says in result.reason
    assert "\n" not in result.reason and error not in result.reason


async def test_passing_failures_are_retried_later(fake: FakeSlack, client: AsyncWebClient) -> None:
    delivery = SlackDelivery(client)
    fake.fail_next("chat.postMessage", status=500, error="fatal_error")
    server_error = await delivery.deliver(outgoing("a", "C1"))
    assert isinstance(server_error, RetryLater) and server_error.after is None
    # The bot token's account, not the recipient's: retried, not given up at once.
    fake.fail_next("chat.postMessage", error="account_inactive")
    token = await delivery.deliver(outgoing("b", "C2"))  # another channel: no pacing wait
    assert isinstance(token, RetryLater) and token.after is None
    nowhere = AsyncWebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/", timeout=2)
    unreachable = await SlackDelivery(nowhere).deliver(outgoing("c", None))
    assert isinstance(unreachable, RetryLater) and unreachable.after is None


def test_pings_sees_what_slack_would_notify() -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "<!here> <@U1|al>"}}]
    assert pings({"text": "<!channel>", "blocks": blocks}) == {"@channel", "@here", "U1"}
    assert pings({"text": "<!subteam^S1|team> <!everyone>"}) == {"subteam:S1", "@everyone"}
    plain = [{"type": "section", "text": {"type": "plain_text", "text": "<!here>"}}]
    assert pings({"text": "@here", "blocks": plain}) == set()
    assert pings({"text": "@here", "link_names": True}) == {"@here"}
