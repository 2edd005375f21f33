"""When a reminder fires, for every caller: `parse_when` reads a whole text as one time (an
interview's time, an edited time), `format_when` shows an instant, `next_occurrence` runs a
stored rule. Pure: no I/O, no platform imports.

The reading itself lives in smaller modules: `timewords` (the words and tokens), `timeparts`
(a clock time, a day, a duration), `moments` (one-off times), `repeats` and `repeat_rules`
(repeats and their rules) and `reader` (the whole `remind …` phrase, time first or last,
asked back when unclear). All of them are regexes and tables of our own over the words,
with dateutil for calendar arithmetic and rules: no general date parser guesses for us."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

# Callers keep importing these from here, as before the reader was split up.
from bot.reminders.moments import DEFAULT_CLOCK as DEFAULT_CLOCK
from bot.reminders.reader import MAX_AHEAD as MAX_AHEAD
from bot.reminders.reader import read_time

# Rules are read and run in recurrence; these names stay importable from here.
from bot.reminders.recurrence import next_occurrence as next_occurrence
from bot.reminders.timewords import EXAMPLES as EXAMPLES
from bot.reminders.timewords import WhenError as WhenError
from bot.reminders.timewords import format_when as format_when


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
