"""One slow Discord call never holds up the rest: through the real discord.py client against
FakeDiscord, a post Discord holds unanswered delays no other reminder, a post not answered
within PLATFORM_TIMEOUT is a retry (and its repeat is shown once, by its nonce), and start-up
against an API that never answers gives up after PLATFORM_TIMEOUT with one line."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import discord
import pytest
from discord.gateway import DiscordWebSocket
from fakes.discord import CHANNEL_ID, DM_CHANNEL_ID, USER_ID
from sqlalchemy import select
from support.discord_harness import ALICE_KEY, TOKEN, Harness
from support.held import (
    real_time_scheduler,
    remind_at,
    running,
    silent_server,
    utc_now,
    wall_time,
)

from adapters.discord import DiscordDelivery, run_discord
from bot.common.errors import SettingsError
from bot.common.replies import Kind, Reply
from bot.config.settings import load_settings
from bot.engine.engine import Engine
from bot.reminders.model import Delivered, Destination, Outgoing, RetryLater
from bot.storage.schema import occurrences
from bot.storage.sql import SqlStore

HELD_FOR = 5.0  # seconds Discord holds the first post's answer (well under PLATFORM_TIMEOUT)
OTHERS = 20
ON_TIME = 0.2  # seconds: how late the others may be


def posts(channel: str) -> str:
    return rf"/channels/{channel}/messages"


async def _statuses(store: SqlStore) -> list[str]:
    query = select(occurrences.c.status).order_by(occurrences.c.id)
    return await store.read(lambda conn: list(conn.execute(query).scalars()))


@pytest.mark.timing
async def test_a_post_discord_holds_delays_no_other_reminder(
    store: SqlStore, engine: Engine
) -> None:
    async with Harness.started(engine) as harness:
        fake, client = harness.fake, harness.client
        assert client is not None
        fake.dm_channel(USER_ID, DM_CHANNEL_ID)
        fake.hold_next("POST", posts(CHANNEL_ID), HELD_FOR)
        start = utc_now()
        await remind_at(
            store, ALICE_KEY, start + timedelta(seconds=0.5), "held", channel=CHANNEL_ID
        )
        due = {}
        for n in range(OTHERS):  # 1.0 … 2.9 s: all while the first is held
            at = start + timedelta(seconds=1 + 0.1 * n)
            due[await remind_at(store, ALICE_KEY, at, f"r{n}")] = at
        scheduler = real_time_scheduler(store, {"discord": DiscordDelivery(client)})
        async with running(scheduler):
            await fake.wait_for("POST", posts(DM_CHANNEL_ID), count=OTHERS, timeout=HELD_FOR + 3)
            sent = fake.requests_to("POST", posts(DM_CHANNEL_ID))
            late = sorted((wall_time(r.at) - due[r.json["nonce"]]).total_seconds() for r in sent)
            assert late[-1] <= ON_TIME, late
            async with asyncio.timeout(HELD_FOR + 3):  # the held one lands once answered
                while await _statuses(store) != ["sent"] * (OTHERS + 1):  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
        assert len(fake.requests_to("POST", posts(CHANNEL_ID))) == 1
        assert len(harness.visible(CHANNEL_ID)) == 1


async def test_a_post_not_answered_in_time_is_retried_and_shown_once(engine: Engine) -> None:
    async with Harness.started(engine) as harness:
        assert harness.client is not None
        delivery = DiscordDelivery(harness.client, timeout=1.0)
        item = Outgoing(
            Destination(ALICE_KEY, CHANNEL_ID),
            Reply(kind=Kind.REMINDER, text="Reminder: stand up"),
            "held000001.6b1630a1",
        )
        # Discord carries the post out at once but answers only 3 s later.
        harness.fake.hold_next("POST", posts(CHANNEL_ID), 3.0)
        began = time.monotonic()
        assert await delivery.deliver(item) == RetryLater("Discord did not answer within 1 s")
        assert time.monotonic() - began < 2.0
        # The scheduler's retry: the same nonce, so Discord hands back the message it made.
        assert await delivery.deliver(item) == Delivered()
        assert len(harness.fake.requests_to("POST", posts(CHANNEL_ID))) == 2
        assert len(harness.visible(CHANNEL_ID)) == 1


@pytest.mark.timing
async def test_start_up_against_an_api_that_never_answers_stops_after_the_timeout(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # run_discord points discord.py at the settings' addresses; put them back afterwards.
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    async with silent_server() as address:
        url = f"{address}/api/v10"
        settings = load_settings(
            {"DISCORD_TOKEN": TOKEN, "DISCORD_API_URL": url, "PLATFORM_TIMEOUT": "2s"},
            env_file=None,
        )
        began = time.monotonic()
        with pytest.raises(SettingsError) as stopped:
            await asyncio.wait_for(run_discord(settings, engine), 10)
        took = time.monotonic() - began
    assert stopped.value.problems == [
        f"DISCORD_API_URL: nothing answers at {url} (no answer in time); "
        "check the URL and the network connection"
    ]
    assert 1.5 <= took < 4
