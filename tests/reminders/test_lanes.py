"""Slack posts to one channel keep to one per interval across instances: the channel's turns are
booked in the database (bot/reminders/lanes.py), so two instances posting a burst to the same
channel take turns instead of each keeping its own pace. On SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from fakes.slack import FakeSlack, next_ts
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import SlackDelivery
from bot.common.replies import Kind, Reply
from bot.common.users import UserKey
from bot.reminders.lanes import MemoryLanes, SqlLanes
from bot.reminders.model import Delivered, Destination, Outgoing
from bot.storage.sql import SqlStore

INTERVAL = 0.2
# Gaps are measured where the fake receives the posts, so one request's trip can shorten the
# gap after it by a few milliseconds on a busy machine; a paced lane is still far from the
# near-zero gaps of unpaced instances (the next test).
JITTER = 0.05
OWNER = UserKey("slack", "T1", "U_ALICE")


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as running:
        yield running


def _outgoing(key: str, channel: str | None) -> Outgoing:
    return Outgoing(
        Destination(OWNER, channel), Reply(kind=Kind.REMINDER, text=f"Reminder: {key}"), key
    )


def _recording(fake: FakeSlack) -> list[tuple[float, str]]:
    seen: list[tuple[float, str]] = []

    def record(params: dict[str, object]) -> dict[str, object]:
        seen.append((time.monotonic(), str(params["channel"])))
        return {"ok": True, "channel": params["channel"], "ts": next_ts()}

    fake.set_reply("chat.postMessage", record)
    return seen


def _gaps(seen: list[tuple[float, str]], channel: str) -> list[float]:
    times = [at for at, where in seen if where == channel]
    return [later - earlier for earlier, later in itertools.pairwise(times)]


def _now() -> datetime:
    return datetime.now(UTC)


async def _burst(deliveries: list[SlackDelivery], per_instance: int) -> list[object]:
    return await asyncio.gather(
        *(
            delivery.deliver(_outgoing(f"i{n}-k{k}", "C_JOBS"))
            for n, delivery in enumerate(deliveries)
            for k in range(per_instance)
        )
    )


@pytest.mark.timing
async def test_two_instances_sharing_the_database_take_turns_in_one_channel(fresh_db_url, fake):
    seen = _recording(fake)
    url = fresh_db_url
    stores = [await SqlStore.open(url), await SqlStore.open(url)]  # one per instance
    try:
        instances = [
            SlackDelivery(
                AsyncWebClient(token="xoxb-t", base_url=fake.api_url),
                interval=INTERVAL,
                hold=5.0,
                lanes=SqlLanes(store, _now),
            )
            for store in stores
        ]
        results = await _burst(instances, per_instance=3)
        # A DM is not a shared lane: it goes at once, whatever the channel's queue.
        assert await instances[1].deliver(_outgoing("dm", None)) == Delivered()
    finally:
        for store in stores:
            await store.close()
    assert results == [Delivered()] * 6
    gaps = _gaps(seen, "C_JOBS")
    assert len(gaps) == 5
    assert min(gaps) >= INTERVAL - JITTER, gaps


@pytest.mark.timing
async def test_instances_each_with_their_own_turns_would_post_together(fake):
    """What the shared lanes prevent: two instances pacing alone post side by side."""
    seen = _recording(fake)
    instances = [
        SlackDelivery(
            AsyncWebClient(token="xoxb-t", base_url=fake.api_url),
            interval=INTERVAL,
            hold=5.0,
            lanes=MemoryLanes(),
        )
        for _ in range(2)
    ]
    assert await _burst(instances, per_instance=3) == [Delivered()] * 6
    assert min(_gaps(seen, "C_JOBS")) < INTERVAL / 2


async def test_a_rate_limit_seen_by_one_instance_holds_the_channel_for_the_other(fresh_db_url):
    store = await SqlStore.open(fresh_db_url)
    try:
        lanes = [SqlLanes(store, _now), SqlLanes(store, _now)]
        lane = ("slack", "T1", "C_JOBS")
        await lanes[0].hold(lane, 3.0)  # Slack said "wait 3 s" to the first instance
        wait = await lanes[1].take(lane, 1.0)
        assert 2.5 < wait <= 3.0
        assert 3.5 < await lanes[0].take(lane, 1.0) <= 4.0  # and the next one after it
    finally:
        await store.close()
