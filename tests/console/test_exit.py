"""Leaving the console from a real terminal: a `takeorpass console` process on a pseudo-terminal.

The pseudo-terminal is the process's controlling terminal, so Ctrl-C and Ctrl-D typed into it
go through the terminal driver exactly as they do for a person at a keyboard."""

from __future__ import annotations

import asyncio
import fcntl
import io
import os
import signal
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.processes import ENTRY

from adapters.console import GOODBYE, Console, run_console
from bot.engine.engine import Engine

FIRST_QUESTION = "Which company and role is it?"
PROMPT = "> "
# How long leaving may take, from the key press to the process having exited.
AT_ONCE = 1.0


def _own_the_terminal() -> None:
    # Runs in the child before it starts Python: a new session with the pseudo-terminal as its
    # controlling terminal, so that Ctrl-C makes the terminal driver send it SIGINT.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """A console process on a pseudo-terminal; everything it shows is kept as one string."""

    def __init__(self, folder: Path) -> None:
        environment = {
            k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))
        }
        self._keyboard, screen = os.openpty()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", ENTRY, "console"],
            cwd=folder,  # a fresh database, and no .env
            env=environment,
            stdin=screen,
            stdout=screen,
            stderr=screen,
            start_new_session=True,
            # Only an ioctl runs between fork and exec, so the pytest process's threads are safe.
            preexec_fn=_own_the_terminal,
        )
        os.close(screen)
        self._shown = b""
        self._lock = threading.Lock()
        # A reader thread, so that a console that hangs fails a deadline instead of the run.
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._keyboard, 4096)
            except OSError:  # EIO once the process and its terminal are gone
                return
            if not data:
                return
            with self._lock:
                self._shown += data

    @property
    def shown(self) -> str:
        with self._lock:
            return self._shown.decode(errors="replace").replace("\r\n", "\n")

    def wait_for(self, fragment: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while fragment not in self.shown:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError(f"{fragment!r} never shown; the screen:\n{self.shown}")
            time.sleep(0.02)

    def wait_for_prompt(self) -> None:
        """Until the console waits for a line after the last question it asked."""
        deadline = time.monotonic() + 15
        while not self.shown.endswith(PROMPT):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError(f"no prompt; the screen:\n{self.shown}")
            time.sleep(0.02)

    def type(self, keys: str) -> None:
        os.write(self._keyboard, keys.encode())

    def exit_time(self) -> float:
        """Seconds from now until the process has exited; fails after `AT_ONCE`."""
        began = time.monotonic()
        try:
            self.proc.wait(timeout=AT_ONCE)
        except subprocess.TimeoutExpired:
            message = f"still running after {AT_ONCE}s; the screen:\n{self.shown}"
            raise AssertionError(message) from None
        took = time.monotonic() - began
        self._reader.join(timeout=2)  # the last output, the goodbye, is read to the end
        return took

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(timeout=2)
        os.close(self._keyboard)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    running = Terminal(tmp_path)
    yield running
    running.close()


def assert_left_with_one_goodbye(terminal: Terminal) -> None:
    assert terminal.proc.returncode == 0, terminal.shown
    lines = terminal.shown.splitlines()
    assert lines.count(GOODBYE) == 1, terminal.shown
    assert lines[-1] == GOODBYE
    assert "Traceback" not in terminal.shown and "Task was destroyed" not in terminal.shown


@pytest.mark.timing
@pytest.mark.parametrize(
    "keys",
    ["\x03", "\x04", "quit\n", "Exit\n"],
    ids=["ctrl_c", "ctrl_d", "quit", "exit_in_any_case"],
)
def test_the_console_ends_at_once_with_a_goodbye(terminal: Terminal, keys: str) -> None:
    terminal.wait_for(FIRST_QUESTION)
    terminal.wait_for_prompt()
    terminal.type(keys)
    assert terminal.exit_time() < AT_ONCE
    assert_left_with_one_goodbye(terminal)


@pytest.mark.timing
def test_sigterm_ends_the_console_at_once_with_a_goodbye(terminal: Terminal) -> None:
    terminal.wait_for(FIRST_QUESTION)
    terminal.wait_for_prompt()
    terminal.proc.send_signal(signal.SIGTERM)
    assert terminal.exit_time() < AT_ONCE
    assert_left_with_one_goodbye(terminal)


@pytest.mark.timing
def test_ctrl_c_mid_questionnaire_keeps_the_answers_for_the_next_run(tmp_path: Path) -> None:
    first = Terminal(tmp_path)
    try:
        first.wait_for(FIRST_QUESTION)
        first.type("Acme — Data Analyst\n")
        first.wait_for("Question 1 of 7")
        first.wait_for_prompt()
        first.type("3\n")
        first.wait_for("Question 2 of 7")
        first.wait_for_prompt()
        first.type("\x03")
        assert first.exit_time() < AT_ONCE
        assert_left_with_one_goodbye(first)
    finally:
        first.close()
    second = Terminal(tmp_path)
    try:
        second.wait_for("at question 2 of 7")
        second.wait_for_prompt()
        second.type("quit\n")
        assert second.exit_time() < AT_ONCE
    finally:
        second.close()


class WatchedScheduler:
    """Stands in for the reminder scheduler; notes whether its task was cancelled."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.cancelled = False

    def __call__(self, console: Console) -> WatchedScheduler:
        return self

    async def run(self) -> None:
        self.started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise


@pytest.mark.parametrize("typed", ["", "Acme\n", "quit\n"], ids=["no_input", "eof", "quit"])
async def test_the_scheduler_is_cancelled_when_input_ends_or_says_quit(
    engine: Engine, typed: str
) -> None:
    scheduler = WatchedScheduler()
    out = io.StringIO()
    status = await run_console(engine, stdin=io.StringIO(typed), stdout=out, scheduler=scheduler)
    assert status == 0
    assert scheduler.started.is_set() and scheduler.cancelled
    assert out.getvalue().splitlines()[-1] == GOODBYE


@pytest.mark.timing
async def test_the_scheduler_is_cancelled_when_told_to_leave_while_input_stays_open(
    engine: Engine,
) -> None:
    scheduler = WatchedScheduler()
    leave = asyncio.Event()
    out = io.StringIO()
    reading, writing = os.pipe()  # nothing is ever written: the console waits for a line
    with os.fdopen(reading) as stdin:
        running = asyncio.create_task(
            run_console(engine, stdin=stdin, stdout=out, scheduler=scheduler, leave=leave)
        )
        await asyncio.wait_for(scheduler.started.wait(), 5)
        leave.set()
        status = await asyncio.wait_for(running, AT_ONCE)
    os.close(writing)
    assert status == 0
    assert scheduler.cancelled
    assert out.getvalue().splitlines()[-1] == GOODBYE
