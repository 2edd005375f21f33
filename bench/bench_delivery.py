"""Reminder delivery through the platforms' fakes, on the real clock.

- `reminder_drain_per_s`: 1,000 reminders due at once to 1,000 distinct Discord users, posted
  by the real scheduler through `DiscordDelivery` and discord.py against FakeDiscord, which
  enforces Discord's global limit of 50 requests a second (429 with `global: true` past it).
  The users have written to the bot before, so their DM channels are known (a cold cache is
  reported too: each first post then opens the DM, two requests for one reminder).
- `slack_channel_posts_per_s`: 200 reminders due at once to one Slack channel, posted through
  `SlackDelivery` and slack_sdk against FakeSlack; the delivery paces one channel to one post a
  second, so this is that pace as measured.
- `reminder_lateness_p99_ms_one_post_held_60s`: FakeDiscord carries out one reminder's post but
  holds its answer for a real 60 s; 30 other reminders, to other users, fall due one every 2 s
  meanwhile. The figure is how late those 30 reach Discord (p99), posted by the real scheduler
  through `DiscordDelivery` with the default PLATFORM_TIMEOUT.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from aiohttp import web  # noqa: E402
from common import emit, percentile  # noqa: E402
from fakes.slack import FakeSlack  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from support.discord_harness import Harness  # noqa: E402
from support.held import wall_time  # noqa: E402

from adapters.discord import DiscordDelivery  # noqa: E402
from adapters.slack import SlackDelivery, make_client  # noqa: E402
from bot.common.users import UserKey  # noqa: E402
from bot.config.settings import load_settings  # noqa: E402
from bot.engine.engine import Engine  # noqa: E402
from bot.reminders.model import Delivery, NewReminder, ReminderKind, Role, Status  # noqa: E402
from bot.reminders.queue import DueQueue  # noqa: E402
from bot.reminders.scheduler import Scheduler  # noqa: E402
from bot.reminders.store import ReminderStore  # noqa: E402
from bot.storage.schema import occurrences  # noqa: E402
from bot.storage.sql import SqlStore  # noqa: E402

DISCORD_REMINDERS = 1000
SLACK_REMINDERS = 200
FIRST_USER = 1_500_000_000_000_000_000
LEASE, GRACE = timedelta(seconds=60), timedelta(hours=1)
HELD_FOR = 60.0
HELD_OTHERS = 30
HELD_GAP = 2.0  # seconds between the others' due times


class TimedSlack(FakeSlack):
    """The fake, noting when each chat.postMessage arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.post_times: list[float] = []

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info.get("method") == "chat.postMessage":
            self.post_times.append(time.perf_counter())
        return await super()._api(request)


def _utc_now() -> datetime:
    return datetime.now(UTC)


async def _fill(store: SqlStore, owners: list[UserKey], channel: str | None) -> None:
    reminders = ReminderStore(store)
    now = _utc_now()
    for index, owner in enumerate(owners):
        await reminders.create(
            NewReminder(
                id=f"b{index:07d}",
                owner=owner,
                channel=channel,
                text=f"reminder {index}",
                kind=ReminderKind.ONCE,
                timezone="UTC",
                occurrences=((Role.ONCE, now),),
            ),
            now=now - timedelta(seconds=1),
        )


async def _done(store: SqlStore) -> int:
    finished = (Status.SENT.value, Status.LATE.value)
    query = select(func.count()).where(occurrences.c.status.in_(finished))
    return await store.read(lambda conn: int(conn.execute(query).scalar() or 0))


async def _drain(store: SqlStore, platform: str, delivery: Delivery, total: int) -> float:
    """Seconds from the scheduler's start until `total` posts are recorded as sent."""
    scheduler = Scheduler(
        queue=DueQueue(store),
        deliveries={platform: delivery},
        clock=_utc_now,
        lease=LEASE,
        grace=GRACE,
    )
    began = time.perf_counter()
    task = asyncio.create_task(scheduler.run())
    try:
        while True:  # polled: the figure is the scheduler's, so nothing hooks into it
            if await _done(store) >= total:
                break
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    return time.perf_counter() - began


async def discord_drain(*, warm: bool) -> float:
    with tempfile.TemporaryDirectory() as folder:
        store = await SqlStore.open(f"sqlite:///{Path(folder) / 'bench.db'}")
        try:
            engine = Engine(store=store, ttl=timedelta(hours=24))
            users = [str(FIRST_USER + n) for n in range(DISCORD_REMINDERS)]
            await _fill(store, [UserKey("discord", "", u) for u in users], None)
            async with Harness.started(engine) as bot:
                bot.fake.global_limit = 50
                client = bot.client
                assert client is not None
                for user in users:
                    channel = bot.fake.dm_channel(user)
                    if warm:
                        client.dm_channels.remember(int(user), int(channel["id"]))
                seconds = await _drain(store, "discord", DiscordDelivery(client), len(users))
                created = bot.fake.requests_to("POST", r"/channels/\d+/messages")
                assert len({r.json["nonce"] for r in created if r.status == 200}) == len(users)
        finally:
            await store.close()
    return len(users) / seconds


async def slack_channel_posts() -> float:
    with tempfile.TemporaryDirectory() as folder:
        store = await SqlStore.open(f"sqlite:///{Path(folder) / 'bench.db'}")
        try:
            owners = [UserKey("slack", "T1", f"U{n:05d}") for n in range(SLACK_REMINDERS)]
            await _fill(store, owners, "C0JOBHUNT")
            async with TimedSlack() as fake:
                settings = load_settings(
                    {
                        "SLACK_BOT_TOKEN": "xoxb-b",
                        "SLACK_SIGNING_SECRET": "s",
                        "SLACK_API_URL": fake.api_url,
                    },
                    env_file=None,
                )
                delivery = SlackDelivery(make_client(settings))
                await _drain(store, "slack", delivery, len(owners))
                posted = sorted(fake.post_times)
        finally:
            await store.close()
    # The pace itself: posts after the first, over the time they took.
    return (len(posted) - 1) / (posted[-1] - posted[0])


async def lateness_one_post_held() -> list[float]:
    """Lateness in ms of HELD_OTHERS reminders due while Discord holds one post's answer."""
    with tempfile.TemporaryDirectory() as folder:
        store = await SqlStore.open(f"sqlite:///{Path(folder) / 'bench.db'}")
        try:
            engine = Engine(store=store, ttl=timedelta(hours=24))
            users = [str(FIRST_USER + n) for n in range(HELD_OTHERS + 1)]
            async with Harness.started(engine) as bot:
                client = bot.client
                assert client is not None
                channels = {user: bot.fake.dm_channel(user)["id"] for user in users}
                for user, channel in channels.items():
                    client.dm_channels.remember(int(user), int(channel))
                start = _utc_now()
                due, reminders = {}, ReminderStore(store)
                for n, user in enumerate(users):  # the held one at 1 s, then one every 2 s
                    at = start + timedelta(seconds=1 + HELD_GAP * n)
                    await reminders.create(
                        NewReminder(
                            id=f"h{n:07d}",
                            owner=UserKey("discord", "", user),
                            channel=None,
                            text=f"reminder {n}",
                            kind=ReminderKind.ONCE,
                            timezone="UTC",
                            occurrences=((Role.ONCE, at),),
                        ),
                        now=start,
                    )
                    due[channels[user]] = at
                held = channels[users[0]]
                bot.fake.hold_next("POST", rf"/channels/{held}/messages", HELD_FOR)
                others = [rf"/channels/{channels[user]}/messages" for user in users[1:]]
                scheduler = Scheduler(
                    queue=DueQueue(store),
                    deliveries={"discord": DiscordDelivery(client)},
                    clock=_utc_now,
                    lease=LEASE,
                    grace=GRACE,
                )
                task = asyncio.create_task(scheduler.run())
                try:
                    last = HELD_GAP * HELD_OTHERS + 30
                    posts = [await bot.fake.wait_for("POST", path, timeout=last) for path in others]
                finally:
                    task.cancel()
                    await asyncio.gather(task, return_exceptions=True)
        finally:
            await store.close()
    return [(wall_time(p.at) - due[p.path.split("/")[2]]).total_seconds() * 1000 for p in posts]


def main() -> None:
    logging.basicConfig(level=logging.ERROR)
    emit("reminder_drain_per_s", asyncio.run(discord_drain(warm=True)), "reminders/s")
    emit("reminder_drain_per_s_cold_dms", asyncio.run(discord_drain(warm=False)), "reminders/s")
    emit("slack_channel_posts_per_s", asyncio.run(slack_channel_posts()), "posts/s")
    late = asyncio.run(lateness_one_post_held())
    emit("reminder_lateness_p99_ms_one_post_held_60s", percentile(late, 0.99), "ms")


if __name__ == "__main__":
    main()
