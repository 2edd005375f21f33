"""`takeorpass` as a real process: where the repository is, how a test starts the command, and
waiting for a server it started."""

# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parent.parent.parent
ENTRY = "from adapters.cli import main; raise SystemExit(main())"


def run_takeorpass(
    args: list[str], stdin: str, cwd: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    """`takeorpass ARGS` as a user runs it, in `cwd`, with no platform tokens from outside."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", ENTRY, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=60,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def wait_healthy(
    http: aiohttp.ClientSession, url: str, proc: asyncio.subprocess.Process, timeout: float = 20
) -> None:
    async with asyncio.timeout(timeout):
        while True:
            assert proc.returncode is None, "takeorpass slack exited early"
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)
