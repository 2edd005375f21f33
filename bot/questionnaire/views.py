"""How the questionnaire looks, as plain replies: questions, the verdict, history and help, and
the buttons each carries. Pure; adapters render the replies their own way."""

from __future__ import annotations

from datetime import UTC, tzinfo
from typing import Final

from bot.common.buttons import PREFIX, USER_SCOPE, button_id
from bot.common.replies import Button, ButtonRole, Kind, Reply, Section
from bot.questionnaire import texts
from bot.questionnaire.rules import QUESTION_BY_ID, QUESTIONS, REASON_NAMES, Reason, Verdict
from bot.questionnaire.state import OUTCOMES, Conversation, HistoryEntry, Stage
from bot.questionnaire.verdict import Outcome

TOTAL: Final = len(QUESTIONS)
GOING_REASONS: Final = (Reason.WANT, Reason.PRACTICE, Reason.PEOPLE, Reason.LEVERAGE)


def describe_company(company: str | None, role: str | None) -> str | None:
    """ "Acme — Data Analyst", "Acme", or None."""
    if company and role:
        return f"{company} — {role}"
    return company or role


# --- rendering -------------------------------------------------------------------------------


def controls(conv: Conversation, words: tuple[str, ...]) -> tuple[Button, ...]:
    return tuple(
        Button(button_id(conv.id, conv.step_id, w), texts.CONTROL_LABELS[w], ButtonRole.CONTROL)
        for w in words
    )


def question_reply(conv: Conversation, notice: str | None = None) -> Reply:
    """The current step of a conversation, with its buttons."""
    if conv.stage is Stage.COMPANY:
        skip = Button(button_id(conv.id, "company", "skip"), texts.SKIP, ButtonRole.ACTION)
        return Reply(
            kind=Kind.QUESTION,
            text=texts.COMPANY_PROMPT,
            notice=notice,
            buttons=(skip, *controls(conv, ("why", "cancel"))),
            conversation_id=conv.id,
            step_id="company",
        )
    question = QUESTIONS[conv.index]
    scope = f"{PREFIX}:{conv.id}:"
    return Reply(
        kind=Kind.QUESTION,
        text=question.prompt,
        notice=notice,
        buttons=tuple(
            [Button(scope + tail, label, role) for tail, label, role in _BUTTON_TAILS[conv.index]]
        ),
        progress=(conv.index + 1, TOTAL),
        conversation_id=conv.id,
        step_id=question.id,
    )


def _button_tails(index: int) -> tuple[tuple[str, str, ButtonRole], ...]:
    # Everything of a question's buttons but the conversation id, worked out once per question.
    question = QUESTIONS[index]
    words = ("back", "restart", "cancel", "why") if index else ("restart", "cancel", "why")
    return (
        *((f"{question.id}:{c.value}", c.label, ButtonRole.CHOICE) for c in question.choices),
        *((f"{question.id}:{w}", texts.CONTROL_LABELS[w], ButtonRole.CONTROL) for w in words),
    )


_BUTTON_TAILS: Final = tuple(_button_tails(i) for i in range(TOTAL))


def join(*parts: str | None) -> str:
    return "\n".join(p for p in parts if p)


def info(text: str, *buttons: Button) -> Reply:
    return Reply(kind=Kind.INFO, text=text, buttons=buttons)


def refused(text: str, kind: Kind = Kind.INFO) -> Reply:
    return Reply(kind=kind, text=text, refused=True)


def start_button(label: str = texts.START_ANOTHER) -> Button:
    """Begin a new questionnaire."""
    return Button(button_id(USER_SCOPE, "start", "new"), label, ButtonRole.ACTION)


def balance_line(pro: int, con: int) -> str:
    """For and against in points, drawn to read at a glance: `for ■■■■■ 5 · against ■■■ 3`."""
    return f"for {'■' * pro} {pro} · against {'■' * con} {con}".replace("  ", " ")


_LABELS: Final = {(q.id, c.value): c.label for q in QUESTIONS for c in q.choices}


def recap(answers: tuple[tuple[str, str], ...]) -> str:
    """The answers given, compactly: `Chance you want it: Maybe · Know the place: …`."""
    return " · ".join(f"{QUESTION_BY_ID[q].short}: {_LABELS[q, v]}" for q, v in answers)


def verdict_reply(conv: Conversation, outcome: Outcome, *, reminders: bool = False) -> Reply:
    """The verdict message: it begins with the verdict in capitals, then its summary, the
    balance, the reasons, a recap of the answers, and what to do next. With `reminders`, going
    verdicts offer to set interview reminders."""
    about = describe_company(conv.company, conv.role)
    heading = outcome.verdict.value + (f" — {about}" if about else "")
    balance = balance_line(*outcome.balance) if outcome.balance is not None else None

    def lines(*reasons: Reason) -> tuple[str, ...]:
        return tuple(
            f"{REASON_NAMES[f.reason]}: {f.line}" for f in outcome.findings if f.reason in reasons
        )

    sections = [
        Section(title, found)
        for title, found in (
            (texts.VERDICT_WHY, lines(Reason.CERTAIN)),
            (texts.VERDICT_REASONS_FOR, lines(*GOING_REASONS)),
            (texts.VERDICT_REASONS_AGAINST, lines(Reason.TIME)),
            (texts.VERDICT_TIPS, outcome.tips),
            (texts.VERDICT_ANSWERS, (recap(conv.answers),)),
        )
        if found
    ]
    uncertain: tuple[Button, ...] = ()
    if outcome.balance is None:
        uncertain = (
            Button(button_id(conv.id, "uncertain", "yes"), texts.NOT_CERTAIN, ButtonRole.ACTION),
        )
    return Reply(
        kind=Kind.VERDICT,
        text=join(heading, outcome.summary, balance),
        sections=tuple(sections),
        note=Section(texts.VERDICT_NOTE, (outcome.decline_note,)) if outcome.decline_note else None,
        buttons=(
            *_reminder_button(conv, outcome, reminders),
            *uncertain,
            Button(button_id(conv.id, "change", "pick"), texts.CHANGE_ANSWER, ButtonRole.ACTION),
            start_button(),
        ),
        conversation_id=conv.id,
    )


def change_reply(conv: Conversation) -> Reply:
    """ "Which answer would you like to change?", one button per answer given."""
    buttons = tuple(
        Button(
            button_id(conv.id, "change", q),
            f"{QUESTION_BY_ID[q].short}: {_LABELS[q, v]}",
            ButtonRole.ACTION,
        )
        for q, v in conv.answers
    )
    return Reply(kind=Kind.INFO, text=texts.CHANGE_WHICH, buttons=buttons)


def _reminder_button(conv: Conversation, outcome: Outcome, reminders: bool) -> tuple[Button, ...]:
    if not reminders or outcome.verdict is Verdict.PASS:
        return ()
    label = texts.SET_REMINDERS
    return (Button(button_id(conv.id, "interview", "set"), label, ButtonRole.ACTION),)


_HISTORY_WORDS: Final = {
    Verdict.TAKE_IT.value: "Take it",
    Verdict.LEAN_TAKE.value: "Lean take",
    Verdict.PASS.value: "Pass",
}


def history_reply(entries: list[HistoryEntry], *, tz: tzinfo = UTC) -> Reply:
    """The user's past verdicts, newest first, each with a button that opens it again; verdict
    words not in capitals (they're history)."""
    if not entries:
        return info(texts.HISTORY_EMPTY, start_button(texts.START_ONE))
    lines = tuple(
        texts.HISTORY_LINE.format(
            number=number,
            date=f"{e.finished_at.astimezone(tz):%d %b %Y}".lstrip("0"),
            verdict=_HISTORY_WORDS.get(e.verdict, e.verdict.capitalize()),
            about=describe_company(e.company, e.role) or texts.HISTORY_NO_COMPANY,
        )
        + (texts.HISTORY_OUTCOME.format(outcome=OUTCOMES[e.outcome]) if e.outcome else "")
        for number, e in enumerate(entries, start=1)
    )
    opens = tuple(
        Button(
            button_id(e.conversation_id, "verdict", "show"),
            texts.HISTORY_OPEN.format(number=number),
            ButtonRole.ACTION,
        )
        for number, e in enumerate(entries, start=1)
    )
    return Reply(
        kind=Kind.INFO,
        text=texts.HISTORY_INTRO.format(count=len(entries), s="" if len(entries) == 1 else "s"),
        sections=(Section(texts.HISTORY_TITLE, lines),),
        buttons=(*opens, start_button()),
    )


def help_reply(conv: Conversation | None) -> Reply:
    """What the bot does and how to drive it; mid-questionnaire it re-asks the question."""
    if conv is not None:
        return question_reply(conv, join(texts.HELP_QUESTIONS, texts.HELP_COMMANDS))
    return info(join(texts.HELP, texts.HELP_COMMANDS), start_button(texts.START_ONE))
