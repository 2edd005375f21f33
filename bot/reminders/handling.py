"""What the reminders wing's parts share: the settings they run with and the shape of an answer
(what to say, and what the user's open question becomes)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import NamedTuple

from bot.common.replies import Kind, Reply
from bot.questionnaire.state import Pending


class Keep:
    """The open question stays as it was."""


KEEP = Keep()


class Handled(NamedTuple):
    """What to say, and what the user's open question becomes (None: nothing open)."""

    replies: tuple[Reply, ...]
    pending: Pending | Keep | None = KEEP


@dataclass(frozen=True)
class ReminderConfig:
    """The settings reminders run with."""

    offsets: tuple[timedelta, ...]
    followup: timedelta
    default_timezone: str = "UTC"
    # Platforms this process delivers reminders on; commands elsewhere are answered plainly.
    platforms: frozenset[str] = frozenset({"console"})
    # Platforms that have channels (the console has none).
    channel_platforms: frozenset[str] = frozenset({"slack", "discord"})
    # Platforms that know no user's timezone (Discord): until the user sets one, confirmations
    # say which zone their times are in and how to change it.
    ask_timezone: frozenset[str] = frozenset({"discord"})
    # SLACK_JOB_HUNT_CHANNEL / DISCORD_JOB_HUNT_CHANNEL, by platform.
    job_hunt_channels: Mapping[str, str] = field(default_factory=dict)


def say(text: str, kind: Kind = Kind.INFO) -> Handled:
    return Handled((Reply(kind=kind, text=text),))


def error(text: str) -> Handled:
    return Handled((Reply(kind=Kind.ERROR, text=text),))


def refused(text: str) -> Handled:
    # A press that changed nothing (not yours, already done): adapters leave the pressed
    # message as it was and tell only the presser.
    return Handled((Reply(kind=Kind.ERROR, text=text, refused=True),))
