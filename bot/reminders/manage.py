"""Managing reminders, the pure part: the snooze choices and when each one lands, and how an
edit's words are read (a new time, or a new text). No I/O; `now` and the zone are given."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from bot.reminders import texts
from bot.reminders.timewords import WhenError, to_utc
from bot.reminders.when import When, parse_when


@dataclass(frozen=True)
class SnoozeChoice:
    """One way to put a reminder off: its button value and label."""

    value: str
    label: str


# Slack's /remind set, in its order. Button values never contain ":" (the id grammar's).
SNOOZE_CHOICES: Final = (
    SnoozeChoice("s20m", texts.SNOOZE_20M),
    SnoozeChoice("s1h", texts.SNOOZE_HOUR),
    SnoozeChoice("s3h", texts.SNOOZE_3H),
    SnoozeChoice("smorning", texts.SNOOZE_MORNING),
    SnoozeChoice("sweek", texts.SNOOZE_WEEK),
)
_ELAPSED: Final[Mapping[str, timedelta]] = {
    "s20m": timedelta(minutes=20),
    "s1h": timedelta(hours=1),
    "s3h": timedelta(hours=3),
    # The buttons of posts made before these choices (1 hour, 1 day) still work.
    "snooze1h": timedelta(hours=1),
}
LEGACY_DAY: Final = "snooze1d"
MORNING: Final = time(9, 0)
SNOOZE_VALUES: Final = frozenset({*(c.value for c in SNOOZE_CHOICES), "snooze1h", LEGACY_DAY})


def snooze_until(value: str, *, base: datetime, tz: ZoneInfo) -> datetime:
    """When a reminder snoozed from `base` (now, for a delivered one; its due time, for one
    still to come) comes back:

    - 20 minutes, 1 hour, 3 hours: that much elapsed time later;
    - tomorrow morning: 09:00 local on the day after `base`'s local day;
    - next week: the same local wall-clock time 7 days later (09:00 stays 09:00 across a DST
      change), as Slack's "next week" keeps the time of day the reminder was about.

    Raises KeyError for a value that is not a snooze choice."""
    if value in _ELAPSED:
        return base + _ELAPSED[value]
    local = base.astimezone(tz).replace(tzinfo=None)
    if value == "smorning":
        return to_utc(datetime.combine(local.date() + timedelta(days=1), MORNING), tz)
    if value in ("sweek", LEGACY_DAY):
        days = 7 if value == "sweek" else 1
        return to_utc(local + timedelta(days=days), tz)
    raise KeyError(value)


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w ]", " ", text.lower()).split())


# What people type for each choice, besides its label ("snooze 2 1 hour", "snooze 2 week").
_CHOICE_WORDS: Final[Mapping[str, str]] = {
    **{_words(c.label).removeprefix("snooze ").removeprefix("until "): c.value
       for c in SNOOZE_CHOICES},
    "20 min": "s20m", "20 mins": "s20m", "20m": "s20m",
    "an hour": "s1h", "one hour": "s1h", "hour": "s1h", "1h": "s1h", "60 minutes": "s1h",
    "three hours": "s3h", "3h": "s3h",
    "tomorrow": "smorning", "morning": "smorning",
    "week": "sweek", "a week": "sweek", "one week": "sweek", "1 week": "sweek",
}  # fmt: skip


def snooze_choice(typed: str) -> str | None:
    """The snooze choice a typed phrase names ("1 hour", "for 3 hours", "until next week"), as
    its button value; None if it names none of them."""
    words = _words(typed).removeprefix("for ").removeprefix("until ")
    return _CHOICE_WORDS.get(words)


# --- edits --------------------------------------------------------------------------------

# Words that read as a time on their own ("tomorrow", "fri", "dec", "10am", "15:00"); a bare
# number ("10 push-ups") is not one.
_TIME_WORD: Final = re.compile(
    r"(?:tomorrow|tmrw|today|tonight|noon|midnight|weekdays?|weekends?|"
    r"mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)days?|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
    r"january|february|march|april|june|july|august|september|october|november|december|"
    r"\d{1,2}:\d{2}(?:am|pm)?|\d{1,2}(?:am|pm)|\d{4}-\d{2}-\d{2})[,.]?",
    re.IGNORECASE,
)
# Words that start a time phrase when what follows is one ("in 2 hours", "at 5", "next week",
# "every other friday", "this evening"), not when it is text ("in the office", "next steps").
_LEADS: Final = frozenset({"in", "at", "on", "by", "next", "this", "every", "each"})
_AFTER_LEAD: Final = frozenset(
    {"a", "an", "other", "week", "month", "year", "day", "morning", "afternoon", "evening"}
)


def _starts_like_time(words: str) -> bool:
    parts = words.lower().split()
    if not parts:
        return False
    if _TIME_WORD.fullmatch(parts[0]):
        return True
    if parts[0] in _LEADS and len(parts) > 1:
        second = parts[1]
        return second[0].isdigit() or second in _AFTER_LEAD or bool(_TIME_WORD.fullmatch(second))
    return False


@dataclass(frozen=True)
class NewTime:
    """The edit is a new time (or a new repeat)."""

    when: When


@dataclass(frozen=True)
class NewText:
    """The edit is a new text."""

    text: str


@dataclass(frozen=True)
class Unreadable:
    """The edit looks like a time but can't be used: why, in one line."""

    reason: str


EditReading = NewTime | NewText | Unreadable


def _unquoted(words: str) -> str | None:
    stripped = words.strip()
    if len(stripped) >= 2 and stripped[0] in "\"'“‘" and stripped[-1] in "\"'”’":
        return stripped[1:-1].strip()
    return None


def read_edit(words: str, *, now: datetime, tz: ZoneInfo) -> EditReading:
    """What `edit N <words>` changes. The words are a new time when they read fully as one
    (`tomorrow 10am`, `every friday 4pm`); otherwise they are the new text (`call Sam and
    Ann`). Words that start like a time but don't read as one (`tomorrow at 25:00`) are not
    taken for text in silence: the reason is given, with how to mean the text (quotes)."""
    quoted = _unquoted(words)
    if quoted is not None:
        return NewText(quoted)
    try:
        return NewTime(parse_when(words, now=now, tz=tz))
    except WhenError as exc:
        if _starts_like_time(words):
            return Unreadable(f"{exc} {texts.EDIT_AS_TEXT}")
        return NewText(words.strip())


def edit_prefill(at: datetime, tz: ZoneInfo, now: datetime) -> str:
    """A reminder's time as the edit form shows it, in words `parse_when` reads back:
    `dec 8 10:00`, or `2027-12-08 10:00` in another year."""
    local = at.astimezone(tz)
    if local.year != now.astimezone(tz).year:
        return f"{local:%Y-%m-%d %H:%M}"
    months = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    return f"{months[local.month - 1]} {local.day} {local:%H:%M}"
