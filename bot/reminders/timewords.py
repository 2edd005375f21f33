"""The words of time phrases: the lexicon, the tokens a reminder is split into, and the one error
type the readers raise. Pure: no I/O.

A token keeps its place in the text as typed, so that what is left once the time is taken out
is the user's own words, unchanged."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from typing import Final, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

EXAMPLES: Final = (
    "in 90 seconds, in 2 hours, tomorrow 9am, next tuesday 3pm, dec 3 14:30, every monday 9am"
)
REPEATS: Final = (
    "every day, every weekday, every weekend, every monday (or mon, wed and fri), "
    "every other friday, every 3 days, every 2 weeks on tuesday, every 4 hours, "
    "every month on the 1st, every month on the first monday, every month on the last day, "
    "every year on dec 3; each may end with until dec 31 or for 6 weeks"
)


class WhenError(ValueError):
    """A time the user wrote that cannot be used; str(exc) is a one-line message for the user
    that names what was wrong and ends with examples of what works."""


WEEKDAYS: Final = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thurs": 3, "thur": 3, "thu": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
PLURAL_WEEKDAYS: Final = {
    "mondays": 0, "tuesdays": 1, "wednesdays": 2, "thursdays": 3, "fridays": 4,
    "saturdays": 5, "sundays": 6,
}  # fmt: skip
# Short names that are also everyday words ("sun cream", "I sat"): a time only next to another
# time word ("on sun", "sun 9am", "next sat"), never alone.
WEAK: Final = frozenset({"sun", "sat", "wed", "morning", "afternoon", "evening", "night"})
MONTHS: Final = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
# Parts of the day (SPEC §3): the hour each means, and whether a bare hour in it is after noon.
PARTS: Final = {"morning": (9, False), "afternoon": (15, True), "evening": (18, True)}
PARTS_NIGHT: Final = {"night": (20, True), "tonight": (20, True)}
# Words that are a clock time by themselves.
NAMED_CLOCKS: Final = {"noon": (12, 0), "midday": (12, 0), "midnight": (0, 0)}
TOMORROW: Final = frozenset({"tomorrow", "tmrw", "tmr", "tomorow", "tommorow", "tommorrow"})
NUMBER_WORDS: Final = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
}  # fmt: skip
ORDINALS: Final = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}
# Units of time as typed, by what they are.
UNITS: Final = {
    **dict.fromkeys(("second", "seconds", "sec", "secs", "s"), "second"),
    **dict.fromkeys(("minute", "minutes", "min", "mins", "m"), "minute"),
    **dict.fromkeys(("hour", "hours", "hr", "hrs", "h"), "hour"),
    **dict.fromkeys(("day", "days", "d"), "day"),
    **dict.fromkeys(("week", "weeks", "wk", "wks", "w"), "week"),
    **dict.fromkeys(("month", "months", "mo", "mos"), "month"),
    **dict.fromkeys(("year", "years", "yr", "yrs", "y"), "year"),
}
AM_PM: Final = {"am": False, "a.m": False, "a.m.": False, "pm": True, "p.m": True, "p.m.": True}
# Between the time and the text, how people talk ("remind me to …"): not part of the text.
LINKS: Final = frozenset({"to", "about", "that", "me", "of"})

CLOCK_TOKEN: Final = re.compile(r"(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?:(?P<ap>[ap])(?:\.?m\.?)?)?")
DAY_NUMBER: Final = re.compile(r"(?P<d>\d{1,2})(?P<suffix>st|nd|rd|th)?")
SLASH_DATE: Final = re.compile(r"(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?")
ISO_DATE: Final = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})(?:t(?P<h>\d{1,2}):(?P<mi>\d{2}))?"
)
COMPACT_DURATION: Final = re.compile(r"(?:\d+(?:\.\d+)?(?:h|hr|hrs|m|min|mins|s|sec|secs|d|w))+")
COMPACT_PART: Final = re.compile(r"(\d+(?:\.\d+)?)([a-z]+)")
_EDGE_PUNCTUATION: Final = ".,;:!?()[]{}\"'“”‘’«»"


class Tokens(NamedTuple):
    """The words of a text, lower-cased and without surrounding punctuation, with where each
    was typed (`starts`, `ends`: offsets into the text). Parallel lists: quicker than objects."""

    words: list[str]
    starts: list[int]
    ends: list[int]


def tokenize(text: str) -> Tokens:
    """The words of `text`, each normalised, with their places; punctuation-only words dropped.

    "p.m." keeps its dots; "9am." and "mon," lose the sentence's."""
    lowered = text.lower()
    raws = lowered.split()
    words = [raw if raw in AM_PM else raw.strip(_EDGE_PUNCTUATION) for raw in raws]
    # Lower-casing all at once keeps every place pointing into the text as typed, unless a
    # letter changes length ("İ"); that, and punctuation-only words, go word by word.
    if len(lowered) != len(text) or not all(words):
        return _tokenize_slowly(text)
    starts: list[int] = []
    ends: list[int] = []
    at = 0
    find = lowered.find
    for raw in raws:
        start = find(raw, at)
        at = start + len(raw)
        starts.append(start)
        ends.append(at)
    return Tokens(words, starts, ends)


def _tokenize_slowly(text: str) -> Tokens:
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    at = 0
    for raw in text.split():
        start = text.find(raw, at)
        at = start + len(raw)
        low = raw.lower()
        word = low if low in AM_PM else low.strip(_EDGE_PUNCTUATION)
        if word:
            words.append(word)
            starts.append(start)
            ends.append(at)
    return Tokens(words, starts, ends)


def is_number(word: str) -> bool:
    """Digits only."""
    return word.isdigit()


def to_utc(naive: datetime, tz: ZoneInfo) -> datetime:
    """A local wall-clock time in `tz` on the timeline, in UTC.

    Ambiguous (clocks go back): the first of the two, fold=0. Non-existent (clocks go
    forward): the first local time that exists after the gap, e.g. 02:30 -> 03:00.
    """
    # combine() with the zone, not replace(tzinfo=…): keyword arguments cost more, and this
    # runs for every time read.
    if naive.fold:
        naive = naive.replace(fold=0)
    aware = datetime.combine(naive.date(), naive.time(), tz)
    first = aware.astimezone(UTC)
    # Both in `tz`: the comparison is of wall-clock fields, so this holds unless `naive` falls
    # in a gap (a time that does not exist there).
    if first.astimezone(tz) == aware:
        return first
    # In a gap the two folds read the time with the offsets before and after the change, so
    # the change lies between those instants; the first existing local time is the change
    # itself. Bisect to the second (transitions fall on whole seconds).
    other = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    lo, hi = math.floor(min(first, other).timestamp()), math.ceil(max(first, other).timestamp())
    offset_after = datetime.fromtimestamp(hi, tz).utcoffset()
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, tz).utcoffset() == offset_after:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


def local_now(now: datetime, tz: ZoneInfo) -> datetime:
    """`now` on the wall clock of `tz`, naive."""
    at = now.astimezone(tz)
    # Built from the fields: several times quicker than replace(tzinfo=None) on every reading.
    return datetime(at.year, at.month, at.day, at.hour, at.minute, at.second, at.microsecond)


_Day = TypeVar("_Day", bound=date)


def add_months(day: _Day, months: int) -> _Day:
    """The same day `months` later (or earlier), kept within the month: Jan 31 + 1 is Feb 28
    (or 29). `relativedelta`'s meaning, without its cost on every reading."""
    if not months:
        return day
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, _month_days(year, month + 1)))


def _month_days(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


_SHORT_DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_SHORT_MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip


def format_when(at: datetime, tz: ZoneInfo, *, now: datetime | None = None) -> str:
    """`Tue 8 Dec, 15:00 EST`: weekday, day, month, 24-hour time and the zone's abbreviation;
    given `now`, the year too when it is not the current one (`Fri 1 Jan 2027, 09:00 CET`)."""
    local = at.astimezone(tz)
    zone = local.tzname() or ""
    if zone.startswith(("+", "-")):  # zones without an abbreviation report "-03"
        zone = f"UTC{zone}"
    # Our own names, not strftime's %a/%b, which follow the process locale.
    day, month = _SHORT_DAYS[local.weekday()], _SHORT_MONTHS[local.month - 1]
    year = f" {local.year}" if now is not None and now.astimezone(tz).year != local.year else ""
    return f"{day} {local.day} {month}{year}, {local:%H:%M} {zone}"


def shown(text: str) -> str:
    """What the user wrote, on one line, short enough to echo in a message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= 60 else flat[:59] + "…"
