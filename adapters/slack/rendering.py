"""Core replies as Block Kit: mrkdwn text escaped, labels as plain text, within Slack's limits;
and what an answered press does to the message that was pressed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, Final, TypedDict

from bot.common.buttons import INTERVIEW_STEP, button_id
from bot.common.events import Press
from bot.common.replies import Button, ButtonRole, Item, Kind, Reply, Section
from bot.questionnaire.state import OUTCOMES

Block = dict[str, Any]

# Block Kit limits (https://api.slack.com/reference/block-kit).
MAX_SECTION_CHARS: Final = 3000
MAX_BUTTON_LABEL: Final = 75
MAX_BUTTON_VALUE: Final = 2000
MAX_ACTIONS: Final = 25
MAX_MESSAGE_BLOCKS: Final = 50
MAX_HOME_BLOCKS: Final = 100

# Every button we render gets an action_id of this form; the app listens for exactly these.
ACTION_ID_PATTERN: Final = re.compile(r"^tp_\d+$")

_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")
# A channel named by id, as the core writes it ("in <#C0123>"): a link, never a ping.
_CHANNEL_LINK = re.compile(r"&lt;#([CG][A-Z0-9]{2,30})&gt;")
# mrkdwn's marks: *bold*, _italic_, ~strike~ and `code`. mrkdwn has no backslash escape, but a
# mark only counts next to a space, punctuation or the end of the line; an invisible WORD
# JOINER on each side of it is none of those, so the mark shows as itself.
_MARK = re.compile(r"[*_~`]")
JOINER: Final = "\u2060"
# A line that starts with ">" is a quote; a joiner in front keeps it a plain ">".
_QUOTE = re.compile(r"^(\s*)&gt;", re.MULTILINE)


class Message(TypedDict):
    """What chat.postMessage, chat.update and response_url take: fallback text and blocks."""

    text: str
    blocks: list[Block]


def escape_entities(text: str) -> str:
    """Escape the three characters Slack reads as markup (&, <, >), so text can link or ping
    no one; enough inside a preformatted block, where nothing else is markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape(text: str) -> str:
    """Text, as typed, for a mrkdwn field: it can link or ping no one (&, <, > as entities),
    and marks such as `*bold*`, `_it_`, `~s~`, backticks and a leading `>` show as they were
    typed rather than format. A bare channel id in brackets (`<#C0123>`) stays a channel
    link: it notifies nobody. Every piece of text the adapter shows in mrkdwn passes here."""
    escaped = _MARK.sub(lambda m: f"{JOINER}{m.group()}{JOINER}", escape_entities(text))
    escaped = _QUOTE.sub(rf"\1{JOINER}&gt;", escaped)
    return _CHANNEL_LINK.sub(r"<#\1>", escaped)


def _fit(mrkdwn: str, limit: int = MAX_SECTION_CHARS) -> str:
    """Cut escaped text to `limit` characters without leaving half an entity behind."""
    if len(mrkdwn) <= limit:
        return mrkdwn
    return _PARTIAL_ENTITY.sub("", mrkdwn[: limit - 1]) + "…"


def _label(text: str) -> str:
    return text if len(text) <= MAX_BUTTON_LABEL else text[: MAX_BUTTON_LABEL - 1] + "…"


def _bold(text: str) -> str:
    # Slack's bold does not span lines, so each line gets its own asterisks.
    return "\n".join(f"*{line}*" if line.strip() else line for line in text.split("\n"))


def section(mrkdwn: str) -> Block:
    """A section block; `mrkdwn` must already be escaped."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": _fit(mrkdwn)}}


def context(mrkdwn: str) -> Block:
    """A small grey line; `mrkdwn` must already be escaped."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": _fit(mrkdwn)}]}


class _ActionIds:
    """Hands out `tp_0`, `tp_1`, …: action ids must be unique within one message or view."""

    def __init__(self) -> None:
        self._next = 0

    def take(self) -> str:
        action_id = f"tp_{self._next}"
        self._next += 1
        return action_id


def button(btn: Button, action_id: str, *, primary: bool = False) -> Block:
    """One button: the label as plain text (no markup at all), the core's id as its value."""
    element: Block = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": _label(btn.label), "emoji": True},
        "value": btn.id[:MAX_BUTTON_VALUE],
    }
    if btn.danger:
        element["style"] = "danger"
    elif primary:
        element["style"] = "primary"
    return element


def _actions(
    buttons: Sequence[Button], ids: _ActionIds, block_id: str, *, primary: bool = False
) -> list[Block]:
    blocks = []
    for start in range(0, len(buttons), MAX_ACTIONS):
        chunk = buttons[start : start + MAX_ACTIONS]
        blocks.append(
            {
                "type": "actions",
                "block_id": f"{block_id}_{start // MAX_ACTIONS}" if start else block_id,
                "elements": [button(b, ids.take(), primary=primary) for b in chunk],
            }
        )
    return blocks


def _list_sections(title: str, lines: Iterable[str]) -> list[Block]:
    """A titled bullet list, split over several sections if it outgrows one."""
    blocks: list[Block] = []
    current = f"*{escape(title)}*"
    for line in lines:
        item = f"• {escape(line)}"
        if len(current) + 1 + len(item) > MAX_SECTION_CHARS and current:
            blocks.append(section(current))
            current = ""
        current = f"{current}\n{item}" if current else item
    if current:
        blocks.append(section(current))
    return blocks


def _note(note: Section) -> list[Block]:
    # A preformatted block is easy to select and copy, and shows marks as they are, so the
    # note is copied exactly as written; only ``` inside it would end it early.
    body = escape_entities("\n".join(note.lines)).replace("```", "'''")
    return [section(f"*{escape(note.title)}*"), section(f"```{body}```")]


ITEM_BLOCK: Final = "tp_item"
MORE_ITEMS: Final = "…and {count} more not shown here."


def item_blocks(items: Sequence[Item], ids: _ActionIds, block_id: str, budget: int) -> list[Block]:
    """A list whose lines carry their own buttons: a section per line, then its buttons, in at
    most `budget` blocks; what does not fit is counted on a last line."""
    blocks: list[Block] = []
    fits = len(items) if 2 * len(items) <= budget else max((budget - 1) // 2, 0)
    for number, item in enumerate(items[:fits]):
        blocks.append(section(escape(item.text)))
        if item.buttons:
            blocks += _actions(item.buttons, ids, f"{block_id}_{number}")[:1]
    left = len(items) - fits
    if left and budget > len(blocks):
        blocks.append(context(escape(MORE_ITEMS.format(count=left))))
    return blocks


def reply_blocks(
    reply: Reply, ids: _ActionIds, index: int = 0, budget: int = MAX_MESSAGE_BLOCKS
) -> list[Block]:
    """The blocks for one reply, within `budget` blocks."""
    blocks: list[Block] = []
    if reply.progress_text:
        blocks.append(context(escape(reply.progress_text)))
    if reply.notice:
        blocks.append(section(escape(reply.notice)))
    if reply.kind is Kind.VERDICT:
        # The verdict line first, in bold; it starts with TAKE IT, LEAN TAKE or PASS.
        heading, _, rest = reply.text.partition("\n")
        blocks.append(section("\n".join(p for p in (_bold(escape(heading)), escape(rest)) if p)))
    elif reply.kind is Kind.QUESTION:
        blocks.append(section(_bold(escape(reply.text))))
    else:
        blocks.append(section(escape(reply.text)))
    for sec in reply.sections:
        blocks += _list_sections(sec.title, sec.lines)
    tail: list[Block] = []
    if reply.note is not None:
        tail += _note(reply.note)
    suffix = f"_{index}" if index else ""
    if reply.choices:
        tail += _actions(reply.choices, ids, f"tp_choices{suffix}")
    if reply.controls:
        tail += _actions(reply.controls, ids, f"tp_controls{suffix}")
    if reply.items:
        room = budget - len(blocks) - len(tail)
        blocks += item_blocks(reply.items, ids, f"{ITEM_BLOCK}_{index}", room)
    return blocks + tail


def fallback_text(reply: Reply) -> str:
    """The message's `text`: what notifications and screen readers show."""
    if reply.kind is Kind.VERDICT:
        return escape(reply.text)
    parts = (reply.progress_text, reply.text)
    return escape(": ".join(p for p in parts if p))


KEEP_COPY: Final = "Keep a copy"
# Step of the Slack-only button under an ephemeral verdict: `tp:<conversation id>:copy:dm`.
COPY_STEP: Final = "copy"


def with_copy_button(reply: Reply) -> Reply:
    """A verdict shown ephemerally vanishes on reload, decline note and all: offer to send a
    copy to the user's DM with the app."""
    if reply.kind is not Kind.VERDICT or reply.conversation_id is None:
        return reply
    copy = Button(button_id(reply.conversation_id, COPY_STEP, "dm"), KEEP_COPY, ButtonRole.ACTION)
    return reply._replace(buttons=(*reply.buttons, copy))


def message(replies: Sequence[Reply], *, keep_copy: bool = False) -> Message:
    """One Slack message for everything one event produced, replies separated by dividers.
    With `keep_copy` (an ephemeral message), verdicts get a "Keep a copy" button."""
    if keep_copy:
        replies = [with_copy_button(reply) for reply in replies]
    ids = _ActionIds()
    blocks: list[Block] = []
    for index, reply in enumerate(replies):
        if blocks:
            blocks.append({"type": "divider"})
        blocks += reply_blocks(reply, ids, index, MAX_MESSAGE_BLOCKS - len(blocks))
    text = "\n".join(fallback_text(r) for r in replies)
    return {"text": _fit(text), "blocks": blocks[:MAX_MESSAGE_BLOCKS]}


def notice(text: str) -> Message:
    """A one-line message of our own (errors and the like)."""
    return {"text": escape(text), "blocks": [section(escape(text))]}


# What any listener says when the engine failed (listeners.py, form_listeners.py).
FAILED: Final = "Something went wrong on my side and nothing was changed. Please try again."


HOME_TITLE: Final = "Take or Pass"
HOME_INTRO: Final = (
    "Not sure an interview is worth your time? Answer seven quick questions and get a "
    "verdict with its reasons. Only you can see your answers and verdicts."
)
HOME_WHERE: Final = (
    "The questions arrive in the Messages tab, where you can press buttons or type answers. "
    "You can also run {command} in any channel: only you will see it."
)
HOME_START: Final = "Start a new questionnaire"
HOME_EMPTY: Final = "No verdicts yet. Your verdicts will be listed here."


HOME_REMINDERS: Final = "Your upcoming reminders"
HOME_JOB_HUNT: Final = "Job-hunt channel for reminders: <#{channel}>"
HOME_NO_JOB_HUNT: Final = (
    "No job-hunt channel yet: run {command} channel in the channel you want "
    "(invite the app there first)."
)
# Blocks kept for the history below the reminders, so a long reminder list can't push it out.
HOME_HISTORY_ROOM: Final = 12


def _home_reminders(
    reminders: Reply, job_hunt: str | None, ids: _ActionIds, command: str, budget: int
) -> list[Block]:
    blocks: list[Block] = [section(f"*{escape(HOME_REMINDERS)}*")]
    if job_hunt:
        blocks.append(context(escape(HOME_JOB_HUNT.format(channel=job_hunt))))
    else:
        blocks.append(context(escape(HOME_NO_JOB_HUNT.format(command=command))))
    if reminders.items:
        room = budget - len(blocks) - 1
        blocks += item_blocks(reminders.items, ids, ITEM_BLOCK, room)
    else:
        blocks.append(section(escape(reminders.text)))
    blocks.append({"type": "divider"})
    return blocks


def home_view(
    history: Reply,
    *,
    start: Button,
    command: str,
    reminders: Reply | None = None,
    job_hunt: str | None = None,
) -> Block:
    """The App Home tab: what the app does, a start button, the user's upcoming reminders with
    their buttons and the job-hunt channel (when reminders run), and the past verdicts
    (`history` is the core's history reply), within Slack's 100 blocks."""
    ids = _ActionIds()
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": HOME_TITLE}},
        section(escape(HOME_INTRO)),
        *_actions([Button(start.id, HOME_START, ButtonRole.ACTION)], ids, "tp_home", primary=True),
        context(escape(HOME_WHERE.format(command=command))),
        {"type": "divider"},
    ]
    if reminders is not None:
        budget = MAX_HOME_BLOCKS - len(blocks) - HOME_HISTORY_ROOM
        blocks += _home_reminders(reminders, job_hunt, ids, command, budget)
    if history.sections:
        for sec in history.sections:
            blocks += _list_sections(sec.title, sec.lines)
    else:
        blocks.append(section(escape(HOME_EMPTY)))
    return {"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}


# --- what a press does to the pressed message ------------------------------------------------


def replaces_pressed(pressed: Press, replies: Sequence[Reply]) -> bool:
    """Whether the answer to a press takes the place of the pressed message.

    The next question, the verdict, or a prompt's outcome supersede the message. A stale or
    unknown press leaves it alone and adds a note below, and "start another" or "set interview
    reminders" under a verdict open a new message, so the verdict and its decline note stay
    readable."""
    button = pressed.button
    if button is None or not replies or replies[0].refused:
        return False
    if button.step in ("start", "history", INTERVIEW_STEP):
        # "Set interview reminders" asks when: the verdict stays above the question.
        return False
    first = replies[0]
    return (
        button.step in ("resume", "forget")
        or first.kind in (Kind.QUESTION, Kind.VERDICT)
        or bool(first.buttons)
    )


def accepted(replies: Sequence[Reply]) -> bool:
    """Whether the core did what the press asked (not refused, not an error)."""
    return bool(replies) and not replies[0].refused and replies[0].kind is not Kind.ERROR


# What a settled reminder post or list line says instead of its buttons.
DONE: Final = {
    ("occ", "snooze1h"): "Snoozed 1 hour",
    ("occ", "snooze1d"): "Snoozed 1 day",
    ("occ", "done"): "Done",
    ("occ", "s20m"): "Snoozed 20 minutes",
    ("occ", "s1h"): "Snoozed 1 hour",
    ("occ", "s3h"): "Snoozed 3 hours",
    ("occ", "smorning"): "Snoozed until tomorrow morning",
    ("occ", "sweek"): "Snoozed until next week",
    ("occ", "cancel"): "Cancelled",
    ("rem", "stop"): "Stopped",
    ("rem", "undo"): "Undone",
    **{("out", value): label for value, label in OUTCOMES.items()},
}


def opens_choices(pressed: Press) -> bool:
    """A press that only offers choices (a listed reminder's Snooze): the pressed line keeps
    its buttons, since nothing was done yet."""
    button = pressed.button
    return button is not None and (button.step, button.value) == ("occ", "snooze")


def settled_blocks(blocks: Sequence[Block], block_id: str, pressed: Press) -> list[Block]:
    """The pressed message with what was chosen in place of its buttons: only the pressed
    line's buttons in a list, every button of a single post."""
    button = pressed.button
    done = DONE.get((button.step, button.value), "Done") if button is not None else "Done"
    mark = context(escape(f"✓ {done}"))
    if block_id.startswith(ITEM_BLOCK):
        return [mark if b.get("block_id") == block_id else b for b in blocks]
    kept = [b for b in blocks if b.get("type") != "actions"]
    return [*kept, mark]
