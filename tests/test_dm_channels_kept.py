"""Users' Discord DM channels are kept in the database (bot/storage/dms.py): an instance that
never saw a user posts their DM reminder with one request, not two, when another instance opened
that DM before; a stale id is dropped; `forget me` removes it. On SQLite and PostgreSQL, through
the real discord.py client against FakeDiscord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from discord_harness import Harness
from fakes.discord_fake import DM_CHANNEL_ID, USER_ID, FakeDiscord

from adapters.discord import DiscordDelivery
from adapters.discord.receiving import user_key
from bot.common.replies import Kind, Reply
from bot.engine.engine import Engine
from bot.reminders.model import Delivered, Destination, Outgoing, RetryLater
from bot.storage.dms import DmChannelStore
from bot.storage.sql import SqlStore

KEY = user_key(int(USER_ID))
TTL = timedelta(hours=24)
OPEN_DM = r"/users/@me/channels"
DM_POSTS = rf"/channels/{DM_CHANNEL_ID}/messages"


@pytest.fixture
async def sql(fresh_db_url: str) -> AsyncIterator[SqlStore]:
    opened = await SqlStore.open(fresh_db_url)
    yield opened
    await opened.close()


def _item(key: str) -> Outgoing:
    return Outgoing(Destination(KEY, None), Reply(kind=Kind.REMINDER, text=f"Reminder {key}"), key)


def _instance(harness: Harness, sql: SqlStore) -> DiscordDelivery:
    """A delivery as another instance has it: its own memory of DMs, empty; the database's."""
    assert harness.client is not None
    harness.client.dm_channels.forget(int(USER_ID))
    return DiscordDelivery(harness.client, kept=DmChannelStore(sql))


async def test_a_dm_opened_by_one_instance_costs_the_others_no_request(sql):
    async with Harness.started(Engine(store=sql, ttl=TTL)) as harness:
        fake: FakeDiscord = harness.fake
        fake.dm_channel(USER_ID, DM_CHANNEL_ID)
        assert await _instance(harness, sql).deliver(_item("k.1")) == Delivered()
        assert len(fake.requests_to("POST", OPEN_DM)) == 1
        assert await DmChannelStore(sql).find(KEY) == DM_CHANNEL_ID
        # A second instance, and a third: straight to the DM, no channel opened.
        assert await _instance(harness, sql).deliver(_item("k.2")) == Delivered()
        assert await _instance(harness, sql).deliver(_item("k.3")) == Delivered()
        assert len(fake.requests_to("POST", OPEN_DM)) == 1
        assert len(fake.requests_to("POST", DM_POSTS)) == 3


async def test_a_stale_dm_channel_is_dropped_and_opened_afresh(sql):
    async with Harness.started(Engine(store=sql, ttl=TTL)) as harness:
        fake: FakeDiscord = harness.fake
        fake.dm_channel(USER_ID, DM_CHANNEL_ID)
        await DmChannelStore(sql).keep(KEY, "1399999999999999999")  # a channel long gone
        first = await _instance(harness, sql).deliver(_item("k.1"))
        assert isinstance(first, RetryLater)
        assert await DmChannelStore(sql).find(KEY) is None
        assert await _instance(harness, sql).deliver(_item("k.1")) == Delivered()
        assert await DmChannelStore(sql).find(KEY) == DM_CHANNEL_ID


async def test_forget_me_removes_the_kept_dm_channel(sql):
    kept = DmChannelStore(sql)
    await sql.set_timezone(KEY, "Europe/Berlin")
    await kept.keep(KEY, DM_CHANNEL_ID)  # on the same row as the timezone
    assert await kept.find(KEY) == DM_CHANNEL_ID
    assert str(await sql.timezone(KEY)) == "Europe/Berlin"
    await sql.forget(KEY)
    assert await kept.find(KEY) is None
