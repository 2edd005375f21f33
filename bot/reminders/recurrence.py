"""Recurring reminders: running rule strings on the timeline, saying and building them.

A rule is RFC 5545 text in the owner's LOCAL wall-clock time (09:00 stays 09:00 across DST):

    DTSTART:20261204T160000
    RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=16;BYMINUTE=0;BYSECOND=0;UNTIL=20271231T235959

with an optional UNTIL (naive local, inclusive) or COUNT. A bare RRULE body without DTSTART
(`FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0`, as stored before DTSTART was written) is anchored
at the moment asked about. dateutil's rrule runs the rule on naive local times; `to_utc` then
places each on the timeline: a time in a spring-forward gap moves to the first time that
exists, an ambiguous fall-back time takes the first of the two.

Pure: no I/O. Reading the text is `rule_text.parse_rule`; `describe_rule` says a rule in
words (the words are in `rule_words`).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule, rrulestr

from bot.reminders.rule_text import FREQS, WEEKDAY_CODES, Rule, parse_rule
from bot.reminders.rule_words import rule_in_words
from bot.reminders.timewords import to_utc

# Candidates looked at per question: a rule that yields nothing usable cannot spin for ever.
MAX_CANDIDATES = 1000
# A COUNT rule's occurrences are listed once; a larger COUNT is cut to this many.
MAX_COUNT = 10_000
# How far ahead an occurrence is looked for (beyond the rule's own period). (A rule no date
# fits at all is refused by parse_rule: dateutil would search it to the year 9999.)
HORIZON_YEARS = 10
# The widest clock change there is, with room: a time this far past a moment on the wall clock
# can still lie before it on the timeline (the second pass through a fall-back hour).
_FOLD_SLACK = timedelta(hours=3)
_STEP = {
    "WEEKLY": timedelta(weeks=1),
    "DAILY": timedelta(days=1),
    "HOURLY": timedelta(hours=1),
    "MINUTELY": timedelta(minutes=1),
}


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz).replace(tzinfo=None)


def _period(rule: Rule) -> relativedelta | timedelta:
    if rule.freq == "YEARLY":
        return relativedelta(years=rule.interval)
    if rule.freq == "MONTHLY":
        return relativedelta(months=rule.interval)
    return _STEP[rule.freq] * rule.interval


def _horizon(rule: Rule) -> relativedelta:
    span = relativedelta(years=HORIZON_YEARS)
    if rule.freq == "YEARLY":
        span += relativedelta(years=rule.interval)
    elif rule.freq == "MONTHLY":
        span += relativedelta(months=rule.interval)
    return span


def _shiftable(rule: Rule, start: datetime) -> bool:
    # Moving DTSTART by whole periods keeps the series, unless dateutil fills a missing BYxxx
    # from DTSTART's day (a 31st moved by months would become a 30th).
    explicit = any(rule.has(k) for k in ("BYMONTHDAY", "BYDAY", "BYYEARDAY", "BYWEEKNO"))
    if rule.freq == "MONTHLY":
        return explicit or start.day <= 28
    if rule.freq == "YEARLY":
        return explicit or (start.month, start.day) != (2, 29)
    return True


def _start_near(rule: Rule, start: datetime, moment: datetime) -> datetime:
    """DTSTART moved forward by whole periods to a period or two before `moment`, so that
    running the rule does not walk a year of hourly runs to get there."""
    if moment <= start or not _shiftable(rule, start):
        return start
    period = _period(rule)
    if isinstance(period, timedelta):
        whole = (moment - start) // period - 1
        return start + period * whole if whole > 0 else start
    months = (moment.year - start.year) * 12 + moment.month - start.month
    step = rule.interval * (12 if rule.freq == "YEARLY" else 1)
    whole = months // step - 1
    return start + relativedelta(months=step * whole) if whole > 0 else start


@lru_cache(maxsize=256)
def _counted(rule: Rule) -> tuple[datetime, ...]:
    # A COUNT rule counts from its DTSTART, so it is listed once from there.
    assert rule.dtstart is not None and rule.count is not None
    count = min(rule.count, MAX_COUNT)
    limit = rule.dtstart + _period(rule) * count + _horizon(rule)
    runs = _runs(rule, rule.dtstart, limit)
    return tuple(itertools.islice(runs, count))


def _runs(rule: Rule, start: datetime, limit: datetime) -> Iterator[datetime]:
    until = limit if rule.until is None else min(rule.until, limit)
    if until < start:
        return iter(())
    return iter(_template(rule.body).replace(dtstart=start, until=until))


@lru_cache(maxsize=1024)
def _template(body: str) -> rrule:
    # Read once; each question then sets its own start and end (reading the text, its UNTIL
    # above all, cost more than running the rule).
    made = rrulestr(body, dtstart=datetime(2000, 1, 1))
    assert isinstance(made, rrule)
    return made


def _between(rule: Rule, low: datetime, high: datetime, anchor: datetime) -> Iterator[datetime]:
    """The rule's naive local times in (low, high], at most MAX_CANDIDATES of them. `anchor`
    stands in for DTSTART when the rule has none."""
    if rule.count is not None and rule.dtstart is not None:
        listed = _counted(rule)
        first = bisect.bisect_right(listed, low)
        last = bisect.bisect_right(listed, high)
        yield from listed[first : min(last, first + MAX_CANDIDATES)]
        return
    start = anchor if rule.dtstart is None else _start_near(rule, rule.dtstart, low)
    seen = 0
    for naive in _runs(rule, start, high):
        if naive <= low:
            continue
        yield naive
        seen += 1
        if seen >= MAX_CANDIDATES:
            return


def next_occurrence(rule: str, tz: ZoneInfo, after: datetime) -> datetime | None:
    """The first occurrence strictly after `after`, aware in UTC; None once the series ended
    (or the rule never fits)."""
    parsed = parse_rule(rule)
    local_after = _local(after, tz)
    anchor = local_after.replace(second=0, microsecond=0)
    # Wall-clock order and timeline order agree under to_utc (it never moves a time
    # backwards), so no run at or before local_after can land after `after`: start there.
    for naive in _between(parsed, local_after, local_after + _horizon(parsed), anchor):
        at = to_utc(naive, tz)
        if at > after:
            return at
    return None


def previous_occurrence(rule: str, tz: ZoneInfo, at_or_before: datetime) -> datetime | None:
    """The last occurrence at or before `at_or_before`, aware in UTC; None if there is none
    (a legacy bare rule looks back two periods only)."""
    parsed = parse_rule(rule)
    local = _local(at_or_before, tz)
    high = local + _FOLD_SLACK
    period = _period(parsed)
    low = local - period - period
    anchor = low.replace(second=0, microsecond=0)
    for low_bound in (low, None):
        if low_bound is None:
            if parsed.dtstart is None:
                return None
            low_bound = parsed.dtstart - timedelta(seconds=1)  # the whole series, once
            anchor = parsed.dtstart
        found = None
        for naive in _between(parsed, low_bound, high, anchor):
            at = to_utc(naive, tz)
            if at <= at_or_before:
                found = at
        if found is not None:
            return found
    return None


def upcoming(rule: str, tz: ZoneInfo, after: datetime, n: int) -> list[datetime]:
    """The next `n` occurrences strictly after `after` (fewer if the series ends), in UTC."""
    found: list[datetime] = []
    at = after
    while len(found) < n:
        following = next_occurrence(rule, tz, at)
        if following is None:
            break
        found.append(following)
        at = following
    return found


def remaining(rule: str, tz: ZoneInfo, after: datetime, *, limit: int = 1000) -> int:
    """How many occurrences come strictly after `after` (at most `limit`): for COUNT rules."""
    return len(upcoming(rule, tz, after, limit))


def describe_rule(rule: str, *, tz: ZoneInfo | None = None, after: datetime | None = None) -> str:
    """The rule in words: "every other Friday at 16:00 until 31 Dec 2027", "every month on
    the last day at 09:00", "every Monday, Wednesday and Friday at 10:00".

    A COUNT rule says its count ("every day at 09:00, 6 times"), or with `tz` and `after`
    how many runs come after that moment ("6 more times", "once more", "for the last time").
    """
    parsed = parse_rule(rule)
    left = None
    if parsed.count is not None and tz is not None and after is not None:
        left = remaining(rule, tz, after)
    return rule_in_words(parsed, left)


DayItem = str | tuple[int, str]


def build_rule(
    freq: str,
    *,
    dtstart: datetime,
    interval: int = 1,
    byday: Sequence[DayItem] = (),
    bymonthday: Sequence[int] = (),
    bymonth: Sequence[int] = (),
    bysetpos: Sequence[int] = (),
    hour: int | None = None,
    minute: int | None = None,
    until: datetime | date | None = None,
    count: int | None = None,
) -> str:
    """A rule string in the stored two-line format, from its parts. Raises ValueError.

    - freq: "DAILY", "WEEKLY", "MONTHLY", "YEARLY" or "HOURLY" (also "MINUTELY").
    - dtstart: naive LOCAL wall-clock time from which the series may start. DTSTART is written
      as the first time at or after it that fits the rule (run with INTERVAL=1), so "every
      other Friday" set on a Saturday starts on the coming Friday, then every two weeks.
    - interval: every N periods (INTERVAL), N >= 1.
    - byday: weekday codes "MO".."SU", or (ordinal, code) for a month's or year's nth weekday:
      (1, "MO") the first Monday, (-1, "FR") the last Friday.
    - bymonthday: days of the month, -1 the last day. bymonth: months 1..12.
      bysetpos: positions in each period's set (BYDAY=MO,TU,WE,TH,FR + -1: the last weekday).
    - hour, minute: the wall-clock time (default: dtstart's). HOURLY rules take no hour (they
      run every N hours from dtstart), only the minute past the hour.
    - until: the last moment, inclusive, naive local (a date means the end of that day);
      count: how many times in all. At most one of them.

    Example: build_rule("WEEKLY", interval=2, byday=["FR"], hour=16, minute=0,
    dtstart=datetime(2026, 12, 2), until=date(2027, 12, 31)) ->
    "DTSTART:20261204T160000\\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=16;BYMINUTE=0;
    BYSECOND=0;UNTIL=20271231T235959".
    """
    freq = freq.upper()
    if freq not in FREQS:
        raise ValueError(f"unsupported frequency {freq!r}")
    if interval < 1:
        raise ValueError("the interval must be at least 1")
    if until is not None and count is not None:
        raise ValueError("give until or count, not both")
    if count is not None and not 1 <= count <= MAX_COUNT:
        raise ValueError(f"count must be between 1 and {MAX_COUNT}")
    dtstart = dtstart.replace(tzinfo=None, microsecond=0)
    sub_daily = freq in ("HOURLY", "MINUTELY")
    if sub_daily and hour is not None:
        raise ValueError("an hourly rule runs from dtstart; give no hour")
    if hour is None and not sub_daily:
        hour = dtstart.hour
    if minute is None:
        minute = dtstart.minute
    if (hour is not None and not 0 <= hour <= 23) or not 0 <= minute <= 59:
        raise ValueError("no such time of day")
    parts = [f"FREQ={freq}"]
    if interval != 1:
        parts.append(f"INTERVAL={interval}")
    if bymonth:
        parts.append("BYMONTH=" + ",".join(str(m) for m in bymonth))
    if bymonthday:
        parts.append("BYMONTHDAY=" + ",".join(str(d) for d in bymonthday))
    if byday:
        parts.append("BYDAY=" + ",".join(_day_code(d) for d in byday))
    if bysetpos:
        parts.append("BYSETPOS=" + ",".join(str(p) for p in bysetpos))
    if hour is not None:
        parts.append(f"BYHOUR={hour}")
    if freq != "MINUTELY":
        parts.append(f"BYMINUTE={minute}")
    parts.append("BYSECOND=0")
    body = ";".join(parts)
    if sub_daily:
        dtstart = dtstart.replace(minute=minute, second=0)
    # The first fitting time, found with INTERVAL=1 so the interval counts from it.
    probe = parse_rule(";".join(p for p in parts if not p.startswith("INTERVAL=")))
    first = next(_between(probe, dtstart - timedelta(seconds=1), _far(dtstart), dtstart), None)
    if first is None:
        raise ValueError("that rule never happens")
    end = ""
    if until is not None:
        if not isinstance(until, datetime):
            until = datetime.combine(until, time(23, 59, 59))
        until = until.replace(tzinfo=None, microsecond=0)
        if until < first:
            raise ValueError("the end comes before the first time")
        end = f";UNTIL={until:%Y%m%dT%H%M%S}"
    elif count is not None:
        end = f";COUNT={count}"
    rule = f"DTSTART:{first:%Y%m%dT%H%M%S}\nRRULE:{body}{end}"
    parse_rule(rule)
    return rule


def _far(start: datetime) -> datetime:
    return start + relativedelta(years=HORIZON_YEARS)


def _day_code(item: DayItem) -> str:
    if isinstance(item, tuple):
        ordinal, code = item
        if ordinal == 0 or not -5 <= ordinal <= 5:
            raise ValueError(f"no such weekday position {ordinal}")
        item = f"{ordinal}{code.upper()}"
        code = code.upper()
    else:
        code = item.upper()
    if code not in WEEKDAY_CODES:
        raise ValueError(f"no such weekday {code!r}")
    return item.upper()
