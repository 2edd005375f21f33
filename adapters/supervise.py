"""Keep a platform running: when its client fails, log one line and start it again, waiting a
little longer after each failure in a row, while the other platforms carry on."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.common.errors import SettingsError

log = logging.getLogger(__name__)

__all__ = ["Backoff", "supervise"]


@dataclass(frozen=True)
class Backoff:
    """How long to wait before a restart: `first` after one failure, doubling with each failure
    in a row up to `most`; a run that lasted `settled` seconds counts as healthy, and the wait
    starts again from `first`."""

    first: float = 1.0
    most: float = 60.0
    settled: float = 60.0

    def __post_init__(self) -> None:
        if not 0 < self.first <= self.most:
            raise ValueError("Backoff needs 0 < first <= most")


async def supervise(
    name: str,
    run: Callable[[], Awaitable[None]],
    *,
    backoff: Backoff | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Run `run()` again and again until cancelled. A SettingsError on the first run is raised
    (a refused token, an unreachable API: start-up cannot succeed as configured); any later
    failure, or a run that returns, is logged in one line and followed by a restart."""
    backoff = backoff or Backoff()
    delay = backoff.first
    first = True
    while True:
        began = clock()
        try:
            await run()
        except SettingsError as exc:
            if first:
                raise
            # The problem lines name settings, never what a user sent.
            reason = "; ".join(exc.problems)
        except Exception as exc:
            # Only the type: a message can quote the payload that caused it.
            reason = type(exc).__name__
        else:
            reason = "stopped"
        first = False
        if clock() - began >= backoff.settled:
            delay = backoff.first
        log.error("%s: client failed (%s); restarting in %.1f s", name, reason, delay)
        await sleep(delay)
        delay = min(delay * 2, backoff.most)
