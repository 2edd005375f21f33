"""When a reminder fires: `remind <when> <text>` phrases in the user's timezone, DST-correct.

Pure: no I/O, no platform imports. The order of the parsers matters: recurrence, durations,
ISO dates and the common "day + clock" phrases are handled by small regexes (exact and fast);
parsedatetime reads the rest (month dates, "12/25", "next week", "tonight", ...), and only
when it understood the whole phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import parsedatetime
from dateutil.relativedelta import relativedelta

# Rules are read and run in recurrence; these names stay importable from here.
from bot.reminders.recurrence import next_occurrence
from bot.reminders.recurrence import to_utc as _to_utc

MAX_AHEAD = timedelta(days=365)
EXAMPLES = (
    "in 90 seconds, in 2 hours, tomorrow 9am, next tuesday 3pm, dec 3 14:30, every monday 9am"
)
# A day named without a clock time ("tomorrow", "dec 3", "every monday") means 09:00 local:
# a reminder at midnight or at the current minute of some future day is rarely what people mean.
DEFAULT_CLOCK = (9, 0)

# Built once: constructing a Calendar costs far more than a parse.
_CALENDAR = parsedatetime.Calendar(parsedatetime.Constants(usePyICU=False))

_WEEKDAY_NAMES = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thurs": 3, "thur": 3, "thu": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip

# Longest names first so "tue" never wins over "tuesday" inside an alternation.
_WD = "(?:" + "|".join(sorted(_WEEKDAY_NAMES, key=len, reverse=True)) + ")"
_CLOCK = r"(?:at\s+)?(?:\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?m\.?|\d{1,2}:\d{2}|noon|midnight|\d{1,2})"
_DAY = (
    rf"(?:on\s+)?(?:(?:next|this)\s+)?{_WD}"
    r"|today|tomorrow|tmrw|tmr|(?:the\s+)?day\s+after\s+tomorrow"
)
_DAYLIST = rf"{_WD}s?(?:(?:\s*,\s*|\s+)(?:and\s+|&\s+)?{_WD}s?)*"
_REPEAT = (
    r"(?:every|each)\s+day|everyday|daily"
    r"|(?:every|each)\s+week\s?day|(?:on\s+)?weekdays"
    r"|(?:every|each)\s+weekend|(?:on\s+)?weekends"
    rf"|(?:(?:every|each)\s+(?:week\s+on\s+)?|weekly\s+on\s+){_DAYLIST}"
)

_DAY_FIRST = re.compile(rf"(?P<day>{_DAY})(?:\s+(?P<clock>{_CLOCK}))?")
_CLOCK_FIRST = re.compile(rf"(?P<clock>{_CLOCK})(?:\s+(?P<day>{_DAY}))?")
_REPEAT_FIRST = re.compile(rf"(?P<repeat>{_REPEAT})(?:\s+(?P<clock>{_CLOCK}))?")
_REPEAT_LAST = re.compile(rf"(?P<clock>{_CLOCK})\s+(?P<repeat>{_REPEAT})")
_REPEAT_WORD = re.compile(r"(?:every|each|daily|weekly|weekdays|weekends)\b")
_CLOCK_PARTS = re.compile(
    r"(?P<h>\d{1,2})(?:(?P<sep>[:.])(?P<m>\d{2}))?\s*(?:(?P<ap>[ap])\.?m\.?)?"
)
_WD_WORD = re.compile(rf"\b{_WD}")

# Longer spellings first: findall() takes the first alternative that fits ("mo" before "m").
_UNIT = (
    r"(?:seconds?|secs?|s|minutes?|mins?|months?|mo|m|hours?|hrs?|h"
    r"|days?|d|weeks?|wks?|w)"
)
_DURATION = re.compile(rf"in\s+((?:(?:\d+|an?)\s*{_UNIT}(?:\s*,?\s*(?:and\s+)?|$))+)")
_DURATION_PART = re.compile(rf"(\d+|an?)\s*({_UNIT})")
_ELAPSED_SECONDS = {"s": 1, "m": 60, "h": 3600}  # by first letter; "mo" is caught before "m"
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?P<time>[t ].+)?")
# parsedatetime reads meals as times ("friday at noon lunch" = Fri 12:00), but in a reminder
# they are nearly always the text: "dinner with Sam".
_MEALS = re.compile(r"\b(?:breakfast|lunch|dinner)\b")
_HAS_CLOCK = re.compile(r"\d:\d|\d\s*[ap]\.?m\b|\bnoon\b|\bmidnight\b")


class WhenError(ValueError):
    """A time the user wrote that cannot be used; str(exc) is a one-line message for the user,
    ending with examples of what works."""


@dataclass(frozen=True)
class When:
    """A resolved time: `at` in UTC; `rule` an RRULE body in local wall-clock time, or None."""

    at: datetime
    rule: str | None = None


def parse_when(text: str, *, now: datetime, tz: ZoneInfo) -> When:
    """Read the whole of `text` as a time phrase in `tz`; raise WhenError if it cannot be used."""
    norm = _normalize(text)
    if not norm:
        raise WhenError(f"Tell me when, for example: {EXAMPLES}.")
    when = _understand(norm, now, tz)
    if when is None:
        if _REPEAT_WORD.match(norm):
            raise WhenError(
                f"I can repeat a reminder every day, on weekdays or weekly on chosen days, "
                f"but not “{_shown(text)}”. Try: {EXAMPLES}."
            )
        raise WhenError(f"I couldn't read “{_shown(text)}” as a time. Try: {EXAMPLES}.")
    _check_range(when, text, now, tz)
    return when


def split_when(text: str, *, now: datetime, tz: ZoneInfo) -> tuple[When, str]:
    """Split `<when> <what>`: the longest leading phrase (1..6 words) that parses in full wins.

    Returns the When and the rest of the text, stripped, with its characters as written.
    """
    words = list(re.finditer(r"\S+", text))
    for count in range(min(6, len(words)), 0, -1):
        end = words[count - 1].end()
        norm = _normalize(text[:end])
        when = _understand(norm, now, tz) if norm else None
        if when is None:
            continue
        _check_range(when, text[:end], now, tz)
        rest = text[end:].strip()
        if not rest:
            raise WhenError(
                f"Add what to remind you about after the time, e.g. “{_shown(text)} call Bob”. "
                f"Times I understand: {EXAMPLES}."
            )
        return when, rest
    raise WhenError(
        f"Start with when, then what, e.g. “tomorrow 9am call Bob”. Times I understand: {EXAMPLES}."
    )


def format_when(at: datetime, tz: ZoneInfo) -> str:
    """`Tue 8 Dec, 15:00 EST`: weekday, day, month, 24-hour time and the zone's abbreviation."""
    local = at.astimezone(tz)
    zone = local.tzname() or ""
    if zone.startswith(("+", "-")):  # zones without an abbreviation report "-03"
        zone = f"UTC{zone}"
    # Our own names, not strftime's %a/%b, which follow the process locale.
    day, month = _SHORT_DAYS[local.weekday()], _SHORT_MONTHS[local.month - 1]
    return f"{day} {local.day} {month}, {local:%H:%M} {zone}"


def _normalize(text: str) -> str:
    # Lower case, single spaces, and no trailing punctuation ("tomorrow 9am:" in split_when).
    return " ".join(text.lower().split()).rstrip(".,:;-–— ")


def _shown(text: str) -> str:
    # Echo what the user wrote on one line, short enough for a message.
    flat = " ".join(text.split())
    return flat if len(flat) <= 60 else flat[:59] + "…"


def _check_range(when: When, text: str, now: datetime, tz: ZoneInfo) -> None:
    if when.at <= now:
        raise WhenError(
            f"“{_shown(text)}” ({format_when(when.at, tz)}) has already passed. "
            f"Try a time ahead: {EXAMPLES}."
        )
    if when.at - now > MAX_AHEAD:
        raise WhenError(
            f"“{_shown(text)}” ({format_when(when.at, tz)}) is more than a year ahead; "
            f"I can remind you up to 365 days out. Try: {EXAMPLES}."
        )


def _understand(norm: str, now: datetime, tz: ZoneInfo) -> When | None:
    """The When for a normalized phrase, or None if it is not (entirely) a time phrase."""
    if match := _REPEAT_FIRST.fullmatch(norm) or _REPEAT_LAST.fullmatch(norm):
        return _repeating(match["repeat"], match["clock"], now, tz)
    if _REPEAT_WORD.match(norm):
        return None  # "every 2 hours": not a recurrence we offer; don't let parsedatetime guess
    if match := _DURATION.fullmatch(norm):
        return When(_after_duration(match[1], now, tz))
    local_now = now.astimezone(tz).replace(tzinfo=None)
    if match := _ISO.fullmatch(norm):
        try:
            parsed = datetime.fromisoformat(norm.upper())
        except ValueError:
            parsed = None  # e.g. "2026-12-03 2pm": parsedatetime may still read it
        if parsed is not None and parsed.tzinfo is not None:
            return When(parsed.astimezone(UTC))
        if parsed is not None:
            if match["time"] is None:
                parsed = parsed.replace(hour=DEFAULT_CLOCK[0], minute=DEFAULT_CLOCK[1])
            return When(_to_utc(parsed, tz))
    if match := _DAY_FIRST.fullmatch(norm) or _CLOCK_FIRST.fullmatch(norm):
        at = _day_and_clock(match["day"], match["clock"], local_now, now, tz)
        return None if at is None else When(at)
    return _parsedatetime(norm, local_now, tz)


def _clock(text: str | None) -> tuple[int, int] | None:
    """(hour, minute) for "9am", "9:30 p.m.", "17:30", "noon", "at 9"; None if not a clock."""
    if text is None:
        return DEFAULT_CLOCK
    had_at = text.startswith("at ")
    text = text.removeprefix("at ").strip()
    if text in ("noon", "midnight"):
        return (12, 0) if text == "noon" else (0, 0)
    match = _CLOCK_PARTS.fullmatch(text)
    if match is None:
        return None
    hour, minute = int(match["h"]), int(match["m"] or 0)
    if match["ap"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["ap"] == "p" else 0)
    elif match["sep"] == "." or (match["m"] is None and not had_at):
        return None  # "9.30" or a bare "9" could be anything; "at 9" is clearly 09:00
    return (hour, minute) if hour <= 23 and minute <= 59 else None


def _day_and_clock(
    day: str | None, clock: str | None, local_now: datetime, now: datetime, tz: ZoneInfo
) -> datetime | None:
    """today/tomorrow/weekday and/or a clock time; the day defaults to the next time it occurs."""
    hm = _clock(clock)
    if hm is None:
        return None
    today = local_now.date()

    def at_on(d: date) -> datetime:
        return _to_utc(datetime.combine(d, time(*hm)), tz)

    if day is None:  # a clock time alone: today, or tomorrow once it has passed
        at = at_on(today)
        return at if at > now else at_on(today + timedelta(days=1))
    if day.endswith("after tomorrow"):
        return at_on(today + timedelta(days=2))
    if day in ("today", "tomorrow", "tmrw", "tmr"):
        return at_on(today + timedelta(days=0 if day == "today" else 1))
    wd_match = _WD_WORD.search(day)
    assert wd_match is not None  # _DAY only lets weekdays through here
    ahead = (_WEEKDAY_NAMES[wd_match[0]] - today.weekday()) % 7
    if day.removeprefix("on ").startswith("next "):
        # "next tuesday": the coming Tuesday, never today (on a Monday that is tomorrow).
        return at_on(today + timedelta(days=ahead or 7))
    # "tue 15:00" / "this tue": today if that time is still ahead, else the next such day.
    at = at_on(today + timedelta(days=ahead))
    return at if at > now else at_on(today + timedelta(days=ahead + 7))


def _repeating(repeat: str, clock: str | None, now: datetime, tz: ZoneInfo) -> When | None:
    hm = _clock(clock)
    if hm is None:
        return None
    if re.search(r"weekday", repeat):
        days: list[int] | None = [0, 1, 2, 3, 4]
    elif re.search(r"weekend", repeat):
        days = [5, 6]
    elif re.search(r"\bday\b|everyday|daily", repeat):
        days = None
    else:
        days = sorted({_WEEKDAY_NAMES[m] for m in _WD_WORD.findall(repeat)})
    byday = "" if days is None else "BYDAY=" + ",".join(_RRULE_DAYS[d] for d in days) + ";"
    freq = "DAILY" if days is None else "WEEKLY"
    rule = f"FREQ={freq};{byday}BYHOUR={hm[0]};BYMINUTE={hm[1]}"
    at = next_occurrence(rule, tz, now)
    return None if at is None else When(at, rule)


def _after_duration(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """Days, weeks and months keep the local wall-clock time; seconds to hours are elapsed."""
    calendar = relativedelta()
    elapsed = timedelta()
    for amount, unit in _DURATION_PART.findall(text):
        n = 1 if amount in ("a", "an") else int(amount)
        if unit.startswith("mo"):
            calendar += relativedelta(months=n)
        elif unit[0] in "dw":
            calendar += relativedelta(days=n * (7 if unit[0] == "w" else 1))
        else:
            elapsed += timedelta(seconds=n * _ELAPSED_SECONDS[unit[0]])
    start = now.astimezone(UTC)
    if calendar:
        local = now.astimezone(tz)
        start = _to_utc(local.replace(tzinfo=None) + calendar, tz)
    # Elapsed time is added on the timeline: "in 2 hours" across a spring-forward gap is
    # still two real hours, not 3 on the wall clock.
    return start + elapsed


def _parsedatetime(norm: str, local_now: datetime, tz: ZoneInfo) -> When | None:
    # nlp() reports what it matched; it must be one match spanning the whole phrase, or
    # parsedatetime has ignored words ("tomorrow banana" matches only "tomorrow").
    if _MEALS.search(norm):
        return None
    found = _CALENDAR.nlp(norm, sourceTime=local_now.timetuple())
    if not found or len(found) != 1:
        return None
    parsed, status, start, end, _ = found[0]
    if status == 0 or start != 0 or end != len(norm):
        return None
    if status == 1:  # a date without a time of day
        if _HAS_CLOCK.search(norm):
            return None  # it dropped a clock time it could not read ("tomorrow 25:00")
        if not norm.startswith("in "):  # "in 2 fortnights" keeps the time; "dec 3" -> 09:00
            parsed = parsed.replace(hour=DEFAULT_CLOCK[0], minute=DEFAULT_CLOCK[1], second=0)
    return When(_to_utc(parsed.replace(microsecond=0), tz))
