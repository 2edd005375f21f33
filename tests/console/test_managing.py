"""Managing reminders in the console, as typed there: the list's numbered Edit asks for the new
time or text as the next line, a printed reminder's Done and each snooze choice are pressed by
number, `remind delete 2` and `reminders clear` work as words. The real engine and Console
adapter on the reminders harness's hand-moved clock."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from support.reminders import ReminderWorld

from adapters.console import Console, ConsoleDelivery

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # Thu 26 Nov, 09:00 in New York


class Terminal:
    """The Console adapter with what it printed since the last look."""

    def __init__(self, world: ReminderWorld) -> None:
        self.out = io.StringIO()
        self.console = Console(world.engine, out=self.out, user="me")
        self.world = world
        self.scheduler = world.make_scheduler(ConsoleDelivery(self.console))
        self._seen = 0

    async def type(self, line: str) -> str:
        await self.console.send(self.console.event_for(line))
        return self.printed()

    async def run_until(self, moment: datetime) -> str:
        self.world.clock.now = moment
        while await self.scheduler.tick():
            pass
        return self.printed()

    def printed(self) -> str:
        text = self.out.getvalue()
        new, self._seen = text[self._seen :], len(text)
        return new

    @staticmethod
    def number(printed: str, label: str) -> str:
        """The number printed before a button's label ("3) Snooze 1 hour" → "3")."""
        for part in printed.replace("\n", "  ").split("  "):
            number, _, shown = part.strip().partition(") ")
            if shown == label and number.isdigit():
                return number
        raise AssertionError(f"no button {label!r} in {printed!r}")


@pytest.fixture
def term(world: ReminderWorld) -> Terminal:
    world.clock.now = NOW
    return Terminal(world)


async def test_edit_by_number_asks_for_a_line_and_takes_a_time_or_a_text(term):
    await term.type("remind tomorrow 9am send the note")
    listed = await term.type("reminders")
    assert "Fri 27 Nov, 09:00 EST: send the note" in listed
    assert "1) Edit  2) Cancel  3) Snooze" in listed
    asked = await term.type(term.number(listed, "Edit"))
    assert asked.strip() == (
        "New time or new text for send the note (nov 27 09:00); an empty line keeps it:"
    )
    moved = await term.type("tomorrow 10am")
    assert moved.strip() == "Moved to Fri 27 Nov, 10:00 EST: send the note"
    listed = await term.type("reminders")
    await term.type(term.number(listed, "Edit"))
    changed = await term.type("send the thank-you note")
    assert changed.strip() == "Changed to: send the thank-you note (Fri 27 Nov, 10:00 EST)"
    # The typed form works as well.
    typed = await term.type("edit 1 fri 3pm")
    assert typed.strip() == "Moved to Fri 27 Nov, 15:00 EST: send the thank-you note"
    posted = await term.run_until(datetime(2026, 11, 27, 20, 0, tzinfo=UTC))
    assert "Reminder: send the thank-you note" in posted


async def test_done_by_number_on_a_printed_reminder(term):
    await term.type("remind in 5 minutes stretch")
    posted = await term.run_until(NOW + timedelta(minutes=5))
    assert "Reminder: stretch" in posted
    assert "1) Done" in posted and "6) Snooze until next week" in posted
    done = await term.type(term.number(posted, "Done"))
    assert done.strip() == "Done: stretch. I won't remind you of it again."
    listed = await term.type("reminders")
    assert "Done recently:" in listed and "✓ stretch (Thu 26 Nov, 09:05 EST)" in listed
    assert await term.run_until(NOW + timedelta(days=8)) == ""


@pytest.mark.parametrize(
    ("label", "until", "back_at"),
    [
        ("Snooze 20 minutes", "Thu 26 Nov, 09:25 EST", datetime(2026, 11, 26, 14, 25, tzinfo=UTC)),
        ("Snooze 1 hour", "Thu 26 Nov, 10:05 EST", datetime(2026, 11, 26, 15, 5, tzinfo=UTC)),
        ("Snooze 3 hours", "Thu 26 Nov, 12:05 EST", datetime(2026, 11, 26, 17, 5, tzinfo=UTC)),
        (
            "Snooze until tomorrow morning",
            "Fri 27 Nov, 09:00 EST",
            datetime(2026, 11, 27, 14, 0, tzinfo=UTC),
        ),
        (
            "Snooze until next week",
            "Thu 3 Dec, 09:05 EST",
            datetime(2026, 12, 3, 14, 5, tzinfo=UTC),
        ),
    ],
)
async def test_each_snooze_by_number_prints_it_again_then(term, label, until, back_at):
    await term.type("remind in 5 minutes stretch")
    posted = await term.run_until(NOW + timedelta(minutes=5))
    snoozed = await term.type(term.number(posted, label))
    assert snoozed.strip() == f"Snoozed until {until}: stretch"
    assert await term.run_until(back_at - timedelta(seconds=1)) == ""
    assert "Reminder: stretch" in await term.run_until(back_at)


async def test_delete_and_clear_as_words(term):
    await term.type("remind in 1 hour first")
    await term.type("remind in 2 hours second")
    await term.type("remind in 3 hours third")
    deleted = await term.type("remind delete 2")
    assert deleted.strip() == "Cancelled: Thu 26 Nov, 11:00 EST: second"
    asked = await term.type("reminders clear")
    assert "Cancel all 2 of your upcoming reminders?" in asked
    assert "1) Cancel them all" in asked and "2) Keep them" in asked
    cleared = await term.type("1")
    assert cleared.strip() == "Cancelled 2 reminders. Nothing more will be posted for them."
    assert "You have no upcoming reminders" in await term.type("remind list")
