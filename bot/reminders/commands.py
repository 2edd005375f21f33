"""The reminder commands as typed: `remind`, `reminders`, `timezone`, `channel`, `stats`. Pure:
this reads the words; the service does what they ask."""

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


Command = Remind | ListReminders | SetTimezone | SetChannel | ShowStats


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


def reminder_text(text: str) -> str:
    """The words to post, without a leading "to" ("remind me in 5 minutes to stretch")."""
    return _TO.sub("", text.strip(), count=1)
