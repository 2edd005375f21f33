"""A whole text read as one time, for every caller that has only a time (an interview's time,
an edited time): `parse_when`. Showing an instant is `timewords.format_when`; running a stored
rule is `recurrence.next_occurrence`. Pure: no I/O, no platform imports.

The reading itself lives in smaller modules: `timewords` (the words and tokens), `timeparts`
(a clock time, a day, a duration), `moments` (one-off times), `repeats` and `repeat_rules`
(repeats and their rules) and `reader` (the whole `remind …` phrase, time first or last,
asked back when unclear). All of them are regexes and tables of our own over the words,
with dateutil for calendar arithmetic and rules: no general date parser guesses for us."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.reminders.reader import read_time


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
