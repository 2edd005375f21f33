"""Typed words do what buttons do in the console: `undo` after a reminder is set, `open 1` after
`history`, as the console prints them (its own numbers press the same buttons)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from support.harness import T0
from support.reminders import ReminderWorld

from adapters.console import Console
from bot.reminders import texts as reminder_texts

ANSWERS = ("3", "only on paper", "a year or more ago", "yes", "recruiter", "late", "2")


class Terminal:
    """The console adapter on the reminders world, with what it printed."""

    def __init__(self, world: ReminderWorld) -> None:
        self.out = io.StringIO()
        self.console = Console(world.engine, out=self.out, user="ann")

    async def type(self, line: str) -> str:
        """Type a line; what the console printed for it."""
        before = len(self.out.getvalue())
        await self.console.send(self.console.event_for(line))
        return self.out.getvalue()[before:]


@pytest.fixture
def terminal(world: ReminderWorld) -> Terminal:
    world.clock.now = T0
    return Terminal(world)


async def test_typed_undo_after_a_reminder_is_set_undoes_it(terminal, world):
    printed = await terminal.type("remind tomorrow 9am call Sam")
    assert "Reminder set for" in printed and "1) Undo" in printed
    assert reminder_texts.UNDONE in await terminal.type("undo")
    assert "You have no upcoming reminders" in await terminal.type("show my reminders")
    await world.run_until(T0 + timedelta(days=2))
    assert world.delivery.posts == []


async def test_typed_open_1_after_history_opens_that_verdict(terminal):
    await terminal.type("start Acme — Data Analyst")
    for typed in ANSWERS:
        printed = await terminal.type(typed)
    assert printed.startswith("TAKE IT — Acme — Data Analyst")
    listed = await terminal.type("history")
    assert "1) Open 1" in listed
    opened = await terminal.type("open 1")
    assert opened.startswith("TAKE IT — Acme — Data Analyst")
    # The console's own number for the button does the same.
    await terminal.type("history")
    assert (await terminal.type("1")).startswith("TAKE IT — Acme — Data Analyst")


async def test_cancel_2_in_the_reminders_list_cancels_the_second(terminal):
    await terminal.type("remind tomorrow 9am first thing")
    await terminal.type("remind tomorrow 11am second thing")
    listed = await terminal.type("reminders")
    assert listed.index("first thing") < listed.index("second thing")
    cancelled = await terminal.type("cancel 2")
    assert cancelled.startswith("Cancelled: ") and "second thing" in cancelled
    listed = await terminal.type("list my reminders")
    assert "first thing" in listed and "second thing" not in listed


async def test_a_mistyped_command_is_told_so_instead_of_starting_a_questionnaire(terminal):
    printed = await terminal.type("setings")
    assert printed.startswith("I didn't understand “setings”; type help to see what I can do.")
    assert "Question 1 of 7" not in printed
    assert "Question 1 of 7" in await terminal.type("Acme")
