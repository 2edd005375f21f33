"""A bot's writes, without end, through the app's own store: `python busy_writer.py URL PREFIX`
creates reminder PREFIX0000001 and then a history row of the same conversation id, then 2, and
so on, each committed before the next begins, until it is killed; all of them stay in the
database's -wal file, as a live bot's latest writes do between checkpoints. It prints `writing`
once the first pair is committed. Used to take backups under load (tests/ops/test_backup.py)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, insert

from bot.common.users import UserKey
from bot.reminders.model import NewReminder, ReminderKind, Role
from bot.reminders.store import ReminderStore
from bot.storage import sql
from bot.storage.schema import history
from bot.storage.sql import SqlStore

OWNER = UserKey("slack", "T1", "U_BUSY_WRITER")
WHEN = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
# Long enough texts that the database grows by megabytes, so a backup takes a while.
PADDING = "x" * 1000


def reminder(name: str) -> NewReminder:
    return NewReminder(
        id=name,
        owner=OWNER,
        channel=None,
        text=f"{name} {PADDING}",
        kind=ReminderKind.ONCE,
        timezone="UTC",
        occurrences=((Role.ONCE, WHEN + timedelta(minutes=int(name[-7:]))),),
    )


def history_row(name: str) -> dict[str, object]:
    return {
        "platform": OWNER.platform,
        "workspace": OWNER.workspace,
        "user_id": OWNER.user,
        "conversation_id": name,
        "company": "Acme",
        "role": PADDING,
        "answers": "{}",
        "verdict": "take",
        "score": 3,
        "finished_at": WHEN,
    }


def _adding(*rows: dict[str, object]) -> Callable[[Connection], None]:
    def add(conn: Connection) -> None:
        conn.execute(insert(history), list(rows))

    return add


async def fill(url: str, prefix: str, count: int) -> None:
    """`count` history rows written at once: a database of some size to begin with."""
    store = await SqlStore.open(url)
    try:
        await store.write(_adding(*(history_row(f"{prefix}{n:07d}") for n in range(1, count + 1))))
    finally:
        await store.close()


async def write(url: str, prefix: str, count: int | None = None, *, fold: bool = True) -> None:
    """Write `count` pairs (or without end), each pair in order, each row committed alone.
    With `fold=False` the store never folds its log into the file (a checkpoint), so every row
    written stays in the -wal file: a copy of the database file alone would miss all of them."""
    if not fold:
        sql.CHECKPOINT_EVERY = sys.maxsize
    store = await SqlStore.open(url)
    reminders = ReminderStore(store)
    n = 0
    try:
        while count is None or n < count:
            n += 1
            name = f"{prefix}{n:07d}"
            await reminders.create(reminder(name), now=WHEN)
            await store.write(_adding(history_row(name)))
            if n == 1 and count is None:
                print("writing", flush=True)
    finally:
        await store.close()


if __name__ == "__main__":
    asyncio.run(write(sys.argv[1], sys.argv[2], fold=False))
