"""The parts of a time phrase, each read word by word: a clock time ("9am", "at 3", "17:30"), a
day ("tomorrow", "next tuesday", "dec 3", "2026-12-03") and a duration ("2 hours", "1h30m").
Pure: no I/O. Words that look like a time or date but cannot be one come back as the words
themselves, so the phrase can be refused naming them."""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from typing import NamedTuple

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
    SLASH_DATE,
    TOMORROW,
    UNITS,
    WEEKDAYS,
)

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
    if ap is not None:
        if not 1 <= hour <= 12 or minute > 59:
            return end, words_of(words, j, end)
        return end, Clock(hour % 12 + (12 if ap == "p" else 0), minute)
    if match["m"] is not None:
        if hour <= 23 and minute <= 59:
            return end, Clock(hour, minute)
        return end, words_of(words, j, end)
    if not (after_at or oclock):
        return None  # a bare number is not a time; "at 9" is
    if hour > 23:
        return end, words_of(words, j, end)
    return end, Clock(hour, 0, 1 <= hour <= 12)  # bare: an hour without am/pm


def _day_number(word: str, *, need_suffix: bool) -> int | None:
    match = DAY_NUMBER.fullmatch(word)
    if match is None or (need_suffix and match["suffix"] is None):
        return None
    return int(match["d"])


def _year(words: Sequence[str], j: int) -> int:
    word = words[j] if j < len(words) else ""
    return int(word) if len(word) == 4 and word.isdigit() and word.startswith("20") else 0


_MOST_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def valid_date(year: int, month: int, day: int) -> bool:
    # Without a year, 29 Feb is a real date (of some year); 30 Feb never is.
    if not 1 <= month <= 12 or day < 1:
        return False
    return day <= (calendar.monthrange(year, month)[1] if year else _MOST_DAYS[month - 1])


def _date(
    words: Sequence[str], start: int, end: int, month: int, day: int, year: int
) -> tuple[int, Day | str]:
    if year:
        end += 1
    if not valid_date(year, month, day):
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
        return j + 1, (Day("date", month, day, year) if valid_date(year, month, day) else word)
    if match := ISO_DATE.fullmatch(word):
        year, month, day = int(match["y"]), int(match["mo"]), int(match["d"])
        return j + 1, (Day("date", month, day, year) if valid_date(year, month, day) else word)
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
