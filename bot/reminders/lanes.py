"""Turns to post in a channel: one post per interval in each channel, first come first served.

Slack allows about one message a second in a channel. One instance keeps the turns in memory
(`MemoryLanes`); several instances on one database share them through it (`SqlLanes`), so three
instances posting a burst of reminders to #job-hunt still post one a second between them, not
three. Only channels are shared: a user's DM gets few posts, and keeping DM lanes in the
database would store who receives reminders."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection, case

from bot.storage.schema import channel_lanes
from bot.storage.sql import SqlStore
from bot.storage.statements import upsert_insert

Lane = tuple[str, str, str]  # platform, workspace, channel


class Lanes(Protocol):
    async def take(self, lane: Lane, interval: float) -> float:
        """Book the next free turn in `lane`, where turns are `interval` seconds apart; returns
        the seconds until it (0: now)."""
        ...

    async def hold(self, lane: Lane, seconds: float) -> None:
        """No turn in `lane` begins sooner than `seconds` from now (the platform asked to
        wait)."""
        ...


class MemoryLanes:
    """The turns of this process only."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._free: dict[Lane, float] = {}

    async def take(self, lane: Lane, interval: float) -> float:
        now = self._clock()
        if len(self._free) > 1000:  # lanes idle now hold nothing worth keeping
            self._free = {key: t for key, t in self._free.items() if t > now}
        turn = max(now, self._free.get(lane, now))
        self._free[lane] = turn + interval
        return turn - now

    async def hold(self, lane: Lane, seconds: float) -> None:
        until = self._clock() + seconds
        self._free[lane] = max(self._free.get(lane, until), until)


class SqlLanes:
    """The turns of every instance on the database: one upsert per post, on the clock all the
    instances share (bot.reminders.clock)."""

    def __init__(self, sql: SqlStore, clock: Callable[[], datetime]) -> None:
        self._sql = sql
        self._clock = clock

    def _now(self) -> float:
        return self._clock().timestamp()

    async def take(self, lane: Lane, interval: float) -> float:
        now = self._now()
        free: float = await self._sql.write(lambda conn: _book(conn, lane, now, interval))
        return max(0.0, free - interval - now)

    async def hold(self, lane: Lane, seconds: float) -> None:
        until = self._now() + seconds
        await self._sql.write(lambda conn: _book(conn, lane, until, 0.0))


def _book(conn: Connection, lane: Lane, at: float, interval: float) -> float:
    """Move the lane's next free moment to at least `at`, then on by `interval`; return it."""
    platform, workspace, channel = lane
    free_at = channel_lanes.c.free_at
    statement = (
        upsert_insert(conn.dialect.name, channel_lanes)
        .values(platform=platform, workspace=workspace, channel=channel, free_at=at + interval)
        .on_conflict_do_update(
            index_elements=["platform", "workspace", "channel"],
            set_={"free_at": case((free_at > at, free_at), else_=at) + interval},
        )
        .returning(free_at)
    )
    return float(conn.execute(statement).scalar_one())
