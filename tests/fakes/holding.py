"""Answers a fake holds back on purpose (hold_next, lost calls), cut off at once when the fake
stops: the test is over, and aiohttp would otherwise wait its shutdown timeout for them (a second
of every such test) before cutting them off just the same."""

from __future__ import annotations

import asyncio


class Holding:
    """Mixed into FakeSlack and FakeDiscord."""

    async def _hold(self, seconds: float) -> None:
        """Wait `seconds` in a request's handler, unless the fake stops first."""
        task = asyncio.current_task()
        assert task is not None
        held: set[asyncio.Task[object]] = self.__dict__.setdefault("_held_handlers", set())
        held.add(task)
        try:
            await asyncio.sleep(seconds)
        finally:
            held.discard(task)

    def _cut_off_held(self) -> None:
        """Cancel the handlers still holding their answers back."""
        for task in self.__dict__.get("_held_handlers", ()):
            task.cancel()
