"""Reminder times: every SPEC §3 phrase in three zones, DST changes, splitting and the errors.

Expectations are written out by hand as local wall-clock times and turned into aware
datetimes with ZoneInfo here, never by calling the code under test.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.reminders.reader import MAX_AHEAD, Reading, read_reminder
from bot.reminders.recurrence import next_occurrence
from bot.reminders.timewords import EXAMPLES, REPEATS, WhenError, format_when
from bot.reminders.when import When, parse_when

NY, BERLIN, KOLKATA = "America/New_York", "Europe/Berlin", "Asia/Kolkata"
ZONES = [NY, BERLIN, KOLKATA]
# Wednesday 2 Dec 2026: 10:30 in New York, 16:30 in Berlin, 21:00 in Kolkata.
NOW = datetime(2026, 12, 2, 15, 30, tzinfo=UTC)

WEEKLY_MO_9 = "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"
WEEKDAYS_9 = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0"


def local(zone: str, month: int, day: int, hour: int, minute: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))


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


# --- the whole phrase: time first (the old split) ------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "rest"),
    [
        ("tomorrow 9am call Bob", (12, 3, 9, 0), "call Bob"),
        ("dec 3 14:30 Acme final round", (12, 3, 14, 30), "Acme final round"),
        ("friday at noon Lunch with Sam", (12, 4, 12, 0), "Lunch with Sam"),
        ("tomorrow 9am: Call Bob", (12, 3, 9, 0), "Call Bob"),
        ("monday   Review the deck  ", (12, 7, 9, 0), "Review the deck"),
    ],
)
@pytest.mark.parametrize("zone", ZONES)
def test_time_first_leaves_the_rest_as_text(
    text: str, expected: tuple[int, int, int, int], rest: str, zone: str
) -> None:
    reading = read_reminder(text, now=NOW, tz=ZoneInfo(zone))
    assert isinstance(reading, Reading)
    assert (reading.at, reading.text) == (local(zone, *expected).astimezone(UTC), rest)


@pytest.mark.parametrize(
    ("text", "delta", "rest"),
    [
        ("in 90 seconds stretch", timedelta(seconds=90), "stretch"),
        ("in 5 seconds stretch", timedelta(seconds=5), "stretch"),
        ("in 2 hours 30 min Walk the dog", timedelta(hours=2, minutes=30), "Walk the dog"),
    ],
)
def test_time_first_with_an_elapsed_duration(text: str, delta: timedelta, rest: str) -> None:
    assert read_reminder(text, now=NOW, tz=ZoneInfo(NY)) == Reading(NOW + delta, None, rest)


def test_time_first_recurring_keeps_the_rule() -> None:
    reading = read_reminder("every monday 9am stand-up notes", now=NOW, tz=ZoneInfo(BERLIN))
    assert reading == Reading(
        local(BERLIN, 12, 7, 9, 0).astimezone(UTC),
        "DTSTART:20261207T090000\nRRULE:" + WEEKLY_MO_9 + ";BYSECOND=0",
        "stand-up notes",
    )


def test_a_time_without_text_says_what_to_add() -> None:
    with pytest.raises(WhenError, match="What should I remind you of"):
        read_reminder("tomorrow 9am", now=NOW, tz=ZoneInfo(NY))


@pytest.mark.parametrize("text", ["", "   "])
def test_nothing_after_remind_asks_when(text: str) -> None:
    with pytest.raises(WhenError, match="Tell me when") as caught:
        read_reminder(text, now=NOW, tz=ZoneInfo(NY))
    assert EXAMPLES in str(caught.value)


@pytest.mark.parametrize("text", ["call Bob", "banana", "water every plant"])
def test_a_reminder_without_a_time_says_to_put_it_first_or_last(text: str) -> None:
    with pytest.raises(WhenError, match="Put the time first or last") as caught:
        read_reminder(text, now=NOW, tz=ZoneInfo(NY))
    assert "Start with when" not in str(caught.value)


def test_a_past_leading_time_says_it_has_passed() -> None:
    with pytest.raises(WhenError, match="has already passed"):
        read_reminder("today 9am call Bob", now=NOW, tz=ZoneInfo(NY))


# --- errors --------------------------------------------------------------------------------


def assert_friendly(error: WhenError) -> None:
    message = str(error)
    assert "\n" not in message
    assert EXAMPLES in message


@pytest.mark.parametrize(
    "phrase", ["2020-01-01 10:00", "yesterday 9am", "today 9am", "in 0 seconds", "dec 2 2026 10am"]
)
def test_past_time_is_refused_as_passed(phrase: str) -> None:
    with pytest.raises(WhenError, match="has already passed") as caught:
        parse_when(phrase, now=NOW, tz=ZoneInfo(NY))
    assert_friendly(caught.value)


@pytest.mark.parametrize("phrase", ["dec 3 2027 10am", "2028-01-01 09:00", "in 53 weeks"])
def test_more_than_a_year_ahead_is_refused(phrase: str) -> None:
    with pytest.raises(WhenError, match="more than a year ahead") as caught:
        parse_when(phrase, now=NOW, tz=ZoneInfo(NY))
    assert_friendly(caught.value)


def test_exactly_max_ahead_is_accepted() -> None:
    assert MAX_AHEAD == timedelta(days=365)
    assert parse_when("in 52 weeks", now=NOW, tz=ZoneInfo(NY)).at == NOW + timedelta(weeks=52)


@pytest.mark.parametrize(
    "phrase",
    [
        "banana",
        "",
        "   ",
        "in",
        "someday",
        "tomorrow banana",  # parsedatetime would read "tomorrow" and ignore the rest
        "tomorrow 25:00",  # parsedatetime would drop the clock and say 09:00
        "9",  # a bare number is not a time; "at 9" is
        "every",
        "in 5 bananas",
    ],
)
def test_nonsense_is_refused_with_examples(phrase: str) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(phrase, now=NOW, tz=ZoneInfo(NY))
    assert_friendly(caught.value)


@pytest.mark.parametrize("phrase", ["every 30 minutes", "every 0 days", "every second"])
def test_a_repeat_we_do_not_offer_lists_the_ones_we_do(phrase: str) -> None:
    with pytest.raises(WhenError, match="I can't repeat") as caught:
        parse_when(phrase, now=NOW, tz=ZoneInfo(NY))
    assert REPEATS in str(caught.value)
    assert "Start with when" not in str(caught.value)


def test_when_error_is_a_value_error() -> None:
    assert issubclass(WhenError, ValueError)


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
