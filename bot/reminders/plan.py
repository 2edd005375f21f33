"""Pure decisions about reminders: which times to create, what to do with a claimed occurrence,
when to retry. No I/O: the scheduler and the service carry these out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from bot.reminders.model import (
    Deferred,
    Delivered,
    DeliveryResult,
    Due,
    RetryLater,
    Role,
    Status,
    Undeliverable,
)
from bot.reminders.recurrence import next_occurrence, previous_occurrence

# A post this much after its time is marked late: a running scheduler is never over ~2 s late,
# so only downtime (or a long rate limit) gets here.
LATE_AFTER = timedelta(seconds=10)
# Failures other than rate limits are retried this many times in all before giving up.
MAX_ATTEMPTS = 6
BACKOFF_FIRST = timedelta(seconds=5)
BACKOFF_MAX = timedelta(minutes=10)

# The note kept on an occurrence put back by the platform's pace (Deferred).
PACED = "paced"

MAX_TEXT = 500
MAX_PENDING_PER_USER = 25
MAX_RECURRING_PER_CHANNEL = 25


class Triage(Enum):
    """What to do with an occurrence that was just claimed."""

    ON_TIME = "on_time"
    LATE = "late"
    MISSED = "missed"
    # An interview's "before" reminder once the interview has started: pointless now.
    DROP = "drop"


def delivery_key(reminder_id: str, at: datetime) -> str:
    """Series id + occurrence time: at most 25 characters, Discord's limit for a nonce."""
    return f"{reminder_id}.{int(at.timestamp()):x}"


def interview_times(
    event_at: datetime,
    *,
    offsets: Sequence[timedelta],
    followup: timedelta,
    now: datetime,
) -> tuple[tuple[Role, datetime], ...]:
    """The reminders for an interview at `event_at`: one per offset still ahead, earliest
    first, and the follow-up after it."""
    before = sorted({event_at - offset for offset in offsets if event_at - offset > now})
    return (*((Role.BEFORE, at) for at in before), (Role.FOLLOWUP, event_at + followup))


def triage(due: Due, *, now: datetime, grace: timedelta) -> Triage:
    """Deliver on time, deliver marked late, give up as missed, or drop."""
    if due.role is Role.BEFORE and due.event_at is not None and due.event_at <= now:
        return Triage.DROP
    lateness = now - due.due_at
    if due.paced and lateness <= grace:
        # Waiting for its turn in a busy channel is not being late for the reader.
        return Triage.ON_TIME
    # Only the first try is judged against the grace period: a retry is late because the
    # platform refused, and giving up on it is the retry limit's job.
    if due.attempts <= 1 and lateness > grace:
        return Triage.MISSED
    return Triage.LATE if lateness > LATE_AFTER else Triage.ON_TIME


def catch_up(
    rule: str, tz: ZoneInfo, due_at: datetime, now: datetime
) -> tuple[datetime, datetime | None]:
    """For a recurring occurrence due at `due_at`: the latest run at or before `now` (the one to
    post: several missed runs post once) and the run after it, the next occurrence; None when
    the series has ended (UNTIL or COUNT reached), so nothing more is scheduled."""
    following = next_occurrence(rule, tz, due_at)
    if following is None or following > now:
        return due_at, following
    # Missed several runs: jump to the newest at or before now, however many there were.
    latest = previous_occurrence(rule, tz, now)
    if latest is None or latest < following:
        latest = following
    return latest, next_occurrence(rule, tz, latest)


def after_delivery(
    result: DeliveryResult, *, attempts: int, late: bool, now: datetime
) -> tuple[Status, datetime | None, str | None]:
    """The status to record for a delivery's result, when to try again (for a retry), and the
    error to keep."""
    if isinstance(result, Delivered):
        return (Status.LATE if late else Status.SENT), None, None
    if isinstance(result, Undeliverable):
        return Status.FAILED, None, result.reason
    if isinstance(result, Deferred):
        return Status.PENDING, now + result.after, PACED
    assert isinstance(result, RetryLater)
    if result.after is not None:
        # A rate limit says exactly how long to wait; it is never a reason to give up.
        return Status.PENDING, now + result.after, result.reason
    if attempts >= MAX_ATTEMPTS:
        return Status.FAILED, None, result.reason
    delay = min(BACKOFF_FIRST * 2 ** (attempts - 1), BACKOFF_MAX)
    return Status.PENDING, now + delay, result.reason
