"""The phrase table (tests/reminders/phrase_table.py) read by the reader: both word orders,
every kind of repeat, DST weeks in four zones; the unclear asked back, the unusable refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from reminders.phrase_table import (
    ASKED,
    ISSUE,
    READ,
    REFUSED,
    Asked,
    Read,
    Refused,
    read,
    remind_text,
    wrong,
)

from bot.reminders.reader import Reading, read_reminder


def _id(row: Read | Asked | Refused) -> str:
    return f"{row.typed[:60]} [{row.zone.split('/')[-1]} {row.now}]"


def test_the_table_is_wide_enough() -> None:
    assert len(READ) >= 150
    assert len(ASKED) + len(REFUSED) >= 30
    typed = {row.typed for row in (*READ, *ASKED, *REFUSED)}
    assert set(ISSUE) <= typed
    zones = {row.zone for row in READ}
    assert {"America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney"} <= zones
    # Both word orders: the time first, and last (Slack's "me to … tomorrow at 9am").
    assert sum(row.typed.startswith(("me to ", "to ", "me about", "me that")) for row in READ) > 20


def test_every_kind_of_repeat_is_in_the_table() -> None:
    rules = []
    for row in READ:
        got = read(row)
        if isinstance(got, Reading) and got.rule is not None:
            rules.append(got.rule)
    kinds = {
        "every day": r"FREQ=DAILY;BYHOUR",
        "every N days": r"FREQ=DAILY;INTERVAL=3",
        "weekdays": r"BYDAY=MO,TU,WE,TH,FR;",
        "weekend": r"BYDAY=SA,SU;",
        "a list of days": r"BYDAY=MO,WE,FR;",
        "every other <day>": r"FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
        "every N weeks on a day": r"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
        "every N hours": r"FREQ=HOURLY;INTERVAL=4",
        "monthly on the Nth": r"FREQ=MONTHLY;BYMONTHDAY=1;",
        "monthly on the first weekday": r"BYDAY=1MO",
        "monthly on the second weekday": r"BYDAY=2TU",
        "monthly on the last weekday": r"BYDAY=-1FR",
        "monthly on the last day": r"BYMONTHDAY=-1",
        "yearly on a date": r"FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=10",
        "until": r"UNTIL=20261205T235959",
        "for N weeks": r"UNTIL=20261227T235959",
        "N times": r"COUNT=3",
    }
    missing = [
        name for name, pattern in kinds.items() if not any(re.search(pattern, r) for r in rules)
    ]
    assert missing == []


@pytest.mark.parametrize("row", READ, ids=_id)
def test_each_phrase_is_read_as_a_person_means_it(row: Read) -> None:
    assert wrong(row) is None, wrong(row)


@pytest.mark.parametrize("row", ASKED, ids=_id)
def test_a_time_left_in_the_text_is_asked_back_with_both_readings(row: Asked) -> None:
    assert wrong(row) is None, wrong(row)


@pytest.mark.parametrize("row", REFUSED, ids=_id)
def test_what_cannot_be_used_is_refused_naming_why(row: Refused) -> None:
    assert wrong(row) is None, wrong(row)
    message = str(read(row))
    assert "\n" not in message
    assert "Start with when" not in message


def test_rules_are_written_in_the_shared_two_line_form() -> None:
    form = re.compile(
        r"DTSTART:\d{8}T\d{6}\nRRULE:FREQ=(HOURLY|DAILY|WEEKLY|MONTHLY|YEARLY)(;[A-Z]+=[-\w,]+)+"
    )
    for row in READ:
        got = read(row)
        if isinstance(got, Reading) and got.rule is not None:
            assert form.fullmatch(got.rule), got.rule


def test_the_first_time_of_a_repeat_is_its_dtstart_in_local_wall_clock() -> None:
    now = datetime(2026, 12, 2, 15, 30, tzinfo=UTC)  # Wed 10:30 in New York
    got = read_reminder("every other friday 4pm review", now=now, tz=ZoneInfo("America/New_York"))
    assert isinstance(got, Reading)
    assert got.rule == (
        "DTSTART:20261204T160000\n"
        "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=16;BYMINUTE=0;BYSECOND=0"
    )


def test_a_bare_hour_says_which_one_it_took_and_how_to_get_the_other() -> None:
    now = datetime(2026, 12, 2, 15, 30, tzinfo=UTC)
    got = read_reminder(remind_text("me on friday at 3 to email Sarah"), now=now,
                        tz=ZoneInfo("America/New_York"))  # fmt: skip
    assert isinstance(got, Reading)
    assert got.note is not None and "15:00" in got.note and "3am" in got.note
    clear = read_reminder("friday at 3pm email Sarah", now=now, tz=ZoneInfo("America/New_York"))
    assert isinstance(clear, Reading) and clear.note is None
