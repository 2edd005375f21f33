"""What the Slack tests share: the fake Slack, the reminders world on the test clock, alice, a
user of the real bolt app served over HTTP against that fake, and `stored`, the store's row
counts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import pytest
from fakes.slack import FakeSlack
from sqlalchemy import Connection, func, select
from support.harness import T0, Clock
from support.slack_harness import SlackReminders, SlackUser, serve, slack_settings

from bot.storage.schema import metadata
from bot.storage.sql import SqlStore


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


@pytest.fixture
def world(fake: FakeSlack, store: SqlStore, clock: Clock) -> SlackReminders:
    """Reminders through the fake, on the test clock, starting at T0."""
    clock.now = T0
    return SlackReminders(fake, store, clock)


@pytest.fixture
async def alice(fake: FakeSlack, world: SlackReminders) -> AsyncIterator[SlackUser]:
    """The fake's default user, talking to the bolt app served with the reminders world."""
    async with (
        aiohttp.ClientSession() as http,
        serve(slack_settings(fake), world.engine, places=world.places) as url,
    ):
        yield SlackUser(http, url, fake)


@pytest.fixture
def stored(store: SqlStore) -> Callable[[], Awaitable[dict[str, int]]]:
    """How many rows each table of the store holds now: what a test compares before and after
    a request that must leave no trace."""

    def count(conn: Connection) -> dict[str, int]:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
        }

    async def rows() -> dict[str, int]:
        return await store.read(count)

    return rows
