"""Storage figures: the event loop's lag while another process holds SQLite's write lock, and
turns per second with 20 users answering at once, on SQLite and (where TEST_POSTGRES_URL names a
server, as for the tests) on a fresh PostgreSQL database.

For the lag, a 1 ms ticker runs on the loop while another process holds the lock for 3 s and
20 users keep answering (their reads are served, their writes wait in the writer's queue);
every tick's lateness is a sample. Before the writer thread, each write waited on the loop's
thread for the whole lock, so the loop stalled for seconds."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from common import emit, percentile  # noqa: E402
from support.lock_holder import hold_lock  # noqa: E402
from support.postgres import fresh_database  # noqa: E402

from bot.common.events import Press, Start  # noqa: E402
from bot.common.users import UserKey  # noqa: E402
from bot.engine.engine import Engine  # noqa: E402
from bot.storage.sql import SqlStore  # noqa: E402

ANSWERS = (3, 2, 2, 1, 1, 1, 1)
USERS = 20
HOLD_SECONDS = 3.0


async def answering(engine: Engine, key: UserKey, stop: asyncio.Event) -> int:
    """One user answering questionnaires until `stop`; returns the turns taken."""
    turns = 0
    while not stop.is_set():
        reply = (await engine.handle(key, Start("Acme")))[-1]
        turns += 1
        for n in ANSWERS:
            if stop.is_set():
                break
            reply = (await engine.handle(key, Press(reply.choices[n - 1].id)))[-1]
            turns += 1
    return turns


async def loop_lag_under_external_lock(folder: Path) -> list[float]:
    path = folder / "lag.db"
    store = await SqlStore.open(f"sqlite:///{path}", timeout=10)
    engine = Engine(store=store, ttl=timedelta(hours=24))
    stop = asyncio.Event()
    lags: list[float] = []

    async def tick() -> None:
        last = time.perf_counter()
        while True:  # the tick after a stall is counted even when the stall ended the run
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            lags.append(max(0.0, (now - last - 0.001) * 1000))
            last = now
            if stop.is_set():
                return

    holder = await asyncio.to_thread(hold_lock, path, HOLD_SECONDS)
    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0.01)  # ticking before the first user's first write
    users = [
        asyncio.create_task(answering(engine, UserKey("bench", "", f"u{n}"), stop))
        for n in range(USERS)
    ]
    await asyncio.to_thread(holder.wait)
    stop.set()
    await asyncio.gather(ticker, *users)
    await store.close()
    return lags


async def turns_per_second_concurrent(url: str, seconds: float = 4.0) -> float:
    store = await SqlStore.open(url)
    engine = Engine(store=store, ttl=timedelta(hours=24))
    stop = asyncio.Event()
    users = [
        asyncio.create_task(answering(engine, UserKey("bench", "", f"u{n}"), stop))
        for n in range(USERS)
    ]
    began = time.perf_counter()
    await asyncio.sleep(seconds)
    stop.set()
    turns = sum(await asyncio.gather(*users))
    elapsed = time.perf_counter() - began
    await store.close()
    return turns / elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        lags = asyncio.run(loop_lag_under_external_lock(Path(folder)))
        emit("loop_lag_ms_p99_external_lock", percentile(lags, 0.99), "ms")
        print(f"{len(lags)} ticks; worst {max(lags):.1f} ms", file=sys.stderr)
    with tempfile.TemporaryDirectory() as folder:
        rate = asyncio.run(turns_per_second_concurrent(f"sqlite:///{Path(folder) / 'many.db'}"))
        emit("core_turns_per_s_sqlite_20_users", rate, "turns/s")
    if not os.environ.get("TEST_POSTGRES_URL"):
        print("core_turns_per_s_postgres: set TEST_POSTGRES_URL to measure it", file=sys.stderr)
        return
    with fresh_database() as url:
        rate = asyncio.run(turns_per_second_concurrent(url))
        emit("core_turns_per_s_postgres", rate, "turns/s")


if __name__ == "__main__":
    main()
