"""Export figures: the whole `export` of a user with 1,000 finished questionnaires, through
RecordService on a real SQLite file (read, one-a-minute claim, both files built), and the
longest the event loop went without turning meanwhile, seen by a ticker task."""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from common import emit, median  # noqa: E402
from support.harness import ALICE, Clock  # noqa: E402
from support.records import history_rows, seed_history  # noqa: E402
from support.reminders import ReminderWorld  # noqa: E402

from bot.storage.sql import SqlStore  # noqa: E402

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
ENTRIES = 1000
RUNS = 15
TICK = 0.001


class Ticker:
    """Wakes every TICK seconds and keeps the longest gap beyond TICK between two wake-ups:
    how long the loop was held by something else."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(TICK)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last - TICK)
            last = now

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


async def export_figures() -> tuple[float, float]:
    """Median ms of one export, and the longest loop block (ms) across all the runs."""
    with tempfile.TemporaryDirectory() as folder:
        sql = await SqlStore.open(f"sqlite:///{Path(folder) / 'bench.db'}")
        try:
            world = ReminderWorld(sql, Clock(NOW))
            start = NOW - timedelta(hours=ENTRIES + 1)
            await seed_history(sql, history_rows(ALICE, ENTRIES, start, outcome="offer"))
            await world.record.export(ALICE, NOW - timedelta(days=1))  # warm up
            ticker = Ticker()
            ticker.start()
            await asyncio.sleep(0.01)
            samples = []
            for run in range(RUNS):
                began = time.perf_counter()
                handled = await world.record.export(ALICE, NOW + timedelta(minutes=2 * run))
                samples.append((time.perf_counter() - began) * 1000)
                assert len(handled.replies[0].files) == 2, handled.replies[0].text
                await asyncio.sleep(0.005)
            await ticker.stop()
            return median(samples), ticker.longest * 1000
        finally:
            await sql.close()


def main() -> None:
    took, blocked = asyncio.run(export_figures())
    emit("export_ms_1000_entries", took, "ms")
    emit("export_loop_block_max_ms", blocked, "ms")


if __name__ == "__main__":
    main()
