"""The rule a repeating phrase means, and its first time. Pure: no I/O.

Rules are written in the owner's local wall-clock time, in two lines (the shared format):
`DTSTART:20261204T160000` and `RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=16;…`; DTSTART is
the first occurrence. `first_after` is the one place here that runs a rule."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, HOURLY, MONTHLY, WEEKLY, YEARLY, rrule, weekday

from bot.reminders.moments import day_on_or_after, hours
from bot.reminders.repeats import Repeat
from bot.reminders.timewords import add_months, to_utc

_FREQS: dict[str, Any] = {
    "HOURLY": HOURLY, "DAILY": DAILY, "WEEKLY": WEEKLY, "MONTHLY": MONTHLY, "YEARLY": YEARLY
}  # fmt: skip
_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _rrule(r: Repeat, start: datetime, hm: tuple[int, int] | None, *, search: bool) -> rrule:
    """The dateutil rule for `r` from `start`. While searching for the first time, the
    interval is 1: "every other friday" starts on the coming Friday."""
    byweekday: list[weekday] | None = None
    if r.weekdays:
        byweekday = [weekday(d, r.nth or None) for d in r.weekdays]
    return rrule(
        _FREQS[r.freq],
        dtstart=start,
        interval=1 if search else r.interval,
        byweekday=byweekday,
        bymonthday=r.monthdays or None,
        bymonth=r.month or None,
        byhour=None if hm is None else hm[0],
        byminute=start.minute if hm is None else hm[1],
        bysecond=0,
    )


def first_after(r: Repeat, start: datetime, hm: tuple[int, int] | None, tz: ZoneInfo,
                after: datetime) -> datetime | None:  # fmt: skip
    """The first local occurrence of `r` (searching from the naive local `start`) that lies
    on the timeline strictly after `after`. The one function here that runs a rule: the lead
    may point it at `recurrence.next_occurrence(rule_text(...), tz, after)` instead."""
    if hm is not None and r.freq in ("DAILY", "WEEKLY") and not (r.monthdays or r.month or r.nth):
        # Daily, or on chosen weekdays, at one time: the coming week holds the first one, so
        # look day by day instead of building a dateutil rule (most repeats people set).
        days = frozenset(r.weekdays) if r.weekdays else None
        if r.freq == "DAILY" or days:
            today, weekday = start.date(), start.weekday()
            for ahead in range(8):
                if days is None or (weekday + ahead) % 7 in days:
                    day = today + timedelta(ahead)  # days; positional is quicker
                    naive = datetime(day.year, day.month, day.day, *hm)
                    if naive >= start and to_utc(naive, tz) > after:
                        return naive
    for naive in itertools.islice(_rrule(r, start, hm, search=True), 400):
        if to_utc(naive, tz) > after:
            return naive
    return None


def _until(r: Repeat, first: datetime, today: date) -> datetime | None:
    """The end (inclusive, local): the end of the day named, or of the span counted from the
    first occurrence ("for 6 weeks" from a Monday: through the Sunday six weeks on)."""
    if r.until is not None:
        return datetime.combine(day_on_or_after(r.until, today), time(23, 59, 59))
    if r.lasting is None:
        return None
    unit, amount = r.lasting
    if unit == "hour":
        return first + timedelta(hours=amount) - timedelta(seconds=1)
    months = amount * (12 if unit == "year" else 1) if unit in ("month", "year") else 0
    days = amount * (7 if unit == "week" else 1) if unit in ("day", "week") else 0
    end = add_months(first.date(), months) + timedelta(days=days - 1)
    return datetime.combine(end, time(23, 59, 59))


def rule_text(r: Repeat, dtstart: datetime, hm: tuple[int, int] | None,
              until: datetime | None) -> str:  # fmt: skip
    """The two-line rule: DTSTART (the first occurrence, local) and the RRULE."""
    parts = [f"FREQ={r.freq}"]
    if r.interval > 1:
        parts.append(f"INTERVAL={r.interval}")
    if r.month:
        parts.append(f"BYMONTH={r.month}")
    if r.monthdays:
        parts.append("BYMONTHDAY=" + ",".join(str(d) for d in r.monthdays))
    if r.weekdays:
        nth = str(r.nth) if r.nth else ""
        parts.append("BYDAY=" + ",".join(nth + _CODES[d] for d in r.weekdays))
    if hm is not None:
        parts.append(f"BYHOUR={hm[0]}")
    parts.append(f"BYMINUTE={dtstart.minute if hm is None else hm[1]};BYSECOND=0")
    if until is not None:
        parts.append(f"UNTIL={_stamp(until)}")
    if r.count:
        parts.append(f"COUNT={r.count}")
    return f"DTSTART:{_stamp(dtstart)}\nRRULE:" + ";".join(parts)


def _stamp(at: datetime) -> str:
    # RFC 5545's local form, 20261204T160000; %-formatting is a third of strftime's cost
    fields = (at.year, at.month, at.day, at.hour, at.minute, at.second)
    return "%04d%02d%02dT%02d%02d%02d" % fields  # noqa: UP031


class Built(NamedTuple):
    """A repeating phrase made concrete: its first instant (UTC) and local time, the rule,
    the bare hour taken (if any), and its end (local) if it has one."""

    at: datetime
    first: datetime
    rule: str
    bare: tuple[int, int] | None
    until: datetime | None


def build(r: Repeat, now: datetime, tz: ZoneInfo) -> Built | None:
    """The rule and first occurrence of `r` after `now`; None if it never occurs."""
    at = now.astimezone(tz)
    local = datetime(at.year, at.month, at.day, at.hour, at.minute)
    hm: tuple[int, int] | None
    if r.freq == "HOURLY" and r.clock is None and r.part is None:
        first: datetime | None = local + timedelta(hours=r.interval)
        hm = None
    else:
        # A bare hour in a repeat is the daytime one, never "whichever comes next today":
        # "weekdays at 9" is 09:00 whatever the hour it was set at.
        hm = hours(r.clock, r.part)[0]
        # "every week", "every month", "every year" without a day: from the next such time.
        anchor = r
        if (r.freq == "WEEKLY" and not r.weekdays) or (
            r.freq in ("MONTHLY", "YEARLY") and not r.monthdays and not r.weekdays
        ) or r.freq == "HOURLY":  # fmt: skip
            anchor = Repeat(0, 0, freq="DAILY")
        first = first_after(anchor, local, hm, tz, now)
    if first is None:
        return None
    if r.freq == "WEEKLY" and not r.weekdays:
        r = replace(r, weekdays=(first.weekday(),))
    elif r.freq in ("MONTHLY", "YEARLY") and not r.monthdays and not r.weekdays:
        r = replace(r, monthdays=(first.day,), month=first.month if r.freq == "YEARLY" else 0)
    until = _until(r, first, local.date())
    bare = hm if r.clock is not None and r.clock.bare and r.part is None else None
    if r.freq == "HOURLY":
        hm = None  # the hour moves; only the minute is fixed
    return Built(to_utc(first, tz), first, rule_text(r, first, hm, until), bare, until)
