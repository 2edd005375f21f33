"""One slow Slack call never holds up the rest: through slack_bolt's client (the one
`takeorpass` builds from the settings) against FakeSlack, a post Slack holds unanswered delays
no other reminder, a post not answered within PLATFORM_TIMEOUT is a retry, and start-up against
an API that never answers gives up after PLATFORM_TIMEOUT with one line."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from fakes.slack import FakeSlack
from sqlalchemy import select
from support.held import (
    real_time_scheduler,
    remind_at,
    running,
    silent_server,
    utc_now,
    wall_time,
)
from support.slack_harness import SECRET

from adapters.slack import SlackDelivery, make_client, run_slack
from bot.common.errors import SettingsError
from bot.common.replies import Kind, Reply
from bot.common.users import UserKey
from bot.config.settings import Settings, load_settings
from bot.engine.engine import Engine
from bot.reminders.model import Destination, Outgoing, RetryLater
from bot.storage.schema import occurrences
from bot.storage.sql import SqlStore

HELD_FOR = 5.0  # seconds Slack holds the first post's answer (well under PLATFORM_TIMEOUT)
OTHERS = 20
ON_TIME = 0.2  # seconds: how late the others may be


class StampedSlack(FakeSlack):
    """FakeSlack noting when each Web API call arrived (`arrived[i]` for `calls[i]`)."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: list[float] = []

    async def _notify(self) -> None:
        self.arrived += [time.monotonic()] * (len(self.calls) - len(self.arrived))
        await super()._notify()


def _settings(api_url: str, **more: str) -> Settings:
    env = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": api_url}
    return load_settings(env | more, env_file=None)


def _owner(n: int) -> UserKey:
    # One user each: a DM is paced to one post a second, like a channel.
    return UserKey("slack", "T1", f"U{n:08d}")


async def _statuses(store: SqlStore) -> list[str]:
    query = select(occurrences.c.status).order_by(occurrences.c.id)
    return await store.read(lambda conn: list(conn.execute(query).scalars()))


@pytest.mark.timing
async def test_a_post_slack_holds_delays_no_other_reminder(store: SqlStore) -> None:
    async with StampedSlack() as fake:
        delivery = SlackDelivery(make_client(_settings(fake.api_url)))
        fake.hold_next("chat.postMessage", HELD_FOR)  # the first post: the held reminder's
        start = utc_now()
        await remind_at(store, _owner(99), start + timedelta(seconds=0.5), "held")
        due = {}
        for n in range(OTHERS):  # 1.0 … 2.9 s: all while the first is held
            at = start + timedelta(seconds=1 + 0.1 * n)
            await remind_at(store, _owner(n), at, f"r{n}")
            due[_owner(n).user] = at
        async with running(real_time_scheduler(store, {"slack": delivery})):
            await fake.wait_for_calls("chat.postMessage", OTHERS + 1, timeout=HELD_FOR + 3)
            posts = [
                (call.params["channel"], wall_time(at))
                for call, at in zip(fake.calls, fake.arrived, strict=True)
                if call.method == "chat.postMessage"
            ]
            assert posts[0][0] == _owner(99).user
            late = sorted((at - due[user]).total_seconds() for user, at in posts[1:])
            assert late[-1] <= ON_TIME, late
            async with asyncio.timeout(HELD_FOR + 3):  # the held one lands once answered
                while await _statuses(store) != ["sent"] * (OTHERS + 1):  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
        assert len(fake.calls_to("chat.postMessage")) == OTHERS + 1


async def test_a_post_not_answered_within_the_platform_timeout_is_a_retry() -> None:
    async with FakeSlack() as fake:
        client = make_client(_settings(fake.api_url, PLATFORM_TIMEOUT="1s"))
        assert client.timeout == 1
        item = Outgoing(
            Destination(_owner(1), None), Reply(kind=Kind.REMINDER, text="Reminder: x"), "k.1"
        )
        fake.hold_next("chat.postMessage", 3.0)  # carried out at once, answered 3 s later
        began = time.monotonic()
        result = await SlackDelivery(client).deliver(item)
        assert result == RetryLater("Slack did not answer in time")  # the usual backoff
        assert time.monotonic() - began < 2.0


@pytest.mark.timing
async def test_start_up_against_an_api_that_never_answers_stops_after_the_timeout(
    engine: Engine,
) -> None:
    async with silent_server() as address:
        url = f"{address}/api/"
        settings = _settings(url, PLATFORM_TIMEOUT="2s")
        began = time.monotonic()
        with pytest.raises(SettingsError) as stopped:
            await asyncio.wait_for(run_slack(settings, engine), 10)
        took = time.monotonic() - began
    assert stopped.value.problems == [
        f"SLACK_API_URL: nothing answers at {url} (no answer in time); "
        "check the URL and the network connection"
    ]
    assert 1.5 <= took < 4
