"""Timezones by the names people use, typed in the console: the console adapter (what it
prints, numbers pressing buttons) on the real engine and reminder service, its reminders
printed by the scheduler on a hand-moved clock."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from support.harness import Clock
from support.reminders import ReminderWorld

from adapters.console import Console, ConsoleDelivery
from bot.storage.sql import SqlStore

# Thursday 26 Nov 2026, 14:00 UTC: 06:00 in Los Angeles.
NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
TAKE_IT = ("3", "2", "2", "1", "1", "1", "1")


class Terminal:
    """The console adapter as a person meets it: type a line, read what it printed."""

    def __init__(self, world: ReminderWorld) -> None:
        self.out = io.StringIO()
        self.console = Console(world.engine, out=self.out, user="me")
        self.world = world
        self.scheduler = world.make_scheduler(ConsoleDelivery(self.console))

    async def type(self, line: str) -> str:
        """What the console printed for one typed line."""
        start = len(self.out.getvalue())
        await self.console.send(self.console.event_for(line))
        return self.out.getvalue()[start:].strip()

    async def wait_until(self, moment: datetime) -> str:
        """What the console printed while the clock ran to `moment`."""
        start = len(self.out.getvalue())
        self.world.clock.now = moment
        while await self.scheduler.tick():
            pass
        return self.out.getvalue()[start:].strip()


@pytest.fixture
def terminal(store: SqlStore, clock: Clock) -> Terminal:
    clock.now = NOW
    return Terminal(ReminderWorld(store, clock, default_timezone="UTC"))


async def test_timezone_pst_is_said_back_as_america_los_angeles(terminal: Terminal) -> None:
    said = await terminal.type("timezone PST")
    assert said == (
        "Your times are now in America/Los_Angeles (PST). It's Thu 26 Nov, 06:00 PST there."
    )
    shown = await terminal.type("timezone")
    assert shown.startswith("Your timezone is America/Los_Angeles (Thu 26 Nov, 06:00 PST)")


async def test_a_zone_change_moves_the_weekly_and_interview_reminders_and_keeps_the_one_off(
    terminal: Terminal,
) -> None:
    assert "starting Mon 30 Nov, 09:00 UTC" in await terminal.type(
        "remind every monday 9am plan the week"
    )
    assert "Fri 27 Nov, 15:00 UTC" in await terminal.type("remind tomorrow 15:00 call Sam")
    await terminal.type("start Acme — Data Analyst")
    for answer in TAKE_IT:
        verdict = await terminal.type(answer)
    assert "1) Set interview reminders" in verdict
    await terminal.type("1")
    assert "Tue 1 Dec, 15:00 UTC" in await terminal.type("tue 15:00")

    said = await terminal.type("timezone America/Los_Angeles")
    assert said.split("\n") == [
        "Your times are now in America/Los_Angeles. It's Thu 26 Nov, 06:00 PST there.",
        "Moved to keep their clock time: 1 recurring reminder, 3 interview reminders. "
        "One-off reminders keep their moment.",
    ]
    listed = await terminal.type("reminders")
    lines = [line.strip() for line in listed.split("\n") if line.strip().startswith("- ")]
    assert lines == [
        "- Fri 27 Nov, 07:00 PST: call Sam",
        "- Mon 30 Nov, 09:00 PST: plan the week (every Monday at 09:00)",
        "- Mon 30 Nov, 15:00 PST: Your interview at Acme — Data Analyst is in 1 day: "
        "Tue 1 Dec, 15:00 PST.",
        "- Tue 1 Dec, 14:00 PST: Your interview at Acme — Data Analyst is in 1 hour: "
        "Tue 1 Dec, 15:00 PST.",
        "- Wed 2 Dec, 15:00 PST: How did the interview at Acme — Data Analyst go?",
    ]
    # The one-off prints at its moment; the weekly one at 09:00 in Los Angeles, not in UTC.
    assert "Reminder: call Sam" in await terminal.wait_until(
        datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
    )
    assert await terminal.wait_until(datetime(2026, 11, 30, 9, 0, tzinfo=UTC)) == ""
    printed = await terminal.wait_until(datetime(2026, 11, 30, 17, 0, tzinfo=UTC))
    assert printed.startswith("Reminder: plan the week")


async def test_an_ambiguous_name_is_answered_by_number(terminal: Terminal) -> None:
    offered = await terminal.type("timezone IST")
    assert offered.split("\n") == [
        "IST can mean more than one timezone. Which is yours?",
        "Asia/Kolkata: India, 19:30 there now",
        "Europe/Dublin: Ireland, 14:00 there now",
        "Asia/Jerusalem: Israel, 16:00 there now",
        "Or type it: timezone Asia/Kolkata",
        "  1) Asia/Kolkata",
        "  2) Europe/Dublin",
        "  3) Asia/Jerusalem",
    ]
    chosen = await terminal.type("2")
    assert chosen == "Your times are now in Europe/Dublin. It's Thu 26 Nov, 14:00 GMT there."


async def test_an_unknown_zone_is_one_line_with_examples(terminal: Terminal) -> None:
    said = await terminal.type("timezone Narnia")
    assert said == (
        "I don't know the timezone 'Narnia'. Try a city (timezone Berlin), an abbreviation "
        "(PST, CET), an offset (UTC+2) or an IANA name like Europe/Berlin."
    )
