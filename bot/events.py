"""What the flow takes in and gives out: events, the context of a step, the effects the engine
carries out, and the step's result. Plain frozen values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.replies import Reply
from bot.state import Conversation, HistoryEntry, Session

# --- events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Start:
    """Begin a questionnaire, optionally for "Company — Role"; ask for it if not given."""

    company_text: str | None = None
    ask_company: bool = True


@dataclass(frozen=True)
class Text:
    """Anything the user typed: an answer, a control word or a command. `channel` is where it
    was typed, when that was a channel (`channel` sets the job-hunt channel to it)."""

    text: str
    channel: str | None = None
    # The workspace or server it was typed in, when the user key does not say (Discord keys
    # are per user across servers): the job-hunt channel is per server.
    server: str | None = None
    # Whether the platform says this user may manage the channel it was typed in (Discord's
    # Manage Channels; any member of a Slack channel): setting the job-hunt channel needs it.
    manage: bool = False
    # Typed into the "When is the interview?" form of this questionnaire (a modal), rather
    # than in answer to the prompt: it is that interview's time whatever else is open.
    interview: str | None = None


@dataclass(frozen=True)
class Press:
    """A button press, by the button's id. `channel` is where the pressed message is, when
    that is a channel, and `manage` whether the presser may manage that channel's reminders
    (Discord: Manage Channels; Slack: any member of the channel)."""

    button_id: str
    channel: str | None = None
    manage: bool = False


Event = Start | Text | Press


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
    """The answer to "When is the interview?" for the questionnaire `conversation_id`."""

    conversation_id: str
    text: str


@dataclass(frozen=True)
class Delegate:
    """Hand the event to the reminder service (bot.reminders.service): it needs the database
    to answer. The session is unchanged unless the service says otherwise."""

    action: Text | Press | InterviewTime


@dataclass(frozen=True)
class Recall:
    """Load a finished questionnaire from history (None: the latest) and step the same event
    again with it as `Context.recalled`."""

    conversation_id: str | None


Effect = RecordVerdict | ShowHistory | ForgetUser | Delegate | Recall


@dataclass(frozen=True, slots=True)
class Step:
    """The result of one step: the new session, what to say, and what to do."""

    session: Session
    replies: tuple[Reply, ...] = ()
    effects: tuple[Effect, ...] = ()
