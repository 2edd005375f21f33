"""A user's zone change, inside the store's transaction: recurring reminders and interviews
keep their clock time in the new zone, one-off reminders keep their moment. The SQL side of
ReminderStore.change_zone; the times come from the pure `zones.keep_wall_clock`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, select, update

from bot.common.users import UserKey
from bot.reminders.model import ReminderKind, Role, Status
from bot.reminders.plan import delivery_key
from bot.reminders.recurrence import next_occurrence
from bot.reminders.zones import keep_wall_clock
from bot.storage.schema import occurrences, reminders

o, r = occurrences.c, reminders.c
# The series whose runs keep their clock time: recurring reminders and the weekly look back.
_KEEP_CLOCK = frozenset({ReminderKind.RECURRING.value, ReminderKind.WEEKLY.value})


def _owner(owner: UserKey) -> Any:
    return and_(
        r.platform == owner.platform, r.workspace == owner.workspace, r.user_id == owner.user
    )


class Moved(NamedTuple):
    """What a zone change did to the owner's reminders."""

    recurring: int  # recurring reminders whose next run moved to the same clock time
    interview: int  # interview reminders not yet sent, moved with their interview
    dropped: int  # interview reminders whose new time had already passed: cancelled
    kept: int  # one-off reminders still to come, kept at their moment


def move_to_zone(conn: Connection, owner: UserKey, zone: str, now: datetime) -> Moved:
    """Move the owner's reminders to `zone` (see ReminderStore.change_zone)."""
    new = ZoneInfo(zone)
    series = conn.execute(
        select(r.id, r.kind, r.rule, r.timezone, r.event_at).where(
            _owner(owner), r.cancelled_at.is_(None)
        )
    ).all()
    pending = conn.execute(
        select(o.id, o.reminder_id, o.role, o.due_at, o.ready_at)
        .select_from(occurrences.join(reminders, o.reminder_id == r.id))
        .where(_owner(owner), r.cancelled_at.is_(None), o.status == Status.PENDING.value)
        .order_by(o.due_at)
    ).all()
    waiting: dict[str, list[Any]] = {}
    for row in pending:
        waiting.setdefault(row.reminder_id, []).append(row)
    moves: list[tuple[Any, str, datetime]] = []  # (occurrence, reminder id, new time)
    drops: list[Any] = []
    recurring = interview = kept = 0
    for parent in series:
        # What is already due is being posted: it stays as it is.
        rows = [row for row in waiting.get(parent.id, []) if row.due_at > now]
        old = ZoneInfo(parent.timezone)
        if parent.kind in _KEEP_CLOCK and parent.rule:
            repeats = [row for row in rows if row.role == Role.REPEAT.value]
            kept += len(rows) - len(repeats)  # a run snoozed after it was posted: a one-off
            if parent.timezone == zone or not repeats:
                continue
            for row in repeats:
                at = keep_wall_clock(row.due_at, old, new)
                if at <= now:  # that clock time has passed in the new zone: the next run
                    at = next_occurrence(parent.rule, new, now) or at
                moves.append((row, parent.id, at))
            recurring += 1
        elif parent.kind == ReminderKind.INTERVIEW.value:
            if parent.timezone == zone or parent.event_at is None or not rows:
                continue
            event_at = keep_wall_clock(parent.event_at, old, new)
            # Its reminders keep their distance from the interview (24 h before stays 24 h).
            shift = event_at - parent.event_at
            for row in rows:
                if row.due_at + shift <= now:
                    drops.append(row)
                else:
                    moves.append((row, parent.id, row.due_at + shift))
            interview += len(rows)
            conn.execute(update(reminders).where(r.id == parent.id).values(event_at=event_at))
        else:
            kept += len(rows)
    moves = [(row, parent_id, at) for row, parent_id, at in moves if at != row.due_at]
    if drops:
        conn.execute(
            update(occurrences)
            .where(o.id.in_([row.id for row in drops]))
            .values(status=Status.CANCELLED.value, done_at=now)
        )
    # Delivery keys are unique and name the time: set them aside first, so that two
    # occurrences trading times (or one landing on a dropped one's time) never collide.
    for row in [*drops, *(move[0] for move in moves)]:
        conn.execute(
            update(occurrences)
            .where(o.id == row.id)
            .values(delivery_key=f"{row.reminder_id}~{row.id:x}")
        )
    for row, parent_id, at in moves:
        conn.execute(
            update(occurrences)
            .where(o.id == row.id)
            .values(
                due_at=at,
                ready_at=at + max(row.ready_at - row.due_at, timedelta(0)),
                delivery_key=delivery_key(parent_id, at),
            )
        )
    # Every post and listing then shows the owner's new zone, one-offs' included.
    conn.execute(
        update(reminders).where(_owner(owner), r.cancelled_at.is_(None)).values(timezone=zone)
    )
    return Moved(recurring, interview - len(drops), len(drops), kept)
