"""When a reminder fires, for every caller: `parse_when` reads a whole text as one time (an
interview's time, an edited time), `format_when` shows an instant, `next_occurrence` runs a
stored rule. Pure: no I/O, no platform imports.

The reading itself lives in smaller modules: `timewords` (the words and tokens), `timeparts`
(a clock time, a day, a duration), `moments` (one-off times), `repeats` and `repeat_rules`
(repeats and their rules) and `reader` (the whole `remind …` phrase, time first or last,
asked back when unclear). All of them are regexes and tables of our own over the words,
with dateutil for calendar arithmetic and rules: no general date parser guesses for us."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

# Callers keep importing these from here, as before the reader was split up.
from bot.reminders.moments import DEFAULT_CLOCK as DEFAULT_CLOCK
from bot.reminders.reader import MAX_AHEAD as MAX_AHEAD
from bot.reminders.reader import read_time
from bot.reminders.timewords import EXAMPLES as EXAMPLES
from bot.reminders.timewords import WhenError as WhenError
from bot.reminders.timewords import format_when as format_when
from bot.reminders.timewords import local_now, to_utc

_to_utc = to_utc  # the old private name, for callers not yet moved


@dataclass(frozen=True)
class When:
    """A resolved time: `at` in UTC; `rule` the rule string (local wall-clock; DTSTART and
    RRULE lines) or None; `note` how a bare hour was read ("at 3" as 15:00), if one was."""

    at: datetime
    rule: str | None = None
    note: str | None = None


def parse_when(text: str, *, now: datetime, tz: ZoneInfo) -> When:
    """Read the whole of `text` as a time phrase in `tz`; raise WhenError if it cannot be used."""
    reading = read_time(text, now=now, tz=tz)
    return When(reading.at, reading.rule, reading.note)


def next_occurrence(rule: str, tz: ZoneInfo, after: datetime) -> datetime | None:
    """The first occurrence of the rule strictly after `after`, aware in UTC.

    The rule runs on naive local wall-clock time in `tz` (so 09:00 stays 09:00 across DST);
    each occurrence is then placed on the timeline by `to_utc` (gaps move forward, fold=0).
    Takes the two-line form (DTSTART + RRULE) and a bare RRULE body as stored before it.
    """
    local_after = local_now(after, tz)
    if "DTSTART" in rule:
        recurrence = rrulestr(rule)
        # Wall-clock order and timeline order agree under to_utc (it never moves a time
        # backwards), so no occurrence before local_after can land after `after`.
        start = recurrence.after(local_after.replace(second=0, microsecond=0), inc=True)
        if start is None:
            return None
        found: Iterator[datetime] = recurrence.xafter(start, count=1000, inc=True)
    else:
        found = iter(rrulestr(rule, dtstart=local_after.replace(second=0, microsecond=0)))
    for naive in itertools.islice(found, 1000):
        at = to_utc(naive, tz)
        if at > after:
            return at
    return None
