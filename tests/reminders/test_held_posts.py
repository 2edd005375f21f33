"""A post the platform is slow to answer holds up that post only: the scheduler's loop goes on
posting the others on time, keeps the slow one's lease while it is out (so no other scheduler
posts it too), and gives it up before a lease it could not keep runs out. On the real clock,
on SQLite and on PostgreSQL, with a platform that records each post and holds the ones a test
names."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from support.harness import ALICE
from support.held import real_time_scheduler, remind_at, running, utc_now

from bot.reminders.model import Delivered, DeliveryResult, Outgoing
from bot.reminders.queue import DueQueue
from bot.reminders.scheduler import LEASE_RAN_OUT
from bot.storage.schema import occurrences
from bot.storage.sql import SqlStore

OTHERS = 20
ON_TIME = 0.2  # seconds: how late the others may be


@pytest.fixture
def db_url(fresh_db_url: str) -> str:
    """Every test here runs on both databases."""
    return fresh_db_url


class Platform:
    """Records when each post arrives; holds the posts whose keys are in `held` until
    `release` is set (or for good)."""

    def __init__(self, held: set[str] | None = None) -> None:
        self.held = held or set()
        self.release = asyncio.Event()
        self.arrived: list[tuple[str, datetime]] = []
        self.cancelled: list[str] = []

    async def deliver(self, item: Outgoing) -> DeliveryResult:
        self.arrived.append((item.key, utc_now()))
        if item.key in self.held:
            try:
                await self.release.wait()
            except asyncio.CancelledError:
                self.cancelled.append(item.key)
                raise
        return Delivered()

    def keys(self) -> list[str]:
        return [key for key, _ in self.arrived]


async def _rows(store: SqlStore) -> list[tuple[str, str | None, int]]:
    query = select(occurrences.c.status, occurrences.c.last_error, occurrences.c.attempts).order_by(
        occurrences.c.id
    )
    return await store.read(lambda conn: [tuple(row) for row in conn.execute(query).all()])


async def _until(condition: Callable[[], object], timeout: float) -> None:  # noqa: ASYNC109
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 (the platform offers no event for it)
            await asyncio.sleep(0.01)


async def _recorded(store: SqlStore, statuses: list[str]) -> None:
    """Wait until the occurrences' statuses are `statuses` (a result is written after its
    post; the database offers no event for it, so it is polled)."""
    async with asyncio.timeout(3):
        while [s for s, _, _ in await _rows(store)] != statuses:  # noqa: ASYNC110
            await asyncio.sleep(0.02)


@pytest.mark.timing
async def test_a_held_post_holds_up_no_other_reminder(store: SqlStore) -> None:
    start = utc_now()
    held = await remind_at(store, ALICE, start + timedelta(seconds=0.5), "held")
    due_at = {}
    for n in range(OTHERS):
        at = start + timedelta(seconds=1 + 0.1 * n)
        due_at[await remind_at(store, ALICE, at, f"r{n}")] = at
    platform = Platform({held})
    async with running(real_time_scheduler(store, {"slack": platform})):
        # All of them fall due while the first is held: 0.5 s, then 1.0 … 2.9 s.
        await _until(lambda: len(platform.arrived) == OTHERS + 1, timeout=6)
        assert platform.keys()[0] == held
        late = sorted((at - due_at[key]).total_seconds() for key, at in platform.arrived[1:])
        assert late[-1] <= ON_TIME, late
        await _recorded(store, ["claimed"] + ["sent"] * OTHERS)
        platform.release.set()
        await _recorded(store, ["sent"] * (OTHERS + 1))


@pytest.mark.timing
async def test_a_post_out_longer_than_its_lease_is_not_posted_again_elsewhere(
    store: SqlStore,
) -> None:
    lease = timedelta(seconds=1)
    held = await remind_at(store, ALICE, utc_now(), "held")
    one, two = Platform({held}), Platform({held})
    async with (
        running(real_time_scheduler(store, {"slack": one}, lease=lease)),
        running(real_time_scheduler(store, {"slack": two}, lease=lease)),
    ):
        await _until(lambda: one.arrived or two.arrived, timeout=3)
        first, second = (one, two) if one.arrived else (two, one)
        await asyncio.sleep(2.5)  # 2.5 leases: renewed while out, never free to claim
        assert second.arrived == []
        first.release.set()
        await _recorded(store, ["sent"])
    assert first.keys() == [held] and second.arrived == []
    assert await _rows(store) == [("sent", None, 1)]


@pytest.mark.timing
async def test_a_post_whose_lease_is_not_renewed_is_given_up_before_the_lease_ends(
    store: SqlStore,
) -> None:
    # tick() alone renews nothing: the post must end before its lease does.
    lease = timedelta(seconds=2)
    held = await remind_at(store, ALICE, utc_now(), "held")
    platform = Platform({held})
    began = time.monotonic()
    scheduler = real_time_scheduler(store, {"slack": platform}, lease=lease)
    assert await asyncio.wait_for(scheduler.tick(), 4) == 1
    took = time.monotonic() - began
    assert platform.cancelled == [held]
    assert 1.0 <= took < lease.total_seconds()
    assert await _rows(store) == [("pending", LEASE_RAN_OUT, 1)]


@pytest.mark.timing
async def test_a_post_taken_over_meanwhile_is_given_up_at_the_next_renewal(
    store: SqlStore,
) -> None:
    lease = timedelta(seconds=3)
    held = await remind_at(store, ALICE, utc_now(), "held")
    platform = Platform({held})
    async with running(real_time_scheduler(store, {"slack": platform}, lease=lease)):
        await _until(lambda: platform.arrived, timeout=3)
        began = time.monotonic()
        # Another scheduler whose clock runs past the lease takes the claim over.
        [taken] = await DueQueue(store).claim(
            now=utc_now() + lease, lease=timedelta(seconds=60), platforms=["slack"]
        )
        assert taken.attempts == 2
        await _until(lambda: platform.cancelled, timeout=3)
        # Renewed at a third of the lease, found taken, and given up there and then.
        assert time.monotonic() - began < lease.total_seconds() * 0.6
    [(status, _, attempts)] = await _rows(store)
    assert (status, attempts) == ("claimed", 2)  # the other scheduler's, untouched
