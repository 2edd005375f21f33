"""The reminders harness: the engine with reminders, a scheduler and a platform that records
every post, all on one hand-moved clock."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from bot.common.clock import new_conversation_id
from bot.engine.engine import Engine
from bot.record.service import RecordService
from bot.record.weekly_post import WeeklyComposer
from bot.reminders.handling import ReminderConfig
from bot.reminders.model import (
    Delivered,
    Delivery,
    DeliveryResult,
    Outgoing,
    Places,
    ReminderKind,
)
from bot.reminders.queue import DueQueue
from bot.reminders.scheduler import Scheduler
from bot.reminders.service import ReminderService
from bot.reminders.store import ReminderStore
from bot.storage.sql import SqlStore
from support.harness import TTL, Clock


class RecordingDelivery:
    """A platform for reminders that records every post, and answers as a test scripts it:
    `results` is consumed one per delivery (Delivered once it runs out)."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock
        self.posts: list[tuple[datetime | None, Outgoing]] = []
        self.results: list[DeliveryResult] = []
        self.arrived = asyncio.Event()

    async def deliver(self, item: Outgoing) -> DeliveryResult:
        self.posts.append((self.clock() if self.clock else None, item))
        self.arrived.set()
        return self.results.pop(0) if self.results else Delivered()

    @property
    def keys(self) -> list[str]:
        return [item.key for _, item in self.posts]

    @property
    def texts(self) -> list[str]:
        return [item.message.text for _, item in self.posts]


class ReminderWorld:
    """The engine with reminders, a scheduler and a recording platform, on one clock."""

    def __init__(
        self,
        store: SqlStore,
        clock: Clock,
        places: dict[str, Places] | None = None,
        **config: object,
    ) -> None:
        self.clock = clock
        self.sql = store
        # The same dict the service asks (a harness may fill it once its client exists): the
        # scheduler asks it too, at each post of a recurring channel reminder.
        self.places = places if places is not None else {}
        self.store = ReminderStore(store)
        self.delivery = RecordingDelivery(clock)
        settings = {
            "offsets": (timedelta(hours=24), timedelta(hours=1)),
            "followup": timedelta(days=1),
            "default_timezone": "America/New_York",
            "platforms": frozenset({"console", "slack", "discord"}),
        } | config
        self.service = ReminderService(
            store=self.store,
            sql=store,
            config=ReminderConfig(**settings),  # type: ignore[arg-type]
            new_id=new_conversation_id,
            places=self.places,
        )
        self.record = RecordService(sql=store, reminders=self.service)
        self.engine = Engine(
            store=store, ttl=TTL, clock=clock, reminders=self.service, record=self.record
        )
        self.scheduler = self.make_scheduler(self.delivery)

    def make_scheduler(self, delivery: Delivery, **options: object) -> Scheduler:
        settings: dict[str, object] = {
            "lease": timedelta(seconds=60),
            "grace": timedelta(hours=1),
            "max_sleep": 0.02,
            "places": self.places,
            "composers": {ReminderKind.WEEKLY: WeeklyComposer(self.sql)},
        } | options
        return Scheduler(
            queue=DueQueue(self.sql),
            deliveries={"console": delivery, "slack": delivery, "discord": delivery},
            clock=self.clock,
            **settings,  # type: ignore[arg-type]
        )

    async def run_until(self, moment: datetime) -> None:
        """Move the clock to `moment` and deliver everything due by then."""
        self.clock.now = moment
        while await self.scheduler.tick():
            pass
