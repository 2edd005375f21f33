"""One-off times: reading "tomorrow at 9am", "on friday at 3", "in 2 hours", "dec 3 14:30" from a
list of words, and placing them on the timeline in the user's zone. Pure: no I/O.

`moment_at(words, i)` reads the longest time phrase starting at word i; `resolve` turns it into
an instant. Words that look like a time but cannot be one ("25:00", "feb 30") are read too, and
reported as the phrase's `problem`, so the user is told instead of the words being dropped."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from bot.reminders.timeparts import (
    Clock,
    Day,
    Duration,
    Impossible,
    clock_at,
    day_at,
    duration_at,
    valid_date,
)
from bot.reminders.timewords import (
    ISO_DATE,
    MONTHS,
    NAMED_CLOCKS,
    PARTS,
    PARTS_NIGHT,
    TOMORROW,
    WEAK,
    WEEKDAYS,
    add_months,
    local_now,
    to_utc,
)

DEFAULT_CLOCK = (9, 0)  # a day named without a time of day means 09:00
DAYTIME = range(7, 22)  # a bare hour is the next one between 07:00 and 21:59


@dataclass(slots=True)
class Moment:
    """A one-off time phrase over words [start, end). Filled in while reading; not changed
    after `moment_at` returns it."""

    start: int
    end: int
    day: Day | None = None
    part: str | None = None
    today_only: bool = False  # "this evening", "tonight": today's, never tomorrow's
    clock: Clock | None = None
    duration: Duration | None = None
    problem: Impossible | None = None


STARTS = frozenset(
    {"at", "@", "on", "in", "this", "next", "coming", "tonight", "today", "the", "day"}
    | {"yesterday"}
    | set(WEEKDAYS) | set(MONTHS) | set(TOMORROW) | set(NAMED_CLOCKS) | set(PARTS)
    | {"night", "weekend"}
)  # fmt: skip


def may_start(word: str) -> bool:
    """Whether a time phrase can start with this word (a cheap test before reading)."""
    return word in STARTS or word[:1].isdigit()


def moment_at(words: Sequence[str], i: int) -> Moment | None:
    """The longest one-off time phrase starting at word i, or None."""
    n = len(words)
    if not may_start(words[i]):
        return None
    m = Moment(i, i)  # filled in place as the words are read: this runs on every word
    j = i
    while j < n:
        word = words[j]
        nxt = words[j + 1] if j + 1 < n else ""
        end: int | None = None
        if word in ("at", "@") and nxt and m.clock is None:
            if (c := clock_at(words, j + 1, after_at=True)) is not None:
                end = c[0]
                _set_clock(m, c[1])
        elif word == "on" and nxt and m.day is None:
            if (d := day_at(words, j + 1)) is not None:
                end = d[0]
                _set_day(m, d[1])
        elif word == "in" and nxt:
            if nxt == "the" and j + 2 < n and words[j + 2] in PARTS and m.part is None:
                end, m.part = j + 3, words[j + 2]
            elif m.end == i and (du := duration_at(words, j + 1)) is not None:
                end, m.duration = du
        elif word == "tonight" and m.part is None and m.day in (None, _TODAY):
            end, m.part, m.day, m.today_only = j + 1, "night", _TODAY, True
        elif word == "this" and nxt in PARTS and m.part is None:
            end, m.part, m.today_only = j + 2, nxt, m.day is None
        elif (word in PARTS or word == "night") and m.part is None:
            end, m.part = j + 1, word
        elif word in ("from", "later") and m.duration is not None:
            if word == "later" or nxt == "now":
                end = j + (1 if word == "later" else 2)
        elif m.day is None and m.duration is None and (d := day_at(words, j)) is not None:
            end = d[0]
            _set_day(m, d[1])
            if (iso := ISO_DATE.fullmatch(word)) is not None and iso["h"] is not None:
                hour, minute = int(iso["h"]), int(iso["mi"])
                _set_clock(m, Clock(hour, minute) if hour <= 23 and minute <= 59 else word)
        elif m.clock is None and (c := clock_at(words, j, after_at=False)) is not None:
            end = c[0]
            _set_clock(m, c[1])
        elif m.end == i and (du := duration_at(words, j)) is not None:
            # "20 minutes from now": only with "from now" or "later" after it
            k = du[0]
            if k < n and (words[k] == "later" or words[k : k + 2] == ["from", "now"]):
                end, m.duration = k + (1 if words[k] == "later" else 2), du[1]
        if end is None:
            break
        j = m.end = end
        if m.duration is not None and m.duration.months == m.duration.days == 0:
            break  # "in 2 hours": nothing more can follow
    if m.end == i or (m.end == i + 1 and words[i] in WEAK):
        return None
    return m


_TODAY = Day("rel", 0)


def _set_clock(m: Moment, clock: Clock | str) -> None:
    if isinstance(clock, str):
        m.clock, m.problem = Clock(0, 0), m.problem or Impossible(clock, True)
    else:
        m.clock = clock


def _set_day(m: Moment, day: Day | str) -> None:
    if isinstance(day, str):
        m.day, m.problem = _TODAY, m.problem or Impossible(day, False)
    else:
        m.day = day


def hours(clock: Clock | None, part: str | None) -> list[tuple[int, int]]:
    """The times of day a phrase may mean, in the order to try them."""
    if clock is not None and not clock.bare:
        return [(clock.hour, clock.minute)]
    if clock is not None:
        base = clock.hour % 12
        pm = _ALL_PARTS[part][1] if part is not None else None
        if pm is not None:
            return [(base + 12 if pm else base, 0)]
        return [(h, 0) for h in (base, base + 12) if h in DAYTIME]
    if part is not None:
        return [(_ALL_PARTS[part][0], 0)]
    return [DEFAULT_CLOCK]


_ALL_PARTS: Final = PARTS | PARTS_NIGHT


def _days(m: Moment, today: date) -> list[date]:
    # timedelta(n) is n days; positional arguments, as keywords cost more on this hot path
    day = m.day
    if day is None:
        return [today] if m.today_only else [today, today + timedelta(1)]
    if day.kind == "rel":
        return [today + timedelta(day.a)]
    if day.kind == "weekday":
        ahead = (day.a - today.weekday()) % 7
        if day.b:  # "next tuesday": the coming one, never today
            return [today + timedelta(ahead or 7)]
        return [today + timedelta(ahead), today + timedelta(ahead + 7)]
    if day.kind == "nextweek":
        return [today + timedelta(7 - today.weekday())]
    if day.kind == "weekend":
        ahead = (5 - today.weekday()) % 7 + day.a
        return [today + timedelta(ahead), today + timedelta(ahead + 7)]
    if day.kind == "date":
        years = [day.year] if day.year else [today.year, today.year + 1, today.year + 4]
        return [date(y, day.a, day.b) for y in years if valid_date(y, day.a, day.b)]
    found = []  # "on the 15th": this month's, else the next month that has one
    for ahead in range(0, 4):
        first = add_months(today.replace(day=1), ahead)
        if day.a <= calendar.monthrange(first.year, first.month)[1]:
            found.append(first.replace(day=day.a))
    return found


def day_on_or_after(day: Day, today: date) -> date:
    """The first date from `today` on that `day` names ("until friday", "until dec 31")."""
    dates = _days(Moment(0, 0, day=day), today)
    return next((d for d in dates if d >= today), dates[-1])


def resolve(m: Moment, now: datetime, tz: ZoneInfo) -> tuple[datetime, tuple[int, int] | None]:
    """The instant (UTC) the phrase means after `now`, and the time of day taken for a bare
    hour (None if the hour was not bare). Past times come back as they are, to be refused."""
    local = local_now(now, tz)
    if m.duration is not None:
        months, days, seconds = m.duration
        if months or days:
            moved = add_months(local, months) + timedelta(days=days)
            if m.clock is not None or m.part is not None:
                hour, minute = hours(m.clock, m.part)[0]
                moved = moved.replace(hour=hour, minute=minute, second=0, microsecond=0)
            start = to_utc(moved, tz)
        else:
            start = now.astimezone(UTC)
        # Elapsed time is added on the timeline: "in 2 hours" across a DST change is two real
        # hours, not three on the wall clock.
        return start + timedelta(seconds=seconds), None
    options = hours(m.clock, m.part)
    first: datetime | None = None
    for day in _days(m, local.date()):
        for hour, minute in options:
            at = to_utc(datetime(day.year, day.month, day.day, hour, minute), tz)
            first = first or at
            if at > now:
                bare = m.clock is not None and m.clock.bare and m.part is None
                return at, ((hour, minute) if bare else None)
    assert first is not None  # every Day has at least one date
    return first, None
