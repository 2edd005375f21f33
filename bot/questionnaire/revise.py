"""Answering, reaching a verdict, and a second look at it: "I'm not totally certain", "Change an
answer" and opening a past verdict. Pure, like the rest of the flow."""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from bot.common.replies import Kind
from bot.questionnaire import texts
from bot.questionnaire.effects import Context, Recall, RecordVerdict, Step
from bot.questionnaire.rules import PASS_OVERRIDE, QUESTION_BY_ID
from bot.questionnaire.state import Conversation, HistoryEntry, Session
from bot.questionnaire.verdict import decide, is_certain_pass
from bot.questionnaire.views import (
    TOTAL,
    change_reply,
    info,
    question_reply,
    refused,
    verdict_reply,
)

# Button steps of the second look: `tp:<conversation id>:<step>:<value>`.
STEPS: Final = frozenset({"uncertain", "change", "verdict"})
# Typed forms, read only when no questionnaire is active ("not certain" could be an answer).
TYPED: Final = {
    "not certain": ("uncertain", "yes"),
    "i'm not totally certain": ("uncertain", "yes"),
    "im not totally certain": ("uncertain", "yes"),
    "not totally certain": ("uncertain", "yes"),
    "change": ("change", "pick"),
    "change an answer": ("change", "pick"),
}


def answer(conv: Conversation, value: str, ctx: Context) -> Step:
    """Record an answer to the question being asked, then ask the next one or give the verdict.
    "No way" ends the questionnaire at once; a changed answer goes back to the verdict."""
    question = conv.step_id
    if conv.editing is not None:
        answers = tuple((q, value if q == question else v) for q, v in conv.answers)
    else:
        answers = (*conv.answers, (question, value))
    certain = answers[0] == PASS_OVERRIDE  # the first question's "no way" ends it
    if certain:
        answers = answers[:1]
    # Built directly rather than with dataclasses.replace: this runs on every answer.
    conv = Conversation(
        conv.id, conv.stage, conv.started_at, ctx.now, answers, conv.company, conv.role
    )
    if len(answers) < TOTAL and not certain:
        return Step(Session(conv), (question_reply(conv),))
    return finish(conv, ctx)


def finish(conv: Conversation, ctx: Context) -> Step:
    """The verdict, and the questionnaire kept in history (replacing an earlier verdict)."""
    answers = dict(conv.answers)
    outcome = decide(answers, company=conv.company, role=conv.role)
    entry = HistoryEntry(
        conversation_id=conv.id,
        answers=answers,
        verdict=outcome.verdict.value,
        score=outcome.score,
        finished_at=ctx.now,
        company=conv.company,
        role=conv.role,
    )
    verdict = verdict_reply(conv, outcome, reminders=ctx.reminders)
    return Step(Session(), (verdict,), (RecordVerdict(entry),))


def typed(session: Session, word: str, ctx: Context) -> Step | None:
    """`not certain` or `change`, about the latest verdict, when no questionnaire is active."""
    if session.conversation is not None or word not in TYPED:
        return None
    step_id, value = TYPED[word]
    return second_look(session, None, step_id, value, ctx)


def second_look(
    session: Session, scope: str | None, step_id: str, value: str, ctx: Context
) -> Step:
    """A press on a verdict's second-look buttons (or its typed form, `scope` None: the latest
    verdict). The finished questionnaire comes from history: ask the engine for it first."""
    recalled = ctx.recalled
    if recalled is None or (scope is not None and recalled.id != scope):
        return Step(session, (), (Recall(scope),))
    if step_id == "verdict":
        outcome = decide(dict(recalled.answers), company=recalled.company, role=recalled.role)
        return Step(session, (verdict_reply(recalled, outcome, reminders=ctx.reminders),))
    active = session.conversation
    if active is not None:
        if active.id != recalled.id:
            return Step(session, (info(texts.CHANGE_BUSY),))
        return Step(session, (question_reply(active),))  # already under way: carry on
    if step_id == "uncertain":
        if not is_certain_pass(dict(recalled.answers)):
            return _edit(recalled, "certainty", ctx)
        # Ask about the chance again, then every question "no way" skipped.
        conv = replace(recalled, answers=(), editing=None, misses=0, touched_at=ctx.now)
        return Step(Session(conv), (question_reply(conv, texts.NOT_CERTAIN_AGAIN),))
    if step_id == "change":
        if value == "pick":
            return Step(session, (change_reply(recalled),))
        if value in dict(recalled.answers):
            return _edit(recalled, value, ctx)
    return Step(session, (refused(texts.UNKNOWN_BUTTON, Kind.ERROR),))


def _edit(recalled: Conversation, question: str, ctx: Context) -> Step:
    conv = replace(recalled, editing=question, misses=0, touched_at=ctx.now)
    notice = texts.CHANGING.format(question=QUESTION_BY_ID[question].short)
    return Step(Session(conv), (question_reply(conv, notice),))
