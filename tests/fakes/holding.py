"""Answers a fake holds back on purpose (hold_next, lost calls), cut off at once when the fake
stops: the test is over, and aiohttp would otherwise wait its shutdown timeout for them (a second
of every such test) before cutting them off just the same."""

from __future__ import annotations

import asyncio


class Holding:
    """Mixed into FakeSlack and FakeDiscord; `_held_handlers` lives on them."""

    _held_handlers: set[asyncio.Task[object]]

    async def _hold(self, seconds: float) -> None:
        """Wait `seconds` in a request's handler, unless the fake stops first."""
        task = asyncio.current_task()
        assert task is not None
        self._held_handlers.add(task)
        try:
            await asyncio.sleep(seconds)
        finally:
            self._held_handlers.discard(task)

    def _cut_off_held(self) -> None:
        """Cancel the handlers still holding their answers back."""
        for task in self._held_handlers:
            task.cancel()
