"""The scheduler: one asyncio task per process, driven by the database. It sleeps until the next
due time (at most `max_sleep`, and less when woken), claims what is due, hands each post to its
platform's delivery, and records the result."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from bot.common.errors import TakeOrPassError
from bot.common.logs import failure
from bot.reminders import messages, plan
from bot.reminders.model import (
    Deferred,
    Delivery,
    DeliveryResult,
    Destination,
    Due,
    Outgoing,
    Places,
    RetryLater,
    Status,
)
from bot.reminders.queue import DueQueue
from bot.reminders.recheck import OwnerCheck

log = logging.getLogger(__name__)

DEFAULT_MAX_SLEEP = 1.0


class Scheduler:
    """Delivers every due occurrence of the platforms in `deliveries`, once."""

    def __init__(
        self,
        *,
        queue: DueQueue,
        deliveries: Mapping[str, Delivery],
        clock: Callable[[], datetime],
        lease: timedelta,
        grace: timedelta,
        max_sleep: float = DEFAULT_MAX_SLEEP,
        batch: int = 100,
        concurrency: int = 16,
        refresh_clock: Callable[[], Awaitable[None]] | None = None,
        places: Mapping[str, Places] | None = None,
    ) -> None:
        self._queue = queue
        self._deliveries = dict(deliveries)
        self._platforms = sorted(deliveries)
        self._clock = clock
        self._lease = lease
        self._grace = grace
        self._max_sleep = max_sleep
        self._batch = batch
        self._slots = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        # Before each pass: keeps a clock that follows the database's up to date.
        self._refresh_clock = refresh_clock
        # Asked at each post of a recurring channel reminder: may its owner still post there?
        # (kept as given: the composition root fills it as the platforms start)
        self._owners = OwnerCheck(places, queue, tell=self._deliver) if places is not None else None

    def wake(self) -> None:
        """Look again now: a reminder was created or moved in this process."""
        self._wake.set()

    async def run(self) -> None:
        """Run until cancelled. A database failure is logged and retried, never fatal."""
        while True:
            self._wake.clear()
            try:
                if self._refresh_clock is not None:
                    await self._refresh_clock()
                if await self.tick() >= self._batch:
                    continue  # more may be due already
                delay = await self._delay()
            except TakeOrPassError as exc:
                log.warning("reminder scheduler: %s; trying again shortly", exc)
                delay = self._max_sleep
            except Exception as exc:
                # A bug must not stop every reminder of the process: log it and go on.
                log.error("reminder scheduler failed; trying again shortly: %s", failure(exc))
                delay = self._max_sleep
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
            except TimeoutError:
                pass

    async def tick(self) -> int:
        """One pass: claim up to a batch of due occurrences and deliver them. Returns how
        many were claimed."""
        claimed = await self._queue.claim(
            now=self._clock(), lease=self._lease, platforms=self._platforms, batch=self._batch
        )
        if claimed:
            await asyncio.gather(*(self._handle(due) for due in claimed))
        return len(claimed)

    async def _delay(self) -> float:
        ready = await self._queue.next_ready(self._platforms)
        if ready is None:
            return self._max_sleep
        seconds = (ready - self._clock()).total_seconds()
        return min(max(seconds, 0.0), self._max_sleep)

    async def _handle(self, due: Due) -> None:
        now = self._clock()
        action = plan.triage(due, now=now, grace=self._grace)
        if action is plan.Triage.DROP:
            await self._queue.finish(due, Status.CANCELLED, now=now, error="interview started")
            return
        if action is plan.Triage.MISSED:
            await self._queue.finish(due, Status.MISSED, now=now, error="missed while offline")
            log.info("reminder missed on %s", due.owner.platform)
            return
        if self._owners is not None and await self._owners.held(due, now=now):
            return  # paused (the owner may no longer post there), or to be asked again
        late = action is plan.Triage.LATE
        message = messages.occurrence_message(due, late=late)
        # A retry (or a claim taken over after a lease ran out) may follow a post that was made.
        tried = due.due_at if due.attempts > 1 else None
        where = Destination(due.owner, due.channel)
        outgoing = Outgoing(where, message, due.delivery_key, tried_since=tried)
        async with self._slots:
            result = await self._deliver(outgoing)
        status, retry_at, error = plan.after_delivery(
            result, attempts=due.attempts, late=late, now=self._clock()
        )
        untried = isinstance(result, Deferred)
        recorded = await self._queue.finish(
            due, status, now=self._clock(), retry_at=retry_at, error=error, untried=untried
        )
        if untried:
            log.debug("reminder paced on %s", due.owner.platform)
            return
        log.info("reminder %s on %s", status.value, due.owner.platform)
        if status is Status.FAILED and recorded and due.channel is not None:
            # The DM still works when a channel post failed: say what happened there.
            notice = messages.failure_notice(due, error or "unknown error")
            await self._deliver(
                Outgoing(Destination(due.owner, None), notice, due.delivery_key + "!")
            )

    async def _deliver(self, outgoing: Outgoing) -> DeliveryResult:
        delivery = self._deliveries[outgoing.destination.owner.platform]
        try:
            return await delivery.deliver(outgoing)
        except Exception as exc:  # a delivery must answer, not raise; keep the scheduler alive
            # By type and place only: the message may quote the reminder's text.
            log.error("reminder delivery raised %s", failure(exc))
            return RetryLater(f"delivery raised {type(exc).__name__}")
