"""Recurrence rules run at the right instants: every form across the DST changes of New York,
Berlin and Sydney, and in Kolkata, which has none; the gap and the fold; ends on UNTIL or COUNT;
and legacy bare rules still run as before.

Expectations are written out by hand as local wall-clock times (or as UTC where the point is
the offset), never computed by the code under test.
"""

from __future__ import annotations

import time as wallclock
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from support.wall_clock import BERLIN, KOLKATA, NY, SYDNEY, WEEKDAYS, at, utc, walls

from bot.reminders.plan import catch_up
from bot.reminders.recurrence import (
    build_rule,
    describe_rule,
    next_occurrence,
    previous_occurrence,
    to_utc,
    upcoming,
)

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
