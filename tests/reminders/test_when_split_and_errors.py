"""Reminder times in the whole phrase and the errors: the time first and the rest as text, what
to say when the time or the text is missing, and the refusals (passed, too far ahead, nonsense,
a repeat we do not offer), each a friendly WhenError.

Expectations are written out by hand as local wall-clock times and turned into aware
datetimes with ZoneInfo here, never by calling the code under test.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from support.when import BERLIN, NOW, NY, WEEKLY_MO_9, ZONES, local

from bot.reminders.reader import MAX_AHEAD, Reading, read_reminder
from bot.reminders.timewords import EXAMPLES, REPEATS, WhenError
from bot.reminders.when import parse_when

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
