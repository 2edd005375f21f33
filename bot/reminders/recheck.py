"""At each post of a recurring channel reminder, the scheduler asks here whether its owner may
still post in that channel, and carries out lapse.py's answer: a skipped post is recorded as
paused, and the owner told by DM at the first one; a platform that can't answer puts the post
back to be asked again."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

from bot.common.logs import failure
from bot.reminders import lapse, messages, plan
from bot.reminders.lapse import AtDelivery
from bot.reminders.model import (
    Access,
    DeliveryResult,
    Destination,
    Due,
    Outgoing,
    Places,
    RetryLater,
    Status,
)
from bot.reminders.queue import DueQueue

log = logging.getLogger(__name__)


class OwnerCheck:
    """Asks the owner's platform (`places`, looked up at each post: the composition root fills
    it as the platforms start) and records what becomes of a held post in `queue`; `tell`
    posts the owner's DM notice."""

    def __init__(
        self,
        places: Mapping[str, Places],
        queue: DueQueue,
        *,
        tell: Callable[[Outgoing], Awaitable[DeliveryResult]],
    ) -> None:
        self._places = places
        self._queue = queue
        self._tell = tell

    async def held(self, due: Due, *, now: datetime) -> bool:
        """True when this post is not to be made now (it has been recorded as paused, or put
        back to ask again); False when it may go ahead."""
        place = self._places.get(due.owner.platform)
        if place is None or due.channel is None or not lapse.needs_check(due):
            return False
        access = await self._ask(place, due, due.channel)
        paused_before = access is Access.DENIED and await self._queue.previous(due) == (
            Status.CANCELLED,
            lapse.PAUSED,
        )
        decision = lapse.at_delivery(access, paused_before=paused_before)
        if decision is AtDelivery.POST:
            return False
        if decision is AtDelivery.RETRY:
            await self._retry(due, now)
            return True
        recorded = await self._queue.finish(due, Status.CANCELLED, now=now, error=lapse.PAUSED)
        log.info("recurring reminder paused on %s: its owner may no longer post there", _on(due))
        if recorded and decision is AtDelivery.PAUSE_AND_TELL:
            notice = messages.paused_notice(due)
            await self._tell(Outgoing(Destination(due.owner, None), notice, due.delivery_key + "~"))
        return True

    async def _ask(self, place: Places, due: Due, channel: str) -> Access:
        try:
            return await place.may_post(due.owner, channel)
        except Exception as exc:  # a platform's question must not stop the scheduler
            log.warning("could not ask %s about a reminder's channel: %s", _on(due), failure(exc))
            return Access.UNKNOWN

    async def _retry(self, due: Due, now: datetime) -> None:
        result = RetryLater(lapse.UNCHECKED)
        status, retry_at, error = plan.after_delivery(
            result, attempts=due.attempts, late=False, now=now
        )
        recorded = await self._queue.finish(due, status, now=now, retry_at=retry_at, error=error)
        if status is Status.FAILED and recorded:
            notice = messages.failure_notice(due, lapse.UNCHECKED)
            await self._tell(Outgoing(Destination(due.owner, None), notice, due.delivery_key + "!"))


def _on(due: Due) -> str:
    return due.owner.platform
