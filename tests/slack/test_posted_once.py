"""A Slack reminder post that times out is not posted twice. Slack takes no idempotency key, so
every reminder post carries its delivery key in its message metadata, and a retry first looks
for the app's own post in the conversation's history: found (Slack carried the post out but
answered after the client gave up), nothing more is posted; not found (the request was lost),
it is posted once more. The real bolt app, scheduler and SlackDelivery against FakeSlack, the
client given a short timeout; the fake holds its answer past it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from fakes.slack import USER_ID, FakeSlack, dm_channel_id
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select
from support.harness import T0, Clock
from support.slack_harness import JOB_HUNT, SlackReminders

from adapters.slack import SlackDelivery
from bot.reminders.model import Status
from bot.reminders.queue import DueQueue
from bot.reminders.scheduler import Scheduler
from bot.storage.schema import occurrences
from bot.storage.sql import SqlStore

TIMEOUT = 0.5  # the client's own timeout: the fake holds its answer longer
HELD = 2.0
EVENT_TYPE = "takeorpass_reminder"  # what the metadata names a reminder post
DUE = T0 + timedelta(seconds=90)
RETRY = DUE + timedelta(seconds=5)  # the first retry's backoff


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        slack.add_channel(JOB_HUNT, "job-hunt")
        yield slack


@pytest.fixture
def world(fake: FakeSlack, store: SqlStore, clock: Clock) -> SlackReminders:
    """The Slack reminders world, its deliveries through a client that gives up after
    TIMEOUT; Slack's clock (the posts' ts) follows the test's."""
    clock.now = T0
    fake.stamp = lambda: clock.now.timestamp()
    world = SlackReminders(fake, store, clock)
    quick = AsyncWebClient(token="xoxb-test", base_url=fake.api_url, timeout=TIMEOUT)
    world.delivery = SlackDelivery(quick, clock=lambda: (clock.now - T0).total_seconds())
    world.scheduler = Scheduler(
        queue=DueQueue(store),
        deliveries={"slack": world.delivery},
        clock=clock,
        lease=timedelta(seconds=60),
        grace=timedelta(hours=1),
        max_sleep=0.02,
    )
    return world


async def _statuses(store: SqlStore) -> list[str]:
    def read(conn: Any) -> list[str]:
        return [row.status for row in conn.execute(select(occurrences.c.status)).all()]

    return await store.read(read)


def _keys(messages: list[dict[str, Any]]) -> list[str]:
    return [m["metadata"]["event_payload"]["key"] for m in messages if "metadata" in m]


async def _remind_in_channel(alice: Any, fake: FakeSlack) -> None:
    confirmed = await alice.command(f"remind <#{JOB_HUNT}|job-hunt> in 90 seconds stand up")
    assert "Reminder set" in str(confirmed.body)


async def test_every_reminder_post_carries_its_delivery_key_as_metadata(
    alice: Any, fake: FakeSlack, world: SlackReminders
) -> None:
    await _remind_in_channel(alice, fake)
    await world.run_until(DUE)
    [call] = fake.calls_to("chat.postMessage")
    assert call.params["metadata"]["event_type"] == EVENT_TYPE
    [kept] = fake.messages_in(JOB_HUNT)
    assert _keys([kept]) == [call.params["metadata"]["event_payload"]["key"]]
    assert fake.calls_to("conversations.history") == []  # a first try looks for nothing


async def test_a_post_carried_out_but_answered_late_is_not_posted_again(
    alice: Any, fake: FakeSlack, world: SlackReminders, store: SqlStore
) -> None:
    await _remind_in_channel(alice, fake)
    fake.hold_next("chat.postMessage", HELD)  # carried out at once, answered after TIMEOUT
    await world.run_until(DUE)
    assert len(fake.messages_in(JOB_HUNT)) == 1
    assert await _statuses(store) == [Status.PENDING.value]  # to be tried again
    await world.run_until(RETRY)
    assert len(fake.calls_to("chat.postMessage")) == 1  # no second post
    [kept] = fake.messages_in(JOB_HUNT)
    [looked] = fake.calls_to("conversations.history")
    assert looked.params["channel"] == JOB_HUNT
    assert looked.params["include_all_metadata"] in ("1", "true")
    assert float(looked.params["oldest"]) <= DUE.timestamp() <= float(kept["ts"])
    assert await _statuses(store) == [Status.SENT.value]


async def test_a_post_whose_request_was_lost_is_posted_once_more(
    alice: Any, fake: FakeSlack, world: SlackReminders, store: SqlStore
) -> None:
    await _remind_in_channel(alice, fake)
    fake.lose_next("chat.postMessage", HELD)  # taken, never carried out, answered too late
    await world.run_until(DUE)
    assert fake.messages_in(JOB_HUNT) == []
    await world.run_until(RETRY)
    assert len(fake.calls_to("conversations.history")) == 1
    assert len(fake.calls_to("chat.postMessage")) == 2
    [kept] = fake.messages_in(JOB_HUNT)
    assert "stand up" in kept["text"]
    assert await _statuses(store) == [Status.SENT.value]


async def test_a_dm_post_answered_late_is_found_in_the_dm_and_not_posted_again(
    alice: Any, fake: FakeSlack, world: SlackReminders, store: SqlStore
) -> None:
    await alice.command("remind in 90 seconds drink water")
    fake.hold_next("chat.postMessage", HELD)
    await world.run_until(DUE)
    await world.run_until(RETRY)
    assert len(fake.messages_in(USER_ID)) == 1
    assert len(fake.calls_to("chat.postMessage")) == 1
    [opened] = fake.calls_to("conversations.open")
    assert opened.params["users"] == USER_ID
    [looked] = fake.calls_to("conversations.history")
    assert looked.params["channel"] == dm_channel_id(USER_ID)
    assert await _statuses(store) == [Status.SENT.value]


async def test_without_the_history_scopes_the_retry_posts_again_and_says_why(
    alice: Any,
    fake: FakeSlack,
    world: SlackReminders,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # An app installed before these scopes were asked for: at least once, as before.
    fake.scopes = tuple(s for s in fake.scopes if not s.endswith(":history"))
    await _remind_in_channel(alice, fake)
    fake.hold_next("chat.postMessage", HELD)
    await world.run_until(DUE)
    with caplog.at_level(logging.WARNING, logger="adapters.slack.posted"):
        await world.run_until(RETRY)
    assert len(fake.messages_in(JOB_HUNT)) == 2
    [warning] = [r.getMessage() for r in caplog.records if r.name == "adapters.slack.posted"]
    assert "missing_scope" in warning and "channels:history" in warning
    assert "stand up" not in warning  # nothing of the reminder's text


async def test_a_retry_after_a_refusal_posts_once_after_looking(
    alice: Any, fake: FakeSlack, world: SlackReminders, store: SqlStore
) -> None:
    await _remind_in_channel(alice, fake)
    fake.fail_next("chat.postMessage", status=200, error="internal_error")
    await world.run_until(DUE)
    await world.run_until(RETRY)
    assert len(fake.messages_in(JOB_HUNT)) == 1
    assert await _statuses(store) == [Status.SENT.value]
