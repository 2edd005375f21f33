"""One-off times: reading "tomorrow at 9am", "on friday at 3", "in 2 hours", "dec 3 14:30" from a
list of words, and placing them on the timeline in the user's zone. Pure: no I/O.

`moment_at(words, i)` reads the longest time phrase starting at word i; `resolve` turns it into
an instant. Words that look like a time but cannot be one ("25:00", "feb 30") are read too, and
reported as the phrase's `problem`, so the user is told instead of the words being dropped."""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from bot.reminders.timewords import (
    AM_PM,
    CLOCK_TOKEN,
    COMPACT_DURATION,
    COMPACT_PART,
    DAY_NUMBER,
    ISO_DATE,
    MONTHS,
    NAMED_CLOCKS,
    NUMBER_WORDS,
    PARTS,
    PARTS_NIGHT,
    SLASH_DATE,
    TOMORROW,
    UNITS,
    WEAK,
    WEEKDAYS,
    local_now,
    to_utc,
)

DEFAULT_CLOCK = (9, 0)  # a day named without a time of day means 09:00
DAYTIME = range(7, 22)  # a bare hour is the next one between 07:00 and 21:59
_AMOUNT = re.compile(r"\d+(?:\.\d+)?")
_ELAPSED = {"second": 1, "minute": 60, "hour": 3600}


class Clock(NamedTuple):
    """A time of day; `bare` for an hour typed without am/pm ("at 3"), read as a daytime one."""

    hour: int
    minute: int
    bare: bool = False


class Day(NamedTuple):
    """A day as typed. kind: "rel" (a days ahead), "weekday" (a weekday; b: 0 plain or "this",
    1 "next"), "date" (a month, b day, year or 0), "mday" (a day of the month),
    "nextweek", "weekend"."""

    kind: str
    a: int = 0
    b: int = 0
    year: int = 0


class Impossible(NamedTuple):
    """Words that look like a time or date that does not exist ("25:00", "feb 30")."""

    typed: str
    clock: bool  # a time of day, rather than a date


class Duration(NamedTuple):
    """`in …`: months and days keep the wall-clock time; seconds are elapsed."""

    months: int
    days: int
    seconds: float


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


def words_of(words: Sequence[str], start: int, end: int) -> str:
    """The words [start, end) joined, for messages."""
    return " ".join(words[start:end])


def clock_at(words: Sequence[str], j: int, *, after_at: bool) -> tuple[int, Clock | str] | None:
    """A clock time at word j: (end, Clock), or (end, the words) when it cannot exist."""
    word = words[j]
    if word in NAMED_CLOCKS:
        return j + 1, Clock(*NAMED_CLOCKS[word])
    match = CLOCK_TOKEN.fullmatch(word)
    if match is None:
        return None
    end = j + 1
    ap = match["ap"]
    if ap is None and end < len(words) and words[end] in AM_PM:
        ap = "p" if AM_PM[words[end]] else "a"
        end += 1
    oclock = end < len(words) and words[end] in ("o'clock", "oclock")
    if oclock:
        end += 1
    hour, minute = int(match["h"]), int(match["m"] or 0)
    typed = words_of(words, j, end)
    if ap is not None:
        if not 1 <= hour <= 12 or minute > 59:
            return end, typed
        return end, Clock(hour % 12 + (12 if ap == "p" else 0), minute)
    if match["m"] is not None:
        return end, (Clock(hour, minute) if hour <= 23 and minute <= 59 else typed)
    if not (after_at or oclock):
        return None  # a bare number is not a time; "at 9" is
    if hour > 23:
        return end, typed
    return end, Clock(hour, 0, bare=1 <= hour <= 12)


def _day_number(word: str, *, need_suffix: bool) -> int | None:
    match = DAY_NUMBER.fullmatch(word)
    if match is None or (need_suffix and match["suffix"] is None):
        return None
    return int(match["d"])


def _year(words: Sequence[str], j: int) -> int:
    word = words[j] if j < len(words) else ""
    return int(word) if len(word) == 4 and word.isdigit() and word.startswith("20") else 0


_MOST_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _valid(year: int, month: int, day: int) -> bool:
    # Without a year, 29 Feb is a real date (of some year); 30 Feb never is.
    if not 1 <= month <= 12 or day < 1:
        return False
    return day <= (calendar.monthrange(year, month)[1] if year else _MOST_DAYS[month - 1])


def _date(
    words: Sequence[str], start: int, end: int, month: int, day: int, year: int
) -> tuple[int, Day | str]:
    if year:
        end += 1
    if not _valid(year, month, day):
        return end, words_of(words, start, end)
    return end, Day("date", month, day, year)


def day_at(words: Sequence[str], j: int) -> tuple[int, Day | str] | None:
    """A day at word j: (end, Day), or (end, the words) for a date that does not exist."""
    n = len(words)
    word = words[j]
    nxt = words[j + 1] if j + 1 < n else ""
    if word == "today":
        return j + 1, Day("rel", 0)
    if word == "yesterday":  # read, to be refused as past rather than left in the text
        return j + 1, Day("rel", -1)
    if word in TOMORROW:
        return j + 1, Day("rel", 1)
    if word == "the" and nxt == "day":
        found = day_at(words, j + 1)
        return found if found is not None and found[1] == Day("rel", 2) else None
    if word == "day" and nxt == "after" and j + 2 < n and words[j + 2] in TOMORROW:
        return j + 3, Day("rel", 2)
    if word in WEEKDAYS:
        return j + 1, Day("weekday", WEEKDAYS[word])
    if word in ("this", "next", "coming"):
        k = j + 2 if word == "this" and nxt == "coming" else j + 1
        after = words[k] if k < n else ""
        if after in WEEKDAYS:
            return k + 1, Day("weekday", WEEKDAYS[after], int(word == "next"))
        if after == "week" and word == "next":
            return k + 1, Day("nextweek")
        if after == "weekend":
            return k + 1, Day("weekend", 7 if word == "next" else 0)
        return None
    if word == "weekend":
        return j + 1, Day("weekend")
    if word in MONTHS and nxt:
        day = _day_number(nxt, need_suffix=False)
        if day is None:
            return None
        return _date(words, j, j + 2, MONTHS[word], day, _year(words, j + 2))
    if word == "the" and nxt:
        day = _day_number(nxt, need_suffix=False)
        if day is None:
            return None
        found = _day_month(words, j + 1, day)
        if found is not None:
            return found
        return j + 2, (Day("mday", day) if 1 <= day <= 31 else words_of(words, j, j + 2))
    if not word[:1].isdigit():
        return None
    day = _day_number(word, need_suffix=False)
    if day is not None:
        return _day_month(words, j, day)
    if match := SLASH_DATE.fullmatch(word):
        a, b = int(match["a"]), int(match["b"])
        month, day = (b, a) if a > 12 else (a, b)  # 12/25 as in the US; 25/12 as elsewhere
        year = int(match["y"] or 0)
        year += 2000 if 0 < year < 100 else 0
        return j + 1, (Day("date", month, day, year) if _valid(year, month, day) else word)
    if match := ISO_DATE.fullmatch(word):
        year, month, day = int(match["y"]), int(match["mo"]), int(match["d"])
        return j + 1, (Day("date", month, day, year) if _valid(year, month, day) else word)
    return None


def _day_month(words: Sequence[str], j: int, day: int) -> tuple[int, Day | str] | None:
    # "3 dec", "3rd of december 2027"
    k = j + 1
    if k < len(words) and words[k] == "of":
        k += 1
    if k < len(words) and words[k] in MONTHS:
        return _date(words, j, k + 1, MONTHS[words[k]], day, _year(words, k + 1))
    return None


def _amount(word: str) -> float | None:
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    return float(word) if _AMOUNT.fullmatch(word) else None


def duration_at(words: Sequence[str], j: int) -> tuple[int, Duration] | None:
    """`2 hours`, `1h30m`, `an hour and a half`, `half an hour`, `90 min` from word j."""
    n = len(words)
    months = days = 0
    seconds = 0.0
    last: str | None = None
    k = j
    while k < n:
        word = words[k]
        if k > j and word == "and" and k + 1 < n:
            if last and words[k + 1] in ("a", "an") and k + 2 < n and words[k + 2] == "half":
                seconds += _half(last)
                k += 3
                continue
            k += 1
            word = words[k]
        parts: list[tuple[float, str]] = []
        if COMPACT_DURATION.fullmatch(word):
            parts = [(float(a), UNITS[u]) for a, u in COMPACT_PART.findall(word)]
            used = 1
        elif word == "half" and k + 2 < n and words[k + 1] in ("a", "an") and words[k + 2] in UNITS:
            parts, used = [(0.5, UNITS[words[k + 2]])], 3
        elif (amount := _amount(word)) is not None and k + 1 < n and words[k + 1] in UNITS:
            parts, used = [(amount, UNITS[words[k + 1]])], 2
        if not parts:
            break
        for amount, unit in parts:
            if unit in _ELAPSED:
                seconds += amount * _ELAPSED[unit]
            elif amount != int(amount):
                return None  # "1.5 days": say it in hours
            elif unit == "month" or unit == "year":
                months += int(amount) * (12 if unit == "year" else 1)
            else:
                days += int(amount) * (7 if unit == "week" else 1)
            last = unit
        k += used
    if k == j:
        return None
    return k, Duration(months, days, seconds)


def _half(unit: str) -> float:
    return {"second": 0.5, "minute": 30, "hour": 1800, "day": 43200}.get(unit, 0)


_STARTS = frozenset(
    {"at", "@", "on", "in", "this", "next", "coming", "tonight", "today", "the", "day"}
    | {"yesterday"}
    | set(WEEKDAYS) | set(MONTHS) | set(TOMORROW) | set(NAMED_CLOCKS) | set(PARTS)
    | {"night", "weekend"}
)  # fmt: skip


def may_start(word: str) -> bool:
    """Whether a time phrase can start with this word (a cheap test before reading)."""
    return word in _STARTS or word[:1].isdigit()


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
        pm = (PARTS | PARTS_NIGHT)[part][1] if part is not None else None
        if pm is not None:
            return [(base + 12 if pm else base, 0)]
        return [(h, 0) for h in (base, base + 12) if h in DAYTIME]
    if part is not None:
        return [((PARTS | PARTS_NIGHT)[part][0], 0)]
    return [DEFAULT_CLOCK]


def _days(m: Moment, today: date) -> list[date]:
    day = m.day
    if day is None:
        return [today] if m.today_only else [today, today + timedelta(days=1)]
    if day.kind == "rel":
        return [today + timedelta(days=day.a)]
    if day.kind == "weekday":
        ahead = (day.a - today.weekday()) % 7
        if day.b:  # "next tuesday": the coming one, never today
            return [today + timedelta(days=ahead or 7)]
        return [today + timedelta(days=ahead), today + timedelta(days=ahead + 7)]
    if day.kind == "nextweek":
        return [today + timedelta(days=7 - today.weekday())]
    if day.kind == "weekend":
        ahead = (5 - today.weekday()) % 7 + day.a
        return [today + timedelta(days=ahead), today + timedelta(days=ahead + 7)]
    if day.kind == "date":
        years = [day.year] if day.year else [today.year, today.year + 1, today.year + 4]
        return [date(y, day.a, day.b) for y in years if _valid(y, day.a, day.b)]
    found = []  # "on the 15th": this month's, else the next month that has one
    for ahead in range(0, 4):
        first = today.replace(day=1) + relativedelta(months=ahead)
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
            moved = local + relativedelta(months=months, days=days)
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
            at = to_utc(datetime.combine(day, time(hour, minute)), tz)
            first = first or at
            if at > now:
                bare = m.clock is not None and m.clock.bare and m.part is None
                return at, ((hour, minute) if bare else None)
    assert first is not None  # every Day has at least one date
    return first, None
