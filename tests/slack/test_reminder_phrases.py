"""Reminders on Slack as people type them, end to end (bolt against FakeSlack, a real scheduler
on an injected clock): Slack's own word order, and a reminder read two ways asked back with two
buttons, the pressed one set and posted."""

from __future__ import annotations

from datetime import datetime

from support.slack_harness import (
    ALICE_KEY,
    SlackReminders,
    SlackUser,
    buttons,
    shown_text,
)

from bot.reminders import texts

# The world's clock starts at T0, Thu 26 Nov 09:00 UTC: 10:00 for Alice, whose profile says
# Europe/Berlin.


async def test_slacks_word_order_sets_the_reminder_with_only_the_text(
    alice: SlackUser, world: SlackReminders
) -> None:
    confirmed = shown_text((await alice.command("remind me to call Sam tomorrow at 9am")).body)
    assert "Reminder set for Fri 27 Nov, 09:00 CET: call Sam" in confirmed
    weekly = shown_text(
        (await alice.command("remind me to update the tracker every monday at 9am")).body
    )
    assert "every Monday at 09:00, starting Mon 30 Nov, 09:00 CET: update the tracker" in weekly
    await world.run_until(datetime.fromisoformat("2026-11-27T08:00:00+00:00"))
    [post] = world.posts()
    assert post["channel"] == alice.user_id
    assert "Reminder: call Sam" in shown_text(post)


async def test_a_reminder_read_two_ways_is_asked_with_two_buttons_and_the_pressed_one_is_set(
    alice: SlackUser, world: SlackReminders
) -> None:
    asked = (await alice.command("remind tomorrow call Bob at 5pm")).body
    assert texts.REMIND_ASK.format(fragment="at 5pm") in shown_text(asked)
    assert [b["text"]["text"] for b in buttons(asked)] == [
        "Fri 27 Nov, 09:00 CET: call Bob at 5pm",
        "Fri 27 Nov, 17:00 CET: call Bob",
    ]
    assert await world.store.upcoming(ALICE_KEY) == []  # nothing set before the answer
    confirmed = (await alice.press(asked, "ask:2")).body
    assert "Reminder set for Fri 27 Nov, 17:00 CET: call Bob" in shown_text(confirmed)
    await world.run_until(datetime.fromisoformat("2026-11-27T15:59:59+00:00"))
    assert world.posts() == []
    await world.run_until(datetime.fromisoformat("2026-11-27T16:00:00+00:00"))
    [post] = world.posts()
    assert "Reminder: call Bob" in shown_text(post)
