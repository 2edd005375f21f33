"""The scheduler: one asyncio task per process, driven by the database. It sleeps until the next
due time (at most `max_sleep`, and less when woken), claims what is due, hands each post to its
platform's delivery, and records the result.

Each claimed post is delivered by a task of its own, so a platform slow to answer one post holds
that post only: the loop goes on claiming and posting the others. While a post is out, its lease
is renewed; one whose lease could not be renewed is given up before the lease runs out, so no
other scheduler can take it over while this one may still post it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.common.errors import DiskFull, TakeOrPassError
from bot.common.logs import failure
from bot.reminders import messages, plan
from bot.reminders.model import (
    Composer,
    Deferred,
    Delivery,
    DeliveryResult,
    Destination,
    Due,
    Outgoing,
    Places,
    ReminderKind,
    RetryLater,
    Status,
)
from bot.reminders.queue import DueQueue
from bot.reminders.recheck import OwnerCheck

log = logging.getLogger(__name__)

DEFAULT_MAX_SLEEP = 1.0
# A post still out after this share of the lease has its lease renewed...
RENEW_AFTER = 1 / 3
# ...and one whose lease was not renewed in time is given up this far into it: the rest of the
# lease is the margin for the cut-off to take effect before another scheduler may claim it.
GIVE_UP_AT = 3 / 4
LEASE_RAN_OUT = "the post took too long; its lease could not be kept"


@dataclass
class _Flight:
    """A claimed occurrence whose delivery is under way, with its lease's timing (loop time)."""

    due: Due
    renew_at: float
    give_up_at: float
    task: asyncio.Task[None] | None = None
    # The timeout that ends the delivery at `give_up_at`, while the platform is being asked.
    guard: asyncio.Timeout | None = None


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
        composers: Mapping[ReminderKind, Composer] | None = None,
    ) -> None:
        self._queue = queue
        # The kinds whose post is written at its time (the weekly look back), by kind.
        self._composers = dict(composers or {})
        self._deliveries = dict(deliveries)
        self._platforms = sorted(deliveries)
        self._clock = clock
        self._lease = lease
        self._grace = grace
        self._max_sleep = max_sleep
        self._batch = batch
        self._slots = asyncio.Semaphore(concurrency)
        # Claims being delivered, by (occurrence id, attempts): the claim's token.
        self._flights: dict[tuple[int, int], _Flight] = {}
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
        """Run until cancelled. A database failure is logged and retried, never fatal. Up to a
        batch of posts are out at once, each on its own; cancelling stops them too."""
        try:
            while True:
                self._wake.clear()
                try:
                    if self._refresh_clock is not None:
                        await self._refresh_clock()
                    await self._keep_leases()
                    room = self._batch - len(self._flights)
                    if room <= 0:
                        delay = self._renewal_delay()  # a post that lands wakes it (_fly)
                    elif len(await self._launch(room)) >= room:
                        continue  # more may be due already
                    else:
                        delay = await self._delay()
                except DiskFull:
                    # The store says so in the log once a minute; saying it every pass
                    # would fill the log while the disk stays full.
                    delay = self._max_sleep
                except TakeOrPassError as exc:
                    log.warning("reminder scheduler: %s; trying again shortly", exc)
                    delay = self._max_sleep
                except Exception as exc:
                    # A bug must not stop every reminder of the process: log it and go on.
                    log.error("reminder scheduler failed; trying again shortly: %s", failure(exc))
                    delay = self._max_sleep
                # Not `wait_for`: on Python 3.11 it swallows a cancel that arrives with a wake
                # (a reminder set just before the console's `quit`), and the loop never ends.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self._wake.wait()
        finally:
            await self._land_all()

    async def tick(self) -> int:
        """One pass: claim up to a batch of due occurrences and deliver them, waiting for all
        of them (no lease is renewed meanwhile; `run` renews). Returns how many were claimed."""
        started = await self._launch(self._batch)
        if started:
            await asyncio.gather(*started, return_exceptions=True)
        return len(started)

    async def _launch(self, most: int) -> list[asyncio.Task[None]]:
        """Claim up to `most` due occurrences and start delivering each on its own."""
        now = self._clock()
        claimed = await self._queue.claim(
            now=now, lease=self._lease, platforms=self._platforms, batch=most
        )
        at = asyncio.get_running_loop().time()
        lease = self._lease.total_seconds()
        started = []
        for due in claimed:
            flight = _Flight(due, at + lease * RENEW_AFTER, at + lease * GIVE_UP_AT)
            key = (due.occurrence_id, due.attempts)
            self._flights[key] = flight
            flight.task = asyncio.create_task(self._fly(key, flight))
            started.append(flight.task)
        if started:
            # Let the posts go out before the caller's next query: SQLite reads run on the
            # loop's own thread, and would hold them back meanwhile.
            await asyncio.sleep(0)
        return started

    async def _fly(self, key: tuple[int, int], flight: _Flight) -> None:
        try:
            await self._handle(flight)
        except DiskFull:
            pass  # as in the loop: the store logs it once a minute; the lease runs out
        except TakeOrPassError as exc:
            # The database failed to record it: the lease runs out and it is tried again.
            log.warning("reminder scheduler: %s; the reminder is tried again later", exc)
        except Exception as exc:
            log.error("reminder delivery failed: %s", failure(exc))
        finally:
            self._flights.pop(key, None)
            if len(self._flights) == self._batch // 2:
                # Room for half a batch: claim again, in one go rather than post by post.
                self.wake()

    async def _land_all(self) -> None:
        """Stop every delivery still out (the process is stopping): their leases run out and
        another scheduler, or this one after a restart, posts them."""
        pending = [f.task for f in self._flights.values() if f.task is not None]
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _keep_leases(self) -> None:
        """Renew the lease of each claim held for a while (a post still out, or its result not
        yet recorded); a post whose claim is no longer ours is given up now."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        renew = [f for f in self._flights.values() if f.renew_at <= now]
        if not renew:
            return
        kept = await self._queue.extend(
            [f.due for f in renew], now=self._clock(), lease=self._lease
        )
        at = loop.time()
        lease = self._lease.total_seconds()
        for flight in renew:
            if (flight.due.occurrence_id, flight.due.attempts) in kept:
                flight.renew_at = at + lease * RENEW_AFTER
                flight.give_up_at = at + lease * GIVE_UP_AT
            else:
                flight.renew_at, flight.give_up_at = math.inf, at  # another scheduler has it
            if flight.guard is not None and not flight.guard.expired():
                flight.guard.reschedule(flight.give_up_at)

    async def _delay(self) -> float:
        ready = await self._queue.next_ready(self._platforms)
        delay = self._renewal_delay()
        if ready is not None:
            delay = min(max((ready - self._clock()).total_seconds(), 0.0), delay)
        return delay

    def _renewal_delay(self) -> float:
        """How long the loop may sleep and still renew the leases of claims held in time."""
        if not self._flights:
            return self._max_sleep
        renew = min(f.renew_at for f in self._flights.values())
        return min(max(renew - asyncio.get_running_loop().time(), 0.0), self._max_sleep)

    async def _handle(self, flight: _Flight) -> None:
        due = flight.due
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
        composer = self._composers.get(due.kind)
        if composer is not None:
            composed = await composer.compose(due, now)
            if composed is None:
                # Nothing to say this time: nothing is posted; the series goes on.
                await self._queue.finish(due, Status.SKIPPED, now=self._clock())
                log.info("reminder skipped on %s: nothing to say", due.owner.platform)
                return
            message = messages.with_late_notice(composed, due) if late else composed
        else:
            message = messages.occurrence_message(due, late=late)
        # A retry (or a claim taken over after a lease ran out) may follow a post that was made.
        tried = due.due_at if due.attempts > 1 else None
        where = Destination(due.owner, due.channel)
        outgoing = Outgoing(where, message, due.delivery_key, tried_since=tried)
        result = await self._deliver_leased(flight, outgoing)
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

    async def _deliver_leased(self, flight: _Flight, outgoing: Outgoing) -> DeliveryResult:
        """Deliver, but give up before the claim's lease runs out (unless renewed): after
        that, another scheduler may post it too."""
        try:
            async with asyncio.timeout_at(flight.give_up_at) as guard:
                flight.guard = guard
                async with self._slots:
                    return await self._deliver(outgoing)
        except TimeoutError:
            log.warning(
                "reminder on %s given up: its lease ran out", outgoing.destination.owner.platform
            )
            return RetryLater(LEASE_RAN_OUT)
        finally:
            flight.guard = None

    async def _deliver(self, outgoing: Outgoing) -> DeliveryResult:
        delivery = self._deliveries[outgoing.destination.owner.platform]
        try:
            return await delivery.deliver(outgoing)
        except Exception as exc:  # a delivery must answer, not raise; keep the scheduler alive
            # By type and place only: the message may quote the reminder's text.
            log.error("reminder delivery raised %s", failure(exc))
            return RetryLater(f"delivery raised {type(exc).__name__}")
