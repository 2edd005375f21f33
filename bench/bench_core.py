"""Core figures: the pure state machine, turns through SQLite, and console start-up."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import emit, median

from bot.common.events import Press, Start
from bot.common.users import UserKey
from bot.engine.engine import Engine
from bot.questionnaire.effects import Context
from bot.questionnaire.flow import step
from bot.questionnaire.state import Session
from bot.storage.sql import SqlStore

ANSWERS = (3, 2, 2, 1, 1, 1, 1)


def steps_per_second(rounds: int = 1000, repeats: int = 7) -> float:
    """Whole questionnaires through `step` alone: start plus seven presses each. The best of
    several runs, as timeit does: on this shared machine single runs vary by a third."""
    return max(_steps_once(rounds) for _ in range(repeats))


def _steps_once(rounds: int) -> float:
    ctx = Context(datetime(2026, 11, 26, tzinfo=UTC), timedelta(hours=24), "bench01")
    count = 0
    began = time.perf_counter()
    for _ in range(rounds):
        result = step(Session(), Start("Acme — Analyst"), ctx)
        count += 1
        for n in ANSWERS:
            # Choice buttons come first, in choice order.
            result = step(result.session, Press(result.replies[-1].buttons[n - 1].id), ctx)
            count += 1
    return count / (time.perf_counter() - began)


async def turns_per_second(folder: Path, turns: int = 3000) -> float:
    """Answers through the engine: load, step and a committed save to a SQLite file each."""
    store = await SqlStore.open(f"sqlite:///{folder / 'bench.db'}")
    engine = Engine(store=store, ttl=timedelta(hours=24))
    key = UserKey("bench", "", "user")
    done = 0
    began = time.perf_counter()
    while done < turns:
        reply = (await engine.handle(key, Start("Acme")))[-1]
        done += 1
        for n in ANSWERS:
            reply = (await engine.handle(key, Press(reply.choices[n - 1].id)))[-1]
            done += 1
    elapsed = time.perf_counter() - began
    await store.close()
    return done / elapsed


def first_prompt_seconds(folder: Path, runs: int = 5) -> float:
    """Process start to the first question on screen, with the database already created."""
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    entry = "from adapters.cli import main; raise SystemExit(main())"
    command = [sys.executable, "-c", entry, "console"]
    samples = []
    for run in range(runs + 1):
        began = time.perf_counter()
        proc = subprocess.Popen(
            command, cwd=folder, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None and proc.stdin is not None
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - began
        assert line.strip(), "the console printed nothing"
        proc.stdin.write("cancel\n")
        proc.stdin.close()
        proc.wait(timeout=30)
        if run:  # the first run creates the database; it is not what a returning user waits for
            samples.append(elapsed)
    return median(samples)


def main() -> None:
    emit("core_steps_per_s", steps_per_second(), "steps/s")
    with tempfile.TemporaryDirectory() as folder:
        emit("core_turns_per_s_sqlite", asyncio.run(turns_per_second(Path(folder))), "turns/s")
    with tempfile.TemporaryDirectory() as folder:
        emit("console_first_prompt_s", first_prompt_seconds(Path(folder)), "s")


if __name__ == "__main__":
    main()
