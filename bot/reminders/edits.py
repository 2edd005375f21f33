"""The managing writes on stored reminders: put an occurrence off (by a span, or to a chosen
time), mark it done and list what was done lately, change a reminder's text or time, and clear
all of an owner's. Each method is one transaction on the shared SqlStore's engine; the service
reaches them as `ReminderStore.edits`, and managing.py carries out the commands with them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, insert, select, update

from bot.common.users import UserKey
from bot.reminders.model import ReminderKind, Role, Status, Upcoming
from bot.reminders.plan import delivery_key
from bot.reminders.tables import (
    UPCOMING_COLUMNS,
    o,
    occurrence_row,
    owned_by,
    r,
    upcoming_item,
)
from bot.storage.schema import occurrences, reminders
from bot.storage.sql import SqlStore


class ReminderEdits:
    """Changes to reminders already stored, on the same database as the ReminderStore."""

    def __init__(self, sql: SqlStore) -> None:
        self._sql = sql

    async def snooze_to(
        self, occurrence_id: int, *, pending_at: datetime, posted_at: datetime
    ) -> datetime | None:
        """Put an occurrence off to a chosen time: a pending one moves to `pending_at`; one
        already posted (or done) comes back once at `posted_at`. Returns the new time, or None
        if there was nothing to do (cancelled, or being posted right now)."""

        def run(conn: Connection) -> datetime | None:
            row = conn.execute(
                select(o.reminder_id, o.platform, o.role, o.status).where(o.id == occurrence_id)
            ).first()
            if row is None or row.status in (Status.CANCELLED.value, Status.CLAIMED.value):
                return None
            if row.status == Status.PENDING.value:
                at = _free_time(conn, row.reminder_id, pending_at)
                conn.execute(
                    update(occurrences)
                    .where(o.id == occurrence_id, o.status == Status.PENDING.value)
                    .values(due_at=at, ready_at=at, delivery_key=delivery_key(row.reminder_id, at))
                )
                return at
            at = _free_time(conn, row.reminder_id, posted_at)
            role = Role.ONCE if row.role == Role.REPEAT.value else Role(row.role)
            conn.execute(
                insert(occurrences), occurrence_row(row.reminder_id, row.platform, role, at)
            )
            return at

        return await self._sql.write(run)

    async def mark_done(self, occurrence_id: int, *, now: datetime) -> bool | None:
        """Done with a delivered reminder: the occurrence is marked done and nothing more comes
        about it (a snoozed copy still to come is cancelled; a series' next runs stay).
        True when marked, False if it was already, None if it is gone or cancelled."""

        def run(conn: Connection) -> bool | None:
            row = conn.execute(
                select(o.reminder_id, o.status, r.rule)
                .select_from(occurrences.join(reminders, o.reminder_id == r.id))
                .where(o.id == occurrence_id)
            ).first()
            if row is None or row.status == Status.CANCELLED.value:
                return None
            if row.status == Status.DONE.value:
                return False
            conn.execute(
                update(occurrences)
                .where(o.id == occurrence_id)
                .values(status=Status.DONE.value, done_at=now)
            )
            copies = and_(
                o.reminder_id == row.reminder_id,
                o.id != occurrence_id,
                o.status == Status.PENDING.value,
            )
            if row.rule:  # the series goes on: only snoozed copies of a run stop
                copies = and_(copies, o.role == Role.ONCE.value)
            conn.execute(
                update(occurrences).where(copies).values(status=Status.CANCELLED.value, done_at=now)
            )
            return True

        return await self._sql.write(run)

    async def recently_done(
        self, owner: UserKey, *, since: datetime, limit: int = 5
    ) -> list[Upcoming]:
        """The owner's occurrences marked done since `since`, latest first."""
        query = (
            select(*UPCOMING_COLUMNS)
            .select_from(occurrences.join(reminders, o.reminder_id == r.id))
            .where(owned_by(reminders, owner), o.status == Status.DONE.value, o.done_at >= since)
            .order_by(o.done_at.desc(), o.id.desc())
            .limit(limit)
        )
        return await self._sql.read(
            lambda conn: [upcoming_item(row) for row in conn.execute(query).all()]
        )

    async def edit_text(self, reminder_id: str, new_text: str) -> bool:
        """Change what a reminder says (every occurrence still to come says it)."""
        statement = (
            update(reminders)
            .where(r.id == reminder_id, r.cancelled_at.is_(None))
            .values(text=new_text)
        )
        return await self._sql.write(lambda conn: conn.execute(statement).rowcount == 1)

    async def reschedule(
        self, occurrence_id: int, *, at: datetime, rule: str | None
    ) -> datetime | None:
        """Give a pending occurrence a new time. With `rule` its reminder repeats by that rule
        from `at` on; without, a run of a series becomes a one-off at `at` (a snoozed copy just
        moves). Returns the time set, or None if the occurrence is no longer pending."""

        def run(conn: Connection) -> datetime | None:
            row = conn.execute(
                select(o.reminder_id, o.role, o.status).where(o.id == occurrence_id)
            ).first()
            if row is None or row.status != Status.PENDING.value:
                return None
            role = Role(row.role)
            if rule is not None:
                role = Role.REPEAT
                kind = ReminderKind.RECURRING
            elif role is Role.REPEAT:
                role, kind = Role.ONCE, ReminderKind.ONCE
            else:
                kind = None
            if kind is not None:
                conn.execute(
                    update(reminders).where(r.id == row.reminder_id).values(rule=rule, kind=kind)
                )
            moved = _free_time(conn, row.reminder_id, at)
            conn.execute(
                update(occurrences)
                .where(o.id == occurrence_id)
                .values(
                    role=role.value,
                    due_at=moved,
                    ready_at=moved,
                    delivery_key=delivery_key(row.reminder_id, moved),
                )
            )
            return moved

        return await self._sql.write(run)

    async def cancel_all(self, owner: UserKey, *, now: datetime) -> int:
        """Cancel every reminder of the owner's with something still to post. Returns how many
        reminders that was."""
        pending = (
            select(o.reminder_id)
            .select_from(occurrences.join(reminders, o.reminder_id == r.id))
            .where(owned_by(reminders, owner), o.status == Status.PENDING.value)
        )

        def run(conn: Connection) -> int:
            ids = sorted({row.reminder_id for row in conn.execute(pending).all()})
            if not ids:
                return 0
            conn.execute(
                update(reminders)
                .where(r.id.in_(ids), r.cancelled_at.is_(None))
                .values(cancelled_at=now)
            )
            conn.execute(
                update(occurrences)
                .where(o.reminder_id.in_(ids), o.status == Status.PENDING.value)
                .values(status=Status.CANCELLED.value, done_at=now)
            )
            return len(ids)

        return await self._sql.write(run)


def _free_time(conn: Connection, reminder_id: str, at: datetime) -> datetime:
    """`at`, or the first second after it whose delivery key the reminder hasn't used (keys are
    unique, and a cancelled or posted occurrence keeps its own)."""
    for _ in range(60):
        key = delivery_key(reminder_id, at)
        if conn.execute(select(o.id).where(o.delivery_key == key)).first() is None:
            return at
        at += timedelta(seconds=1)
    return at
