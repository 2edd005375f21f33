"""How the questionnaire looks, as plain replies: questions, the verdict, history and help, and
the button ids every press carries. Pure; adapters render the replies their own way."""

from __future__ import annotations

from datetime import UTC, tzinfo
from typing import Final

from bot import texts
from bot.questionnaire import QUESTIONS, REASON_NAMES, VERDICT_SUMMARY, Verdict
from bot.reminders.model import OUTCOMES
from bot.replies import Button, ButtonRole, Kind, Reply, Section
from bot.state import Conversation, HistoryEntry, Stage
from bot.verdict import Outcome

PREFIX: Final = "tp"
USER_SCOPE: Final = "-"
TOTAL: Final = len(QUESTIONS)


def describe_company(company: str | None, role: str | None) -> str | None:
    """ "Acme — Data Analyst", "Acme", or None."""
    if company and role:
        return f"{company} — {role}"
    return company or role


# --- button ids ------------------------------------------------------------------------------


def button_id(scope: str, step_id: str, value: str) -> str:
    """`tp:<conversation id or ->:<question id or step>:<value>`."""
    return f"{PREFIX}:{scope}:{step_id}:{value}"


def parse_button(raw: str) -> tuple[str, str, str] | None:
    """Split a button id into (scope, step, value); None if it isn't one of ours."""
    parts = raw.split(":")
    if len(parts) != 4 or parts[0] != PREFIX or not all(parts[1:]):
        return None
    return parts[1], parts[2], parts[3]


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


def start_button() -> Button:
    return Button(button_id(USER_SCOPE, "start", "new"), texts.START_ANOTHER, ButtonRole.ACTION)


def verdict_reply(conv: Conversation, outcome: Outcome, *, reminders: bool = False) -> Reply:
    """The verdict message: it begins with the verdict in capitals. With `reminders`, going
    verdicts offer to set interview reminders."""
    about = describe_company(conv.company, conv.role)
    heading = outcome.verdict.value + (f" — {about}" if about else "")
    pro = tuple(f"{REASON_NAMES[f.reason]}: {f.line}" for f in outcome.findings if f.points > 0)
    con = tuple(f"{REASON_NAMES[f.reason]}: {f.line}" for f in outcome.findings if f.points <= 0)
    sections = [
        Section(title, lines)
        for title, lines in (
            (texts.VERDICT_REASONS_FOR, pro),
            (texts.VERDICT_REASONS_AGAINST, con),
            (texts.VERDICT_TIPS, outcome.tips),
        )
        if lines
    ]
    return Reply(
        kind=Kind.VERDICT,
        text=join(heading, VERDICT_SUMMARY[outcome.verdict]),
        sections=tuple(sections),
        note=Section(texts.VERDICT_NOTE, (outcome.decline_note,)) if outcome.decline_note else None,
        buttons=(*_reminder_button(conv, outcome, reminders), start_button()),
        conversation_id=conv.id,
    )


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
    """The user's past verdicts, newest first; verdict words not in capitals (they're history)."""
    if not entries:
        return info(texts.HISTORY_EMPTY, start_button())
    lines = tuple(
        texts.HISTORY_LINE.format(
            date=f"{e.finished_at.astimezone(tz):%d %b %Y}".lstrip("0"),
            verdict=_HISTORY_WORDS.get(e.verdict, e.verdict.capitalize()),
            about=describe_company(e.company, e.role) or texts.HISTORY_NO_COMPANY,
        )
        + (texts.HISTORY_OUTCOME.format(outcome=OUTCOMES[e.outcome]) if e.outcome else "")
        for e in entries
    )
    return Reply(
        kind=Kind.INFO,
        text=texts.HISTORY_TITLE,
        sections=(Section(texts.HISTORY_TITLE, lines),),
        buttons=(start_button(),),
    )


def help_reply(conv: Conversation | None) -> Reply:
    """What the bot does and how to drive it; mid-questionnaire it re-asks the question."""
    if conv is not None:
        return question_reply(conv, join(texts.HELP_QUESTIONS, texts.HELP_COMMANDS))
    return info(join(texts.HELP, texts.HELP_COMMANDS), start_button())
