"""Reminder replies as Discord messages: pure translation, no client."""

from __future__ import annotations

from adapters.discord.commands import zone_choices
from adapters.discord.forms import FORM_BUTTON, form_conversation, form_id
from adapters.discord.receiving import reminder_event, reminder_words
from adapters.discord.rendering import (
    MAX_CHARS,
    ButtonSpec,
    PressOutcome,
    Style,
    closed,
    press_outcome,
    render,
    without_mass_mentions,
)
from bot.common.buttons import INTERVIEW_STEP, button_id
from bot.common.events import Press, Text
from bot.common.replies import Button, ButtonRole, Item, Kind, Reply


def _item(n: int, text: str = "task") -> Item:
    scope = str(n)
    return Item(
        f"Fri 27 Nov, 09:00 EST: {text} {n}",
        (
            Button(button_id(scope, "occ", "cancel"), "Cancel", ButtonRole.ACTION),
            Button(button_id(scope, "occ", "snooze1h"), "Snooze 1 hour", ButtonRole.ACTION),
        ),
    )


def test_items_are_numbered_lines_each_with_its_own_row() -> None:
    reply = Reply(kind=Kind.INFO, text="Your upcoming reminders", items=(_item(1), _item(2)))
    [message] = render(reply)
    assert message.content == (
        "Your upcoming reminders\n\n"
        "1. Fri 27 Nov, 09:00 EST: task 1\n"
        "2. Fri 27 Nov, 09:00 EST: task 2"
    )
    assert [[b.label for b in row] for row in message.rows] == [
        ["1 · Cancel", "1 · Snooze 1 hour"],
        ["2 · Cancel", "2 · Snooze 1 hour"],
    ]


def test_more_items_than_rows_go_on_further_messages_with_their_buttons() -> None:
    reply = Reply(kind=Kind.INFO, text="List", items=tuple(_item(n) for n in range(1, 13)))
    messages = render(reply)
    assert [len(m.rows) for m in messages] == [5, 5, 2]
    for message in messages:
        numbers = [line.split(".")[0] for line in message.content.split("\n") if "task" in line]
        assert [row[0].label.split(" · ")[0] for row in message.rows] == numbers


def test_long_items_split_on_text_length_too() -> None:
    reply = Reply(kind=Kind.INFO, text="List", items=tuple(_item(n, "x" * 900) for n in (1, 2, 3)))
    messages = render(reply)
    assert all(len(m.content) <= MAX_CHARS for m in messages)
    assert [len(m.rows) for m in messages] == [2, 1]


def test_the_interview_prompt_gets_a_form_button() -> None:
    ask = Reply(
        kind=Kind.INFO, text="When is the interview?", conversation_id="abc", step_id=INTERVIEW_STEP
    )
    [message] = render(ask)
    assert message.rows == ((ButtonSpec(form_id("abc"), FORM_BUTTON, Style.PRIMARY),),)
    assert form_conversation(Press(form_id("abc"))) == "abc"
    assert form_conversation(Press("tp:abc:when:other")) is None
    [plain] = render(ask._replace(step_id=None))
    assert plain.rows == ()


def test_a_reminder_press_closes_only_its_row() -> None:
    rows = render(Reply(kind=Kind.INFO, text="List", items=(_item(1), _item(2))))[0].rows
    pressed = rows[1][0]
    message = closed("List", rows, Press(pressed.custom_id), pressed.label)
    assert [b.disabled for b in message.rows[0]] == [False, False]
    assert [b.disabled for b in message.rows[1]] == [True, True]
    assert message.rows[1][0].style is Style.SUCCESS
    assert message.content.endswith("→ **2 · Cancel**")


def test_an_error_answer_to_a_reminder_press_is_a_refusal() -> None:
    press = Press(button_id("12", "occ", "snooze1h"))
    error = Reply(kind=Kind.ERROR, text="That reminder isn't yours, so I left it alone.")
    assert press_outcome(press, [error]) is PressOutcome.REFUSED
    done = Reply(kind=Kind.INFO, text="Snoozed until …")
    assert press_outcome(press, [done]) is PressOutcome.ANSWERED


def test_mass_mentions_are_broken_and_others_left() -> None:
    text = "@everyone @here <@123> <@&456> mail@example.com"
    assert without_mass_mentions(text) == (
        "@\u200beveryone @\u200bhere <@123> <@&456> mail@example.com"
    )


def test_subcommands_read_as_the_typed_words() -> None:
    assert reminder_words("remind", when=" in 2  hours", text=" call Sam ", channel_id=5) == (
        "remind <#5> in 2 hours call Sam"
    )
    assert reminder_words("timezone", name="America/New York") == "timezone America/New_York"
    assert reminder_words("channel") == "channel"
    assert reminder_event("stats", server_id=1, channel_id=2, manage=True) == Text(
        "stats", channel="2", server="1", manage=True
    )
    assert reminder_event("stats", server_id=None, channel_id=None, manage=False) == Text("stats")


def test_zone_choices_are_at_most_25_and_match_any_case() -> None:
    assert [c.value for c in zone_choices("kolk")] == ["Asia/Kolkata"]
    assert len(zone_choices("")) == 25
    assert all("us/" in c.value.lower() for c in zone_choices("US/"))
