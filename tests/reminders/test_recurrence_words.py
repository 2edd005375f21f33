"""Recurrence rules in words and in writing: every form says itself in words, build_rule writes
the stored format and refuses what cannot be a series, unreadable rules are refused at once, and
the confirmation says the rule and its next times.

Expectations are written out by hand, never computed by the code under test.
"""

from __future__ import annotations

import time as wallclock
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from support.wall_clock import BERLIN, KOLKATA, NY, WEEKDAYS, at, walls

from bot.common.replies import Section
from bot.reminders import messages, texts
from bot.reminders.recurrence import (
    build_rule,
    describe_rule,
    upcoming,
)
from bot.reminders.rule_text import parse_rule
from bot.reminders.timewords import format_when

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
