"""PostgreSQL's calls, each on a worker thread with a pooled connection, and each within
DATABASE_TIMEOUT as a whole: the wait for a thread and a connection counts against the same
deadline as the statement, so a user is answered within DATABASE_TIMEOUT however many others
wait, not after the wait for a connection plus a full statement timeout."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Final, TypeVar

from sqlalchemy import Connection, Engine

from bot.common.errors import StorageBusy
from bot.storage.faults import SLOW

T = TypeVar("T")

# A call that waited less than this for its thread and connection runs under the session's own
# timeouts (DATABASE_TIMEOUT); one that waited longer first narrows them to what is left, which
# costs one more statement.
NARROW_AFTER: Final = 0.05


class PooledCalls:
    """Runs calls on as many threads as the pool has connections (so no thread waits for one),
    each bounded as a whole by `timeout` seconds from when it was asked for."""

    def __init__(self, engine: Engine, *, timeout: float, threads: int) -> None:
        self._engine = engine
        self._timeout = timeout
        self._threads = ThreadPoolExecutor(threads, thread_name_prefix="postgres")

    async def run(
        self,
        fn: Callable[[Connection], T],
        *,
        write: bool,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> T:
        """`fn(connection)` in a transaction, committed when it returns if `write`, else
        rolled back. StorageBusy when the deadline (`timeout`, else DATABASE_TIMEOUT, from now)
        passes before the database answers."""
        deadline = time.monotonic() + (self._timeout if timeout is None else timeout)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, self._call, fn, write, deadline)

    def _call(self, fn: Callable[[Connection], T], write: bool, deadline: float) -> T:
        if time.monotonic() >= deadline:  # waited for a thread all the while
            raise StorageBusy(SLOW)
        with self._engine.begin() if write else self._engine.connect() as conn:
            left = deadline - time.monotonic()
            if left <= 0:
                raise StorageBusy(SLOW)
            if left < self._timeout - NARROW_AFTER:
                ms = max(1, int(left * 1000))
                # For this transaction only; the session's own settings come back after it.
                conn.exec_driver_sql(
                    f"SELECT set_config('statement_timeout', '{ms}', true), "
                    f"set_config('lock_timeout', '{ms}', true)"
                )
            return fn(conn)

    def close(self) -> None:
        """Wait for the calls under way, then let the threads go."""
        self._threads.shutdown(wait=True)
