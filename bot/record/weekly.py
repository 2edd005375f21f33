"""The weekly look back's post, from a week of the user's record. Pure: the week is read from
the database by weekly_post.py; here it becomes one private message, or nothing.

The week ends at this Monday 09:00 in the user's zone and starts at the Monday before, 09:00
on that day's clock (so a week across a clock change is 167 or 169 hours long). It holds the
interviews whose outcome was reported in it, the questionnaires finished in it (the
decisions), what is coming up (interviews ahead with reminders), and one line of advice picked
by what the week was like. A week with no decision and no outcome gives nothing: interviews
still to come alone are no reason to write."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot.common.buttons import button_id
from bot.common.replies import Button, ButtonRole, Kind, Reply, Section
from bot.questionnaire.rules import Verdict
from bot.questionnaire.state import OUTCOMES
from bot.questionnaire.views import describe_company
from bot.reminders.timewords import format_when

TITLE = "Your week looking back, {start} to {end}."
OUTCOMES_TITLE = "Interviews and how they went"
OUTCOME_LINE = "{about}: {outcome} ({when})"
DECISIONS_TITLE = "Decisions you made"
DECISION_LINE = "{about}: {verdict} ({when})"
COMING_TITLE = "Coming up"
COMING_LINE = "{when}: {about}"
NOTHING_COMING = "No interviews with reminders ahead. Type start when the next one comes along."
ADVICE_TITLE = "One thing for this week"
NO_COMPANY = "a company you didn't name"
STOP_LABEL = "Stop the weekly look back"
MOST_COMING = 10

VERDICT_WORDS = {
    Verdict.TAKE_IT.value: "Take it",
    Verdict.LEAN_TAKE.value: "Lean take",
    Verdict.PASS.value: "Pass",
}

# The advice, in our own words, by what the week held (the first that fits is given).
ADVICE_OFFER = (
    "An offer is leverage: tell the company you'd most like to join that you have one and "
    "ask when they can decide, before you answer the other."
)
ADVICE_REJECTED = (
    "A no still paid: you practised under real pressure and now know what they ask. Note "
    "one thing you'd answer differently and take it to the next one."
)
ADVICE_ONLY_PASSES = (
    "Every call this week was a pass. Staying away makes sense only when you're sure you'd "
    "never take the job; if a part of you isn't sure, the interview costs an hour and tells "
    "you more than guessing."
)
ADVICE_TAKES = (
    "You said yes to interviewing: pick two stories that show your best work and say them "
    "out loud once before the day; practice shows."
)
ADVICE_NEXT = (
    "A next round means they liked what they saw: ask what the next step looks at, and "
    "prepare for that rather than for everything."
)
ADVICE_WAITING = (
    "While you wait to hear, keep other doors open: one answer pending is no reason to stop."
)
ADVICE_SKIPPED = (
    "You missed an interview you'd planned: if it still matters to you, a short note asking "
    "for another slot often gets one."
)
ADVICE_ANY = "Each interview tells you more about what you want next; keep your notes, they add up."


class Decision(NamedTuple):
    """A questionnaire finished in the week."""

    company: str | None
    role: str | None
    verdict: str
    at: datetime


class Reported(NamedTuple):
    """An interview whose outcome was reported in the week."""

    company: str | None
    role: str | None
    outcome: str
    at: datetime


class Coming(NamedTuple):
    """An interview ahead, with its reminders set."""

    about: str  # the company and role, as its reminders name it (never empty)
    at: datetime


class Week(NamedTuple):
    """What one week of the user's record held."""

    start: datetime
    end: datetime
    decisions: tuple[Decision, ...]
    outcomes: tuple[Reported, ...]
    coming: tuple[Coming, ...]


def week_window(end: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The week ending at `end` (a Monday 09:00 local): from the same clock time seven days
    earlier on the local calendar, whatever the clock did in between. Both in UTC."""
    local = end.astimezone(tz)
    start = datetime.combine(local.date() - timedelta(days=7), local.timetz().replace(tzinfo=tz))
    return start.astimezone(end.tzinfo), end


def is_empty(week: Week) -> bool:
    """Nothing decided and nothing reported: nothing to look back on."""
    return not week.decisions and not week.outcomes


def advice(week: Week) -> str:
    """The one line that fits the week best."""
    outcomes = {item.outcome for item in week.outcomes}
    verdicts = {item.verdict for item in week.decisions}
    if "offer" in outcomes:
        return ADVICE_OFFER
    if "rejected" in outcomes:
        return ADVICE_REJECTED
    if verdicts == {Verdict.PASS.value}:
        return ADVICE_ONLY_PASSES
    if verdicts & {Verdict.TAKE_IT.value, Verdict.LEAN_TAKE.value}:
        return ADVICE_TAKES
    if "next" in outcomes:
        return ADVICE_NEXT
    if "waiting" in outcomes:
        return ADVICE_WAITING
    if "skipped" in outcomes:
        return ADVICE_SKIPPED
    return ADVICE_ANY


def _about(company: str | None, role: str | None) -> str:
    return describe_company(company, role) or NO_COMPANY


def look_back(week: Week, tz: ZoneInfo, *, reminder_id: str) -> Reply | None:
    """The week as one private post, with a button that stops the series; None for a week
    with nothing in it."""
    if is_empty(week):
        return None
    sections = []
    if week.outcomes:
        lines = tuple(
            OUTCOME_LINE.format(
                about=_about(item.company, item.role),
                outcome=OUTCOMES.get(item.outcome, item.outcome),
                when=_day(item.at, tz),
            )
            for item in sorted(week.outcomes, key=lambda item: item.at)
        )
        sections.append(Section(OUTCOMES_TITLE, lines))
    if week.decisions:
        lines = tuple(
            DECISION_LINE.format(
                about=_about(item.company, item.role),
                verdict=VERDICT_WORDS.get(item.verdict, item.verdict.capitalize()),
                when=_day(item.at, tz),
            )
            for item in sorted(week.decisions, key=lambda item: item.at)
        )
        sections.append(Section(DECISIONS_TITLE, lines))
    coming = sorted(week.coming, key=lambda item: item.at)[:MOST_COMING]
    lines = tuple(
        COMING_LINE.format(when=format_when(item.at, tz, now=week.end), about=item.about)
        for item in coming
    )
    sections.append(Section(COMING_TITLE, lines or (NOTHING_COMING,)))
    sections.append(Section(ADVICE_TITLE, (advice(week),)))
    stop = Button(button_id(reminder_id, "rem", "stop"), STOP_LABEL, ButtonRole.ACTION)
    title = TITLE.format(start=_day(week.start, tz), end=_day(week.end, tz))
    return Reply(kind=Kind.REMINDER, text=title, sections=tuple(sections), buttons=(stop,))


def _day(at: datetime, tz: ZoneInfo) -> str:
    """`Mon 19 Oct`: the local day, no time."""
    return format_when(at, tz).split(",", 1)[0]
