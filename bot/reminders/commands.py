"""The reminder commands as typed: `remind`, `reminders`, `timezone`, `channel`, `stats`, and
managing them: `remind list`, `remind delete 2`, `reminders clear`, `edit 2 …`. Pure: this reads
the words; the service does what they ask."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from bot.reminders import zones

# Channel references as both chat platforms write them in message text: <#C0123|name>, <#123>.
_CHANNEL_REF = re.compile(r"<#([A-Za-z0-9]+)(?:\|[^>]*)?>")
_LOOSE_CHANNEL = re.compile(r"#[\w-]+")
# "remind me in 5 minutes to stretch": "me" and "to" are how people talk, not the reminder.
_ME = re.compile(r"^me\b\s*", re.IGNORECASE)
_TO = re.compile(r"^to\s+", re.IGNORECASE)
# Managing, checked before `remind <when> <text>`: only these exact forms, so that
# "remind me to cancel 2 subscriptions tomorrow" stays a reminder.
_LIST_WORDS: Final = frozenset({"list", "ls", "show"})
_DELETE_WORDS: Final = frozenset({"delete", "cancel", "remove", "del", "rm"})
_CLEAR_WORDS: Final = frozenset({"clear", "clear all", "delete all", "cancel all"})
_ITEM = re.compile(r"^#?(\d{1,4})$")
_EDIT = re.compile(r"^#?(\d{1,4})(?:\s+(.*))?$", re.DOTALL)


class JobHunt:
    """`remind channel …`: the workspace's job-hunt channel."""


JOB_HUNT: Final = JobHunt()


@dataclass(frozen=True)
class Remind:
    """`remind [#channel | channel] <when> <text>`; `channel` None is the user's DM."""

    rest: str
    channel: str | JobHunt | None = None
    unclear_channel: bool = False


@dataclass(frozen=True)
class ListReminders:
    """`reminders`."""


@dataclass(frozen=True)
class CancelItem:
    """`remind delete 2` / `remind cancel 2`: item 2 of the user's `reminders` list."""

    number: int


@dataclass(frozen=True)
class ClearReminders:
    """`reminders clear` / `remind clear`: cancel all of the user's, once confirmed."""


@dataclass(frozen=True)
class SnoozeItem:
    """`snooze 2 1 hour`: item 2 of the user's `reminders` list, put off by one of the snooze
    choices named in `words` (empty: show the choices)."""

    number: int
    words: str = ""


@dataclass(frozen=True)
class EditItem:
    """`edit 2 <new time or new text>`; `words` empty asks for them."""

    number: int
    words: str = ""


@dataclass(frozen=True)
class EditReminder:
    """An edit by form, for one occurrence: the console's typed line (`typed`, read like the
    words of `edit N …`), or Slack's and Discord's modal with its two fields (`when`, `text`;
    a field left as it was prefilled changes nothing)."""

    occurrence_id: int
    typed: str | None = None
    when: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class SetTimezone:
    """`timezone [name]`; no name shows the current one."""

    name: str | None


@dataclass(frozen=True)
class SetChannel:
    """`channel [#channel]`; no channel means the one the command was typed in."""

    channel: str | None
    unclear_channel: bool = False


@dataclass(frozen=True)
class ShowStats:
    """`stats`."""


Command = (
    Remind
    | ListReminders
    | CancelItem
    | ClearReminders
    | EditItem
    | SnoozeItem
    | SetTimezone
    | SetChannel
    | ShowStats
)


def is_command(raw: str) -> bool:
    """Whether a message is a reminder command. Only the exact forms count, so that a company
    called "Channel 4" or "Stats Inc" typed at the company step stays a company."""
    return parse_command(raw) is not None


def _channel_ref(text: str) -> tuple[str | None, str, bool]:
    """A leading channel reference: (channel id or None, the rest, whether a # was unclear)."""
    match = _CHANNEL_REF.match(text)
    if match:
        return match.group(1), text[match.end() :].strip(), False
    loose = _LOOSE_CHANNEL.match(text)
    if loose:
        return None, text[loose.end() :].strip(), True
    return None, text, False


def parse_command(raw: str) -> Command | None:
    """The command in a message, or None if it isn't one."""
    stripped = raw.strip()
    first, _, rest = stripped.partition(" ")
    word = first.lower()
    rest = rest.strip()
    if word in ("reminders", "reminder") and not rest:
        return ListReminders()
    if word == "edit" and (edit := _EDIT.match(rest)):
        return EditItem(int(edit.group(1)), (edit.group(2) or "").strip())
    if word == "snooze" and (snooze := _EDIT.match(rest)):
        return SnoozeItem(int(snooze.group(1)), (snooze.group(2) or "").strip())
    if word in ("remind", "reminder", "reminders") and (managing := _managing(rest)):
        return managing
    if word in ("remind", "reminder"):
        rest = _ME.sub("", rest)
        if rest.lower().startswith("channel "):
            return Remind(rest[len("channel ") :].strip(), JOB_HUNT)
        channel, rest, unclear = _channel_ref(rest)
        return Remind(rest, channel, unclear)
    if word == "timezone" and _zone_words(rest):
        return SetTimezone(rest or None)
    if word == "channel":
        channel, after, unclear = _channel_ref(rest)
        if after:
            return None
        return SetChannel(channel, unclear)
    if word == "stats" and not rest:
        return ShowStats()
    return None


def _zone_words(rest: str) -> bool:
    """`timezone` with nothing or one word is the command; with a few words ("New York",
    "Eastern Standard Time", "UTC + 2") only if they name a zone, so that a company called
    "Timezone Labs of Berlin" stays a company."""
    words = len(rest.split())
    if words <= 1:
        return True
    return words <= 4 and not isinstance(zones.resolve(rest), zones.Unknown)


def _managing(rest: str) -> Command | None:
    """`list`, `delete 2`, `clear`, `edit 2 …` or `snooze 2 …` after remind / reminders."""
    verb, _, after = rest.partition(" ")
    verb, after = verb.lower(), after.strip()
    if verb in _LIST_WORDS and not after:
        return ListReminders()
    if " ".join(rest.lower().split()) in _CLEAR_WORDS:
        return ClearReminders()
    if verb in _DELETE_WORDS and (item := _ITEM.match(after)):
        return CancelItem(int(item.group(1)))
    if verb == "edit" and (edit := _EDIT.match(after)):
        return EditItem(int(edit.group(1)), (edit.group(2) or "").strip())
    if verb == "snooze" and (snooze := _EDIT.match(after)):
        return SnoozeItem(int(snooze.group(1)), (snooze.group(2) or "").strip())
    return None


def reminder_text(text: str) -> str:
    """The words to post, without a leading "to" ("remind me in 5 minutes to stretch")."""
    return _TO.sub("", text.strip(), count=1)
