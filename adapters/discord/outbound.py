"""Core replies as Discord messages: escaped markdown within 2,000 characters, buttons in rows.

Everything here is plain data and pure functions, so it can be checked without a client; the
client turns `OutMessage.rows` into persistent buttons (`adapters.discord.components`)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Final

from discord.utils import escape_markdown

from bot.replies import Button, ButtonRole, Kind, Reply
from bot.views import parse_button

# Discord's limits (https://discord.com/developers/docs/components/reference).
MAX_CHARS: Final = 2000
MAX_PER_ROW: Final = 5
MAX_ROWS: Final = 5
MAX_CUSTOM_ID: Final = 100
MAX_LABEL: Final = 80

# The bot's own Discord wording.
CONTINUING_IN_DM: Final = "Continuing in your DMs: {link}"
DMS_CLOSED: Final = (
    "I can't send you direct messages, so we can't continue there. To allow them, open this "
    "server's menu (click its name), choose Privacy Settings and turn on Direct Messages, "
    "then run /takeorpass start again."
)
NOT_SAVED: Final = (
    "Sorry, something went wrong on my side and nothing was changed. Please try again in a moment."
)
NOT_DELIVERED: Final = (
    "Discord wouldn't take my reply just now. Type help in our DM to see where you are."
)


class Style(enum.StrEnum):
    """Button colours, named as Discord names them."""

    PRIMARY = "primary"
    SECONDARY = "secondary"
    SUCCESS = "success"
    DANGER = "danger"


@dataclass(frozen=True)
class ButtonSpec:
    """One button as Discord shows it; `custom_id` is the core's `tp:…` id."""

    custom_id: str
    label: str
    style: Style = Style.PRIMARY
    disabled: bool = False


@dataclass(frozen=True)
class OutMessage:
    """One Discord message: markdown content and rows of buttons (at most 5 by 5)."""

    content: str
    rows: tuple[tuple[ButtonSpec, ...], ...] = ()


class PressOutcome(enum.Enum):
    """What a button press did, which decides what happens to the message it was on."""

    # The core moved on: the pressed message shows the choice, its buttons go grey, and the
    # replies follow as new messages.
    ANSWERED = "answered"
    # The same question again (why, help, already the first question): edit it in place.
    UPDATED = "updated"
    # Nothing happened (already answered, expired, unknown): say so to the presser only.
    REFUSED = "refused"


def escape(text: str) -> str:
    """Escape Discord markdown in text that may hold what the user typed.

    Mentions are left as typed: every message goes out with `AllowedMentions.none()` (set
    on the client and passed on each call), so `@everyone` or `<@id>` can ping nobody."""
    return escape_markdown(text)


def _code_block(lines: Iterable[str]) -> str:
    # Text meant to be copied as is: no escaping inside, but it must not close the block.
    body = "\n".join(lines).replace("```", "`\u200b`\u200b`")
    return f"```\n{body}\n```"


def _label(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _style(button: Button) -> Style:
    if button.danger:
        return Style.DANGER
    return Style.SECONDARY if button.role is ButtonRole.CONTROL else Style.PRIMARY


def button_rows(buttons: Sequence[Button]) -> tuple[tuple[ButtonSpec, ...], ...]:
    """Answer buttons first, then controls and actions, each group on its own rows."""
    usable = [b for b in buttons if 0 < len(b.id) <= MAX_CUSTOM_ID]
    groups = (
        [b for b in usable if b.role is ButtonRole.CHOICE],
        [b for b in usable if b.role is not ButtonRole.CHOICE],
    )
    rows: list[tuple[ButtonSpec, ...]] = []
    for group in groups:
        specs = [ButtonSpec(b.id, _label(b.label), _style(b)) for b in group]
        rows += [tuple(specs[i : i + MAX_PER_ROW]) for i in range(0, len(specs), MAX_PER_ROW)]
    return tuple(rows[:MAX_ROWS])


def _blocks(reply: Reply) -> list[str]:
    """The reply as paragraphs of markdown, in reading order."""
    blocks: list[str] = []
    if reply.progress_text:
        blocks.append(f"-# {reply.progress_text}")
    if reply.notice:
        blocks.append(f"*{escape(reply.notice)}*")
    if reply.kind is Kind.QUESTION:
        blocks.append(f"**{escape(reply.text)}**")
    else:
        # A verdict's first line is the verdict itself, left bare so the message starts with it.
        blocks.append(escape(reply.text))
    for section in reply.sections:
        lines = [f"• {escape(line)}" for line in section.lines]
        if section.title != reply.text:
            lines.insert(0, f"**{escape(section.title)}**")
        blocks.append("\n".join(lines))
    if reply.note is not None:
        blocks.append(f"**{escape(reply.note.title)}**\n{_code_block(reply.note.lines)}")
    return blocks


def _pack(blocks: list[str], limit: int = MAX_CHARS) -> list[str]:
    """Join paragraphs into as few messages as fit; cut a paragraph only if it alone is too
    long."""
    chunks: list[str] = []
    current = ""
    for block in blocks:
        while len(block) > limit:
            if current:
                chunks.append(current)
                current = ""
            cut = block.rfind("\n", 0, limit)
            cut = cut if cut > 0 else limit
            chunks.append(block[:cut])
            block = block[cut:].lstrip("\n")
        joined = f"{current}\n\n{block}" if current else block
        if len(joined) <= limit:
            current = joined
        else:
            chunks.append(current)
            current = block
    if current or not chunks:
        chunks.append(current)
    return chunks


def render(reply: Reply) -> list[OutMessage]:
    """One reply as one message, or several when it is longer than Discord allows; the
    buttons go on the last."""
    chunks = _pack(_blocks(reply))
    messages = [OutMessage(chunk) for chunk in chunks]
    messages[-1] = replace(messages[-1], rows=button_rows(reply.buttons))
    return messages


def render_all(replies: Iterable[Reply]) -> list[OutMessage]:
    """Every reply, in order, as the messages to send."""
    return [message for reply in replies for message in render(reply)]


def plain(replies: Iterable[Reply]) -> str:
    """Replies as one short text without buttons, for a note only the presser sees."""
    text = "\n\n".join(m.content for m in render_all(replies))
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


def press_outcome(custom_id: str, replies: Sequence[Reply]) -> PressOutcome:
    """Read what a press did from the core's answer to it: refused (the core says it changed
    nothing), the same question shown again, or answered."""
    parsed = parse_button(custom_id)
    if parsed is None or not replies or replies[0].refused:
        return PressOutcome.REFUSED
    first = replies[0]
    scope, step, _value = parsed
    if (
        first.kind is Kind.QUESTION
        and first.conversation_id == scope
        and first.step_id == step
        and len(render(first)) == 1
    ):
        return PressOutcome.UPDATED
    return PressOutcome.ANSWERED


def closed(
    content: str, rows: Sequence[Sequence[ButtonSpec]], pressed_id: str, label: str
) -> OutMessage:
    """The pressed message once answered: it shows the choice, and every button is disabled,
    the pressed one green."""
    suffix = f"\n→ **{escape(label)}**"
    if len(content) + len(suffix) > MAX_CHARS:
        content = content[: MAX_CHARS - len(suffix) - 1] + "…"
    greyed = tuple(
        tuple(
            replace(
                b,
                style=Style.SUCCESS if b.custom_id == pressed_id else Style.SECONDARY,
                disabled=True,
            )
            for b in row
        )
        for row in rows
    )
    return OutMessage(content + suffix, greyed)
