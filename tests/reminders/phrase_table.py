"""The phrase table: what people type after `remind`, and what they mean by it.

Data shared by tests/reminders/test_phrases.py and the bench (`reminder_parse_us`,
`reminder_parse_accuracy`). Every expectation is written by hand as local wall-clock time in the
row's zone ("2026-12-03 09:00"), never computed by the code under test. A time in a DST gap is
written as the first time that exists (03:00); an ambiguous one means its first occurrence.

- READ: read as one reminder: its first times (two or more for a repeat, checked by running
  the rule) and its text. `ends`: the rule has no time after the ones listed.
- ASKED: unclear, asked back with two readings (time, text) in this order.
- REFUSED: not set; the message contains `says`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot.reminders.commands import Remind, parse_command
from bot.reminders.reader import AskBack, Reading, read_reminder
from bot.reminders.recurrence import next_occurrence
from bot.reminders.timewords import WhenError

NY, BERLIN, KOLKATA, SYDNEY = (
    "America/New_York",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Australia/Sydney",
)

# The moments the rows are typed at, local to their zone.
WED = "2026-12-02 10:30"  # a Wednesday morning
FRI = "2026-12-04 10:00"  # a Friday morning
AFTER_MIDNIGHT = "2026-12-03 00:10"  # a Thursday, just after midnight
NY_SPRING = "2026-03-07 12:00"  # Saturday; at 02:00 on Sunday 8 Mar the clocks jump to 03:00
NY_FALL = "2026-10-31 12:00"  # Saturday; on Sunday 1 Nov 01:00-02:00 happens twice
BERLIN_SPRING = "2026-03-28 12:00"  # Saturday; Sunday 29 Mar 02:00 -> 03:00
BERLIN_FALL = "2026-10-24 12:00"  # Saturday; Sunday 25 Oct 03:00 -> 02:00
BERLIN_WED = "2026-12-02 16:30"
KOLKATA_WED = "2026-12-02 21:00"
SYDNEY_FALL = "2026-04-04 12:00"  # Saturday; Sunday 5 Apr 03:00 AEDT -> 02:00 AEST
SYDNEY_SPRING = "2026-10-03 12:00"  # Saturday; Sunday 4 Oct 02:00 AEST -> 03:00 AEDT

LONG = (
    "me to write to the hiring manager at the company I met at the career fair last month, "
    "thank her for the chat about the analyst role, mention the project on supply chains we "
    "talked about and ask whether the team is still hiring this quarter or next"
)


class Read(NamedTuple):
    typed: str
    zone: str
    now: str
    times: tuple[str, ...]
    text: str
    ends: bool = False


class Asked(NamedTuple):
    typed: str
    zone: str
    now: str
    first: tuple[str, str]
    second: tuple[str, str]


class Refused(NamedTuple):
    typed: str
    zone: str
    now: str
    says: str


def _r(typed: str, times: str | tuple[str, ...], text: str, zone: str = NY, now: str = WED,
       *, ends: bool = False) -> Read:  # fmt: skip
    return Read(typed, zone, now, (times,) if isinstance(times, str) else times, text, ends)


# The phrases of the issue's table ("What a new user met"), as typed after `remind`.
ISSUE = (
    "every mon, wed and fri at 10am plan the week",
    "me tonight at 8 to iron my shirt",
    "tomorrow at 25:00 x",
    "this evening x",
    "me to call Bob in 2 hours",
    "every other friday 4pm review the budget",
    "every month on the 1st at 10am pay rent",
    "every 2 weeks sync with my mentor",
    "me on friday at 3 to email Sarah",
    "in 20 minutes take a 5m break",
    "in 3 hours pay rent 1200",
    "in 2 hours read the 5h plan",
)

READ: tuple[Read, ...] = (
    # --- the issue's table ------------------------------------------------------------------
    _r(
        "every mon, wed and fri at 10am plan the week",
        ("2026-12-04 10:00", "2026-12-07 10:00", "2026-12-09 10:00"),
        "plan the week",
    ),
    _r("me tonight at 8 to iron my shirt", "2026-12-02 20:00", "iron my shirt"),
    _r("this evening x", "2026-12-03 18:00", "x", now=AFTER_MIDNIGHT),
    _r("tonight x", "2026-12-03 20:00", "x", now=AFTER_MIDNIGHT),
    _r("me to call Bob in 2 hours", "2026-12-02 12:30", "call Bob"),
    _r(
        "every other friday 4pm review the budget",
        ("2026-12-04 16:00", "2026-12-18 16:00", "2027-01-01 16:00"),
        "review the budget",
    ),
    _r(
        "every month on the 1st at 10am pay rent",
        ("2027-01-01 10:00", "2027-02-01 10:00"),
        "pay rent",
    ),
    _r(
        "every 2 weeks sync with my mentor",
        ("2026-12-03 09:00", "2026-12-17 09:00"),
        "sync with my mentor",
    ),
    _r("me on friday at 3 to email Sarah", "2026-12-04 15:00", "email Sarah"),
    _r("in 20 minutes take a 5m break", "2026-12-02 10:50", "take a 5m break"),
    _r("in 3 hours pay rent 1200", "2026-12-02 13:30", "pay rent 1200"),
    _r("in 2 hours read the 5h plan", "2026-12-02 12:30", "read the 5h plan"),
    # --- Slack's word order: the time last ---------------------------------------------------
    _r("me to call Sam tomorrow at 9am", "2026-12-03 09:00", "call Sam"),
    _r(
        "<#C0123|job-hunt> to update the tracker every monday at 9am",
        ("2026-12-07 09:00", "2026-12-14 09:00"),
        "update the tracker",
    ),
    _r("me at 5pm to send the note", "2026-12-02 17:00", "send the note"),
    _r("me about the dentist on friday at 2pm", "2026-12-04 14:00", "the dentist"),
    _r("me that the rent is due dec 31", "2026-12-31 09:00", "the rent is due"),
    _r("to water the plants in 3 days", "2026-12-05 10:30", "water the plants"),
    _r("call mom this evening", "2026-12-02 18:00", "call mom"),
    _r("me to stretch in 90 seconds", "2026-12-02 10:31:30", "stretch"),
    _r(
        "me to prep for the Acme interview next tuesday 3pm",
        "2026-12-08 15:00",
        "prep for the Acme interview",
    ),
    _r("send the thank-you note tomorrow morning", "2026-12-03 09:00", "send the thank-you note"),
    _r("book flights friday afternoon", "2026-12-04 15:00", "book flights"),
    _r("review my notes at noon", "2026-12-02 12:00", "review my notes"),
    _r("pay the bill at midnight", "2026-12-03 00:00", "pay the bill"),
    _r("me to call Ana at 3", "2026-12-02 15:00", "call Ana"),
    _r("me to call Ana at 9", "2026-12-02 21:00", "call Ana"),  # 09:00 has passed
    _r("me to check email in 5 mins", "2026-12-02 10:35", "check email"),
    _r("me to call Sam next week", "2026-12-07 09:00", "call Sam"),
    _r("me to apply dec 10", "2026-12-10 09:00", "apply"),
    _r(
        "me to buy a gift for Sam's birthday on dec 20 at 6pm",
        "2026-12-20 18:00",
        "buy a gift for Sam's birthday",
    ),
    _r("me to send 3 emails in 10 minutes", "2026-12-02 10:40", "send 3 emails"),
    _r("me to read chapter 12 tomorrow", "2026-12-03 09:00", "read chapter 12"),
    _r("me to submit form 1040 on monday", "2026-12-07 09:00", "submit form 1040"),
    _r(
        "me to follow up with Acme, the recruiter said two weeks, next thursday at 11",
        "2026-12-03 11:00",
        "follow up with Acme, the recruiter said two weeks",
    ),  # next: ≠ today
    _r("me to call Bob at 4:15pm", "2026-12-02 16:15", "call Bob"),
    _r("me to join the call at 2 p.m.", "2026-12-02 14:00", "join the call"),
    _r(
        "me to ask about thursday's offer tomorrow",
        "2026-12-03 09:00",
        "ask about thursday's offer",
    ),
    _r(LONG + " next tuesday at 4pm", "2026-12-08 16:00", LONG.removeprefix("me to ")),
    _r("me to stretch every day at 3pm", ("2026-12-02 15:00", "2026-12-03 15:00"), "stretch"),
    _r(
        "me to pay rent on the 1st of every month",
        ("2027-01-01 09:00", "2027-02-01 09:00"),
        "pay rent",
    ),
    _r(
        "me to review my goals every other monday",
        ("2026-12-07 09:00", "2026-12-21 09:00"),
        "review my goals",
    ),
    _r(
        "to update the tracker every monday 9am",
        ("2026-12-07 09:00", "2026-12-14 09:00"),
        "update the tracker",
    ),
    _r(
        "me about the standup weekdays at 9:15",
        ("2026-12-03 09:15", "2026-12-04 09:15"),
        "the standup",
    ),
    # --- the time first ---------------------------------------------------------------------
    _r("tomorrow 9am call Sam", "2026-12-03 09:00", "call Sam"),
    _r("Tomorrow 9AM: Call Bob", "2026-12-03 09:00", "Call Bob"),
    _r("next tuesday 3pm call the recruiter", "2026-12-08 15:00", "call the recruiter"),
    _r("tue 15:00 call", "2026-12-08 15:00", "call"),
    _r("dec 3 14:30 Acme final round", "2026-12-03 14:30", "Acme final round"),
    _r("2026-12-03 14:30 Acme", "2026-12-03 14:30", "Acme"),
    _r("2026-12-03T14:30 Acme", "2026-12-03 14:30", "Acme"),
    _r("friday at noon lunch with Sam", "2026-12-04 12:00", "lunch with Sam"),
    _r("9am standup", "2026-12-03 09:00", "standup"),
    _r("in 1 hour and 30 minutes stretch", "2026-12-02 12:00", "stretch"),
    _r("in 1h30m stretch", "2026-12-02 12:00", "stretch"),
    _r("in an hour call back", "2026-12-02 11:30", "call back"),
    _r("in half an hour tea", "2026-12-02 11:00", "tea"),
    _r("in an hour and a half leave", "2026-12-02 12:00", "leave"),
    _r("in 2 days at 9am follow up", "2026-12-04 09:00", "follow up"),
    _r("in 1 week check in", "2026-12-09 10:30", "check in"),
    _r("in 2 weeks ask again", "2026-12-16 10:30", "ask again"),
    _r("next week plan", "2026-12-07 09:00", "plan"),
    _r("this weekend clean up the CV", "2026-12-05 09:00", "clean up the CV"),
    _r("on the 15th invoice", "2026-12-15 09:00", "invoice"),
    _r("12/25 3pm call grandma", "2026-12-25 15:00", "call grandma"),
    _r("3 dec 2pm call", "2026-12-03 14:00", "call"),
    _r("the 3rd of december at 2pm call", "2026-12-03 14:00", "call"),
    _r("jan 5 update the CV", "2027-01-05 09:00", "update the CV"),
    _r("january 5th 2027 at 8:45 update the CV", "2027-01-05 08:45", "update the CV"),
    _r("tomorrow at 2:30pm dentist", "2026-12-03 14:30", "dentist"),
    _r("at 17:30 gym", "2026-12-02 17:30", "gym"),
    _r("day after tomorrow 8am x", "2026-12-04 08:00", "x"),
    _r("tonight call mom", "2026-12-02 20:00", "call mom"),
    _r("tomorrow night pack", "2026-12-03 20:00", "pack"),
    _r("this afternoon send the form", "2026-12-02 15:00", "send the form"),
    _r("in the morning call the bank", "2026-12-03 09:00", "call the bank"),
    _r("at 8 tonight call Dad", "2026-12-02 20:00", "call Dad"),
    _r("tomorrow morning at 7:30 run", "2026-12-03 07:30", "run"),
    _r("sunday 10am brunch", "2026-12-06 10:00", "brunch"),
    _r("on sat at 11am market", "2026-12-05 11:00", "market"),
    _r("20 minutes from now tea", "2026-12-02 10:50", "tea"),
    _r("at 10 standup", "2026-12-03 10:00", "standup"),  # 10:00 passed; 22:00 isn't daytime
    _r("friday at 8 drinks", "2026-12-04 08:00", "drinks"),
    _r("wed 11am x", "2026-12-02 11:00", "x"),
    _r("next wednesday 11am x", "2026-12-09 11:00", "x"),
    _r("at 9:30 p.m. call", "2026-12-02 21:30", "call"),
    _r("tmrw 10am x", "2026-12-03 10:00", "x"),
    _r("noon lunch", "2026-12-02 12:00", "lunch"),
    # --- a bare hour is the next daytime one ----------------------------------------------------
    _r("friday at 8 drinks", "2026-12-04 20:00", "drinks", now=FRI),  # 08:00 has passed
    _r("at 3 call", "2026-12-04 15:00", "call", now=FRI),
    _r("today at 7 dinner", "2026-12-04 19:00", "dinner", now=FRI),
    _r("at 12 lunch", "2026-12-04 12:00", "lunch", now=FRI),
    _r("me to call Ana at 11", "2026-12-04 11:00", "call Ana", now=FRI),
    # --- every kind of repeat ------------------------------------------------------------------
    _r("every day at 9am stretch", ("2026-12-03 09:00", "2026-12-04 09:00"), "stretch"),
    _r("daily at 9am vitamins", ("2026-12-03 09:00", "2026-12-04 09:00"), "vitamins"),
    _r(
        "every weekday at 8:30 standup",
        ("2026-12-03 08:30", "2026-12-04 08:30", "2026-12-07 08:30"),
        "standup",
    ),
    _r("weekdays at 8 commute", ("2026-12-03 08:00", "2026-12-04 08:00"), "commute"),
    _r("on weekdays at 9 standup", ("2026-12-03 09:00", "2026-12-04 09:00"), "standup"),
    _r(
        "every weekend at 10am long run",
        ("2026-12-05 10:00", "2026-12-06 10:00", "2026-12-12 10:00"),
        "long run",
    ),
    _r("every monday 9am plan", ("2026-12-07 09:00", "2026-12-14 09:00"), "plan"),
    _r(
        "every tuesday and thursday at 6pm gym",
        ("2026-12-03 18:00", "2026-12-08 18:00", "2026-12-10 18:00"),
        "gym",
    ),
    _r("on mondays and fridays at 7am swim", ("2026-12-04 07:00", "2026-12-07 07:00"), "swim"),
    _r(
        "every mon-fri at 9am standup",
        ("2026-12-03 09:00", "2026-12-04 09:00", "2026-12-07 09:00"),
        "standup",
    ),
    _r(
        "every other day at 7pm water the plants",
        ("2026-12-02 19:00", "2026-12-04 19:00"),
        "water the plants",
    ),
    _r(
        "every 3 days at noon check job boards",
        ("2026-12-02 12:00", "2026-12-05 12:00"),
        "check job boards",
    ),
    _r("every 2 weeks on friday at 4pm review", ("2026-12-04 16:00", "2026-12-18 16:00"), "review"),
    _r(
        "every other week on tuesday call Mum", ("2026-12-08 09:00", "2026-12-22 09:00"), "call Mum"
    ),
    _r("every 4 hours drink water", ("2026-12-02 14:30", "2026-12-02 18:30"), "drink water"),
    _r("every hour stand up", ("2026-12-02 11:30", "2026-12-02 12:30"), "stand up"),
    _r(
        "every month on the first monday at 10am networking",
        ("2026-12-07 10:00", "2027-01-04 10:00"),
        "networking",
    ),
    _r(
        "every month on the second tuesday at 6pm meetup",
        ("2026-12-08 18:00", "2027-01-12 18:00"),
        "meetup",
    ),
    _r(
        "every month on the last friday send the report",
        ("2026-12-25 09:00", "2027-01-29 09:00"),
        "send the report",
    ),
    _r(
        "every month on the last day at 5pm invoice",
        ("2026-12-31 17:00", "2027-01-31 17:00", "2027-02-28 17:00"),
        "invoice",
    ),
    _r("the last day of every month invoice", ("2026-12-31 09:00", "2027-01-31 09:00"), "invoice"),
    _r(
        "on the first monday of every month budget",
        ("2026-12-07 09:00", "2027-01-04 09:00"),
        "budget",
    ),
    _r(
        "every month on the 1st and 15th pay day",
        ("2026-12-15 09:00", "2027-01-01 09:00", "2027-01-15 09:00"),
        "pay day",
    ),
    _r(
        "every 2 months on the 15th review spending",
        ("2026-12-15 09:00", "2027-02-15 09:00"),
        "review spending",
    ),
    _r(
        "monthly on the 10th pay the card", ("2026-12-10 09:00", "2027-01-10 09:00"), "pay the card"
    ),
    _r(
        "every year on dec 10 at 9am renew the licence",
        ("2026-12-10 09:00", "2027-12-10 09:00"),
        "renew the licence",
    ),
    _r(
        "yearly on jan 15 ask for a raise",
        ("2027-01-15 09:00", "2028-01-15 09:00"),
        "ask for a raise",
    ),
    _r("every year on the 3rd of march taxes", ("2027-03-03 09:00", "2028-03-03 09:00"), "taxes"),
    _r(
        "every wednesday at 10:30 team call", ("2026-12-09 10:30", "2026-12-16 10:30"), "team call"
    ),  # exactly now: next week's
    _r("every morning meditate", ("2026-12-03 09:00", "2026-12-04 09:00"), "meditate"),
    _r("every friday evening call home", ("2026-12-04 18:00", "2026-12-11 18:00"), "call home"),
    _r("every weekday evening journal", ("2026-12-02 18:00", "2026-12-03 18:00"), "journal"),
    _r("every 1 day at 8am x", ("2026-12-03 08:00", "2026-12-04 08:00"), "x"),
    _r(
        "every sunday at 6pm plan the week",
        ("2026-12-06 18:00", "2026-12-13 18:00"),
        "plan the week",
    ),
    _r("at 9am every day vitamins", ("2026-12-03 09:00", "2026-12-04 09:00"), "vitamins"),
    _r("every fortnight on monday pay", ("2026-12-07 09:00", "2026-12-21 09:00"), "pay"),
    _r(
        "every day at 9am until dec 5 take the pills",
        ("2026-12-03 09:00", "2026-12-04 09:00", "2026-12-05 09:00"),
        "take the pills",
        ends=True,
    ),
    _r(
        "every monday for 3 weeks at 9am stand-up",
        ("2026-12-07 09:00", "2026-12-14 09:00", "2026-12-21 09:00"),
        "stand-up",
        ends=True,
    ),
    _r(
        "every weekday at 9am for 1 week practice",
        (
            "2026-12-03 09:00",
            "2026-12-04 09:00",
            "2026-12-07 09:00",
            "2026-12-08 09:00",
            "2026-12-09 09:00",
        ),
        "practice",
        ends=True,
    ),
    _r(
        "every day 3 times at 8pm log hours",
        ("2026-12-02 20:00", "2026-12-03 20:00", "2026-12-04 20:00"),
        "log hours",
        ends=True,
    ),
    _r(
        "every other friday at 4pm until jan 1 demo",
        ("2026-12-04 16:00", "2026-12-18 16:00", "2027-01-01 16:00"),
        "demo",
        ends=True,
    ),
    _r(
        "every thursday at 9 until 2026-12-17 x",
        ("2026-12-03 09:00", "2026-12-10 09:00", "2026-12-17 09:00"),
        "x",
        ends=True,
    ),
    # --- America/New_York around its DST changes -----------------------------------------------
    _r("tomorrow 9am x", "2026-03-08 09:00", "x", now=NY_SPRING),
    _r("tomorrow 2:30am x", "2026-03-08 03:00", "x", now=NY_SPRING),  # 02:30 doesn't exist
    _r("in 24 hours x", "2026-03-08 13:00", "x", now=NY_SPRING),  # elapsed: 23 on the clock
    _r("in 1 day x", "2026-03-08 12:00", "x", now=NY_SPRING),  # a day keeps the wall clock
    _r("every day at 2:30am x", ("2026-03-08 03:00", "2026-03-09 02:30"), "x", now=NY_SPRING),
    _r("every day at 9am x", ("2026-03-08 09:00", "2026-03-09 09:00"), "x", now=NY_SPRING),
    _r("every sunday at 1:30am x", ("2026-03-08 01:30", "2026-03-15 01:30"), "x", now=NY_SPRING),
    _r("every 6 hours x", ("2026-03-07 18:00", "2026-03-08 00:00"), "x", now=NY_SPRING),
    _r("me to call Sam tomorrow at 9am", "2026-03-08 09:00", "call Sam", now=NY_SPRING),
    _r("tomorrow 1:30am x", "2026-11-01 01:30", "x", now=NY_FALL),  # the first 01:30 (EDT)
    _r("in 2 days x", "2026-11-02 12:00", "x", now=NY_FALL),
    _r("every day at 1:30am x", ("2026-11-01 01:30", "2026-11-02 01:30"), "x", now=NY_FALL),
    _r("every monday 9am x", ("2026-11-02 09:00", "2026-11-09 09:00"), "x", now=NY_FALL),
    _r("me to vote on tuesday at 7", "2026-11-03 07:00", "vote", now=NY_FALL),
    _r(
        "every weekday at 9am standup",
        ("2026-11-02 09:00", "2026-11-03 09:00"),
        "standup",
        now=NY_FALL,
    ),
    # --- Europe/Berlin ---------------------------------------------------------------------------
    _r("tomorrow 2:30 x", "2026-03-29 03:00", "x", BERLIN, BERLIN_SPRING),
    _r("tomorrow at 9 x", "2026-03-29 09:00", "x", BERLIN, BERLIN_SPRING),
    _r(
        "every day at 02:30 backup",
        ("2026-03-29 03:00", "2026-03-30 02:30"),
        "backup",
        BERLIN,
        BERLIN_SPRING,
    ),
    _r(
        "every other sunday 10:00 x",
        ("2026-03-29 10:00", "2026-04-12 10:00"),
        "x",
        BERLIN,
        BERLIN_SPRING,
    ),
    _r("in 3 days x", "2026-03-31 12:00", "x", BERLIN, BERLIN_SPRING),
    _r("in 3 hours x", "2026-03-28 15:00", "x", BERLIN, BERLIN_SPRING),
    _r("tomorrow 2:30am x", "2026-10-25 02:30", "x", BERLIN, BERLIN_FALL),
    _r("every day at 9am x", ("2026-10-25 09:00", "2026-10-26 09:00"), "x", BERLIN, BERLIN_FALL),
    _r("me to call Oma sunday at 11", "2026-10-25 11:00", "call Oma", BERLIN, BERLIN_FALL),
    _r(
        "every month on the last sunday at 10:00 x",
        ("2026-10-25 10:00", "2026-11-29 10:00"),
        "x",
        BERLIN,
        BERLIN_FALL,
    ),
    _r(
        "me to renew the Bahncard in 2 weeks",
        "2026-11-07 12:00",
        "renew the Bahncard",
        BERLIN,
        BERLIN_FALL,
    ),
    _r(
        "every other friday 16:00 sprint review",
        ("2026-12-04 16:00", "2026-12-18 16:00"),
        "sprint review",
        BERLIN,
        BERLIN_WED,
    ),
    _r(
        "me to call the Arbeitsagentur tomorrow at 8",
        "2026-12-03 08:00",
        "call the Arbeitsagentur",
        BERLIN,
        BERLIN_WED,
    ),
    _r("dec 24 18:00 Bescherung", "2026-12-24 18:00", "Bescherung", BERLIN, BERLIN_WED),
    _r("me to reply in 2 hours", "2026-12-02 18:30", "reply", BERLIN, BERLIN_WED),
    # --- Asia/Kolkata (no DST) -----------------------------------------------------------------
    _r("tomorrow 9am x", "2026-12-03 09:00", "x", KOLKATA, KOLKATA_WED),
    _r("at 9 x", "2026-12-03 09:00", "x", KOLKATA, KOLKATA_WED),  # 21:00 is now, not ahead
    _r("in 2 hours x", "2026-12-02 23:00", "x", KOLKATA, KOLKATA_WED),
    _r(
        "every weekday at 10am standup",
        ("2026-12-03 10:00", "2026-12-04 10:00"),
        "standup",
        KOLKATA,
        KOLKATA_WED,
    ),
    _r(
        "me to call Priya at 6:30pm tomorrow",
        "2026-12-03 18:30",
        "call Priya",
        KOLKATA,
        KOLKATA_WED,
    ),
    _r(
        "every day at 7am walk",
        ("2026-12-03 07:00", "2026-12-04 07:00"),
        "walk",
        KOLKATA,
        KOLKATA_WED,
    ),
    _r("next monday 11:00 x", "2026-12-07 11:00", "x", KOLKATA, KOLKATA_WED),
    _r("this evening x", "2026-12-03 18:00", "x", KOLKATA, "2026-12-03 00:15"),
    _r(
        "me to pay the electricity bill on the 5th",
        "2026-12-05 09:00",
        "pay the electricity bill",
        KOLKATA,
        KOLKATA_WED,
    ),
    _r(
        "every month on the 5th at 10am pay the bill",
        ("2026-12-05 10:00", "2027-01-05 10:00"),
        "pay the bill",
        KOLKATA,
        KOLKATA_WED,
    ),
    # --- Australia/Sydney around its DST changes ------------------------------------------------
    _r("tomorrow 9am x", "2026-04-05 09:00", "x", SYDNEY, SYDNEY_FALL),
    _r("tomorrow 2:30am x", "2026-04-05 02:30", "x", SYDNEY, SYDNEY_FALL),  # the first (AEDT)
    _r("every day at 8am x", ("2026-04-05 08:00", "2026-04-06 08:00"), "x", SYDNEY, SYDNEY_FALL),
    _r("in 1 day x", "2026-04-05 12:00", "x", SYDNEY, SYDNEY_FALL),
    _r("in 24 hours x", "2026-04-05 11:00", "x", SYDNEY, SYDNEY_FALL),  # elapsed: 25 on the clock
    _r("tomorrow 2:30am x", "2026-10-04 03:00", "x", SYDNEY, SYDNEY_SPRING),
    _r(
        "every sunday at 2:30am x",
        ("2026-10-04 03:00", "2026-10-11 02:30"),
        "x",
        SYDNEY,
        SYDNEY_SPRING,
    ),
    _r("me to call Mum sunday at 4", "2026-10-04 16:00", "call Mum", SYDNEY, SYDNEY_SPRING),
    _r(
        "every month on the first sunday at 9am x",
        ("2026-10-04 09:00", "2026-11-01 09:00"),
        "x",
        SYDNEY,
        SYDNEY_SPRING,
    ),
    _r(
        "me to book the footy tickets next friday",
        "2026-10-09 09:00",
        "book the footy tickets",
        SYDNEY,
        SYDNEY_SPRING,
    ),
)

ASKED: tuple[Asked, ...] = (
    Asked(
        "tomorrow call Bob at 5pm",
        NY,
        WED,
        ("2026-12-03 09:00", "call Bob at 5pm"),
        ("2026-12-03 17:00", "call Bob"),
    ),
    Asked(
        "at 9am call Bob tomorrow",
        NY,
        WED,
        ("2026-12-03 09:00", "call Bob tomorrow"),
        ("2026-12-03 09:00", "call Bob"),
    ),
    Asked(
        "tomorrow 9am meeting moved to 10am",
        NY,
        WED,
        ("2026-12-03 09:00", "meeting moved to 10am"),
        ("2026-12-03 10:00", "meeting moved to"),
    ),
    Asked(
        "every monday plan the week at 10am",
        NY,
        WED,
        ("2026-12-07 09:00", "plan the week at 10am"),
        ("2026-12-07 10:00", "plan the week"),
    ),
    Asked(
        "tomorrow 9am dinner at 8pm",
        NY,
        WED,
        ("2026-12-03 09:00", "dinner at 8pm"),
        ("2026-12-03 20:00", "dinner"),
    ),
    Asked(
        "tonight send the 9pm report",
        NY,
        WED,
        ("2026-12-02 20:00", "send the 9pm report"),
        ("2026-12-02 21:00", "send the report"),
    ),
    Asked(
        "dec 3 interview at 2pm",
        NY,
        WED,
        ("2026-12-03 09:00", "interview at 2pm"),
        ("2026-12-03 14:00", "interview"),
    ),
    Asked(
        "in 10 minutes check the 3pm slot",
        NY,
        WED,
        ("2026-12-02 10:40", "check the 3pm slot"),
        ("2026-12-02 15:00", "check the slot"),
    ),
    Asked(
        "every day call mom at 7pm",
        NY,
        WED,
        ("2026-12-03 09:00", "call mom at 7pm"),
        ("2026-12-02 19:00", "call mom"),
    ),
    Asked(
        "friday dinner with Sam at 8",
        NY,
        WED,
        ("2026-12-04 09:00", "dinner with Sam at 8"),
        ("2026-12-04 08:00", "dinner with Sam"),
    ),
    Asked(
        "at 5pm leave for the 6:30pm train",
        NY,
        WED,
        ("2026-12-02 17:00", "leave for the 6:30pm train"),
        ("2026-12-02 18:30", "leave for the train"),
    ),
    Asked(
        "me to call Sam at 3 tomorrow at 9am",
        NY,
        WED,
        ("2026-12-03 09:00", "call Sam at 3 tomorrow"),
        ("2026-12-03 15:00", "call Sam"),
    ),
    Asked(
        "next tuesday 3pm prep for wednesday",
        NY,
        WED,
        ("2026-12-08 15:00", "prep for wednesday"),
        ("2026-12-09 09:00", "prep for"),
    ),
    Asked(
        "me to check the tomorrow slots on friday",
        NY,
        WED,
        ("2026-12-04 09:00", "check the tomorrow slots"),
        ("2026-12-03 09:00", "check the slots"),
    ),
)

REFUSED: tuple[Refused, ...] = (
    Refused("tomorrow at 25:00 x", NY, WED, "There's no 25:00"),
    Refused("tomorrow at 24:00 x", NY, WED, "There's no 24:00"),
    Refused("tomorrow at 9:75 x", NY, WED, "There's no 9:75"),
    Refused("at 13pm x", NY, WED, "There's no 13pm"),
    Refused("me to call at 99 x", NY, WED, "There's no 99"),
    Refused("every day at 25:00 x", NY, WED, "There's no 25:00"),
    Refused("tomorrow 9am call Bob at 26:00", NY, WED, "There's no 26:00"),
    Refused("feb 30 9am x", NY, WED, "There's no feb 30"),
    Refused("april 31 x", NY, WED, "There's no april 31"),
    Refused("2027-02-30 x", NY, WED, "There's no 2027-02-30"),
    Refused("2026-13-01 x", NY, WED, "There's no 2026-13-01"),
    Refused("me to pay rent on feb 30", NY, WED, "There's no feb 30"),
    Refused("every 30 minutes drink water", NY, WED, "I can't repeat"),
    Refused("every minute x", NY, WED, "I can't repeat"),
    Refused("every 0 days x", NY, WED, "I can't repeat"),
    Refused("every second x", NY, WED, "I can't repeat"),
    Refused("every full moon call mom", NY, WED, "I can't repeat"),
    Refused("me to drink water every 15 minutes", NY, WED, "I can't repeat"),
    Refused("yesterday 9am x", NY, WED, "has already passed"),
    Refused("today 9am x", NY, WED, "has already passed"),
    Refused("this morning x", NY, WED, "has already passed"),
    Refused("in 0 seconds x", NY, WED, "has already passed"),
    Refused("tonight x", KOLKATA, KOLKATA_WED, "has already passed"),
    Refused("in 400 days x", NY, WED, "more than a year ahead"),
    Refused("dec 3 2027 x", NY, WED, "more than a year ahead"),
    Refused("every year on feb 29 x", NY, WED, "more than a year ahead"),
    Refused("every day until yesterday x", NY, WED, "ends before"),
    Refused("every monday at 9am until friday x", NY, WED, "ends before"),
    Refused("call Bob", NY, WED, "Put the time first or last"),
    Refused("next blursday call", NY, WED, "Put the time first or last"),
    Refused("in 5 bananas x", NY, WED, "Put the time first or last"),
    Refused("me to call Sam 9", NY, WED, "Put the time first or last"),
    Refused("call Bob tomorrow please", NY, WED, "sits in the middle"),
    Refused("tomorrow 9am", NY, WED, "What should I remind you of"),
    Refused("me to", NY, WED, "I couldn't find when"),
    Refused("", NY, WED, "Tell me when"),
)


def local(when: str, zone: str) -> datetime:
    """A local wall-clock time written "YYYY-MM-DD HH:MM", on the timeline in UTC (the first of
    two when the clocks go back)."""
    naive = datetime.fromisoformat(when)
    return naive.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def remind_text(typed: str) -> str:
    """What the reader gets: the words after `remind`, as the command parser leaves them."""
    command = parse_command(f"remind {typed}".strip())
    assert isinstance(command, Remind)
    return command.rest


def read(row: Read | Asked | Refused) -> Reading | AskBack | WhenError:
    """The reader's answer to a row (an error is returned, not raised)."""
    tz = ZoneInfo(row.zone)
    now = local(row.now, row.zone)
    try:
        return read_reminder(remind_text(row.typed), now=now, tz=tz)
    except WhenError as exc:
        return exc


def _times(reading: Reading, count: int, zone: str) -> tuple[list[datetime], datetime | None]:
    found = [reading.at]
    tz = ZoneInfo(zone)
    while reading.rule is not None and len(found) < count:
        following = next_occurrence(reading.rule, tz, found[-1])
        if following is None:
            return found, None
        found.append(following)
    after = next_occurrence(reading.rule, tz, found[-1]) if reading.rule else None
    return found, after


def wrong(row: Read | Asked | Refused) -> str | None:
    """What the reader got wrong about a row, or None when it reads it as expected."""
    got = read(row)
    if isinstance(row, Refused):
        if not isinstance(got, WhenError):
            return f"not refused: {got!r}"
        return None if row.says in str(got) else f"refused with {str(got)!r}"
    if isinstance(got, WhenError):
        return f"refused: {got}"
    if isinstance(row, Asked):
        if not isinstance(got, AskBack):
            return f"not asked back: {got!r}"
        readings = [(r.at, r.text) for r in (got.first, got.second)]
        expected = [(local(at, row.zone), text) for at, text in (row.first, row.second)]
        return None if readings == expected else f"asked {readings}, expected {expected}"
    if not isinstance(got, Reading):
        return f"asked back: {got!r}"
    if got.text != row.text:
        return f"text {got.text!r}"
    if (got.rule is not None) != (len(row.times) > 1 or row.ends):
        return f"rule {got.rule!r}"
    found, after = _times(got, len(row.times), row.zone)
    expected = [local(at, row.zone) for at in row.times]
    if found != expected:
        shown = [at.astimezone(ZoneInfo(row.zone)).isoformat() for at in found]
        return f"times {shown} (rule {got.rule!r})"
    if row.ends and after is not None:
        return f"goes on after its end: {after.isoformat()}"
    return None


ALL: tuple[Read | Asked | Refused, ...] = (*READ, *ASKED, *REFUSED)
