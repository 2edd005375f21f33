"""A recurrence rule in words: "every other Friday at 16:00 until 31 Dec 2027". Pure.

Words for a rule read by `bot.reminders.rule_text.parse_rule` (two-line DTSTART + RRULE, or a
legacy bare body, whose missing time of day reads as 09:00 as it always did). Callers use
`recurrence.describe_rule`, which counts what is left of a COUNT rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.reminders.rule_text import Rule

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip
_ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
_WEEKDAYS = (0, 1, 2, 3, 4)
_UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
_UNITS |= {"HOURLY": "hour", "MINUTELY": "minute"}


def joined(words: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def ordinal_word(n: int) -> str:
    """1 -> "first", -1 -> "last", -2 -> "second to last"."""
    if n in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[n]
    if n < 0:
        return f"{ordinal_word(-n)} to last"
    return day_ordinal(n)


def day_ordinal(n: int) -> str:
    """1 -> "1st", 22 -> "22nd", 13 -> "13th"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _every(rule: Rule, thing: str, *, plural: str | None = None) -> str:
    """every <thing> / every other <thing> / every N <things>."""
    if rule.interval == 1:
        return f"every {thing}"
    if rule.interval == 2:
        return f"every other {thing}"
    return f"every {rule.interval} {plural or thing + 's'}"


def _day_set(days: Sequence[int]) -> str:
    """Weekdays (0=Monday) as a phrase after "every": "weekday", "Monday and Friday"."""
    unique = tuple(sorted(set(days)))
    if len(unique) == 7:
        return "day"
    if unique == _WEEKDAYS:
        return "weekday"
    return joined([DAY_NAMES[d] for d in unique])


def _clock(rule: Rule) -> str:
    """ " at 16:00", " at 09:00 and 17:00"; legacy rules without a time read as 09:00."""
    hours = rule.numbers("BYHOUR")
    if not hours:
        hours = (rule.dtstart.hour,) if rule.dtstart is not None else (9,)
    minutes = rule.numbers("BYMINUTE")
    if not minutes:
        minutes = (rule.dtstart.minute,) if rule.dtstart is not None else (0,)
    times = [f"{h:02d}:{m:02d}" for h in sorted(hours) for m in sorted(minutes)]
    return " at " + joined(times)


def _month_part(rule: Rule) -> str:
    """The day in a month: "on the 1st", "on the last day", "on the first Monday"."""
    monthdays = rule.numbers("BYMONTHDAY")
    days = rule.days()
    setpos = rule.numbers("BYSETPOS")
    if monthdays:
        named = [
            "last day" if d == -1 else f"{ordinal_word(d)} day" if d < 0 else day_ordinal(d)
            for d in sorted(monthdays, key=lambda d: (d < 0, d))
        ]
        return "on the " + joined(named)
    if days and all(o is not None for o, _ in days):
        named = [f"{ordinal_word(o or 0)} {DAY_NAMES[d]}" for o, d in days]
        return "on the " + joined(named)
    if days and len(setpos) == 1:
        return f"on the {ordinal_word(setpos[0])} {_day_set([d for _, d in days])}"
    if days:
        return f"on every {_day_set([d for _, d in days])}"
    if rule.dtstart is not None:
        return f"on the {day_ordinal(rule.dtstart.day)}"
    return ""


def _year_part(rule: Rule) -> str:
    """The day in a year: "on 3 Dec", "on the fourth Thursday of Nov"."""
    months = rule.numbers("BYMONTH")
    if not months and rule.dtstart is not None:
        months = (rule.dtstart.month,)
    month_words = joined([MONTH_NAMES[m - 1] for m in months])
    monthdays = rule.numbers("BYMONTHDAY")
    if not monthdays and not rule.days() and rule.dtstart is not None:
        monthdays = (rule.dtstart.day,)
    if monthdays and all(d > 0 for d in monthdays) and len(months) == 1:
        return "on " + joined([f"{d} {month_words}" for d in sorted(monthdays)])
    inner = _month_part(rule).removeprefix("on ")
    return f"on {inner} of {month_words}" if month_words else f"on {inner}"


def _pattern(rule: Rule) -> str:
    days = [d for o, d in rule.days() if o is None]
    if rule.freq in ("HOURLY", "MINUTELY"):
        unit = _UNITS[rule.freq]
        text = f"every {unit}" if rule.interval == 1 else f"every {rule.interval} {unit}s"
        minute = (rule.numbers("BYMINUTE") or (0,))[0]
        if rule.freq == "HOURLY" and minute:
            text += f" at {minute} minutes past"
        hours = rule.numbers("BYHOUR")
        if hours:
            text += f" from {min(hours):02d}:{minute:02d} to {max(hours):02d}:{minute:02d}"
        if days:
            text += " on " + (
                "weekdays"
                if tuple(sorted(days)) == _WEEKDAYS
                else joined([DAY_NAMES[d] + "s" for d in sorted(set(days))])
            )
        return text
    if rule.freq == "DAILY" and not days:
        return _every(rule, "day") + _clock(rule)
    if rule.freq in ("DAILY", "WEEKLY"):
        if not days and rule.dtstart is not None:
            days = [rule.dtstart.weekday()]
        if not days:
            return _every(rule, "week") + _clock(rule)
        thing = _day_set(days)
        if rule.freq == "DAILY" or rule.interval == 1:
            return f"every {thing}" + _clock(rule)
        if rule.interval == 2 and len(set(days)) == 1:
            return f"every other {thing}" + _clock(rule)
        on = "on " + ("weekdays" if thing == "weekday" else thing)
        return f"{_every(rule, 'week')} {on}" + _clock(rule)
    if rule.freq == "MONTHLY":
        return f"{_every(rule, 'month')} {_month_part(rule)}".rstrip() + _clock(rule)
    return f"{_every(rule, 'year')} {_year_part(rule)}" + _clock(rule)


def rule_in_words(rule: Rule, left: int | None = None) -> str:
    """The rule in words: "every other Friday at 16:00 until 31 Dec 2027", "every month on
    the last day at 09:00", "every day at 09:00, 6 times".

    `left`, for a COUNT rule, is how many runs are still to come ("6 more times", "once
    more", "for the last time"); without it the rule's whole count is said.
    """
    text = _pattern(rule)
    if rule.until is not None:
        end = rule.until
        text += f" until {end.day} {MONTH_NAMES[end.month - 1]} {end.year}"
    elif rule.count is not None:
        if left is None:
            text += ", once" if rule.count == 1 else f", {rule.count} times"
        elif left == 0:
            text += ", for the last time"
        else:
            text += ", once more" if left == 1 else f", {left} more times"
    return text
