"""Repeating times: reading "every other friday 4pm", "every month on the last day", "weekdays at
9 until dec 31" from a list of words into a `Repeat`. Pure: no I/O. `repeat_rules` turns a
`Repeat` into the RFC 5545 rule it means and its first time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.reminders.timeparts import Clock, Day, Impossible, clock_at, day_at
from bot.reminders.timewords import (
    DAY_NUMBER,
    NUMBER_WORDS,
    ORDINALS,
    PARTS,
    PLURAL_WEEKDAYS,
    UNITS,
    WEEKDAYS,
)

Spec = dict[str, Any]  # Repeat fields, as a phrase names them
_WORKDAYS = (0, 1, 2, 3, 4)
OPENERS = frozenset(
    {"every", "each", "daily", "hourly", "weekly", "biweekly", "fortnightly", "monthly",
     "yearly", "annually", "weekdays", "weekends", "on", "the", "at", "@", "in", "this"}
    | set(ORDINALS) | set(PARTS) | {"night", "noon", "midnight", "midday"}
)  # fmt: skip
_UNTIL = frozenset({"until", "till", "til", "through", "thru", "ending"})
# Every repeating phrase holds one of these words ("every", "daily", "on mondays", …): a text
# with none of them needs no look for repeats at all.
_REPEAT_WORDS = frozenset(
    {"every", "each", "daily", "hourly", "weekly", "biweekly", "fortnightly", "monthly",
     "yearly", "annually", "weekdays", "weekends"}
    | set(PLURAL_WEEKDAYS)
)  # fmt: skip


def may_repeat(words: Sequence[str]) -> bool:
    """Whether the words could hold a repeating phrase (a cheap test before reading)."""
    return not _REPEAT_WORDS.isdisjoint(words)


@dataclass(slots=True)
class Repeat:
    """A repeating time phrase over words [start, end). Filled in while reading; not changed
    after `repeat_at` returns it."""

    start: int
    end: int
    freq: str = ""
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    nth: int = 0  # with one weekday: its nth in the month (-1: the last)
    monthdays: tuple[int, ...] = ()
    month: int = 0
    clock: Clock | None = None
    part: str | None = None
    until: Day | None = None
    lasting: tuple[str, int] | None = None  # "for 6 weeks": ("week", 6)
    count: int = 0
    problem: Impossible | None = None
    cannot: bool = False  # a repeat we don't offer ("every 30 minutes")


def _weekday_list(words: Sequence[str], j: int) -> tuple[int, tuple[int, ...]] | None:
    """`mon, wed and fri`, `mondays`, `mon-fri`, `monday to friday` from word j."""
    n = len(words)
    days: list[int] = []
    k = j
    while k < n:
        word = words[k]
        if days and word in ("and", "&", "or") and k + 1 < n:
            following = words[k + 1]
            if following in WEEKDAYS or following in PLURAL_WEEKDAYS:
                k += 1
                word = following
        if word in WEEKDAYS or word in PLURAL_WEEKDAYS:
            first = WEEKDAYS.get(word, PLURAL_WEEKDAYS.get(word, 0))
            if k + 2 < n and words[k + 1] in ("to", "through", "thru") and words[k + 2] in WEEKDAYS:
                last = WEEKDAYS[words[k + 2]]
                days += [d % 7 for d in range(first, first + (last - first) % 7 + 1)]
                k += 3
                continue
            days.append(first)
            k += 1
            continue
        if "-" in word and all(part in WEEKDAYS for part in word.split("-", 1)):
            first, last = (WEEKDAYS[part] for part in word.split("-", 1))
            days += [d % 7 for d in range(first, first + (last - first) % 7 + 1)]
            k += 1
            continue
        break
    if not days:
        return None
    return k, tuple(sorted(set(days)))


def _of_the_month(words: Sequence[str], k: int) -> int:
    # "… of the month", "… of every month", "… of each month": where it ends
    if words[k : k + 1] == ["of"] and words[k + 1 : k + 2] in (["the"], ["every"], ["each"]):
        if words[k + 2 : k + 3] == ["month"]:
            return k + 3
    return k


def _month_spec(words: Sequence[str], j: int) -> tuple[int, Spec] | None:
    """`the 1st (and 15th)`, `the first monday`, `the last friday`, `the last day` from j."""
    n = len(words)
    k = j + 1 if j < n and words[j] == "the" else j
    if k >= n:
        return None
    word = words[k]
    nxt = words[k + 1] if k + 1 < n else ""
    if word in ORDINALS and nxt in WEEKDAYS:
        spec = {"weekdays": (WEEKDAYS[nxt],), "nth": ORDINALS[word]}
        return _of_the_month(words, k + 2), spec
    if word == "last" and nxt == "day":
        return _of_the_month(words, k + 2), {"monthdays": (-1,)}
    days: list[int] = []
    while k < n:
        word = words[k]
        if days and word in ("and", "&") and k + 1 < n:
            k += 1
            word = words[k]
        match = DAY_NUMBER.fullmatch(word)
        if match is not None and (match["suffix"] or k > j):
            days.append(int(match["d"]))
        elif word == "first" and not days:
            days.append(1)
        else:
            break
        k += 1
    if not days:
        return None
    return _of_the_month(words, k), {"monthdays": tuple(days)}


def _year_date(words: Sequence[str], j: int) -> tuple[int, Spec] | None:
    found = day_at(words, j)
    if found is None or not isinstance(found[1], Day) or found[1].kind != "date":
        if found is not None and isinstance(found[1], str):
            return found[0], {"problem": Impossible(found[1], False)}
        return None
    return found[0], {"month": found[1].a, "monthdays": (found[1].b,)}


def _after_on(words: Sequence[str], k: int, freq: str) -> tuple[int, Spec]:
    # The optional "on …" after every week / month / year
    n = len(words)
    j = k + 1 if k < n and words[k] == "on" else k
    if j < n:
        if freq == "WEEKLY" and (days := _weekday_list(words, j)) is not None:
            return days[0], {"weekdays": days[1]}
        if freq == "MONTHLY" and (spec := _month_spec(words, j)) is not None:
            return spec
        if freq == "YEARLY" and (spec := _year_date(words, j)) is not None:
            return spec
    return k, {}


def _count(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word) if word not in ("a", "an") else None


def _after_every(words: Sequence[str], j: int) -> tuple[int, Spec] | None:
    n = len(words)
    if j >= n:
        return None
    word = words[j]
    nxt = words[j + 1] if j + 1 < n else ""
    if word == "day" or (word == "single" and nxt == "day"):
        return j + (1 if word == "day" else 2), {"freq": "DAILY"}
    if word in ("weekday", "weekdays", "workday", "workdays") or (
        word in ("week", "work", "business") and nxt in ("day", "days")
    ):
        return j + (1 if word.startswith(("weekday", "workday")) else 2), {
            "freq": "WEEKLY", "weekdays": _WORKDAYS}  # fmt: skip
    if word in ("weekend", "weekends"):
        return j + 1, {"freq": "WEEKLY", "weekdays": (5, 6)}
    # "every second monday" is every other one; "… of the month" is the month's second
    monthly = words[j + 2 : j + 3] == ["of"]
    if word in ("other", "fortnight") or (word in ("second", "2nd") and not monthly):
        k = j if word == "fortnight" else j + 1
        after = "week" if word == "fortnight" else (words[k] if k < n else "")
        if after in ("day", "week", "month", "year", "hour"):
            return _unit_repeat(words, k + 1, after, 2)
        if (days := _weekday_list(words, k)) is not None:
            return days[0], {"freq": "WEEKLY", "interval": 2, "weekdays": days[1]}
        return (j + 1, {"cannot": True}) if word == "second" else None
    if word == "quarter":
        k, spec = _after_on(words, j + 1, "MONTHLY")
        return k, {"freq": "MONTHLY", "interval": 3, **spec}
    if (count := _count(word)) is not None and (unit := UNITS.get(nxt)) is not None:
        if count < 1 or unit in ("second", "minute"):
            return j + 2, {"cannot": True}
        return _unit_repeat(words, j + 2, unit, count)
    if word in UNITS and UNITS[word] in ("hour", "week", "month", "year"):
        return _unit_repeat(words, j + 1, UNITS[word], 1)
    if word in UNITS and UNITS[word] in ("second", "minute"):
        return j + 1, {"cannot": True}
    if (days := _weekday_list(words, j)) is not None:
        return days[0], {"freq": "WEEKLY", "weekdays": days[1]}
    if (by_month := _month_spec(words, j)) is not None:
        return by_month[0], {"freq": "MONTHLY", **by_month[1]}
    if (dated := _year_date(words, j)) is not None:
        return dated[0], {"freq": "YEARLY", **dated[1]}
    if word in PARTS or word == "night":
        return j + 1, {"freq": "DAILY", "part": word}
    return None


def _unit_repeat(words: Sequence[str], k: int, unit: str, interval: int) -> tuple[int, Spec]:
    freq = {"hour": "HOURLY", "day": "DAILY", "week": "WEEKLY", "month": "MONTHLY"}.get(
        unit, "YEARLY"
    )
    end, spec = _after_on(words, k, freq)
    return end, {"freq": freq, "interval": interval, **spec}


def _core(words: Sequence[str], j: int) -> tuple[int, Spec] | None:
    """The repeating part itself ("every …", "daily", "on weekdays", "the 1st of every month")."""
    n = len(words)
    word = words[j]
    nxt = words[j + 1] if j + 1 < n else ""
    if word in ("every", "each"):
        return _after_every(words, j + 1)
    if word in ("daily", "hourly"):
        return j + 1, {"freq": "DAILY" if word == "daily" else "HOURLY"}
    if word in ("weekly", "biweekly", "fortnightly", "monthly", "yearly", "annually"):
        freq = {"weekly": "WEEKLY", "monthly": "MONTHLY"}.get(word, "YEARLY")
        freq = "WEEKLY" if word in ("biweekly", "fortnightly") else freq
        k, spec = _after_on(words, j + 1, freq)
        return k, {"freq": freq, "interval": 2 if freq == "WEEKLY" and word != "weekly" else 1,
                   **spec}  # fmt: skip
    if word in ("weekdays", "weekends") or (word == "on" and nxt in ("weekdays", "weekends")):
        k = j + 1 if word != "on" else j + 2
        return k, {"freq": "WEEKLY", "weekdays": _WORKDAYS if "days" in words[k - 1] else (5, 6)}
    if word == "on" and nxt in PLURAL_WEEKDAYS:
        days = _weekday_list(words, j + 1)
        return None if days is None else (days[0], {"freq": "WEEKLY", "weekdays": days[1]})
    if word in ("on", "the") or word in ORDINALS or DAY_NUMBER.fullmatch(word):
        start = j + 1 if word == "on" else j
        found = _month_spec(words, start)
        if found is not None and found[0] >= 3 and words[found[0] - 1] == "month":
            if words[found[0] - 2] in ("every", "each"):
                return found[0], {"freq": "MONTHLY", **found[1]}
    return None


def repeat_at(words: Sequence[str], i: int) -> Repeat | None:
    """The longest repeating phrase starting at word i, or None."""
    word = words[i]
    if word not in OPENERS and not word[:1].isdigit():
        return None
    n = len(words)
    r = Repeat(i, i)  # filled in place as the words are read: this runs on many words
    j = i
    while j < n:
        word = words[j]
        nxt = words[j + 1] if j + 1 < n else ""
        end: int | None = None
        if not r.freq and (core := _core(words, j)) is not None:
            if r.part is None or "part" not in core[1]:
                end = core[0]
                for name, value in core[1].items():
                    setattr(r, name, value)
        elif word in ("at", "@") and nxt and r.clock is None:
            if (c := clock_at(words, j + 1, after_at=True)) is not None:
                end = c[0]
                _set_clock(r, c[1])
        elif r.part is None and (word in PARTS or word == "night"):
            end, r.part = j + 1, word
        elif r.part is None and word == "in" and nxt == "the" and j + 2 < n:
            if words[j + 2] in PARTS:
                end, r.part = j + 3, words[j + 2]
        elif r.freq and word in _UNTIL and nxt and r.until is None and r.lasting is None:
            k = j + 2 if word == "ending" and nxt == "on" else j + 1
            if (d := day_at(words, k)) is not None:
                end, day = d
                if isinstance(day, str):
                    r.problem = r.problem or Impossible(day, False)
                else:
                    r.until = day
        elif r.freq and word == "for" and r.until is None and r.lasting is None and nxt:
            if (count := _count(nxt)) is not None and j + 2 < n:
                unit = words[j + 2]
                if unit in ("times", "occurrences"):
                    end, r.count = j + 3, count
                elif UNITS.get(unit) in ("hour", "day", "week", "month", "year"):
                    end, r.lasting = j + 3, (UNITS[unit], count)
        elif r.freq and (count := _count(word)) is not None and nxt == "times" and not r.count:
            end, r.count = j + 2, count
        elif r.clock is None and (c := clock_at(words, j, after_at=False)) is not None:
            end = c[0]
            _set_clock(r, c[1])
        if end is None:
            break
        j = r.end = end
        if r.cannot:
            break
    if not r.freq and not r.cannot:
        return None
    return r


def _set_clock(r: Repeat, clock: Clock | str) -> None:
    if isinstance(clock, str):
        r.clock, r.problem = Clock(0, 0), r.problem or Impossible(clock, True)
    else:
        r.clock = clock
