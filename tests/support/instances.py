"""Several Take or Pass instances as real `takeorpass` processes for one test: started together
(at one agreed moment, past their imports), their logs read as they come, paused, killed or
stopped. Used by the tests of instances sharing one database."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

from support.processes import REPO

# The child imports everything first, then waits for the moment, so that instances meant to
# start together reach the database within a millisecond or two of one another.
_GATED = (
    "import sys, time\n"
    "from adapters.cli import main\n"
    "time.sleep(max(0.0, float(sys.argv[1]) - time.time()))\n"
    "raise SystemExit(main(sys.argv[2:]))\n"
)


def environment(database: str, **settings: str) -> dict[str, str]:
    """This environment without any platform's settings, on `database`, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env |= {"DATABASE_URL": database, "LOG_LEVEL": "INFO", "PYTHONPATH": str(REPO)}
    return env | settings


class Instance:
    """One `takeorpass` process, its log (standard error) read as it comes."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.log: list[str] = []
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(
        cls, argv: list[str], env: dict[str, str], cwd: Path, *, at: float | None = None
    ) -> Instance:
        """`takeorpass ARGV` in `cwd` (keep it free of a .env), beginning at time.time() `at`."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _GATED,
            str(at if at is not None else time.time()),
            *argv,
            cwd=cwd,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        return cls(process)

    async def _read(self) -> None:
        assert self.process.stderr is not None
        async for line in self.process.stderr:
            self.log.append(line.decode(errors="replace"))

    @property
    def running(self) -> bool:
        return self.process.returncode is None

    def logged(self, words: str) -> bool:
        return any(words in line for line in self.log)

    def pause(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    async def kill(self) -> None:
        """SIGKILL: no goodbye, nothing flushed, leases left as they are."""
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        await self._reader

    async def stop(self) -> None:
        """SIGTERM (the way a service manager stops it), and wait for it to end."""
        if self.process.returncode is None:
            self.resume()
            self.process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(self.process.wait(), 15)
        await self._reader
