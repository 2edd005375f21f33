"""Recurrence rules: every form runs at the right instants (across the DST changes of New York,
Berlin and Sydney, and in Kolkata, which has none), says itself in words, ends on UNTIL or
COUNT, and legacy bare rules still run as before.

Expectations are written out by hand as local wall-clock times (or as UTC where the point is
the offset), never computed by the code under test.
"""

from __future__ import annotations

import time as wallclock
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.common.replies import Section
from bot.reminders import messages, texts
from bot.reminders.plan import catch_up
from bot.reminders.recurrence import (
    build_rule,
    describe_rule,
    next_occurrence,
    previous_occurrence,
    to_utc,
    upcoming,
)
from bot.reminders.rule_text import parse_rule
from bot.reminders.timewords import format_when

NY, BERLIN, KOLKATA, SYDNEY = (
    "America/New_York",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Australia/Sydney",
)
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]


def at(zone: str, *fields: int) -> datetime:
    """A local wall-clock time in `zone`, aware (fold 0)."""
    return datetime(*fields, tzinfo=ZoneInfo(zone))  # type: ignore[misc]


def utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)  # type: ignore[misc]


def walls(found: list[datetime], zone: str) -> list[tuple[int, ...]]:
    """The local (year, month, day, hour, minute) of each instant."""
    tz = ZoneInfo(zone)
    return [tuple(moment.astimezone(tz).timetuple()[:5]) for moment in found]


# --- every form, across DST -------------------------------------------------------------------

# (name, rule, zone, `after` as local wall clock, the next runs as local wall clock)
FORMS = [
    (
        "every day, NY spring forward",
        build_rule("DAILY", dtstart=datetime(2027, 3, 1), hour=9, minute=0),
        NY,
        (2027, 3, 13, 12, 0),
        [(2027, 3, 14, 9, 0), (2027, 3, 15, 9, 0), (2027, 3, 16, 9, 0)],
    ),
    (
        "every weekday, Berlin spring forward",
        build_rule("WEEKLY", dtstart=datetime(2027, 3, 1), byday=WEEKDAYS, hour=8, minute=30),
        BERLIN,
        (2027, 3, 26, 10, 0),  # Friday after 08:30
        [(2027, 3, 29, 8, 30), (2027, 3, 30, 8, 30), (2027, 3, 31, 8, 30)],
    ),
    (
        "every weekend, Sydney spring forward",
        build_rule("WEEKLY", dtstart=datetime(2026, 9, 1), byday=["SA", "SU"], hour=10, minute=0),
        SYDNEY,
        (2026, 10, 2, 12, 0),
        [(2026, 10, 3, 10, 0), (2026, 10, 4, 10, 0), (2026, 10, 10, 10, 0)],
    ),
    (
        "every Monday, Wednesday and Friday, Kolkata",
        build_rule("WEEKLY", dtstart=datetime(2026, 12, 1), byday=["MO", "WE", "FR"], hour=10),
        KOLKATA,
        (2026, 12, 2, 12, 0),
        [(2026, 12, 4, 10, 0), (2026, 12, 7, 10, 0), (2026, 12, 9, 10, 0)],
    ),
    (
        "every other Friday, Berlin spring forward",
        build_rule(
            "WEEKLY", interval=2, byday=["FR"], hour=16, minute=0, dtstart=datetime(2026, 12, 5)
        ),
        BERLIN,
        (2027, 3, 10, 12, 0),
        [(2027, 3, 19, 16, 0), (2027, 4, 2, 16, 0), (2027, 4, 16, 16, 0)],
    ),
    (
        "every 3 days, NY fall back",
        build_rule("DAILY", interval=3, dtstart=datetime(2026, 10, 30, 7, 0)),
        NY,
        (2026, 10, 29, 12, 0),
        [(2026, 10, 30, 7, 0), (2026, 11, 2, 7, 0), (2026, 11, 5, 7, 0)],
    ),
    (
        "every 2 weeks on Tuesday, Sydney fall back",
        build_rule("WEEKLY", interval=2, byday=["TU"], dtstart=datetime(2027, 3, 30, 9, 0)),
        SYDNEY,
        (2027, 3, 29, 12, 0),
        [(2027, 3, 30, 9, 0), (2027, 4, 13, 9, 0), (2027, 4, 27, 9, 0)],
    ),
    (
        "every month on the 1st, Berlin spring forward",
        build_rule("MONTHLY", bymonthday=[1], dtstart=datetime(2027, 1, 1), hour=10, minute=0),
        BERLIN,
        (2027, 2, 15, 12, 0),
        [(2027, 3, 1, 10, 0), (2027, 4, 1, 10, 0), (2027, 5, 1, 10, 0)],
    ),
    (
        "every month on the first Monday, NY",
        build_rule("MONTHLY", byday=[(1, "MO")], dtstart=datetime(2027, 1, 1), hour=9),
        NY,
        (2027, 2, 15, 12, 0),
        [(2027, 3, 1, 9, 0), (2027, 4, 5, 9, 0), (2027, 5, 3, 9, 0)],
    ),
    (
        "every month on the last Friday, Sydney",
        build_rule("MONTHLY", byday=[(-1, "FR")], dtstart=datetime(2027, 1, 1), hour=17),
        SYDNEY,
        (2027, 3, 1, 12, 0),
        [(2027, 3, 26, 17, 0), (2027, 4, 30, 17, 0), (2027, 5, 28, 17, 0)],
    ),
    (
        "every month on the last day, Kolkata",
        build_rule("MONTHLY", bymonthday=[-1], dtstart=datetime(2027, 1, 1), hour=9),
        KOLKATA,
        (2027, 1, 15, 12, 0),
        [(2027, 1, 31, 9, 0), (2027, 2, 28, 9, 0), (2027, 3, 31, 9, 0)],
    ),
    (
        "every month on the last weekday, NY",
        build_rule("MONTHLY", byday=WEEKDAYS, bysetpos=[-1], dtstart=datetime(2027, 1, 1), hour=9),
        NY,
        (2027, 6, 1, 12, 0),
        [(2027, 6, 30, 9, 0), (2027, 7, 30, 9, 0), (2027, 8, 31, 9, 0)],  # Wed, Fri, Tue
    ),
    (
        "every year on 3 Dec, Berlin",
        build_rule("YEARLY", bymonth=[12], bymonthday=[3], dtstart=datetime(2026, 12, 5, 9, 0)),
        BERLIN,
        (2026, 12, 5, 12, 0),
        [(2027, 12, 3, 9, 0), (2028, 12, 3, 9, 0), (2029, 12, 3, 9, 0)],
    ),
    (
        "every 4 hours, NY spring gap",
        build_rule("HOURLY", interval=4, dtstart=datetime(2027, 3, 13, 22, 0)),
        NY,
        (2027, 3, 13, 21, 0),
        # 02:00 does not exist on 14 Mar: that run comes at 03:00, the next at 06:00.
        [(2027, 3, 13, 22, 0), (2027, 3, 14, 3, 0), (2027, 3, 14, 6, 0), (2027, 3, 14, 10, 0)],
    ),
]


@pytest.mark.parametrize(
    ("rule", "zone", "after", "expected"),
    [form[1:] for form in FORMS],
    ids=[form[0] for form in FORMS],
)
def test_each_form_runs_at_its_wall_clock_times(
    rule: str, zone: str, after: tuple[int, ...], expected: list[tuple[int, ...]]
) -> None:
    found = upcoming(rule, ZoneInfo(zone), at(zone, *after), len(expected))
    assert walls(found, zone) == expected
    # next_occurrence agrees with upcoming, one step at a time.
    assert next_occurrence(rule, ZoneInfo(zone), at(zone, *after)) == found[0]
    assert next_occurrence(rule, ZoneInfo(zone), found[0]) == found[1]


def test_nine_o_clock_keeps_its_wall_clock_time_while_the_offset_changes() -> None:
    rule = build_rule("DAILY", dtstart=datetime(2027, 3, 1), hour=9, minute=0)
    found = upcoming(rule, ZoneInfo(NY), at(NY, 2027, 3, 13, 12, 0), 2)
    assert found == [utc(2027, 3, 14, 13, 0), utc(2027, 3, 15, 13, 0)]  # EDT
    before = upcoming(rule, ZoneInfo(NY), at(NY, 2027, 3, 12, 12, 0), 1)
    assert before == [utc(2027, 3, 13, 14, 0)]  # EST


def test_every_other_friday_at_16_in_berlin_has_the_right_offsets_on_both_sides() -> None:
    rule = build_rule(
        "WEEKLY", interval=2, byday=["FR"], hour=16, minute=0, dtstart=datetime(2026, 12, 5)
    )
    assert upcoming(rule, ZoneInfo(BERLIN), at(BERLIN, 2027, 3, 10, 12, 0), 2) == [
        utc(2027, 3, 19, 15, 0),  # 16:00 CET
        utc(2027, 4, 2, 14, 0),  # 16:00 CEST
    ]
    assert upcoming(rule, ZoneInfo(BERLIN), at(BERLIN, 2027, 10, 20, 12, 0), 2) == [
        utc(2027, 10, 29, 14, 0),  # 16:00 CEST
        utc(2027, 11, 12, 15, 0),  # 16:00 CET
    ]


# --- the gap and the fold ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "dtstart", "after", "expected"),
    [
        # Berlin springs forward at 02:00 on 28 Mar 2027: 02:30 becomes 03:00 CEST that day.
        (BERLIN, datetime(2027, 3, 1, 2, 30), utc(2027, 3, 27, 12), [utc(2027, 3, 28, 1, 0)]),
        # Sydney springs forward at 02:00 on 4 Oct 2026: 03:00 AEDT.
        (SYDNEY, datetime(2026, 9, 1, 2, 30), utc(2026, 10, 3, 0), [utc(2026, 10, 3, 16, 0)]),
        # NY falls back at 02:00 on 1 Nov 2026: 01:30 happens twice; the first (EDT) counts.
        (NY, datetime(2026, 10, 1, 1, 30), utc(2026, 10, 31, 12), [utc(2026, 11, 1, 5, 30)]),
        # Sydney falls back at 03:00 on 4 Apr 2027: 02:30 twice; the first (AEDT) counts.
        (SYDNEY, datetime(2027, 3, 1, 2, 30), utc(2027, 4, 3, 0), [utc(2027, 4, 3, 15, 30)]),
    ],
)
def test_a_daily_time_in_the_gap_moves_forward_and_in_the_fold_takes_the_first(
    zone: str, dtstart: datetime, after: datetime, expected: list[datetime]
) -> None:
    rule = build_rule("DAILY", dtstart=dtstart)
    found = upcoming(rule, ZoneInfo(zone), after, 2)
    assert found[:1] == expected
    # The day after is back at its own wall-clock time, once.
    assert walls(found[1:], zone)[0][3:] == (dtstart.hour, dtstart.minute)
    assert found[1] - found[0] >= timedelta(hours=23)


def test_hourly_runs_pass_the_fall_back_fold_once() -> None:
    rule = build_rule("HOURLY", dtstart=datetime(2026, 10, 31, 23, 0))
    found = upcoming(rule, ZoneInfo(NY), at(NY, 2026, 10, 31, 22, 30), 5)
    assert found == [
        utc(2026, 11, 1, 3, 0),  # 23:00 EDT
        utc(2026, 11, 1, 4, 0),  # 00:00 EDT
        utc(2026, 11, 1, 5, 0),  # 01:00 EDT; the second 01:00 (EST) is not a new wall time
        utc(2026, 11, 1, 7, 0),  # 02:00 EST
        utc(2026, 11, 1, 8, 0),  # 03:00 EST
    ]


def test_a_moment_inside_the_second_pass_of_the_fold_finds_the_next_run_after_it() -> None:
    rule = build_rule("DAILY", dtstart=datetime(2026, 10, 1, 1, 45))
    second_pass = datetime(2026, 11, 1, 1, 30, tzinfo=ZoneInfo(NY), fold=1)  # 01:30 EST
    # 01:45 EDT was before this moment on the timeline: the next run is the next day's.
    assert next_occurrence(rule, ZoneInfo(NY), second_pass) == utc(2026, 11, 2, 6, 45)


def test_to_utc_places_gap_and_fold_times() -> None:
    assert to_utc(datetime(2027, 3, 14, 2, 30), ZoneInfo(NY)) == utc(2027, 3, 14, 7, 0)
    assert to_utc(datetime(2026, 11, 1, 1, 30), ZoneInfo(NY)) == utc(2026, 11, 1, 5, 30)
    assert to_utc(datetime(2026, 12, 1, 9, 0), ZoneInfo(KOLKATA)) == utc(2026, 12, 1, 3, 30)


# --- ends --------------------------------------------------------------------------------------


def test_a_series_with_until_ends_after_its_last_day_inclusive() -> None:
    rule = build_rule("DAILY", dtstart=datetime(2026, 12, 1, 9, 0), until=date(2026, 12, 10))
    tz = ZoneInfo(NY)
    found = upcoming(rule, tz, at(NY, 2026, 12, 8, 12, 0), 5)
    assert walls(found, NY) == [(2026, 12, 9, 9, 0), (2026, 12, 10, 9, 0)]
    assert next_occurrence(rule, tz, found[-1]) is None


def test_a_series_with_count_runs_that_many_times_from_its_start() -> None:
    rule = build_rule("WEEKLY", byday=["MO"], dtstart=datetime(2026, 12, 2, 9, 0), count=3)
    tz = ZoneInfo(BERLIN)
    found = upcoming(rule, tz, at(BERLIN, 2026, 12, 1, 0, 0), 10)
    assert walls(found, BERLIN) == [(2026, 12, 7, 9, 0), (2026, 12, 14, 9, 0), (2026, 12, 21, 9, 0)]
    # Asked later, the count still counts from the start, not from the moment asked.
    assert upcoming(rule, tz, found[1], 10) == found[2:]


def test_catch_up_reports_the_end_of_a_series_as_no_next_occurrence() -> None:
    rule = build_rule("DAILY", dtstart=datetime(2026, 12, 1, 9, 0), until=date(2026, 12, 3))
    tz = ZoneInfo(NY)
    last = at(NY, 2026, 12, 3, 9, 0)
    assert catch_up(rule, tz, last, last) == (last, None)
    # Down for days past the end: the last run is posted once, nothing after it.
    first = at(NY, 2026, 12, 1, 9, 0)
    assert catch_up(rule, tz, first, at(NY, 2026, 12, 20, 0, 0)) == (last, None)


def test_catch_up_after_a_year_of_hourly_runs_jumps_to_the_latest() -> None:
    rule = build_rule("HOURLY", dtstart=datetime(2026, 1, 1, 0, 15))
    tz = ZoneInfo(BERLIN)
    latest, following = catch_up(
        rule, tz, at(BERLIN, 2026, 1, 1, 0, 15), at(BERLIN, 2027, 1, 5, 10, 20)
    )
    assert (latest, following) == (at(BERLIN, 2027, 1, 5, 10, 15), at(BERLIN, 2027, 1, 5, 11, 15))


@pytest.mark.timing
def test_hourly_rules_a_year_on_answer_in_milliseconds() -> None:
    rule = build_rule("HOURLY", interval=4, dtstart=datetime(2026, 1, 1, 0, 0))
    tz = ZoneInfo(SYDNEY)
    began = wallclock.perf_counter()
    found = upcoming(rule, tz, at(SYDNEY, 2027, 6, 1, 1, 0), 20)
    latest, _ = catch_up(rule, tz, at(SYDNEY, 2026, 1, 1, 0, 0), at(SYDNEY, 2027, 6, 1, 1, 0))
    took = wallclock.perf_counter() - began
    assert walls(found, SYDNEY)[0] == (2027, 6, 1, 4, 0)
    assert latest == at(SYDNEY, 2027, 6, 1, 0, 0)
    assert took < 0.2, f"{took * 1000:.0f} ms"


def test_previous_occurrence_is_the_last_at_or_before() -> None:
    rule = build_rule("WEEKLY", byday=["MO"], dtstart=datetime(2026, 12, 7, 9, 0))
    tz = ZoneInfo(NY)
    monday = at(NY, 2026, 12, 14, 9, 0)
    assert previous_occurrence(rule, tz, monday) == monday
    assert previous_occurrence(rule, tz, monday - timedelta(seconds=1)) == at(NY, 2026, 12, 7, 9)
    assert previous_occurrence(rule, tz, at(NY, 2026, 12, 6, 9, 0)) is None


# --- legacy bare rules -------------------------------------------------------------------------


def test_legacy_bare_rules_still_run_anchored_at_the_moment_asked() -> None:
    weekly = "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"
    first = utc(2026, 12, 7, 14, 0)  # Mon 09:00 EST
    assert next_occurrence(weekly, ZoneInfo(NY), first) == utc(2026, 12, 14, 14, 0)
    assert next_occurrence(weekly, ZoneInfo(NY), first - timedelta(seconds=1)) == first
    daily = "FREQ=DAILY;BYHOUR=18;BYMINUTE=30"
    assert walls(upcoming(daily, ZoneInfo(BERLIN), at(BERLIN, 2027, 3, 27, 19, 0), 2), BERLIN) == [
        (2027, 3, 28, 18, 30),
        (2027, 3, 29, 18, 30),
    ]
    assert describe_rule(weekly) == "every Monday at 09:00"
    assert describe_rule("FREQ=WEEKLY;BYDAY=MO,FR") == "every Monday and Friday at 09:00"


# --- in words ----------------------------------------------------------------------------------

D = datetime(2026, 12, 5, 10, 0)  # a Saturday
W, M = "WEEKLY", "MONTHLY"

WORDS = [
    (build_rule("DAILY", dtstart=D, hour=9, minute=0), "every day at 09:00"),
    (build_rule(W, dtstart=D, byday=WEEKDAYS, hour=9), "every weekday at 09:00"),
    (build_rule(W, dtstart=D, byday=["SA", "SU"]), "every Saturday and Sunday at 10:00"),
    (build_rule(W, dtstart=D, byday=["MO"], minute=30), "every Monday at 10:30"),
    (
        build_rule(W, dtstart=D, byday=["MO", "WE", "FR"], hour=10),
        "every Monday, Wednesday and Friday at 10:00",
    ),
    (
        build_rule(
            "WEEKLY", interval=2, byday=["FR"], hour=16, dtstart=D, until=date(2027, 12, 31)
        ),
        "every other Friday at 16:00 until 31 Dec 2027",
    ),
    (build_rule("DAILY", interval=3, dtstart=D), "every 3 days at 10:00"),
    (build_rule("DAILY", interval=2, dtstart=D), "every other day at 10:00"),
    (build_rule(W, interval=2, byday=["TU"], dtstart=D), "every other Tuesday at 10:00"),
    (
        build_rule(W, interval=3, byday=["TU"], dtstart=D),
        "every 3 weeks on Tuesday at 10:00",
    ),
    (
        build_rule(W, interval=2, byday=["MO", "TH"], dtstart=D),
        "every other week on Monday and Thursday at 10:00",
    ),
    (build_rule("HOURLY", interval=4, dtstart=D), "every 4 hours"),
    (build_rule("HOURLY", dtstart=D, minute=30), "every hour at 30 minutes past"),
    (build_rule(M, bymonthday=[1], dtstart=D), "every month on the 1st at 10:00"),
    (
        build_rule(M, byday=[(1, "MO")], dtstart=D),
        "every month on the first Monday at 10:00",
    ),
    (
        build_rule(M, byday=[(2, "TU")], dtstart=D, hour=18),
        "every month on the second Tuesday at 18:00",
    ),
    (
        build_rule(M, byday=[(-1, "FR")], dtstart=D),
        "every month on the last Friday at 10:00",
    ),
    (
        build_rule(M, bymonthday=[-1], hour=9, dtstart=D),
        "every month on the last day at 09:00",
    ),
    (
        build_rule(M, interval=3, bymonthday=[15], dtstart=D),
        "every 3 months on the 15th at 10:00",
    ),
    (
        build_rule(M, byday=WEEKDAYS, bysetpos=[-1], dtstart=D),
        "every month on the last weekday at 10:00",
    ),
    (build_rule("YEARLY", bymonth=[12], bymonthday=[3], dtstart=D), "every year on 3 Dec at 10:00"),
    (
        build_rule("YEARLY", bymonth=[11], byday=[(4, "TH")], dtstart=D),
        "every year on the fourth Thursday of Nov at 10:00",
    ),
    (build_rule("DAILY", dtstart=D, count=6), "every day at 10:00, 6 times"),
    ("FREQ=DAILY;BYHOUR=18;BYMINUTE=30", "every day at 18:30"),
    ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=7", "every day at 07:00"),
]


@pytest.mark.parametrize(("rule", "words"), WORDS, ids=[words for _, words in WORDS])
def test_each_form_is_said_in_words(rule: str, words: str) -> None:
    assert describe_rule(rule) == words


def test_a_count_rule_says_how_many_runs_are_left() -> None:
    rule = build_rule("DAILY", dtstart=datetime(2026, 12, 6, 9, 0), count=6)
    tz = ZoneInfo(KOLKATA)
    assert describe_rule(rule, tz=tz, after=at(KOLKATA, 2026, 12, 5, 12, 0)).endswith(
        ", 6 more times"
    )
    assert describe_rule(rule, tz=tz, after=at(KOLKATA, 2026, 12, 10, 9, 0)).endswith(", once more")
    assert describe_rule(rule, tz=tz, after=at(KOLKATA, 2026, 12, 11, 9, 0)).endswith(
        ", for the last time"
    )


# --- build_rule ------------------------------------------------------------------------------


def test_build_rule_writes_the_stored_two_line_format() -> None:
    rule = build_rule(
        "WEEKLY",
        interval=2,
        byday=["FR"],
        hour=16,
        minute=0,
        dtstart=datetime(2026, 12, 2),
        until=date(2027, 12, 31),
    )
    assert rule == (
        "DTSTART:20261204T160000\n"
        "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=16;BYMINUTE=0;BYSECOND=0;"
        "UNTIL=20271231T235959"
    )


def test_every_other_friday_set_on_a_saturday_starts_on_the_coming_friday() -> None:
    rule = build_rule("WEEKLY", interval=2, byday=["FR"], hour=16, dtstart=datetime(2026, 12, 5))
    assert rule.startswith("DTSTART:20261211T160000\n")
    found = upcoming(rule, ZoneInfo(BERLIN), at(BERLIN, 2026, 12, 5, 12, 0), 2)
    assert walls(found, BERLIN) == [(2026, 12, 11, 16, 0), (2026, 12, 25, 16, 0)]


@pytest.mark.parametrize(
    ("freq", "options"),
    [
        ("DAILY", {"interval": 0}),
        ("DAILY", {"until": date(2027, 1, 1), "count": 3}),
        ("DAILY", {"until": date(2026, 1, 1)}),  # before the first run
        ("DAILY", {"hour": 24}),
        ("HOURLY", {"hour": 9}),
        ("WEEKLY", {"byday": ["XX"]}),
        ("MONTHLY", {"byday": [(6, "MO")]}),
        ("YEARLY", {"bymonth": [2], "bymonthday": [30]}),  # never happens
        ("SECONDLY", {}),
    ],
)
def test_build_rule_refuses_what_cannot_be_a_series(freq: str, options: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        build_rule(freq, dtstart=D, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=FORTNIGHTLY",
        "FREQ=DAILY;INTERVAL=0",
        "DTSTART:20261201T090000\nRRULE:FREQ=DAILY;COUNT=2;UNTIL=20261210T000000",
        "DTSTART:20260101T000000\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "hello",
    ],
)
def test_unreadable_or_impossible_rules_are_refused_at_once(rule: str) -> None:
    began = wallclock.perf_counter()
    with pytest.raises(ValueError):
        parse_rule(rule)
    assert wallclock.perf_counter() - began < 1  # not a search to the year 9999


# --- the confirmation --------------------------------------------------------------------------


def test_recurring_confirmation_says_the_rule_and_the_next_two_times_with_the_year() -> None:
    rule = build_rule(
        "WEEKLY", interval=2, byday=["FR"], hour=16, dtstart=datetime(2026, 12, 20), count=4
    )
    reply = messages.recurring_confirmation(
        reminder_id="r1",
        rule=rule,
        tz=ZoneInfo(BERLIN),
        now=at(BERLIN, 2026, 12, 20, 12, 0),
        text="team demo",
        channel="C1",
    )
    assert reply.text == (
        "Recurring reminder set in <#C1>, every other Friday at 16:00, 4 more times, "
        "starting Fri 25 Dec, 16:00 CET: team demo"
    )
    assert reply.sections == (
        Section(texts.RECURRING_NEXT_TIMES, ("Fri 25 Dec, 16:00 CET", "Fri 8 Jan 2027, 16:00 CET")),
    )
    assert [button.label for button in reply.buttons] == [texts.UNDO]


def test_format_when_adds_the_year_only_when_it_is_not_this_one() -> None:
    now = at(NY, 2026, 12, 31, 12, 0)
    assert format_when(at(NY, 2026, 12, 31, 18, 0), ZoneInfo(NY), now=now) == (
        "Thu 31 Dec, 18:00 EST"
    )
    assert format_when(at(NY, 2027, 1, 1, 9, 0), ZoneInfo(NY), now=now) == (
        "Fri 1 Jan 2027, 09:00 EST"
    )
