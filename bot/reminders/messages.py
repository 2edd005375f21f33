"""What reminders say, as plain replies: posts, confirmations, lists, stats and outcomes. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.common.buttons import ASK_STEP, button_id
from bot.common.durations import format_duration
from bot.common.replies import Button, ButtonRole, Item, Kind, Reply, Section
from bot.questionnaire.rules import Verdict
from bot.questionnaire.state import OUTCOMES, HistoryEntry
from bot.reminders import texts
from bot.reminders.model import Due, Role, Upcoming
from bot.reminders.when import format_when

_DAYS = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday"}
_DAYS |= {"SA": "Saturday", "SU": "Sunday"}
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")


def describe_rule(rule: str) -> str:
    """A rule in words: "every Monday and Friday at 09:00", "every day at 18:30". Reads the
    RRULE line of the two-line form too. (Part P2's `recurrence.describe_rule` says every
    form in full; this keeps the simple ones readable until then.)"""
    body = rule.rsplit("RRULE:", 1)[-1]
    parts = dict(part.split("=", 1) for part in body.split(";") if "=" in part)
    at = f"{int(parts.get('BYHOUR', '9')):02d}:{int(parts.get('BYMINUTE', '0')):02d}"
    interval = int(parts.get("INTERVAL", "1"))
    every = "every" if interval == 1 else ("every other" if interval == 2 else f"every {interval}")
    days = [d for d in parts.get("BYDAY", "").split(",") if d]
    freq = parts.get("FREQ")
    if freq == "HOURLY":
        return "every hour" if interval == 1 else f"every {interval} hours"
    if freq in ("MONTHLY", "YEARLY"):
        unit = "month" if freq == "MONTHLY" else "year"
        unit = unit if interval < 3 else unit + "s"
        return f"{every} {unit} at {at}"
    if freq == "DAILY" or len(days) == 7:
        return f"{every} day at {at}" if interval < 3 else f"{every} days at {at}"
    if tuple(days) == _WEEKDAYS:
        return f"every weekday at {at}"
    names = [_DAYS.get(d, d) for d in days]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{every} {joined} at {at}" if interval < 3 else f"{every} weeks on {joined} at {at}"


def recurring_confirmation(
    *, rule: str, first: datetime, tz: ZoneInfo, now: datetime, where: str, text: str
) -> str:
    """The confirmation of a recurring reminder: the one place to say the rule in words and
    the next two times (`recurrence.describe_rule` / `upcoming`, part P2) once they exist."""
    return texts.REMIND_SET_RECURRING.format(
        where=where, rule=describe_rule(rule), when=format_when(first, tz, now=now), text=text
    )


def ask_back_reply(
    *, question: str, fragment: str, readings: Sequence[tuple[datetime, str | None, str]],
    tz: ZoneInfo, now: datetime,
) -> Reply:  # fmt: skip
    """A reminder read two ways: one button per reading (`tp:<question>:ask:<n>`)."""
    buttons = []
    for number, (at, rule, text) in enumerate(readings, start=1):
        when = format_when(at, tz, now=now)
        label = f"{describe_rule(rule)}, from {when}: {text}" if rule else f"{when}: {text}"
        buttons.append(Button(button_id(question, ASK_STEP, str(number)), label, ButtonRole.ACTION))
    return Reply(
        kind=Kind.INFO, text=texts.REMIND_ASK.format(fragment=fragment), buttons=tuple(buttons)
    )


def _ahead(event_at: datetime, at: datetime) -> str:
    return format_duration(timedelta(seconds=round((event_at - at).total_seconds())))


def _where(channel: str | None) -> str:
    return texts.WHERE_CHANNEL.format(channel=channel) if channel else ""


def occurrence_buttons(due: Due) -> tuple[Button, ...]:
    """The buttons under a post: outcomes for a follow-up, snoozes or stop for the rest."""
    if due.role is Role.FOLLOWUP:
        return tuple(
            Button(button_id(due.reminder_id, "out", value), label, ButtonRole.ACTION)
            for value, label in OUTCOMES.items()
        )
    if due.role is Role.BEFORE:
        return ()
    scope = str(due.occurrence_id)
    snoozes = (
        Button(button_id(scope, "occ", "snooze1h"), texts.SNOOZE_HOUR, ButtonRole.ACTION),
        Button(button_id(scope, "occ", "snooze1d"), texts.SNOOZE_DAY, ButtonRole.ACTION),
    )
    if due.rule:
        stop = Button(button_id(due.reminder_id, "rem", "stop"), texts.STOP, ButtonRole.ACTION)
        return (*snoozes, stop)
    return snoozes


def occurrence_message(due: Due, *, late: bool) -> Reply:
    """The post for one occurrence."""
    tz = ZoneInfo(due.timezone)
    notice = texts.LATE.format(when=format_when(due.due_at, tz)) if late else None
    sections: tuple[Section, ...] = ()
    if due.role is Role.BEFORE and due.event_at is not None:
        text = texts.BEFORE.format(
            about=_about_text(due.text),
            ahead=_ahead(due.event_at, due.due_at),
            when=format_when(due.event_at, tz),
        )
        if due.notes:
            sections = (Section(texts.BEFORE_TIPS, due.notes),)
    elif due.role is Role.FOLLOWUP:
        text = texts.FOLLOWUP.format(about=_about_text(due.text))
    else:
        text = texts.REMINDER.format(text=due.text)
        if due.rule:
            text += "\n" + texts.RECURRING_NOTE.format(rule=describe_rule(due.rule))
    return Reply(
        kind=Kind.REMINDER,
        text=text,
        notice=notice,
        sections=sections,
        buttons=occurrence_buttons(due),
    )


def _about_text(text: str) -> str:
    # An interview reminder's text is the company and role, when one was given.
    return f" at {text}" if text else ""


def failure_notice(due: Due, reason: str) -> Reply:
    """Told to the owner by DM when a post could not be made."""
    shown = due.text or texts.THE_INTERVIEW
    return Reply(kind=Kind.ERROR, text=texts.FAILED.format(text=shown, reason=reason))


def undo_button(reminder_id: str) -> Button:
    """Every confirmation's way back."""
    return Button(button_id(reminder_id, "rem", "undo"), texts.UNDO, ButtonRole.ACTION)


def interview_confirmation(
    *,
    reminder_id: str,
    about_text: str,
    event_at: datetime,
    times: Sequence[tuple[Role, datetime]],
    tz: ZoneInfo,
) -> Reply:
    """Every time the interview's reminders will come, in the user's zone, with Undo."""
    lines = []
    for role, at in times:
        when = format_when(at, tz)
        if role is Role.BEFORE:
            lines.append(texts.BEFORE_LINE.format(when=when, ahead=_ahead(event_at, at)))
        else:
            lines.append(texts.FOLLOWUP_LINE.format(when=when))
    text = texts.INTERVIEW_SET.format(
        about=about_text or texts.THE_INTERVIEW, when=format_when(event_at, tz)
    )
    if not any(role is Role.BEFORE for role, _ in times):
        text += "\n" + texts.INTERVIEW_NOTHING_BEFORE
    return Reply(
        kind=Kind.INFO,
        text=text,
        sections=(Section(texts.INTERVIEW_TIMES, tuple(lines)),),
        buttons=(undo_button(reminder_id),),
    )


def upcoming_line(item: Upcoming, tz: ZoneInfo) -> str:
    """One reminder in a list."""
    if item.role is Role.BEFORE and item.event_at is not None:
        what = texts.BEFORE.format(
            about=_about_text(item.text),
            ahead=_ahead(item.event_at, item.due_at),
            when=format_when(item.event_at, tz),
        )
    elif item.role is Role.FOLLOWUP:
        what = texts.FOLLOWUP.format(about=_about_text(item.text))
    else:
        what = item.text + (f" ({describe_rule(item.rule)})" if item.rule else "")
    return texts.LIST_LINE.format(
        when=format_when(item.due_at, tz), text=what, where=_where(item.channel)
    )


def list_reply(
    upcoming: Sequence[Upcoming], missed: Sequence[Upcoming], tz: ZoneInfo, example: str
) -> Reply:
    """`reminders`: what is coming, each with Cancel and Snooze; then what was missed."""
    items = []
    for item in upcoming:
        scope = str(item.occurrence_id)
        cancel = (
            Button(button_id(item.reminder_id, "rem", "stop"), texts.STOP, ButtonRole.ACTION)
            if item.rule
            else Button(button_id(scope, "occ", "cancel"), texts.CANCEL, ButtonRole.ACTION)
        )
        buttons = (
            cancel,
            Button(button_id(scope, "occ", "snooze1h"), texts.SNOOZE_HOUR, ButtonRole.ACTION),
            Button(button_id(scope, "occ", "snooze1d"), texts.SNOOZE_DAY, ButtonRole.ACTION),
        )
        items.append(Item(upcoming_line(item, tz), buttons))
    sections: tuple[Section, ...] = ()
    if missed:
        sections = (Section(texts.LIST_MISSED, tuple(upcoming_line(m, tz) for m in missed)),)
    text = texts.LIST_TITLE if upcoming else texts.LIST_EMPTY.format(example=example)
    return Reply(kind=Kind.INFO, text=text, sections=sections, items=tuple(items))


def channel_list_reply(running: Sequence[Upcoming], tz: ZoneInfo) -> Reply:
    """`reminders` asked in a channel: its recurring reminders set by others, each with Stop
    (for those allowed to manage the channel)."""
    items = tuple(
        Item(
            upcoming_line(item, tz),
            (Button(button_id(item.reminder_id, "rem", "stop"), texts.STOP, ButtonRole.ACTION),),
        )
        for item in running
    )
    return Reply(kind=Kind.INFO, text=texts.CHANNEL_LIST_TITLE, items=items)


def outcome_reply(outcome: str, entry: HistoryEntry) -> Reply:
    """The answer to the follow-up's buttons, shaped by how it went."""
    noted = texts.OUTCOME_NOTED.format(outcome=OUTCOMES[outcome])
    answers = entry.answers
    if outcome == "offer":
        if answers.get("pending") in ("late", "early"):
            note = Section(texts.LEVERAGE_TITLE, (texts.LEVERAGE_NOTE,))
            return Reply(kind=Kind.INFO, text=texts.OFFER_LEVERAGE, notice=noted, note=note)
        return Reply(kind=Kind.INFO, text=texts.OFFER, notice=noted)
    if outcome == "waiting":
        return Reply(kind=Kind.INFO, text=texts.WAITING, notice=noted)
    if outcome == "next":
        return Reply(kind=Kind.INFO, text=texts.ASK_NEXT_ROUND, notice=noted)
    worth = []
    if answers.get("rust") in ("while", "new") or answers.get("dream") == "yes":
        worth.append(texts.WORTH_PRACTICE)
    if answers.get("interviewer") in ("recruiter", "team"):
        worth.append(texts.WORTH_PEOPLE)
    if answers.get("insight") == "paper":
        worth.append(texts.WORTH_INSIGHT)
    if not worth:
        worth.append(texts.WORTH_PRACTICE)
    text = texts.NOT_THIS_TIME if outcome == "rejected" else texts.DIDNT_GO
    return Reply(
        kind=Kind.INFO,
        text=text,
        notice=noted,
        sections=(Section(texts.STILL_WORTH_TITLE, tuple(worth)),),
    )


def _counted(counter: Counter[str]) -> str:
    plural = {"offer": "offers", "next": "next rounds"}
    parts = []
    for value, label in OUTCOMES.items():
        count = counter.get(value, 0)
        if count:
            name = plural.get(value, label.lower()) if count != 1 else label.lower()
            parts.append(f"{count} {name}")
    if counter.get(None, 0):  # type: ignore[call-overload]
        parts.append(f"{counter[None]} {texts.STATS_NOT_REPORTED}")  # type: ignore[index]
    return ", ".join(parts)


_VERDICT_WORDS = {
    Verdict.TAKE_IT.value: "Take it",
    Verdict.LEAN_TAKE.value: "Lean take",
    Verdict.PASS.value: "Pass",
}


def stats_reply(entries: Sequence[HistoryEntry]) -> Reply:
    """`stats`: the user's outcomes summed up, and how the verdicts compared with them."""
    if not entries:
        return Reply(kind=Kind.INFO, text=texts.STATS_EMPTY)
    count = len(entries)
    reported: Counter[str] = Counter(e.outcome for e in entries if e.outcome)
    title = texts.STATS_TITLE.format(count=count, s="" if count == 1 else "s")
    summary = (
        texts.STATS_OUTCOMES.format(outcomes=_counted(reported))
        if reported
        else texts.STATS_NONE_REPORTED
    )
    lines = []
    for verdict, word in _VERDICT_WORDS.items():
        mine = [e for e in entries if e.verdict == verdict]
        if not mine:
            continue
        outcomes: Counter[str] = Counter(e.outcome for e in mine)  # type: ignore[misc]
        lines.append(
            texts.STATS_VERDICT_LINE.format(
                verdict=word, count=len(mine), outcomes=_counted(outcomes)
            )
        )
    return Reply(
        kind=Kind.INFO,
        text=f"{title}\n{summary}",
        sections=(Section(texts.STATS_BY_VERDICT, tuple(lines)),),
    )
