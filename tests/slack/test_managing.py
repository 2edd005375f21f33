"""Managing reminders on Slack: a listed reminder's Edit opens a modal (views.open) with its time
and text, and the view_submission changes the time or the text; Done on a delivered post; each
snooze choice brings the post back at its time. The real bolt app against FakeSlack, on the
harness's injected clock (T0 is Thu 26 Nov, 10:00 in Berlin, Alice's zone)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fakes.slack import FakeSlack
from support.harness import T0
from support.slack_harness import (
    ALICE_KEY,
    SlackReminders,
    SlackUser,
    button,
    buttons,
    posted_after,
    shown_text,
    updates,
    view_of,
)

from adapters.slack.forms import (
    EDIT_CALLBACK,
    EDIT_TEXT_ACTION,
    EDIT_TEXT_BLOCK,
    EDIT_WHEN_ACTION,
    EDIT_WHEN_BLOCK,
)

Params = dict[str, Any]


def edit_values(when: str, text: str) -> dict[str, dict[str, Params]]:
    return {
        EDIT_WHEN_BLOCK: {EDIT_WHEN_ACTION: {"type": "plain_text_input", "value": when}},
        EDIT_TEXT_BLOCK: {EDIT_TEXT_ACTION: {"type": "plain_text_input", "value": text}},
    }


async def open_edit(alice: SlackUser, fake: FakeSlack, opened: int) -> Params:
    """Press Edit on the (only) reminder of an ephemeral `reminders` list; the modal opened."""
    listed = (await alice.command("reminders")).body
    status, _ = await alice.post(alice.press_body(listed, "edit", response_name="edit"))
    assert status == 200
    calls = await fake.wait_for_calls("views.open", opened)
    return view_of(calls[opened - 1].params)


def prefilled(view: Params) -> dict[str, str]:
    return {
        b["block_id"]: b["element"]["initial_value"] for b in view["blocks"] if b["type"] == "input"
    }


async def test_edit_opens_a_modal_with_time_and_text_and_saves_each_change(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    await alice.command("remind tomorrow 9am call Sam")
    view = await open_edit(alice, fake, 1)
    assert view["type"] == "modal" and view["callback_id"] == EDIT_CALLBACK
    assert len(view["title"]["text"]) <= 24
    assert prefilled(view) == {EDIT_WHEN_BLOCK: "nov 27 09:00", EDIT_TEXT_BLOCK: "call Sam"}
    # A new time: the text as it was.
    assert await alice.submit(view, edit_values("fri 3pm", "call Sam")) == (200, "")
    moved = await posted_after(fake, 1)
    assert moved["channel"] == alice.user_id
    assert "Moved to Fri 27 Nov, 15:00 CET: call Sam" in shown_text(moved)
    # A new text: the time as it is now prefilled.
    view = await open_edit(alice, fake, 2)
    assert prefilled(view)[EDIT_WHEN_BLOCK] == "nov 27 15:00"
    assert await alice.submit(view, edit_values("nov 27 15:00", "call Sam and Ann")) == (200, "")
    changed = await posted_after(fake, 2)
    assert "Changed to: call Sam and Ann (Fri 27 Nov, 15:00 CET)" in shown_text(changed)
    # It comes at the new time, saying the new text.
    await world.run_until(datetime(2026, 11, 27, 14, 0, tzinfo=UTC) - timedelta(seconds=1))
    assert len(world.posts(alice.user_id)) == 2  # the two confirmations only
    await world.run_until(datetime(2026, 11, 27, 14, 0, tzinfo=UTC))
    assert "Reminder: call Sam and Ann" in shown_text(world.posts(alice.user_id)[-1])


async def test_a_time_the_edit_form_cannot_read_keeps_it_open_with_the_reason(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    await alice.command("remind tomorrow 9am call Sam")
    view = await open_edit(alice, fake, 1)
    status, body = await alice.submit(view, edit_values("fri 25:00", "call Sam"))
    assert status == 200
    assert '"response_action":"errors"' in body.replace(" ", "")
    assert EDIT_WHEN_BLOCK in body
    await asyncio.sleep(0.05)
    assert world.posts() == []  # nothing said, nothing changed
    [item] = await world.store.upcoming(ALICE_KEY)
    assert item.due_at == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


async def test_done_on_a_post_marks_it_and_lists_it_as_done(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    await alice.command("remind in 2 hours stretch")
    await world.run_until(T0 + timedelta(hours=2))
    [post] = world.posts(alice.user_id)
    await alice.press_posted(post, "done", channel_id=alice.dm_channel, ts="1700000040.1")
    [updated] = await updates(fake, 1)
    assert buttons(updated) == [] and "✓ Done" in shown_text(updated)
    answer = await posted_after(fake, 2)
    assert "Done: stretch. I won't remind you of it again." in shown_text(answer)
    listed = shown_text((await alice.command("reminders")).body)
    assert "Done recently" in listed and "✓ stretch (Thu 26 Nov, 12:00 CET)" in listed


@pytest.mark.parametrize(
    ("value", "marked", "until", "back_at"),
    [
        ("s20m", "Snoozed 20 minutes", "Thu 26 Nov, 12:20 CET", T0 + timedelta(minutes=140)),
        ("s1h", "Snoozed 1 hour", "Thu 26 Nov, 13:00 CET", T0 + timedelta(hours=3)),
        ("s3h", "Snoozed 3 hours", "Thu 26 Nov, 15:00 CET", T0 + timedelta(hours=5)),
        (
            "smorning",
            "Snoozed until tomorrow morning",
            "Fri 27 Nov, 09:00 CET",
            datetime(2026, 11, 27, 8, 0, tzinfo=UTC),
        ),
        (
            "sweek",
            "Snoozed until next week",
            "Thu 3 Dec, 12:00 CET",
            datetime(2026, 12, 3, 11, 0, tzinfo=UTC),
        ),
    ],
)
async def test_each_snooze_choice_marks_the_post_and_brings_it_back_then(
    alice: SlackUser,
    fake: FakeSlack,
    world: SlackReminders,
    value: str,
    marked: str,
    until: str,
    back_at: datetime,
) -> None:
    await alice.command("remind in 2 hours stretch")
    await world.run_until(T0 + timedelta(hours=2))
    [post] = world.posts(alice.user_id)
    assert button(post, value)
    await alice.press_posted(post, value, channel_id=alice.dm_channel, ts="1700000040.1")
    [updated] = await updates(fake, 1)
    assert f"✓ {marked}" in shown_text(updated)
    answer = await posted_after(fake, 2)
    assert f"Snoozed until {until}: stretch" in shown_text(answer)
    await world.run_until(back_at - timedelta(seconds=1))
    assert len(world.posts(alice.user_id)) == 1  # posts to the user id: the scheduler's
    await world.run_until(back_at)
    assert len(world.posts(alice.user_id)) == 2
    assert "Reminder: stretch" in shown_text(world.posts(alice.user_id)[-1])


async def test_snooze_in_a_dm_list_offers_the_choices_and_leaves_the_line(
    alice: SlackUser, fake: FakeSlack, world: SlackReminders
) -> None:
    await alice.command("remind tomorrow 9am call Sam")
    await alice.dm("reminders")
    listed = await posted_after(fake, 1)
    await alice.press_posted(listed, "snooze", channel_id=alice.dm_channel, ts="1700000060.1")
    choices = await posted_after(fake, 2)
    assert "Snooze until when? Fri 27 Nov, 09:00 CET: call Sam" in shown_text(choices)
    assert buttons(choices)[0]["text"]["text"] == "Snooze 20 minutes"
    await asyncio.sleep(0.05)
    assert fake.calls_to("chat.update") == []  # the listed line keeps its buttons
    await alice.press_posted(choices, "smorning", channel_id=alice.dm_channel, ts="1700000061.1")
    answer = await posted_after(fake, 3)
    assert "Snoozed until Sat 28 Nov, 09:00 CET: call Sam" in shown_text(answer)
