"""Typed words do what buttons do on Slack: `undo` after a reminder is set and `open 1` after
`history`, typed in the DM (message events) and as the slash command's text, through the real
bolt app against FakeSlack."""

from __future__ import annotations

from datetime import timedelta

from fakes.slack import FakeSlack
from support.harness import T0
from support.slack_harness import (
    SlackReminders,
    SlackUser,
    buttons,
    shown_text,
)

from bot.questionnaire import texts
from bot.reminders import texts as reminder_texts

ANSWERS = ("3", "only on paper", "a year or more ago", "yes", "recruiter", "late", "2")


async def _dm(alice: SlackUser, fake: FakeSlack, text: str) -> str:
    """Type in the DM; what the bot posted back."""
    assert await alice.dm(text) == 200
    return shown_text((await fake.wait_for("chat.postMessage")).params)


async def test_typed_undo_in_the_dm_undoes_the_reminder_just_set(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    assert await alice.dm("remind tomorrow 9am call Sam") == 200
    confirmed = (await fake.wait_for("chat.postMessage")).params
    assert "Reminder set for" in shown_text(confirmed)
    assert [b["text"]["text"] for b in buttons(confirmed)] == ["Undo"]
    assert reminder_texts.UNDONE in await _dm(alice, fake, "undo")
    listed = await _dm(alice, fake, "show my reminders")
    assert "You have no upcoming reminders" in listed
    await world.run_until(T0 + timedelta(days=2))
    assert [p for p in world.posts() if "Reminder: call Sam" in shown_text(p)] == []


async def test_typed_undo_as_the_slash_commands_text_undoes_the_reminder_just_set(
    alice: SlackUser, world: SlackReminders
) -> None:
    confirmed = (await alice.command("remind tomorrow 9am call Sam")).body
    assert [b["text"]["text"] for b in buttons(confirmed)] == ["Undo"]
    undone = (await alice.command("undo")).body
    assert reminder_texts.UNDONE in shown_text(undone)
    await world.run_until(T0 + timedelta(days=2))
    assert [p for p in world.posts() if "Reminder: call Sam" in shown_text(p)] == []


async def test_typed_open_1_in_the_dm_opens_the_verdict_from_history(
    alice: SlackUser, fake: FakeSlack
) -> None:
    await _dm(alice, fake, "start Acme — Data Analyst")
    for typed in ANSWERS:
        said = await _dm(alice, fake, typed)
    assert said.startswith("TAKE IT — Acme — Data Analyst")
    listed = await _dm(alice, fake, "my history")
    assert "1 finished questionnaire" in listed and "Open 1" in listed
    opened = await _dm(alice, fake, "open 1")
    assert opened.startswith("TAKE IT — Acme — Data Analyst")


async def test_typed_open_1_as_the_slash_commands_text_opens_the_verdict(
    alice: SlackUser, fake: FakeSlack
) -> None:
    await _dm(alice, fake, "start Acme — Data Analyst")
    for typed in ANSWERS:
        await _dm(alice, fake, typed)
    listed = (await alice.command("history")).body
    assert "Open 1" in [b["text"]["text"] for b in buttons(listed)]
    opened = (await alice.command("open 1")).body
    assert shown_text(opened).startswith("TAKE IT — Acme — Data Analyst")


async def test_a_mistyped_command_as_the_slash_commands_text_is_told_so(
    alice: SlackUser,
) -> None:
    said = shown_text((await alice.command("remnd")).body)
    assert texts.UNKNOWN_WORD.format(word="remnd") in said
    assert "Did you mean remind?" in said
    # A company as the slash command's text still starts a questionnaire about it.
    started = shown_text((await alice.command("Acme — Data Analyst")).body)
    assert "Got it: Acme — Data Analyst." in started
