"""Reminder times across DST changes: elapsed time stays real time, dates keep the wall clock,
the gap moves forward and the fold takes the first, and recurring reminders keep their local
time across the change.

Expectations are written out by hand as local wall-clock times and turned into aware
datetimes with ZoneInfo here, never by calling the code under test.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from support.when import BERLIN, NY, WEEKDAYS_9, WEEKLY_MO_9, local

from bot.reminders.recurrence import next_occurrence
from bot.reminders.timewords import format_when
from bot.reminders.when import When, parse_when

# --- DST -------------------------------------------------------------------------------


def test_in_two_hours_across_us_spring_forward_is_two_real_hours() -> None:
    now = local(NY, 3, 8, 1, 30)  # 01:30 EST; at 02:00 the clocks jump to 03:00
    at = parse_when("in 2 hours", now=now, tz=ZoneInfo(NY)).at
    assert at - now == timedelta(hours=2)
    assert at == local(NY, 3, 8, 4, 30)  # 04:30 EDT on the wall clock


def test_in_two_hours_across_eu_spring_forward_is_two_real_hours() -> None:
    now = local(BERLIN, 3, 29, 1, 30)
    at = parse_when("in 2 hours", now=now, tz=ZoneInfo(BERLIN)).at
    assert at - now == timedelta(hours=2)
    assert at == local(BERLIN, 3, 29, 4, 30)


def test_in_two_hours_across_us_fall_back_is_two_real_hours() -> None:
    now = local(NY, 11, 1, 0, 30)  # 00:30 EDT; 01:00-02:00 happens twice
    at = parse_when("in 2 hours", now=now, tz=ZoneInfo(NY)).at
    assert at - now == timedelta(hours=2)
    # The second 01:30 (EST). Compared in UTC: PEP 495 makes fold=1 unequal across zones.
    assert at == local(NY, 11, 1, 1, 30).replace(fold=1).astimezone(UTC)
    assert format_when(at, ZoneInfo(NY)) == "Sun 1 Nov, 01:30 EST"


def test_in_three_days_across_us_spring_forward_keeps_wall_clock() -> None:
    now = local(NY, 3, 6, 10, 0)
    at = parse_when("in 3 days", now=now, tz=ZoneInfo(NY)).at
    assert at == local(NY, 3, 9, 10, 0)
    assert at - now == timedelta(hours=71)


def test_in_three_days_across_eu_fall_back_keeps_wall_clock() -> None:
    now = local(BERLIN, 10, 23, 10, 0)
    at = parse_when("in 3 days", now=now, tz=ZoneInfo(BERLIN)).at
    assert at == local(BERLIN, 10, 26, 10, 0)
    assert at - now == timedelta(hours=73)


def test_in_one_week_landing_in_the_gap_moves_forward() -> None:
    now = local(NY, 3, 1, 2, 30)
    assert parse_when("in 1 week", now=now, tz=ZoneInfo(NY)).at == local(NY, 3, 8, 3, 0)


@pytest.mark.parametrize(
    ("zone", "today", "expected_utc"),
    [
        (NY, (3, 7), datetime(2026, 3, 8, 13, 0, tzinfo=UTC)),  # 09:00 EDT
        (NY, (10, 31), datetime(2026, 11, 1, 14, 0, tzinfo=UTC)),  # 09:00 EST
        (BERLIN, (3, 28), datetime(2026, 3, 29, 7, 0, tzinfo=UTC)),  # 09:00 CEST
        (BERLIN, (10, 24), datetime(2026, 10, 25, 8, 0, tzinfo=UTC)),  # 09:00 CET
    ],
)
def test_tomorrow_9am_across_a_clock_change_is_9am_local(
    zone: str, today: tuple[int, int], expected_utc: datetime
) -> None:
    now = local(zone, *today, 12, 0)
    assert parse_when("tomorrow 9am", now=now, tz=ZoneInfo(zone)).at == expected_utc


@pytest.mark.parametrize(
    ("zone", "phrase", "expected_utc"),
    [
        (NY, "2026-03-08 02:30", datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),  # 03:00 EDT
        (NY, "tomorrow 2:30am", datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
        (NY, "mar 8 2:30am", datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
        (BERLIN, "2026-03-29 02:30", datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),  # 03:00 CEST
    ],
)
def test_nonexistent_local_time_moves_forward_to_first_existing(
    zone: str, phrase: str, expected_utc: datetime
) -> None:
    now = local(zone, 3, 7, 12, 0)
    assert parse_when(phrase, now=now, tz=ZoneInfo(zone)).at == expected_utc


def test_ambiguous_local_time_takes_the_first() -> None:
    now = local(NY, 10, 30, 12, 0)
    at = parse_when("2026-11-01 01:30", now=now, tz=ZoneInfo(NY)).at
    assert at == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT, not EST


# --- recurring across DST ----------------------------------------------------------------


def occurrences(when: When, zone: str, count: int) -> list[datetime]:
    assert when.rule is not None
    found = [when.at]
    while len(found) < count:
        nxt = next_occurrence(when.rule, ZoneInfo(zone), found[-1])
        assert nxt is not None
        found.append(nxt)
    return found


def test_daily_0230_on_spring_forward_day_fires_at_0300_then_0230() -> None:
    when = parse_when("every day at 02:30", now=local(NY, 3, 7, 12, 0), tz=ZoneInfo(NY))
    assert occurrences(when, NY, 4) == [
        datetime(2026, 3, 8, 7, 0, tzinfo=UTC),  # 03:00 EDT: 02:30 does not exist
        datetime(2026, 3, 9, 6, 30, tzinfo=UTC),  # 02:30 EDT
        datetime(2026, 3, 10, 6, 30, tzinfo=UTC),
        datetime(2026, 3, 11, 6, 30, tzinfo=UTC),
    ]


def test_daily_0130_on_fall_back_day_fires_once() -> None:
    when = parse_when("every day at 01:30", now=local(NY, 10, 31, 12, 0), tz=ZoneInfo(NY))
    assert occurrences(when, NY, 3) == [
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),  # the first 01:30 (EDT), not both
        datetime(2026, 11, 2, 6, 30, tzinfo=UTC),
        datetime(2026, 11, 3, 6, 30, tzinfo=UTC),
    ]


@pytest.mark.parametrize(
    ("zone", "start", "expected_utc_hours"),
    [
        (NY, (2, 25), [14, 13, 13, 13]),  # Mar 2 EST, Mar 9 EDT (after Mar 8), ...
        (BERLIN, (3, 18), [8, 7, 7, 7]),  # Mar 23 CET, Mar 30 CEST (after Mar 29), ...
        (BERLIN, (10, 7), [7, 7, 8, 8]),  # Oct 12, Oct 19, Oct 26 (after Oct 25), ...
        (NY, (10, 21), [13, 14, 14, 14]),  # Oct 26, Nov 2 (after Nov 1), ...
    ],
)
def test_every_monday_9am_stays_9am_local_across_the_change(
    zone: str, start: tuple[int, int], expected_utc_hours: list[int]
) -> None:
    tz = ZoneInfo(zone)
    when = parse_when("every monday 9am", now=local(zone, *start, 12, 0), tz=tz)
    found = occurrences(when, zone, 4)
    assert [at.astimezone(tz).strftime("%a %H:%M") for at in found] == ["Mon 09:00"] * 4
    assert [at.hour for at in found] == expected_utc_hours


def test_next_occurrence_is_strictly_after() -> None:
    first = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # Mon 09:00 EST
    nxt = next_occurrence(WEEKLY_MO_9, ZoneInfo(NY), first)
    assert nxt == datetime(2026, 12, 14, 14, 0, tzinfo=UTC)
    assert next_occurrence(WEEKLY_MO_9, ZoneInfo(NY), first - timedelta(seconds=1)) == first


def test_next_occurrence_weekdays_skips_the_weekend() -> None:
    friday_after_nine = local(BERLIN, 12, 4, 10, 0)
    nxt = next_occurrence(WEEKDAYS_9, ZoneInfo(BERLIN), friday_after_nine)
    assert nxt == local(BERLIN, 12, 7, 9, 0)
