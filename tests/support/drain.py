"""A backlog of channel reminders drained by several `takeorpass discord` instances (shards of
one bot) on one database, against FakeDiscord: the scene shared by the multi-instance delivery
test and `bench_instances.py`.

The reminders are written straight into the database (as other instances would have created
them), each to one of a few channels of the fake's server, due at moments the caller picks."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from fakes.discord import FakeDiscord
from fakes.discord import guilds as rules
from sqlalchemy import Connection, insert, select

from bot.reminders.model import ReminderKind, Role, Status
from bot.reminders.plan import delivery_key
from bot.storage.schema import occurrences, reminders
from bot.storage.sql import SqlStore
from support.discord_harness import TOKEN
from support.instances import Instance, environment

PREFIX = "drain "
CHUNK = 500


def channels(fake: FakeDiscord, count: int) -> list[str]:
    """`count` text channels in the fake's server (add before the instances connect)."""
    guild = fake.guild["id"]
    made = []
    for n in range(count):
        channel_id = str(1_310_000_000_000_000_000 + n)
        fake.add_channel(rules.text_channel(channel_id, f"hunt-{n}", guild))
        made.append(channel_id)
    return made


@asynccontextmanager
async def shards(
    fake: FakeDiscord, database: str, folder: Path, count: int, **settings: str
) -> AsyncIterator[list[Instance]]:
    """`count` instances, shard i of `count` each, all connected; stopped at the end."""
    started: list[Instance] = []
    try:
        for shard in range(count):
            env = environment(
                database,
                DISCORD_TOKEN=TOKEN,
                DISCORD_API_URL=fake.api_url,
                DISCORD_GATEWAY_URL=fake.gateway_url,
                DISCORD_SHARD_COUNT=str(count),
                DISCORD_SHARD_IDS=str(shard),
                **settings,
            )
            started.append(await Instance.start(["discord"], env, folder))
        for shard in range(count):
            await fake.wait_until_connected(timeout=60, shard=shard)
        yield started
    finally:
        for instance in started:
            await instance.stop()


def _insert(conn: Connection, series: list[dict[str, Any]], rows: list[dict[str, Any]]) -> None:
    conn.execute(insert(reminders), series)
    conn.execute(insert(occurrences), rows)


async def add_reminders(
    store: SqlStore, guild: str, targets: Sequence[str], due: Sequence[datetime]
) -> None:
    """One channel reminder per moment in `due`, text `drain N`, round the `targets`."""
    for start in range(0, len(due), CHUNK):
        series, rows = [], []
        for n in range(start, min(start + CHUNK, len(due))):
            rid, at = f"drain{n:06d}", due[n]
            series.append(
                {"id": rid, "platform": "discord", "workspace": guild, "user_id": "42"}
                | {"channel": targets[n % len(targets)], "text": f"{PREFIX}{n}"}
                | {"kind": ReminderKind.ONCE.value, "timezone": "UTC", "created_at": at}
            )
            rows.append(
                {"reminder_id": rid, "platform": "discord", "role": Role.ONCE.value}
                | {"due_at": at, "ready_at": at, "status": Status.PENDING.value, "attempts": 0}
                | {"delivery_key": delivery_key(rid, at)}
            )
        await store.write(partial(_insert, series=series, rows=rows))


def shown(fake: FakeDiscord) -> Counter[str]:
    """How many messages the fake holds of each `drain N` reminder, by N."""
    found: Counter[str] = Counter()
    for message in fake.messages.values():
        content = str(message.get("content") or "")
        if PREFIX in content:
            found[content.rsplit(PREFIX, 1)[1].split()[0]] += 1
    return found


async def occurrence_states(store: SqlStore) -> dict[int, tuple[str, int, Any, Any]]:
    """Every occurrence: status, attempts, lease end (ready_at) and done_at, by id."""
    o = occurrences.c
    query = select(o.id, o.status, o.attempts, o.ready_at, o.done_at)
    return await store.read(
        lambda conn: {
            row.id: (row.status, row.attempts, row.ready_at, row.done_at)
            for row in conn.execute(query)
        }
    )


async def until(condition: Any, timeout: float, step: float = 0.1) -> None:  # noqa: ASYNC109
    """Poll `condition()` (sync) until true, at most `timeout` seconds."""
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(step)


def spread(start: datetime, count: int, over: timedelta) -> list[datetime]:
    """`count` moments evenly over `over` from `start`."""
    return [start + over * (n / count) for n in range(count)]
