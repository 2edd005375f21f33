"""Reminders in a real `takeorpass console` process whose input stays open, on the real clock."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.processes import ENTRY

from bot.record import weekly_texts
from bot.reminders import texts


class Running:
    """A console process; every line it prints is kept with the moment it arrived."""

    def __init__(self, folder: Path, **env: str) -> None:
        environment = {
            k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))
        }
        environment.update(env)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", ENTRY, "console"],
            cwd=folder,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put((time.monotonic(), line.rstrip("\n")))

    def type(self, text: str) -> float:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()
        return time.monotonic()

    def wait_for(self, fragment: str, timeout: float = 15) -> float:
        """When a line containing `fragment` was printed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                at, line = self.lines.get(timeout=0.05)
            except queue.Empty:
                continue
            self.seen.append(line)
            if fragment in line:
                return at
        raise AssertionError(f"{fragment!r} never printed; saw {self.seen[-20:]}")

    def stop(self) -> str:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=20)
        assert self.proc.stderr is not None
        return self.proc.stderr.read()


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Running]:
    running = Running(tmp_path, DEFAULT_TIMEZONE="Europe/Berlin", LOG_LEVEL="INFO")
    yield running
    if running.proc.poll() is None:
        running.proc.kill()
        running.proc.wait()


@pytest.mark.timing
def test_a_reminder_prints_within_two_seconds_of_its_time_while_input_stays_open(console):
    console.wait_for("Which company and role is it?")
    sent = console.type("remind in 5 seconds stretch")
    console.wait_for("Reminder set for")
    assert " CET: stretch" in console.seen[-1]  # DEFAULT_TIMEZONE's zone
    printed = console.wait_for("Reminder: stretch")
    assert 5.0 <= printed - sent < 7.0, printed - sent
    assert console.stop() == ""
    assert console.proc.returncode == 0


def test_the_follow_up_outcome_is_answered_by_number(tmp_path: Path):
    running = Running(tmp_path, REMINDER_OFFSETS="1h", REMINDER_FOLLOWUP="2s")
    try:
        running.wait_for("Which company and role is it?")
        for line in ("Acme", "3", "2", "2", "1", "1", "1", "1"):
            running.type(line)
        running.wait_for("1) Set interview reminders")
        running.type("1")
        running.wait_for("When is the interview?")
        running.type("in 2 seconds")
        running.wait_for("Interview reminders set for Acme")
        running.wait_for("How did the interview at Acme go?")
        running.wait_for("1) Offer")
        running.type("1")
        running.wait_for("Noted: Offer.")
        running.type("history")
        running.wait_for("Take it (Acme). Outcome: Offer")
        assert running.stop() == ""
    finally:
        if running.proc.poll() is None:
            running.proc.kill()


def test_the_weekly_look_back_offered_after_the_first_outcome_then_on_and_off(tmp_path: Path):
    """Offered after the first outcome, turned on by its button's number, asked about, off."""
    running = Running(
        tmp_path, REMINDER_OFFSETS="1h", REMINDER_FOLLOWUP="2s", DEFAULT_TIMEZONE="Europe/Berlin"
    )
    try:
        running.wait_for("Which company and role is it?")
        for line in ("Acme", "3", "2", "2", "1", "1", "1", "1"):
            running.type(line)
        running.wait_for("1) Set interview reminders")
        running.type("1")
        running.wait_for("When is the interview?")
        running.type("in 2 seconds")
        running.wait_for("How did the interview at Acme go?")
        running.wait_for("1) Offer")
        running.type("1")
        running.wait_for("Noted: Offer.")
        running.wait_for(texts.WEEKLY_OFFER)
        running.wait_for(f"1) {texts.WEEKLY_OFFER_BUTTON}")
        running.type("1")
        running.wait_for("Weekly look back on: every Monday at 09:00")
        running.type("weekly on")
        running.wait_for("Your weekly look back is already on; the next one comes Mon")
        running.type("reminders")
        running.wait_for("Weekly look back (every Monday at 09:00")
        running.type("weekly off")
        running.wait_for(weekly_texts.WEEKLY_OFF)
        running.type("weekly")
        running.wait_for(weekly_texts.WEEKLY_IS_OFF)
        assert running.stop() == ""
    finally:
        if running.proc.poll() is None:
            running.proc.kill()
