"""What the core remembers per user, as frozen values, and how it is written to storage."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from bot.common.errors import ImpossibleState
from bot.questionnaire.rules import QUESTION_IDS, QUESTIONS

# How an interview went, as the follow-up's buttons offer it, in their order: kept on the
# questionnaire's history entry and shown with it.
OUTCOMES: Mapping[str, str] = {
    "offer": "Offer",
    "next": "Next round",
    "waiting": "Waiting to hear",
    "rejected": "Not this time",
    "skipped": "Didn't go",
}


class Stage(StrEnum):
    """Where a conversation is: the optional company step, or the seven questions."""

    COMPANY = "company"
    QUESTIONS = "questions"


class PendingKind(StrEnum):
    """A yes/no question the bot asked outside the questionnaire."""

    RESUME = "resume"
    FORGET = "forget"
    # "When is the interview?": the next typed text is its time (`ref`: the questionnaire).
    INTERVIEW = "interview"
    # "Cancel all your reminders?" (`reminders clear`): its Confirm press is only honoured
    # while this is open.
    CLEAR_REMINDERS = "clear_reminders"
    # A reminder read two ways: which one to set (`ref`: JSON of the two readings).
    REMIND = "remind"


@dataclass(frozen=True, slots=True)
class Conversation:
    """A questionnaire in progress."""

    id: str
    stage: Stage
    started_at: datetime
    touched_at: datetime
    answers: tuple[tuple[str, str], ...] = ()
    company: str | None = None
    role: str | None = None
    misses: int = 0
    # "Change an answer": the question asked again after a verdict, answered in place.
    editing: str | None = None
    # A near miss asked back ("Did you mean …?"): the choice value a typed yes gives.
    guess: str | None = None

    @property
    def index(self) -> int:
        """Index of the question being asked: the next unanswered one (answers come in
        question order), or the one being changed."""
        if self.editing is not None:
            return QUESTION_IDS.index(self.editing)
        return len(self.answers)

    @property
    def step_id(self) -> str:
        """The id that buttons for the current step carry."""
        return "company" if self.stage is Stage.COMPANY else QUESTION_IDS[self.index]


@dataclass(frozen=True)
class Pending:
    """The open question outside the questionnaire; for RESUME it remembers how the new start
    was asked for, for INTERVIEW which questionnaire the interview belongs to."""

    kind: PendingKind
    company: str | None = None
    ask_company: bool = True
    ref: str | None = None


class Shown(NamedTuple):
    """A button on the bot's last message to the user, as a typed word may press it: its
    label, the number of the list item it sits under (`reminders`), and the number the
    console shows beside it (None under list items, where a bare number is ambiguous)."""

    id: str
    label: str
    item: int | None = None
    number: int | None = None


@dataclass(frozen=True, slots=True)
class Session:
    """Everything the flow needs about one user key. `shown` is kept by the engine, not the
    flow: the buttons of the last message, which typed labels and numbers press."""

    conversation: Conversation | None = None
    pending: Pending | None = None
    shown: tuple[Shown, ...] = ()


@dataclass(frozen=True)
class HistoryEntry:
    """A finished questionnaire: kept until the user asks to be forgotten."""

    conversation_id: str
    answers: dict[str, str]
    verdict: str
    score: int
    finished_at: datetime
    company: str | None = None
    role: str | None = None
    # How it went, reported at the follow-up (OUTCOMES).
    outcome: str | None = None

    def as_conversation(self, now: datetime) -> Conversation:
        """The finished questionnaire as a conversation again, to change an answer of it."""
        answers = tuple((q, self.answers[q]) for q in QUESTION_IDS if q in self.answers)
        return Conversation(
            self.conversation_id,
            Stage.QUESTIONS,
            self.finished_at,
            now,
            answers,
            self.company,
            self.role,
        )


def _time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _number(value: Any) -> int | None:
    return None if value is None else int(value)


def session_to_json(session: Session) -> str:
    """Serialise a session for storage."""
    data: dict[str, Any] = {}
    conv = session.conversation
    if conv is not None:
        data["conversation"] = {
            "id": conv.id,
            "stage": conv.stage.value,
            "started_at": conv.started_at.isoformat(),
            "touched_at": conv.touched_at.isoformat(),
            "answers": [list(pair) for pair in conv.answers],
            "company": conv.company,
            "role": conv.role,
            "misses": conv.misses,
        }
        if conv.editing is not None:
            data["conversation"]["editing"] = conv.editing
        if conv.guess is not None:
            data["conversation"]["guess"] = conv.guess
    if session.pending is not None:
        data["pending"] = {
            "kind": session.pending.kind.value,
            "company": session.pending.company,
            "ask_company": session.pending.ask_company,
        }
        if session.pending.ref is not None:
            data["pending"]["ref"] = session.pending.ref
    if session.shown:
        data["shown"] = [list(button) for button in session.shown]
    return json.dumps(data, separators=(",", ":"))


def session_from_json(text: str) -> Session:
    """Read a stored session; a malformed one is a bug, reported as ImpossibleState."""
    try:
        data = json.loads(text)
        conv = None
        if (c := data.get("conversation")) is not None:
            answers = tuple((str(q), str(v)) for q, v in c["answers"])
            if tuple(q for q, _ in answers) != QUESTION_IDS[: len(answers)]:
                raise ImpossibleState("answers are out of question order")
            conv = Conversation(
                id=c["id"],
                stage=Stage(c["stage"]),
                started_at=_time(c["started_at"]),
                touched_at=_time(c["touched_at"]),
                answers=answers,
                company=c.get("company"),
                role=c.get("role"),
                misses=int(c.get("misses", 0)),
                editing=c.get("editing"),
                guess=c.get("guess"),
            )
            if conv.editing is not None and conv.editing not in dict(answers):
                raise ImpossibleState("the answer being changed was never given")
            if conv.stage is Stage.QUESTIONS and conv.index >= len(QUESTION_IDS):
                raise ImpossibleState("a finished conversation was stored as active")
            if conv.guess is not None and (
                conv.stage is Stage.COMPANY
                or conv.guess not in {c.value for c in QUESTIONS[conv.index].choices}
            ):
                raise ImpossibleState("a near miss was kept for another question")
        pending = None
        if (p := data.get("pending")) is not None:
            pending = Pending(
                PendingKind(p["kind"]), p.get("company"), bool(p["ask_company"]), p.get("ref")
            )
        shown = tuple(
            Shown(str(i), str(label), _number(item), _number(number))
            for i, label, item, number in data.get("shown", ())
        )
        return Session(conversation=conv, pending=pending, shown=shown)
    except (KeyError, TypeError, ValueError) as exc:
        raise ImpossibleState(f"unreadable stored session: {exc}") from exc
