"""The weekly look back's post, pure: the week's bounds across a clock change, what it lists,
the one line of advice picked by the week's pattern, and nothing for an empty week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.common.replies import Kind
from bot.record import weekly
from bot.record.weekly import Coming, Decision, Reported, Week, advice, look_back, week_window

BERLIN = ZoneInfo("Europe/Berlin")
# The clocks go back on Sunday 25 Oct 2026: Monday 19 Oct 09:00 CEST is 07:00 UTC, Monday
# 26 Oct 09:00 CET is 08:00 UTC.
START = datetime(2026, 10, 19, 7, 0, tzinfo=UTC)
END = datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
MIDWEEK = datetime(2026, 10, 21, 12, 0, tzinfo=UTC)


def _week(
    decisions: tuple[Decision, ...] = (),
    outcomes: tuple[Reported, ...] = (),
    coming: tuple[Coming, ...] = (),
) -> Week:
    return Week(START, END, decisions, outcomes, coming)


def _decided(verdict: str, company: str = "Acme") -> Decision:
    return Decision(company, None, verdict, MIDWEEK)


def _reported(outcome: str, company: str = "Acme") -> Reported:
    return Reported(company, "Data Analyst", outcome, MIDWEEK)


def test_the_week_across_the_clock_change_starts_at_nine_on_the_monday_before():
    start, end = week_window(END, BERLIN)
    assert start == START
    assert end == END
    assert end - start == timedelta(hours=169)  # the hour given back on Sunday


def test_the_week_across_the_spring_change_is_an_hour_shorter():
    # Clocks go forward on Sunday 29 Mar 2026: Monday 30 Mar 09:00 CEST is 07:00 UTC.
    end = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    start, _ = week_window(end, BERLIN)
    assert start == datetime(2026, 3, 23, 8, 0, tzinfo=UTC)  # 09:00 CET


def test_an_empty_week_gives_nothing():
    assert look_back(_week(), BERLIN, reminder_id="w1") is None


def test_interviews_still_to_come_alone_give_nothing():
    coming = (Coming("Acme", END + timedelta(days=2)),)
    assert look_back(_week(coming=coming), BERLIN, reminder_id="w1") is None


def test_a_week_lists_outcomes_decisions_and_what_is_coming_in_the_users_zone():
    week = _week(
        decisions=(
            Decision("Globex", None, "LEAN TAKE", datetime(2026, 10, 19, 7, 30, tzinfo=UTC)),
        ),
        outcomes=(
            Reported("Acme", "Data Analyst", "next", datetime(2026, 10, 23, 13, 0, tzinfo=UTC)),
        ),
        coming=(Coming("Globex", datetime(2026, 10, 28, 14, 0, tzinfo=UTC)),),
    )
    post = look_back(week, BERLIN, reminder_id="w1")
    assert post is not None
    assert post.kind is Kind.REMINDER
    assert post.text == "Your week looking back, Mon 19 Oct to Mon 26 Oct."
    titled = {section.title: section.lines for section in post.sections}
    assert titled[weekly.OUTCOMES_TITLE] == ("Acme — Data Analyst: Next round (Fri 23 Oct)",)
    assert titled[weekly.DECISIONS_TITLE] == ("Globex: Lean take (Mon 19 Oct)",)
    assert titled[weekly.COMING_TITLE] == ("Wed 28 Oct, 15:00 CET: Globex",)
    assert titled[weekly.ADVICE_TITLE] == (weekly.ADVICE_TAKES,)
    assert [b.id for b in post.buttons] == ["tp:w1:rem:stop"]


def test_a_week_with_nothing_coming_says_so():
    post = look_back(_week(decisions=(_decided("PASS"),)), BERLIN, reminder_id="w1")
    assert post is not None
    titled = {section.title: section.lines for section in post.sections}
    assert titled[weekly.COMING_TITLE] == (weekly.NOTHING_COMING,)


def test_a_questionnaire_without_a_company_is_named_plainly():
    post = look_back(_week(decisions=(_decided("PASS", None),)), BERLIN, reminder_id="w1")
    assert post is not None
    assert post.sections[0].lines == ("a company you didn't name: Pass (Wed 21 Oct)",)


@pytest.mark.parametrize(
    ("week", "expected"),
    [
        (_week(decisions=(_decided("PASS"), _decided("PASS", "In"))), weekly.ADVICE_ONLY_PASSES),
        (_week(decisions=(_decided("TAKE IT"), _decided("PASS"))), weekly.ADVICE_TAKES),
        (_week(outcomes=(_reported("rejected"),)), weekly.ADVICE_REJECTED),
        (_week(outcomes=(_reported("rejected"), _reported("offer"))), weekly.ADVICE_OFFER),
        (_week(decisions=(_decided("PASS"),), outcomes=(_reported("offer"),)), weekly.ADVICE_OFFER),
        (_week(outcomes=(_reported("next"),)), weekly.ADVICE_NEXT),
        (_week(outcomes=(_reported("waiting"),)), weekly.ADVICE_WAITING),
        (_week(outcomes=(_reported("skipped"),)), weekly.ADVICE_SKIPPED),
    ],
    ids=["only passes", "takes", "a rejection", "an offer first", "offer over passes", "next",
         "waiting", "didn't go"],
)  # fmt: skip
def test_the_advice_fits_the_weeks_pattern(week, expected):
    assert advice(week) == expected
    post = look_back(week, BERLIN, reminder_id="w1")
    assert post is not None
    assert post.sections[-1].lines == (expected,)


def test_every_line_of_advice_is_one_short_line():
    lines = [
        value
        for name, value in vars(weekly).items()
        if name.startswith("ADVICE_") and name != "ADVICE_TITLE"
    ]
    assert len(lines) == 8
    assert all(0 < len(line) <= 240 and "\n" not in line for line in lines)
