"""Three instances on one PostgreSQL draining a backlog through FakeDiscord.

- `reminder_drain_per_s_postgres_3_instances`: 1,000 channel reminders due at once, posted by
  three real `takeorpass discord` processes (shards 0, 1 and 2 of one bot) sharing a fresh
  PostgreSQL database, against FakeDiscord enforcing Discord's global limit of 50 requests a
  second for the bot (all instances together). Timed from the moment they are due to the last
  post; each reminder is checked to be shown once.

Needs TEST_POSTGRES_URL (as the tests do); without it, says so and measures nothing."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from common import emit  # noqa: E402
from fakes.discord import FakeDiscord  # noqa: E402
from support.drain import add_reminders, channels, shards, shown, until  # noqa: E402
from support.postgres import fresh_database  # noqa: E402

from bot.storage.sql import SqlStore  # noqa: E402

REMINDERS = 1000
INSTANCES = 3
DISCORD_GLOBAL_LIMIT = 50


async def drain_rate() -> float:
    async with FakeDiscord() as fake:
        fake.global_limit = DISCORD_GLOBAL_LIMIT
        targets = channels(fake, 10)
        with tempfile.TemporaryDirectory() as folder, fresh_database() as database:
            store = await SqlStore.open(database)
            try:
                async with shards(fake, database, Path(folder), INSTANCES):
                    lead = 2.0  # the rows are written before they are due
                    due = datetime.now(UTC) + timedelta(seconds=lead)
                    await add_reminders(store, fake.guild["id"], targets, [due] * REMINDERS)
                    began = time.perf_counter() + lead
                    await until(lambda: len(shown(fake)) >= REMINDERS, timeout=300)
                    elapsed = time.perf_counter() - began
            finally:
                await store.close()
        counts = shown(fake)
        assert len(counts) == REMINDERS and set(counts.values()) == {1}
        limited = len(
            [r for r in fake.requests_to("POST", r"/channels/\d+/messages") if r.status == 429]
        )
        print(f"{limited} posts answered 429 by the fake's global limit", file=sys.stderr)
    return REMINDERS / elapsed


def main() -> None:
    logging.basicConfig(level=logging.ERROR)
    if not os.environ.get("TEST_POSTGRES_URL"):
        print(
            "reminder_drain_per_s_postgres_3_instances: set TEST_POSTGRES_URL to measure it",
            file=sys.stderr,
        )
        return
    emit("reminder_drain_per_s_postgres_3_instances", asyncio.run(drain_rate()), "reminders/s")


if __name__ == "__main__":
    main()
