"""What the flow works with besides the events: the context of a step, the effects the engine
carries out, and the step's result. Plain frozen values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.common.replies import Reply
from bot.questionnaire.state import Conversation, HistoryEntry, Session


@dataclass(frozen=True)
class Context:
    """What the pure step needs from the world: the time, the expiry and a fresh id."""

    now: datetime
    ttl: timedelta
    new_id: str
    # Whether reminders can be delivered to this user (the verdict offers them then).
    reminders: bool = False
    # A finished questionnaire the engine loaded from history because the step asked for it
    # (Recall): to change an answer of it, or show its verdict again.
    recalled: Conversation | None = None


# --- effects the engine carries out ---------------------------------------------------------


@dataclass(frozen=True)
class RecordVerdict:
    """Keep a finished questionnaire in the user's history, replacing the verdict it had if it
    was finished before (an answer was changed)."""

    entry: HistoryEntry


@dataclass(frozen=True)
class ShowHistory:
    """Load the user's history and show it."""


@dataclass(frozen=True)
class ForgetUser:
    """Delete everything stored about the user."""


@dataclass(frozen=True)
class InterviewTime:
    """The answer to "When is the interview?" for the questionnaire `conversation_id`: the
    engine hands it to the reminders wing, which sets the interview's reminders."""

    conversation_id: str
    text: str


@dataclass(frozen=True)
class Recall:
    """Load a finished questionnaire from history (None: the latest) and step the same event
    again with it as `Context.recalled`."""

    conversation_id: str | None


Effect = RecordVerdict | ShowHistory | ForgetUser | InterviewTime | Recall


@dataclass(frozen=True, slots=True)
class Step:
    """The result of one step: the new session, what to say, and what to do."""

    session: Session
    replies: tuple[Reply, ...] = ()
    effects: tuple[Effect, ...] = ()
