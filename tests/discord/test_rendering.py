"""Core replies as Discord messages, and Discord input as core events: pure translation."""

from __future__ import annotations

import re

import pytest

from adapters.discord.components import to_view
from adapters.discord.receiving import (
    BUTTON_TEMPLATE,
    command_event_for,
    record_event,
    typed_event,
    user_key,
)
from adapters.discord.rendering import (
    MAX_CHARS,
    ButtonSpec,
    PressOutcome,
    Style,
    closed,
    escape,
    press_outcome,
    render,
)
from bot.common.buttons import button_id
from bot.common.events import Press, Start, Text
from bot.common.replies import Attachment, Button, ButtonRole, Kind, Reply, Section
from bot.common.users import UserKey
from bot.questionnaire import texts


def _question(conv: str = "abcdefgh23", step: str = "rust", notice: str | None = None) -> Reply:
    return Reply(
        kind=Kind.QUESTION,
        text="When did you last do a real interview?",
        notice=notice,
        buttons=(
            Button(button_id(conv, step, "recent"), "In the last few months"),
            Button(button_id(conv, step, "while"), "A year or more ago"),
            Button(button_id(conv, step, "back"), "Back", ButtonRole.CONTROL),
        ),
        progress=(3, 7),
        conversation_id=conv,
        step_id=step,
    )


def test_a_question_shows_progress_then_notice_then_prompt() -> None:
    [message] = render(_question(notice="Got it: Acme."))
    assert message.content == (
        "-# Question 3 of 7\n\n*Got it: Acme.*\n\n**When did you last do a real interview?**"
    )
    assert [[b.label for b in row] for row in message.rows] == [
        ["In the last few months", "A year or more ago"],
        ["Back"],
    ]
    assert [b.style for b in message.rows[1]] == [Style.SECONDARY]


def test_user_text_is_escaped_so_it_cannot_format_the_message() -> None:
    [message] = render(_question(notice="Got it: *Acme* — Data_Analyst `x`."))
    assert r"*Got it: \*Acme\* — Data\_Analyst \`x\`.*" in message.content


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("<t:0:R>", "<\u200bt:0:R>"),
        ("<@&123> <@456> <@!789>", "<\u200b@&123> <\u200b@456> <\u200b@!789>"),
        ("</takeorpass start:1>", "<\u200b/takeorpass start:1>"),
        ("@everyone and @here", "@\u200beveryone and @\u200bhere"),
        (
            "[a](https://x.io) [b](https://y.io)",
            "\\[a]\u200b(https://x.io) [b]\u200b(https://y.io)",
        ),
        ("||secret||", "\\|\\|secret\\|\\|"),
        ("Acme\n# Big\n## Bigger\n-# small\n> quoted\n>>> all", None),
    ],
    ids=["timestamp", "mentions", "command", "mass", "masked-links", "spoiler", "line-starts"],
)
def test_escape_leaves_no_discord_markup_in_user_text(typed: str, shown: str | None) -> None:
    escaped = escape(typed)
    if shown is not None:
        assert escaped == shown
    for line in escaped.splitlines()[1:]:
        assert line.startswith("\\"), line  # a heading, subtext or quote, shown as typed


def test_escape_keeps_a_bare_channel_id_as_a_channel_link() -> None:
    # The bot names channels this way on purpose ("in <#123>"): a link that notifies nobody.
    assert escape("Reminders will go to <#1300000000000000001>.") == (
        "Reminders will go to <#1300000000000000001>."
    )


def test_the_verdict_starts_with_the_verdict_and_the_note_is_a_code_block() -> None:
    reply = Reply(
        kind=Kind.VERDICT,
        text="PASS — Acme\nPass on this one.",
        sections=(Section("Against going", ("Time: it costs you.",)),),
        note=Section("A polite decline you can copy", ("Thanks for ```thinking``` of me.",)),
    )
    [message] = render(reply)
    assert message.content.startswith("PASS — Acme\n")
    assert "**Against going**\n• Time: it costs you." in message.content
    block = message.content.split("**A polite decline you can copy**\n", 1)[1]
    assert block.startswith("```\nThanks for ")
    assert block.endswith("of me.\n```")
    assert block.count("```") == 2  # the user's backticks can't end the block early


def test_a_reply_longer_than_discord_allows_is_split_with_buttons_last() -> None:
    lines = tuple(f"Line {n}: " + "x" * 90 for n in range(60))
    reply = Reply(
        kind=Kind.INFO,
        text="Your past verdicts",
        sections=(Section("Older", lines),),
        buttons=(Button("tp:-:start:new", "Start another", ButtonRole.ACTION),),
    )
    messages = render(reply)
    assert len(messages) > 1
    assert all(len(m.content) <= MAX_CHARS for m in messages)
    assert all(m.rows == () for m in messages[:-1])
    assert [b.label for b in messages[-1].rows[0]] == ["Start another"]
    joined = "\n".join(m.content for m in messages)
    assert all(line.replace("_", r"\_") in joined for line in lines)


def test_buttons_fit_discords_rows_and_ids() -> None:
    many = tuple(Button(f"tp:c:s:v{n}", f"Choice {n}") for n in range(12))
    controls = tuple(Button(f"tp:c:s:w{n}", "w", ButtonRole.CONTROL) for n in range(9))
    too_long = Button("tp:" + "x" * 98, "Too long")
    [message] = render(Reply(kind=Kind.INFO, text="Pick", buttons=(*many, *controls, too_long)))
    assert len(message.rows) == 5
    assert all(1 <= len(row) <= 5 for row in message.rows)
    ids = [b.custom_id for row in message.rows for b in row]
    assert too_long.id not in ids
    assert all(len(i) <= 100 for i in ids)
    long_label = Button("tp:c:s:v", "L" * 120)
    [message] = render(Reply(kind=Kind.INFO, text="Pick", buttons=(long_label,)))
    assert len(message.rows[0][0].label) == 80


def test_a_danger_button_is_red() -> None:
    reply = Reply(
        kind=Kind.INFO,
        text="Delete it all?",
        buttons=(
            Button("tp:-:forget:yes", "Yes", ButtonRole.ACTION, danger=True),
            Button("tp:-:forget:no", "No", ButtonRole.ACTION),
        ),
    )
    [message] = render(reply)
    assert [b.style for b in message.rows[0]] == [Style.DANGER, Style.PRIMARY]


def test_a_closed_message_shows_the_choice_and_disables_every_button() -> None:
    rows = ((ButtonSpec("tp:c:s:a", "A"), ButtonSpec("tp:c:s:b", "B*")),)
    message = closed("**Question?**", rows, Press("tp:c:s:b"), "B*")
    assert message.content == "**Question?**\n→ **B\\***"
    assert [(b.style, b.disabled) for b in message.rows[0]] == [
        (Style.SECONDARY, True),
        (Style.SUCCESS, True),
    ]
    long = closed("x" * MAX_CHARS, rows, Press("tp:c:s:a"), "A")
    assert len(long.content) <= MAX_CHARS


async def test_views_are_made_of_persistent_template_matched_buttons() -> None:
    [message] = render(_question())
    view = to_view(message)
    assert view is not None and view.timeout is None and view.is_persistent()
    assert [c["custom_id"] for row in view.to_components() for c in row["components"]] == [
        b.custom_id for row in message.rows for b in row
    ]
    assert to_view(render(Reply(kind=Kind.INFO, text="hi"))[0]) is None


@pytest.mark.parametrize(
    ("replies", "pressed", "outcome"),
    [
        ([_question(step="dream")], "tp:abcdefgh23:rust:while", PressOutcome.ANSWERED),
        ([_question(notice="why")], "tp:abcdefgh23:rust:why", PressOutcome.UPDATED),
        (
            [Reply(kind=Kind.INFO, text=texts.STALE, refused=True)],
            "tp:old:rust:while",
            PressOutcome.REFUSED,
        ),
        (
            [Reply(kind=Kind.ERROR, text="?", refused=True)],
            "tp:abcdefgh23:rust:zzz",
            PressOutcome.REFUSED,
        ),
        ([Reply(kind=Kind.INFO, text=texts.FORGOTTEN)], "tp:-:forget:yes", PressOutcome.ANSWERED),
        ([], "tp:abcdefgh23:rust:while", PressOutcome.REFUSED),
    ],
    ids=["answer", "why", "stale", "unknown", "forget", "nothing"],
)
def test_what_a_press_did_is_read_from_the_replies(
    replies: list[Reply], pressed: str, outcome: PressOutcome
) -> None:
    assert press_outcome(Press(pressed), replies) is outcome


def test_every_core_button_id_matches_the_persistent_template() -> None:
    template = re.compile(BUTTON_TEMPLATE)
    assert template.fullmatch(button_id("abcdefgh23", "certainty", "no_way"))
    assert template.fullmatch("tp:-:start:new")
    assert not template.fullmatch("other:1:2:3")
    assert not template.fullmatch("tp:" + "x" * 98)


def test_dm_text_and_slash_commands_become_core_events() -> None:
    assert user_key(1400000000000000001) == UserKey("discord", "", "1400000000000000001")
    assert typed_event("2") == Text("2")
    assert typed_event("/takeorpass") == Start()
    assert typed_event("/takeorpass history") == Text("history")
    assert command_event_for("start", "  Acme — Analyst ") == Start("Acme — Analyst")
    assert command_event_for("start", "   ") == Start()
    assert command_event_for("forget") == Text("forget me")
    assert command_event_for("help") == Text("help")


def _files(count: int) -> tuple[Attachment, ...]:
    return tuple(Attachment(f"f{i}.csv", b"x", "text/csv") for i in range(count))


def test_a_replys_files_go_with_the_last_message_of_its_text() -> None:
    reply = Reply(kind=Kind.INFO, text="a" * 1500 + "\n\n" + "b" * 1500, files=_files(2))
    first, last = render(reply)
    assert first.files == () and last.files == _files(2)
    assert render(Reply(kind=Kind.INFO, text="no files"))[0].files == ()


def test_more_than_ten_files_go_ten_to_a_message() -> None:
    messages = render(Reply(kind=Kind.INFO, text="Your record", files=_files(12)))
    assert [len(m.files) for m in messages] == [10, 2]
    assert [m.content for m in messages] == ["Your record", ""]


def test_export_and_weekly_subcommands_read_as_the_words_typed_in_the_dm() -> None:
    assert record_event("export") == Text("export")
    assert record_event("weekly", "on") == Text("weekly on")
    assert record_event("weekly", "off") == Text("weekly off")
