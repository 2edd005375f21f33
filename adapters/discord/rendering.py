"""Core replies as Discord messages: escaped markdown within 2,000 characters, buttons in rows.

Everything here is plain data and pure functions, so it can be checked without a client; the
client turns `OutMessage.rows` into persistent buttons (`adapters.discord.components`)."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Final

from discord.utils import escape_markdown

from adapters.discord.forms import FORM_BUTTON, form_id
from bot.common.buttons import INTERVIEW_STEP, is_reminder_button
from bot.common.events import Press
from bot.common.replies import Attachment, Button, ButtonRole, Item, Kind, Reply

# Discord's limits (https://discord.com/developers/docs/components/reference).
MAX_CHARS: Final = 2000
MAX_PER_ROW: Final = 5
MAX_ROWS: Final = 5
MAX_CUSTOM_ID: Final = 100
MAX_LABEL: Final = 80
MAX_FILES: Final = 10  # attachments a message may carry

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
# The one answer to an interaction from where the bot does not work (another people's DM or
# group DM, a server it was never added to).
ONLY_WHERE_I_WORK: Final = (
    "I only work in servers I've been added to and in a DM with me: run /takeorpass in one of "
    "those, or send me a direct message."
)
NOT_DELIVERED: Final = (
    "Discord wouldn't take my reply just now. Type help in our DM to see where you are."
)
# Files (an export) go only to the user's DM; what a server is told instead.
FILES_IN_DM: Final = "Your files are in our DM: {link}"
FILES_DMS_CLOSED: Final = (
    "I can't send you direct messages, and your files only go there. To allow them, open this "
    "server's menu (click its name), choose Privacy Settings and turn on Direct Messages, "
    "then run /takeorpass export again in a minute."
)
FILES_NOT_DELIVERED: Final = (
    "Discord wouldn't take your files just now; nothing was changed. Run export again in a minute."
)


_MASS_MENTION = re.compile(r"@(everyone|here)")
# "<" opening Discord markup (<t:0:R>, <@id>, <@&id>, </cmd:id>, <:emoji:id>), but not a bare
# channel id <#123>.
_MARKUP_OPEN = re.compile(r"<(?!#\d+>)")


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
    """One Discord message: markdown content, rows of buttons (at most 5 by 5) and files
    (at most 10), which go only to the user's DM."""

    content: str
    rows: tuple[tuple[ButtonSpec, ...], ...] = ()
    files: tuple[Attachment, ...] = ()


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
    """Text that may hold what a user typed, shown as typed: no markdown (bold, strike-through,
    code, spoilers, headings, quotes, masked links) and no `<…>` markup (timestamps, user, role
    and command mentions), with `@everyone`/`@here` broken by a zero-width space.

    Only a bare channel id, `<#123>`, stays: the bot names channels that way on purpose, and
    a channel link notifies nobody. Nothing could ping anyway: every message goes out with
    `AllowedMentions.none()`, or, for a reminder in a DM, allowing only its owner."""
    escaped = escape_markdown(text)
    # escape_markdown escapes only the first "[" of a line; breaking "](" ends every link.
    escaped = escaped.replace("](", "]\u200b(")
    escaped = _MARKUP_OPEN.sub("<\u200b", escaped)
    return without_mass_mentions(escaped)


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


def _own_rows(reply: Reply) -> tuple[tuple[ButtonSpec, ...], ...]:
    rows = button_rows(reply.buttons)
    if reply.step_id == INTERVIEW_STEP and reply.conversation_id and len(rows) < MAX_ROWS:
        # "When is the interview?": besides typing it, a form to enter it in.
        form = ButtonSpec(form_id(reply.conversation_id), FORM_BUTTON, Style.PRIMARY)
        if len(form.custom_id) <= MAX_CUSTOM_ID:
            rows += ((form,),)
    return rows


# A list item's buttons say which line they act on: "2 · Cancel".
_ITEM_LABEL: Final = re.compile(r"^\d+ · ")


def _item_rows(number: int, item: Item) -> tuple[tuple[ButtonSpec, ...], ...]:
    # Several items share a message, so each button says which line it acts on.
    specs = [
        ButtonSpec(b.id, _label(f"{number} · {b.label}"), _style(b))
        for b in item.buttons
        if 0 < len(b.id) <= MAX_CUSTOM_ID
    ]
    rows = [tuple(specs[i : i + MAX_PER_ROW]) for i in range(0, len(specs), MAX_PER_ROW)]
    return tuple(rows[:MAX_ROWS])


def _item_line(number: int, item: Item) -> str:
    line = f"{number}. {escape(item.text)}"
    return line if len(line) <= MAX_CHARS else line[: MAX_CHARS - 1] + "…"


def _add_items(messages: list[OutMessage], items: Sequence[Item]) -> list[OutMessage]:
    """Each item a numbered line with its buttons in rows of its own, on the same message as
    its line; a message takes items while its text and its 5 rows have room."""
    for number, item in enumerate(items, start=1):
        line, rows = _item_line(number, item), _item_rows(number, item)
        last = messages[-1]
        gap = "\n\n" if number == 1 else "\n"  # a blank line between the text and the list
        joined = f"{last.content}{gap}{line}" if last.content else line
        if len(joined) <= MAX_CHARS and len(last.rows) + len(rows) <= MAX_ROWS:
            messages[-1] = OutMessage(joined, last.rows + rows)
        else:
            messages.append(OutMessage(line, rows))
    return messages


def render(reply: Reply) -> list[OutMessage]:
    """One reply as one message, or several when it is longer than Discord allows; the
    reply's buttons go on the last message of its text, and its items (lines with buttons of
    their own) follow, several to a message."""
    chunks = _pack(_blocks(reply))
    messages = [OutMessage(chunk) for chunk in chunks]
    # The files go with the last of the reply's text, ten to a message.
    files = [reply.files[i : i + MAX_FILES] for i in range(0, len(reply.files), MAX_FILES)]
    messages[-1] = replace(messages[-1], rows=_own_rows(reply), files=files[0] if files else ())
    messages += [OutMessage("", files=more) for more in files[1:]]
    if reply.items:
        messages = _add_items(messages, reply.items)
    return messages


def has_files(messages: Iterable[OutMessage]) -> bool:
    """Whether any of the messages carries files (they go only to the user's DM)."""
    return any(message.files for message in messages)


def render_all(replies: Iterable[Reply]) -> list[OutMessage]:
    """Every reply, in order, as the messages to send."""
    return [message for reply in replies for message in render(reply)]


def plain(replies: Iterable[Reply]) -> str:
    """Replies as one short text without buttons, for a note only the presser sees."""
    text = "\n\n".join(m.content for m in render_all(replies))
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


def press_outcome(pressed: Press, replies: Sequence[Reply]) -> PressOutcome:
    """Read what a press did from the core's answer to it: refused (the core says it changed
    nothing), the same question shown again, or answered."""
    button = pressed.button
    if button is None or not replies or replies[0].refused:
        return PressOutcome.REFUSED
    first = replies[0]
    if is_reminder_button(button) and first.kind is Kind.ERROR:
        # The reminder service changes nothing when it answers a press with an error (not
        # yours, already gone): a refusal, for the presser's eyes only.
        return PressOutcome.REFUSED
    if (
        first.kind is Kind.QUESTION
        and first.conversation_id == button.scope
        and first.step_id == button.step
        and len(render(first)) == 1
    ):
        return PressOutcome.UPDATED
    return PressOutcome.ANSWERED


def opens_choices(pressed: Press) -> bool:
    """A press that only offers choices (a listed reminder's Snooze): the pressed row stays
    usable, since nothing was done yet."""
    button = pressed.button
    return button is not None and (button.step, button.value) == ("occ", "snooze")


def closed(
    content: str, rows: Sequence[Sequence[ButtonSpec]], pressed: Press | None, label: str
) -> OutMessage:
    """The pressed message once answered: it shows the choice, and its buttons are disabled,
    the pressed one green. A listed reminder's button closes only its own row: on a
    `reminders` list each (numbered) row belongs to one reminder, and the others stay usable;
    a reminder post (Done, the snooze choices, Stop: two rows) closes whole. Without a press
    (a form answered), every button is disabled."""
    suffix = f"\n→ **{escape(label)}**"
    if len(content) + len(suffix) > MAX_CHARS:
        content = content[: MAX_CHARS - len(suffix) - 1] + "…"
    pressed_id = pressed.button_id if pressed is not None else None
    row_only = (
        pressed is not None
        and pressed.button is not None
        and is_reminder_button(pressed.button)
        and any(b.custom_id == pressed_id and _ITEM_LABEL.match(b.label) for r in rows for b in r)
    )

    def close(row: Sequence[ButtonSpec]) -> tuple[ButtonSpec, ...]:
        if row_only and all(b.custom_id != pressed_id for b in row):
            return tuple(row)
        return tuple(
            replace(
                b,
                style=Style.SUCCESS if b.custom_id == pressed_id else Style.SECONDARY,
                disabled=True,
            )
            for b in row
        )

    return OutMessage(content + suffix, tuple(close(row) for row in rows))


def without_mass_mentions(text: str) -> str:
    """`@everyone` and `@here` with a zero-width space after the @, so that they do not even
    look like mentions (allowed_mentions already keeps them from pinging)."""
    return _MASS_MENTION.sub("@\u200b\\1", text)
