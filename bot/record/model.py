"""The user's record as plain values: what the export is built from (bot/record/export.py) and
what bot/record/reading.py reads from the database. Nothing here touches storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.common.users import UserKey
from bot.reminders.model import ReminderKind


@dataclass(frozen=True)
class Questionnaire:
    """One finished questionnaire, as the history table keeps it, with the time of its
    interview when the user set interview reminders for it."""

    conversation_id: str
    answers: dict[str, str]
    verdict: str
    score: int
    finished_at: datetime
    company: str | None = None
    role: str | None = None
    outcome: str | None = None
    outcome_at: datetime | None = None
    interview_at: datetime | None = None


@dataclass(frozen=True)
class Occurrence:
    """One post of a reminder: when it is (was) due and what became of it."""

    role: str
    due_at: datetime
    status: str
    done_at: datetime | None = None


@dataclass(frozen=True)
class SavedReminder:
    """A reminder as the user made it, with its posts."""

    id: str
    kind: str
    text: str
    timezone: str
    created_at: datetime
    channel: str | None = None
    notes: tuple[str, ...] = ()
    rule: str | None = None
    conversation_id: str | None = None
    event_at: datetime | None = None
    cancelled_at: datetime | None = None
    occurrences: tuple[Occurrence, ...] = ()


@dataclass(frozen=True)
class InProgress:
    """A questionnaire not finished yet."""

    started_at: datetime
    answers: tuple[tuple[str, str], ...] = ()
    company: str | None = None
    role: str | None = None

    @property
    def typed(self) -> bool:
        """Whether anything was given yet: an answer, a company or a role."""
        return bool(self.answers or self.company or self.role)


@dataclass(frozen=True)
class UserRecord:
    """Everything stored about one user, oldest questionnaire first. `timezone` is the zone
    the user chose (None: never chose one); `shown_in` the zone the export's local times are
    written in (the chosen one, else the platform's or the default)."""

    key: UserKey
    shown_in: str
    timezone: str | None = None
    created_at: datetime | None = None
    weekly_offered_at: datetime | None = None
    history: tuple[Questionnaire, ...] = ()
    reminders: tuple[SavedReminder, ...] = ()
    in_progress: InProgress | None = None

    @property
    def empty(self) -> bool:
        """Nothing worth a file: no finished questionnaire, no reminder, no zone, and no
        questionnaire in progress with anything typed into it yet (the console opens one at
        its start)."""
        begun = self.in_progress is not None and self.in_progress.typed
        return not (self.history or self.reminders or begun or self.timezone)

    @property
    def weekly(self) -> bool:
        """Whether the weekly look back is on: a weekly reminder not stopped."""
        return any(r.kind == ReminderKind.WEEKLY and r.cancelled_at is None for r in self.reminders)
