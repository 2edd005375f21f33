"""Reading rule strings: RFC 5545 text in the owner's local wall-clock time. Pure.

Two lines, as written by `recurrence.build_rule`:

    DTSTART:20261204T160000
    RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=16;BYMINUTE=0;BYSECOND=0;UNTIL=20271231T235959

or a legacy bare RRULE body without DTSTART. `parse_rule` reads either into a `Rule`, and
refuses (ValueError) what is malformed or can never happen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from dateutil.rrule import rrulestr

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY")


@dataclass(frozen=True)
class Rule:
    """A rule string read into parts. `items` holds the RRULE body's NAME=value pairs (upper
    case, in order); `body` is the body without UNTIL and COUNT, which are kept apart."""

    dtstart: datetime | None  # naive local; None for a legacy bare body
    freq: str
    interval: int
    until: datetime | None  # naive local, inclusive
    count: int | None
    items: tuple[tuple[str, str], ...]
    body: str

    def part(self, name: str, default: str = "") -> str:
        """One part's value as written: part("FREQ") -> "WEEKLY"."""
        return next((value for key, value in self.items if key == name), default)

    def has(self, name: str) -> bool:
        """Whether the body names this part."""
        return any(key == name for key, _ in self.items)

    def numbers(self, name: str) -> tuple[int, ...]:
        """A list-valued part as integers: BYHOUR=9,17 -> (9, 17)."""
        return tuple(int(v) for v in self.part(name).split(",") if v)

    def days(self) -> tuple[tuple[int | None, int], ...]:
        """BYDAY as (ordinal or None, weekday 0=Monday): "1MO,-1FR" -> ((1, 0), (-1, 4))."""
        found = []
        for item in self.part("BYDAY").split(","):
            if item:
                ordinal = item[:-2]
                found.append((int(ordinal) if ordinal else None, WEEKDAY_CODES.index(item[-2:])))
        return tuple(found)


def _naive_stamp(value: str) -> datetime:
    # 20261204T160000, 20261204 (a date: its start) or with a trailing Z (read as written).
    value = value.strip().rstrip("Zz")
    if "T" in value.upper():
        return datetime.strptime(value.upper(), "%Y%m%dT%H%M%S")
    return datetime.strptime(value, "%Y%m%d")


@lru_cache(maxsize=4096)
def parse_rule(rule: str) -> Rule:
    """Read a rule string (two-line DTSTART + RRULE, or a bare body); ValueError if malformed."""
    dtstart = None
    body = ""
    for raw in rule.replace("\\n", "\n").splitlines():
        line = raw.strip()
        if not line:
            continue
        name, sep, value = line.partition(":")
        head = name.split(";")[0].upper()
        if sep and head == "DTSTART":
            dtstart = _naive_stamp(value)
        elif sep and head == "RRULE":
            body = value.strip()
        elif "=" in line and not body:
            body = line
        else:
            raise ValueError(f"unreadable rule line: {line!r}")
    parts: dict[str, str] = {}
    for piece in body.split(";"):
        if piece.strip():
            key, eq, value = piece.partition("=")
            if not eq:
                raise ValueError(f"unreadable rule part: {piece!r}")
            parts[key.strip().upper()] = value.strip().upper()
    freq = parts.get("FREQ", "")
    if freq not in FREQS:
        raise ValueError(f"unsupported FREQ: {freq!r}")
    interval = int(parts.get("INTERVAL", "1"))
    if interval < 1:
        raise ValueError("INTERVAL must be at least 1")
    until = _naive_stamp(parts["UNTIL"]) if "UNTIL" in parts else None
    count = int(parts["COUNT"]) if "COUNT" in parts else None
    if until is not None and count is not None:
        raise ValueError("a rule has UNTIL or COUNT, not both")
    plain = ";".join(f"{k}={v}" for k, v in parts.items() if k not in ("UNTIL", "COUNT"))
    found = Rule(dtstart, freq, interval, until, count, tuple(parts.items()), plain)
    found.days()  # bad weekday codes fail here, not in the scheduler
    if not _possible(found):
        # dateutil would look for it until the year 9999 (seconds of work per question).
        raise ValueError("that rule never happens")
    rrulestr(plain, dtstart=dtstart or datetime(2000, 1, 1))  # and dateutil must accept it
    return found


# The most days each month can have (February: in a leap year).
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _possible(rule: Rule) -> bool:
    """False for a rule no date can fit, such as BYMONTH=2;BYMONTHDAY=30. Rare fits (29 Feb,
    a fifth Monday) are possible: dateutil finds them within a few dozen years."""
    months = rule.numbers("BYMONTH") or tuple(range(1, 13))
    if any(not 1 <= m <= 12 for m in months):
        return False
    monthdays = rule.numbers("BYMONTHDAY")
    if any(d == 0 or not -31 <= d <= 31 for d in monthdays):
        return False
    if monthdays and not any(abs(d) <= _MONTH_DAYS[m - 1] for m in months for d in monthdays):
        return False
    if any(o is not None and (o == 0 or not -53 <= o <= 53) for o, _ in rule.days()):
        return False
    if rule.freq == "MONTHLY" and any(o is not None and abs(o) > 5 for o, _ in rule.days()):
        return False
    hours, minutes = rule.numbers("BYHOUR"), rule.numbers("BYMINUTE")
    if any(not 0 <= h <= 23 for h in hours) or any(not 0 <= m <= 59 for m in minutes):
        return False
    return all(p != 0 and -366 <= p <= 366 for p in rule.numbers("BYSETPOS"))
