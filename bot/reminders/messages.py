"""What reminders say, as plain replies: posts, confirmations, lists, stats and outcomes. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.common.buttons import ASK_STEP, RECORD_STEP, USER_SCOPE, button_id
from bot.common.durations import format_duration
from bot.common.replies import Button, ButtonRole, Item, Kind, Reply, Section
from bot.common.text import clean_text
from bot.questionnaire.rules import Verdict
from bot.questionnaire.state import OUTCOMES, HistoryEntry
from bot.reminders import texts
from bot.reminders.manage import SNOOZE_CHOICES
from bot.reminders.model import Due, ReminderKind, Role, Upcoming
from bot.reminders.recurrence import describe_rule, next_occurrence, upcoming
from bot.reminders.timewords import format_when


def recurring_confirmation(
    *,
    reminder_id: str,
    rule: str,
    tz: ZoneInfo,
    now: datetime,
    text: str,
    channel: str | None = None,
) -> Reply:
    """ "Recurring reminder set, <rule in words>, starting <first>: <text>", the next two
    times (with the year when it is not this one) and Undo. The rule must have a run after
    `now` (the caller refuses one that has none)."""
    times = upcoming(rule, tz, now, 2)
    if not times:
        raise ValueError("the rule has no run after now")
    confirmation = texts.REMIND_SET_RECURRING.format(
        where=_where(channel),
        rule=describe_rule(rule, tz=tz, after=now),
        when=format_when(times[0], tz, now=now),
        text=text,
    )
    lines = tuple(format_when(at, tz, now=now) for at in times)
    return Reply(
        kind=Kind.INFO,
        text=confirmation,
        sections=(Section(texts.RECURRING_NEXT_TIMES, lines),),
        buttons=(undo_button(reminder_id),),
    )


_JUST = timedelta(microseconds=1)


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


def snooze_buttons(occurrence_id: int) -> tuple[Button, ...]:
    """The snooze choices for one occurrence, Slack's set: 20 minutes · 1 hour · 3 hours ·
    tomorrow morning · next week."""
    scope = str(occurrence_id)
    return tuple(
        Button(button_id(scope, "occ", choice.value), choice.label, ButtonRole.ACTION)
        for choice in SNOOZE_CHOICES
    )


def occurrence_buttons(due: Due) -> tuple[Button, ...]:
    """The buttons under a post: outcomes for a follow-up; Done and the snooze choices (and
    Stop, for a series) for the rest. Seven at most: two rows on Discord."""
    if due.role is Role.FOLLOWUP:
        return tuple(
            Button(button_id(due.reminder_id, "out", value), label, ButtonRole.ACTION)
            for value, label in OUTCOMES.items()
        )
    if due.role is Role.BEFORE:
        return ()
    done = Button(button_id(str(due.occurrence_id), "occ", "done"), texts.DONE, ButtonRole.ACTION)
    buttons = (done, *snooze_buttons(due.occurrence_id))
    if due.rule:
        stop = Button(button_id(due.reminder_id, "rem", "stop"), texts.STOP, ButtonRole.ACTION)
        return (*buttons, stop)
    return buttons


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
        # Cleaned when set; again here for texts stored before they were.
        text = texts.REMINDER.format(text=clean_text(due.text))
        if due.rule:
            if next_occurrence(due.rule, tz, due.due_at) is None:  # the series ends here
                text += "\n" + texts.RECURRING_LAST.format(rule=describe_rule(due.rule))
            else:
                rule = describe_rule(due.rule, tz=tz, after=due.due_at)
                text += "\n" + texts.RECURRING_NOTE.format(rule=rule)
    return Reply(
        kind=Kind.REMINDER,
        text=text,
        notice=notice,
        sections=sections,
        buttons=occurrence_buttons(due),
    )


def with_late_notice(message: Reply, due: Due) -> Reply:
    """A composed post that comes late, saying so as every late reminder does."""
    late = texts.LATE.format(when=format_when(due.due_at, ZoneInfo(due.timezone)))
    return message._replace(notice=late)


def _about_text(text: str) -> str:
    # An interview reminder's text is the company and role, when one was given.
    return f" at {text}" if text else ""


def failure_notice(due: Due, reason: str) -> Reply:
    """Told to the owner by DM when a post could not be made."""
    shown = due.text or texts.THE_INTERVIEW
    return Reply(kind=Kind.ERROR, text=texts.FAILED.format(text=shown, reason=reason))


def paused_notice(due: Due) -> Reply:
    """Told to the owner by DM when their recurring channel reminder pauses (lapse.py), with
    the series' Stop button."""
    stop = Button(button_id(due.reminder_id, "rem", "stop"), texts.STOP, ButtonRole.ACTION)
    text = texts.PAUSED.format(text=due.text, channel=due.channel)
    return Reply(kind=Kind.INFO, text=text, buttons=(stop,))


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
        # A COUNT rule counts the listed run among those left.
        rule = describe_rule(item.rule, tz=tz, after=item.due_at - _JUST) if item.rule else ""
        what = item.text + (f" ({rule})" if rule else "")
    return texts.LIST_LINE.format(
        when=format_when(item.due_at, tz), text=what, where=_where(item.channel)
    )


def item_buttons(item: Upcoming) -> tuple[Button, ...]:
    """A listed reminder's buttons: Edit (not for an interview's, which follow the interview),
    Cancel (Stop for a series) and Snooze, which offers the choices; the weekly look back's,
    Stop only."""
    scope = str(item.occurrence_id)
    cancel = (
        Button(button_id(item.reminder_id, "rem", "stop"), texts.STOP, ButtonRole.ACTION)
        if item.rule
        else Button(button_id(scope, "occ", "cancel"), texts.CANCEL, ButtonRole.ACTION)
    )
    if item.kind is ReminderKind.WEEKLY:
        return (cancel,)  # its time is Monday 09:00 and its words are written then: Stop only
    snooze = Button(button_id(scope, "occ", "snooze"), texts.SNOOZE, ButtonRole.ACTION)
    if item.role in (Role.BEFORE, Role.FOLLOWUP):
        return (cancel, snooze)
    return (Button(button_id(scope, "occ", "edit"), texts.EDIT, ButtonRole.ACTION), cancel, snooze)


def done_line(item: Upcoming, tz: ZoneInfo) -> str:
    """A reminder marked done, as `reminders` lists it."""
    return texts.DONE_LINE.format(text=item.text, when=format_when(item.due_at, tz))


def list_reply(
    upcoming: Sequence[Upcoming],
    missed: Sequence[Upcoming],
    tz: ZoneInfo,
    example: str,
    done: Sequence[Upcoming] = (),
) -> Reply:
    """`reminders`: what is coming, each with Edit, Cancel and Snooze; then what was missed,
    and what was marked done lately."""
    items = tuple(Item(upcoming_line(item, tz), item_buttons(item)) for item in upcoming)
    sections: tuple[Section, ...] = ()
    if missed:
        sections = (Section(texts.LIST_MISSED, tuple(upcoming_line(m, tz) for m in missed)),)
    if done:
        sections += (Section(texts.LIST_DONE, tuple(done_line(d, tz) for d in done)),)
    text = texts.LIST_TITLE if upcoming else texts.LIST_EMPTY.format(example=example)
    return Reply(kind=Kind.INFO, text=text, sections=sections, items=items)


def snooze_reply(item: Upcoming, tz: ZoneInfo) -> Reply:
    """The list's Snooze: the choices for that one reminder."""
    text = texts.SNOOZE_ASK.format(text=upcoming_line(item, tz))
    return Reply(kind=Kind.INFO, text=text, buttons=snooze_buttons(item.occurrence_id))


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


def weekly_offer() -> Reply:
    """Offered once, after the user's first outcome: the weekly look back, with its button
    (`tp:-:rec:weekly-on`, answered by the record's service)."""
    turn_on = Button(button_id(USER_SCOPE, RECORD_STEP, "weekly-on"), texts.WEEKLY_OFFER_BUTTON,
                     ButtonRole.ACTION)  # fmt: skip
    return Reply(kind=Kind.INFO, text=texts.WEEKLY_OFFER, buttons=(turn_on,))


def with_weekly_offer(reply: Reply) -> Reply:
    """An outcome's answer that also offers the weekly look back: its line and button."""
    offer = weekly_offer()
    sections = (*reply.sections, Section(texts.WEEKLY_OFFER_TITLE, (offer.text,)))
    return reply._replace(sections=sections, buttons=(*reply.buttons, *offer.buttons))


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
