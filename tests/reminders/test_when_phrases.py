"""Reminder times: every SPEC §3 phrase in three zones, 9am today or tomorrow, the weekday and
date rules, and how a time is shown.

Expectations are written out by hand as local wall-clock times and turned into aware
datetimes with ZoneInfo here, never by calling the code under test.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from support.when import BERLIN, KOLKATA, NOW, NY, WEEKDAYS_9, WEEKLY_MO_9, ZONES, local

from bot.reminders.timewords import format_when
from bot.reminders.when import When, parse_when


def everywhere(month: int, day: int, hour: int, minute: int) -> dict[str, tuple[int, ...]]:
    return dict.fromkeys(ZONES, (month, day, hour, minute))


# phrase -> the expected local (month, day, hour, minute) in each zone, and the rule.
WALL_CLOCK = [
    ("in 3 days", {NY: (12, 5, 10, 30), BERLIN: (12, 5, 16, 30), KOLKATA: (12, 5, 21, 0)}, None),
    (
        "in 2 weeks",
        {NY: (12, 16, 10, 30), BERLIN: (12, 16, 16, 30), KOLKATA: (12, 16, 21, 0)},
        None,
    ),
    ("tomorrow 9am", everywhere(12, 3, 9, 0), None),
    ("next tuesday 3pm", everywhere(12, 8, 15, 0), None),
    ("tue 15:00", everywhere(12, 8, 15, 0), None),
    ("dec 3 14:30", everywhere(12, 3, 14, 30), None),
    ("2026-12-03 14:30", everywhere(12, 3, 14, 30), None),
    ("2026-12-03T14:30", everywhere(12, 3, 14, 30), None),
    ("friday at noon", everywhere(12, 4, 12, 0), None),
    ("9am", everywhere(12, 3, 9, 0), None),  # past 9 in every zone: tomorrow
    ("at 17:30", {NY: (12, 2, 17, 30), BERLIN: (12, 2, 17, 30), KOLKATA: (12, 3, 17, 30)}, None),
    ("noon", {NY: (12, 2, 12, 0), BERLIN: (12, 3, 12, 0), KOLKATA: (12, 3, 12, 0)}, None),
    ("tomorrow", everywhere(12, 3, 9, 0), None),  # a date alone means 09:00
    ("2026-12-03", everywhere(12, 3, 9, 0), None),
    ("dec 3", everywhere(12, 3, 9, 0), None),
    ("3pm friday", everywhere(12, 4, 15, 0), None),
    ("on friday at 3pm", everywhere(12, 4, 15, 0), None),
    ("tomorrow at 9", everywhere(12, 3, 9, 0), None),
    ("day after tomorrow 8am", everywhere(12, 4, 8, 0), None),
    ("12/25 3pm", everywhere(12, 25, 15, 0), None),
    # Today's weekday: today while the time is ahead, else a week later.
    ("wed 11am", {NY: (12, 2, 11, 0), BERLIN: (12, 9, 11, 0), KOLKATA: (12, 9, 11, 0)}, None),
    ("next wednesday 11am", everywhere(12, 9, 11, 0), None),
    ("  Tomorrow   9AM. ", everywhere(12, 3, 9, 0), None),
    ("TUE 3 P.M.", everywhere(12, 8, 15, 0), None),
    ("every monday 9am", everywhere(12, 7, 9, 0), WEEKLY_MO_9),
    ("every day at 09:00", everywhere(12, 3, 9, 0), "FREQ=DAILY;BYHOUR=9;BYMINUTE=0"),
    (
        "every day 18:30",
        {NY: (12, 2, 18, 30), BERLIN: (12, 2, 18, 30), KOLKATA: (12, 3, 18, 30)},
        "FREQ=DAILY;BYHOUR=18;BYMINUTE=30",
    ),
    ("daily at 9am", everywhere(12, 3, 9, 0), "FREQ=DAILY;BYHOUR=9;BYMINUTE=0"),
    ("every weekday 9am", everywhere(12, 3, 9, 0), WEEKDAYS_9),
    (
        "weekdays at 8:30",
        everywhere(12, 3, 8, 30),
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=30",
    ),
    (
        "every mon, wed and fri at 10am",  # Wednesday 10:00 has passed everywhere
        everywhere(12, 4, 10, 0),
        "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=10;BYMINUTE=0",
    ),
    (
        "every week on tuesday 3pm",
        everywhere(12, 8, 15, 0),
        "FREQ=WEEKLY;BYDAY=TU;BYHOUR=15;BYMINUTE=0",
    ),
    ("every tuesday", everywhere(12, 8, 9, 0), "FREQ=WEEKLY;BYDAY=TU;BYHOUR=9;BYMINUTE=0"),
    ("9am every day", everywhere(12, 3, 9, 0), "FREQ=DAILY;BYHOUR=9;BYMINUTE=0"),
]

ELAPSED = [
    ("in 90 seconds", timedelta(seconds=90)),
    ("in 5 seconds", timedelta(seconds=5)),
    ("in 5 minutes", timedelta(minutes=5)),
    ("in 90 min", timedelta(minutes=90)),
    ("in 2 hours", timedelta(hours=2)),
    ("in 2 hrs", timedelta(hours=2)),
    ("in 1h30m", timedelta(hours=1, minutes=30)),
    ("in 2 hours 30 minutes", timedelta(hours=2, minutes=30)),
    ("in an hour", timedelta(hours=1)),
]


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize(("phrase", "expected", "rule"), WALL_CLOCK, ids=[c[0] for c in WALL_CLOCK])
def test_phrase_resolves_to_local_wall_clock_time(
    phrase: str, expected: dict[str, tuple[int, ...]], rule: str | None, zone: str
) -> None:
    month, day, hour, minute = expected[zone]
    when = parse_when(phrase, now=NOW, tz=ZoneInfo(zone))
    first = local(zone, month, day, hour, minute)
    # A rule is written in the shared two-line form: DTSTART (the first time, local) + RRULE.
    stored = None if rule is None else f"DTSTART:{first:%Y%m%dT%H%M%S}\nRRULE:{rule};BYSECOND=0"
    assert (when.at, when.rule) == (first.astimezone(UTC), stored)
    assert when.at.tzinfo is UTC


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize(("phrase", "delta"), ELAPSED, ids=[c[0] for c in ELAPSED])
def test_seconds_minutes_and_hours_are_elapsed_time(
    phrase: str, delta: timedelta, zone: str
) -> None:
    assert parse_when(phrase, now=NOW, tz=ZoneInfo(zone)) == When(NOW + delta)


# --- 9am: today before nine, tomorrow after -------------------------------------------


@pytest.mark.parametrize("zone", ZONES)
def test_nine_am_before_nine_is_today(zone: str) -> None:
    now = local(zone, 12, 2, 8, 0)
    assert parse_when("9am", now=now, tz=ZoneInfo(zone)).at == local(zone, 12, 2, 9, 0)


@pytest.mark.parametrize("zone", ZONES)
def test_nine_am_after_nine_is_tomorrow(zone: str) -> None:
    now = local(zone, 12, 2, 9, 30)
    assert parse_when("9am", now=now, tz=ZoneInfo(zone)).at == local(zone, 12, 3, 9, 0)


@pytest.mark.parametrize("zone", ZONES)
def test_nine_am_at_exactly_nine_is_tomorrow(zone: str) -> None:
    now = local(zone, 12, 2, 9, 0)
    assert parse_when("9am", now=now, tz=ZoneInfo(zone)).at == local(zone, 12, 3, 9, 0)


def test_next_tuesday_on_a_monday_is_tomorrow() -> None:
    now = local(NY, 12, 7, 10, 0)  # Monday
    assert parse_when("next tuesday 3pm", now=now, tz=ZoneInfo(NY)).at == local(NY, 12, 8, 15, 0)


def test_next_tuesday_on_a_tuesday_is_a_week_later() -> None:
    now = local(NY, 12, 8, 10, 0)  # Tuesday
    assert parse_when("next tuesday 3pm", now=now, tz=ZoneInfo(NY)).at == local(NY, 12, 15, 15, 0)


def test_weekday_named_today_with_time_still_ahead_is_today() -> None:
    now = local(NY, 12, 8, 10, 0)  # Tuesday
    assert parse_when("tue 15:00", now=now, tz=ZoneInfo(NY)).at == local(NY, 12, 8, 15, 0)


def test_month_day_already_past_this_year_is_next_year() -> None:
    assert parse_when("dec 1 9am", now=NOW, tz=ZoneInfo(NY)).at == local(NY, 12, 1, 9, 0, 2027)


# --- format_when ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "zone", "expected"),
    [
        (local(NY, 12, 8, 15, 0), NY, "Tue 8 Dec, 15:00 EST"),
        (datetime(2026, 3, 8, 7, 0, tzinfo=UTC), NY, "Sun 8 Mar, 03:00 EDT"),
        (datetime(2026, 3, 8, 6, 59, tzinfo=UTC), NY, "Sun 8 Mar, 01:59 EST"),
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), BERLIN, "Sun 25 Oct, 02:30 CEST"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), BERLIN, "Sun 25 Oct, 02:30 CET"),
        (datetime(2026, 12, 2, 15, 30, tzinfo=UTC), KOLKATA, "Wed 2 Dec, 21:00 IST"),
        (datetime(2026, 12, 2, 15, 30, tzinfo=UTC), "America/Sao_Paulo", "Wed 2 Dec, 12:30 UTC-03"),
    ],
)
def test_format_when_shows_weekday_date_time_and_zone(
    at: datetime, zone: str, expected: str
) -> None:
    assert format_when(at, ZoneInfo(zone)) == expected


def test_format_when_shows_the_year_when_it_is_not_the_current_one() -> None:
    at = local(NY, 1, 4, 9, 0, 2027)
    assert format_when(at, ZoneInfo(NY), now=NOW) == "Mon 4 Jan 2027, 09:00 EST"
    assert format_when(local(NY, 12, 8, 15, 0), ZoneInfo(NY), now=NOW) == "Tue 8 Dec, 15:00 EST"
