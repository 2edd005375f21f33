"""Reminder figures: reading the phrase table (speed and accuracy), one scheduler pass over a
large store, the memory that store takes, and how late posts are on the real clock through the
console delivery."""

from __future__ import annotations

import asyncio
import contextlib
import io
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from common import emit, median, percentile  # noqa: E402
from reminders import phrase_table  # noqa: E402
from sqlalchemy import Connection, insert, update  # noqa: E402

from adapters.console import Console, ConsoleDelivery  # noqa: E402
from bot.common.users import UserKey  # noqa: E402
from bot.engine.engine import Engine  # noqa: E402
from bot.reminders.model import Delivered, DeliveryResult, NewReminder, Outgoing, ReminderKind, Role  # noqa: E402
from bot.reminders.plan import delivery_key  # noqa: E402
from bot.reminders.queue import DueQueue  # noqa: E402
from bot.reminders.reader import read_reminder  # noqa: E402
from bot.reminders.scheduler import Scheduler  # noqa: E402
from bot.reminders.store import ReminderStore  # noqa: E402
from bot.reminders.timewords import WhenError  # noqa: E402
from bot.storage.schema import occurrences, reminders  # noqa: E402
from bot.storage.sql import SqlStore  # noqa: E402

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
TZ = ZoneInfo("America/New_York")
DUE = 100
CHUNK = 10_000
LEASE, GRACE = timedelta(seconds=60), timedelta(hours=1)


def parse_us(calls: int = 400, per_batch: int = 50) -> float:
    """Median over the phrase table (tests/reminders/phrase_table.py) of each phrase's median µs
    per reading: the whole `remind …` text, in the row's zone at the row's moment."""
    medians = []
    for row in phrase_table.ALL:
        text = phrase_table.remind_text(row.typed)
        tz, now = ZoneInfo(row.zone), phrase_table.local(row.now, row.zone)
        samples = []
        for _ in range(calls // per_batch):
            began = time.perf_counter_ns()
            for _ in range(per_batch):
                try:
                    read_reminder(text, now=now, tz=tz)
                except WhenError:
                    pass
            samples.append((time.perf_counter_ns() - began) / per_batch / 1000)
        medians.append(median(samples))
    return median(medians)


def parse_accuracy() -> float:
    """The share of the phrase table the reader gets right (read, asked back or refused as
    the table says)."""
    rows = phrase_table.ALL
    return sum(phrase_table.wrong(row) is None for row in rows) / len(rows)


def make_scheduler(sql: SqlStore, **options: Any) -> Scheduler:
    """The scheduler on `sql`."""
    return Scheduler(queue=DueQueue(sql), **options)


class NoOpDelivery:
    async def deliver(self, item: Outgoing) -> DeliveryResult:
        return Delivered()


def _insert_rows(
    conn: Connection, series: list[dict[str, Any]], rows: list[dict[str, Any]]
) -> None:
    conn.execute(insert(reminders), series)
    conn.execute(insert(occurrences), rows)


async def _fill(sql: SqlStore, pending: int) -> list[int]:
    """`pending` one-off reminders of one occurrence each: the first DUE at (or just before) NOW,
    the rest spread over the following weeks. Returns the due occurrences' ids."""
    owner = {"platform": "bench", "workspace": "W", "user_id": "U"}
    for start in range(0, pending, CHUNK):
        series, rows = [], []
        for i in range(start, min(start + CHUNK, pending)):
            rid = f"b{i:07d}"
            at = NOW - timedelta(milliseconds=i) if i < DUE else NOW + timedelta(seconds=20 * i)
            series.append(
                {**owner, "id": rid, "text": f"bench {i}", "kind": ReminderKind.ONCE.value}
                | {"timezone": "UTC", "created_at": NOW - timedelta(days=1)}
            )
            rows.append(
                {"reminder_id": rid, "platform": "bench", "role": Role.ONCE.value}
                | {"due_at": at, "ready_at": at, "status": "pending", "attempts": 0}
                | {"delivery_key": delivery_key(rid, at)}
            )
        await sql.write(partial(_insert_rows, series=series, rows=rows))
    ids = [f"b{i:07d}" for i in range(DUE)]
    query = occurrences.select().where(occurrences.c.reminder_id.in_(ids))
    return await sql.read(lambda conn: [row.id for row in conn.execute(query).all()])


def _rearm(ids: list[int]) -> Callable[[Connection], Any]:
    """Put the due occurrences back as they were before the pass delivered them."""
    statement = (
        update(occurrences)
        .where(occurrences.c.id.in_(ids))
        .values(status="pending", ready_at=occurrences.c.due_at, attempts=0, done_at=None)
    )
    return lambda conn: conn.execute(statement)


class Ticker:
    """A store of `pending` occurrences, DUE of them due at NOW, and a scheduler over it."""

    def __init__(self, sql: SqlStore, due_ids: list[int]) -> None:
        self.sql = sql
        self.due_ids = due_ids
        self.samples: list[float] = []
        self.scheduler = make_scheduler(
            sql,
            deliveries={"bench": NoOpDelivery()},
            clock=lambda: NOW,
            lease=LEASE,
            grace=GRACE,
            batch=DUE,
        )

    @classmethod
    async def open(cls, path: Path, pending: int) -> Ticker:
        sql = await SqlStore.open(f"sqlite:///{path}")
        return cls(sql, await _fill(sql, pending))

    async def tick(self, *, record: bool) -> None:
        """Re-arm the due rows, then time one pass that claims and delivers them."""
        await self.sql.write(_rearm(self.due_ids))
        began = time.perf_counter()
        claimed = await self.scheduler.tick()
        elapsed = (time.perf_counter() - began) * 1000
        assert claimed == DUE, f"claimed {claimed} of {DUE}"
        if record:
            self.samples.append(elapsed)


async def tick_figures(folder: Path, runs: int = 9) -> tuple[float, float, float]:
    """Median ms of a pass over 100k and over 1k pending, and resident MB after the 100k passes.
    The two stores take turns, so the machine's drift (large here) falls on both alike."""
    small = await Ticker.open(folder / "small.db", 1_000)
    large = await Ticker.open(folder / "large.db", 100_000)
    for run in range(runs + 1):
        for ticker in (small, large):
            # The first pass warms SQLAlchemy's statement cache and SQLite's pages.
            await ticker.tick(record=run > 0)
    # RSS: Python with SQLAlchemy and the bot's modules, both open stores with
    # SQLite's page caches (the 100k file's mostly), and what the allocator kept from building
    # the rows in chunks of 10,000.
    memory = rss_mb()
    for ticker in (small, large):
        await ticker.sql.close()
    return median(large.samples), median(small.samples), memory


def rss_mb() -> float:
    """The process's resident memory now (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


class Timed:
    """Records how late each post is against its due time, then hands it on."""

    def __init__(self, inner: ConsoleDelivery, due: dict[str, datetime]) -> None:
        self.inner = inner
        self.due = due
        self.late_ms: list[float] = []
        self.all_done = asyncio.Event()

    async def deliver(self, item: Outgoing) -> DeliveryResult:
        self.late_ms.append((datetime.now(UTC) - self.due[item.key]).total_seconds() * 1000)
        result = await self.inner.deliver(item)
        if len(self.late_ms) >= len(self.due):
            self.all_done.set()
        return result


async def lateness_ms(folder: Path, count: int = 1000, spread: float = 10.0) -> list[float]:
    """Lateness of `count` reminders due evenly over `spread` seconds, from about a second on,
    posted by the real scheduler loop to the console."""
    sql = await SqlStore.open(f"sqlite:///{folder / 'lateness.db'}")
    store = ReminderStore(sql)
    owner = UserKey("console", "local", "bench")
    created = datetime.now(UTC)
    first = created + timedelta(seconds=1.5)  # creating them takes a few hundred ms
    due: dict[str, datetime] = {}
    for i in range(count):
        rid, at = f"l{i:07d}", first + timedelta(seconds=spread * i / count)
        reminder = NewReminder(
            id=rid,
            owner=owner,
            channel=None,
            text=f"stretch {i}",
            kind=ReminderKind.ONCE,
            timezone="UTC",
            occurrences=((Role.ONCE, at),),
        )
        await store.create(reminder, now=created)
        due[delivery_key(rid, at)] = at
    assert datetime.now(UTC) < first, "creating the reminders took longer than the head start"
    console = Console(Engine(store=sql, ttl=timedelta(hours=24)), out=io.StringIO(), user="bench")
    timed = Timed(ConsoleDelivery(console), due)
    scheduler = make_scheduler(
        sql,
        deliveries={"console": timed},
        clock=lambda: datetime.now(UTC),
        lease=LEASE,
        grace=GRACE,
    )
    task = asyncio.create_task(scheduler.run())
    try:
        await asyncio.wait_for(timed.all_done.wait(), timeout=spread + 20)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await sql.close()
    return timed.late_ms


async def scheduler_figures() -> None:
    with tempfile.TemporaryDirectory() as name:
        large, small, memory = await tick_figures(Path(name))
        emit("reminder_tick_ms_100k_pending", large, "ms")
        emit("reminder_tick_scaling_ratio", large / small, "ratio")
        emit("reminder_rss_mb_100k_pending", memory, "MB")
    with tempfile.TemporaryDirectory() as name:
        late = await lateness_ms(Path(name))
        emit("reminder_lateness_p99_ms", percentile(late, 0.99), "ms")
        emit("reminder_lateness_median_ms", median(late), "ms")


def main() -> None:
    emit("reminder_parse_us", parse_us(), "us")
    emit("reminder_parse_accuracy", parse_accuracy(), "share")
    asyncio.run(scheduler_figures())


if __name__ == "__main__":
    main()
