"""For the tests that hold one post at the platform: reminders due on the real clock, a real
scheduler loop posting them, and how late each one went out."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from itertools import count

from bot.common.users import UserKey
from bot.reminders.model import Delivery, NewReminder, ReminderKind, Role
from bot.reminders.plan import delivery_key
from bot.reminders.queue import DueQueue
from bot.reminders.scheduler import Scheduler
from bot.reminders.store import ReminderStore
from bot.storage.sql import SqlStore

LEASE = timedelta(seconds=60)
GRACE = timedelta(hours=1)
_ids = count()


def utc_now() -> datetime:
    return datetime.now(UTC)


def wall_time(monotonic: float) -> datetime:
    """The real time of a `time.monotonic()` reading (the fakes stamp requests with those)."""
    return utc_now() - timedelta(seconds=time.monotonic() - monotonic)


async def remind_at(
    store: SqlStore, owner: UserKey, at: datetime, text: str, *, channel: str | None = None
) -> str:
    """A one-off reminder of `owner` due at `at`, in their DM or `channel`; its delivery key
    (the post's nonce on Discord)."""
    rid = f"held{next(_ids):06d}"
    reminder = NewReminder(
        id=rid,
        owner=owner,
        channel=channel,
        text=text,
        kind=ReminderKind.ONCE,
        timezone="UTC",
        occurrences=((Role.ONCE, at),),
    )
    await ReminderStore(store).create(reminder, now=utc_now())
    return delivery_key(rid, at)


def real_time_scheduler(
    store: SqlStore, deliveries: dict[str, Delivery], *, lease: timedelta = LEASE
) -> Scheduler:
    """The scheduler as `takeorpass` builds it, on the real clock."""
    return Scheduler(
        queue=DueQueue(store), deliveries=deliveries, clock=utc_now, lease=lease, grace=GRACE
    )


@contextlib.asynccontextmanager
async def running(scheduler: Scheduler) -> AsyncIterator[asyncio.Task[None]]:
    """The scheduler's loop, running until the block ends."""
    task = asyncio.create_task(scheduler.run())
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@contextlib.asynccontextmanager
async def silent_server() -> AsyncIterator[str]:
    """An address on 127.0.0.1 that accepts connections and never answers (a hung API), as
    `http://127.0.0.1:PORT`."""
    open_: list[asyncio.StreamWriter] = []

    async def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        open_.append(writer)  # kept open, unanswered, until the block ends

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        for writer in open_:
            writer.close()
        server.close()
        await server.wait_closed()
