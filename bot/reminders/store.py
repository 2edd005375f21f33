"""Reminders in SQL as the service uses them: create, count, list, cancel, snooze, outcomes and
job-hunt channels. Each method is one transaction on the shared SqlStore's engine; the
scheduler's side (claim and record) is in queue.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, func, insert, select, text, update

from bot.common.users import UserKey
from bot.questionnaire.state import HistoryEntry
from bot.reminders.model import NewReminder, ReminderKind, Role, Status, Upcoming
from bot.reminders.plan import delivery_key
from bot.reminders.rezone import Moved, move_to_zone
from bot.storage.schema import ACTIVE_SQL, history, occurrences, reminders, users, workspaces
from bot.storage.sql import SqlStore
from bot.storage.statements import (
    SET_TIMEZONE,
    history_entry,
    key_params,
    key_row,
    upsert_insert,
)

o, r = occurrences.c, reminders.c


class Series(NamedTuple):
    """A reminder as a press on its buttons needs it."""

    owner: UserKey
    conversation_id: str | None  # interviews only
    text: str
    channel: str | None
    rule: str | None


ACTIVE = text(f"occurrences.{ACTIVE_SQL}")


def _owner(table: Any, key: UserKey) -> Any:
    return and_(
        table.c.platform == key.platform,
        table.c.workspace == key.workspace,
        table.c.user_id == key.user,
    )


def insert_ignoring_duplicates(conn: Connection, table: Any) -> Any:
    """INSERT … ON CONFLICT DO NOTHING in the connection's dialect."""
    return upsert_insert(conn.dialect.name, table).on_conflict_do_nothing()


def occurrence_row(reminder_id: str, platform: str, role: Role, at: datetime) -> dict[str, Any]:
    """A new pending occurrence."""
    return {
        "reminder_id": reminder_id,
        "platform": platform,
        "role": role.value,
        "due_at": at,
        "ready_at": at,
        "status": Status.PENDING.value,
        "attempts": 0,
        "delivery_key": delivery_key(reminder_id, at),
    }


_UPCOMING_COLUMNS = (
    o.id,
    o.reminder_id,
    o.role,
    r.text,
    r.channel,
    o.due_at,
    r.rule,
    r.event_at,
)


def _upcoming(row: Any) -> Upcoming:
    return Upcoming(
        occurrence_id=row.id,
        reminder_id=row.reminder_id,
        role=Role(row.role),
        text=row.text,
        channel=row.channel,
        due_at=row.due_at,
        rule=row.rule,
        event_at=row.event_at,
    )


class ReminderStore:
    """The reminder tables, on the same database (and connection rules) as the SqlStore."""

    def __init__(self, sql: SqlStore) -> None:
        self._sql = sql

    async def create(self, new: NewReminder, *, now: datetime) -> None:
        """Store a reminder and its first occurrences. An interview's reminders replace the
        ones still pending for the same questionnaire (the interview moved)."""

        def run(conn: Connection) -> None:
            if new.kind is ReminderKind.INTERVIEW and new.conversation_id is not None:
                _cancel_interview(conn, new.owner, new.conversation_id, now)
            conn.execute(
                insert(reminders),
                {
                    "id": new.id,
                    "platform": new.owner.platform,
                    "workspace": new.owner.workspace,
                    "user_id": new.owner.user,
                    "channel": new.channel,
                    "text": new.text,
                    "notes": "\n".join(new.notes) or None,
                    "kind": new.kind.value,
                    "rule": new.rule,
                    "timezone": new.timezone,
                    "conversation_id": new.conversation_id,
                    "event_at": new.event_at,
                    "created_at": now,
                },
            )
            rows = [
                occurrence_row(new.id, new.owner.platform, role, at) for role, at in new.occurrences
            ]
            conn.execute(insert(occurrences), rows)

        await self._sql.write(run)

    async def count_active(self, owner: UserKey) -> int:
        """How many of the owner's reminders still have something to post."""
        query = (
            select(func.count(func.distinct(o.reminder_id)))
            .select_from(occurrences.join(reminders, o.reminder_id == r.id))
            .where(_owner(reminders, owner), ACTIVE)
        )
        return await self._sql.read(lambda conn: int(conn.execute(query).scalar() or 0))

    async def count_channel_recurring(self, platform: str, workspace: str, channel: str) -> int:
        """How many recurring series a channel has running (one that reached its end, UNTIL
        or COUNT, has nothing left to post and no longer counts)."""
        query = (
            select(func.count(func.distinct(o.reminder_id)))
            .select_from(occurrences.join(reminders, o.reminder_id == r.id))
            .where(
                r.platform == platform,
                r.workspace == workspace,
                r.channel == channel,
                r.kind == ReminderKind.RECURRING.value,
                r.cancelled_at.is_(None),
                ACTIVE,
            )
        )
        return await self._sql.read(lambda conn: int(conn.execute(query).scalar() or 0))

    async def upcoming(self, owner: UserKey, *, limit: int = 25) -> list[Upcoming]:
        """The owner's occurrences still to be posted, soonest first."""
        query = (
            select(*_UPCOMING_COLUMNS)
            .select_from(occurrences.join(reminders, o.reminder_id == r.id))
            .where(_owner(reminders, owner), ACTIVE)
            .order_by(o.due_at, o.id)
            .limit(limit)
        )
        return await self._sql.read(
            lambda conn: [_upcoming(row) for row in conn.execute(query).all()]
        )

    async def channel_recurring(
        self, platform: str, workspace: str, channel: str, *, limit: int = 25
    ) -> list[Upcoming]:
        """The recurring series posting in a channel, whoever made them: the next run of each."""
        query = (
            select(*_UPCOMING_COLUMNS)
            .select_from(occurrences.join(reminders, o.reminder_id == r.id))
            .where(
                r.platform == platform,
                r.workspace == workspace,
                r.channel == channel,
                r.kind == ReminderKind.RECURRING.value,
                r.cancelled_at.is_(None),
                ACTIVE,
            )
            .order_by(o.due_at, o.id)
            .limit(limit)
        )
        return await self._sql.read(
            lambda conn: [_upcoming(row) for row in conn.execute(query).all()]
        )

    async def take_missed(self, owner: UserKey, *, now: datetime) -> list[Upcoming]:
        """Missed and failed occurrences not yet shown to the owner; they count as shown now."""
        unreported = and_(
            _owner(reminders, owner),
            o.status.in_([Status.MISSED.value, Status.FAILED.value]),
            o.reported_at.is_(None),
        )
        query = (
            select(*_UPCOMING_COLUMNS)
            .select_from(occurrences.join(reminders, o.reminder_id == r.id))
            .where(unreported)
            .order_by(o.due_at)
        )

        def run(conn: Connection) -> list[Upcoming]:
            found = [_upcoming(row) for row in conn.execute(query).all()]
            if found:
                ids = [item.occurrence_id for item in found]
                conn.execute(update(occurrences).where(o.id.in_(ids)).values(reported_at=now))
            return found

        return await self._sql.write(run)

    async def occurrence(self, occurrence_id: int) -> tuple[UserKey, Upcoming] | None:
        """One occurrence and its reminder's owner."""
        query = (
            select(*_UPCOMING_COLUMNS, r.platform, r.workspace, r.user_id)
            .select_from(occurrences.join(reminders, o.reminder_id == r.id))
            .where(o.id == occurrence_id)
        )

        def run(conn: Connection) -> tuple[UserKey, Upcoming] | None:
            row = conn.execute(query).first()
            if row is None:
                return None
            return UserKey(row.platform, row.workspace, row.user_id), _upcoming(row)

        return await self._sql.read(run)

    async def reminder(self, reminder_id: str) -> Series | None:
        """A reminder's owner, questionnaire, text, channel and rule."""
        query = select(
            r.platform, r.workspace, r.user_id, r.conversation_id, r.text, r.channel, r.rule
        ).where(r.id == reminder_id)

        def run(conn: Connection) -> Series | None:
            row = conn.execute(query).first()
            if row is None:
                return None
            owner = UserKey(row.platform, row.workspace, row.user_id)
            return Series(owner, row.conversation_id, row.text, row.channel, row.rule)

        return await self._sql.read(run)

    async def cancel_series(self, reminder_id: str, *, now: datetime) -> int:
        """Stop a reminder: every occurrence not yet posted is cancelled. Returns how many."""

        def run(conn: Connection) -> int:
            conn.execute(
                update(reminders)
                .where(r.id == reminder_id, r.cancelled_at.is_(None))
                .values(cancelled_at=now)
            )
            result = conn.execute(
                update(occurrences)
                .where(o.reminder_id == reminder_id, o.status == Status.PENDING.value)
                .values(status=Status.CANCELLED.value, done_at=now)
            )
            return int(result.rowcount)

        return await self._sql.write(run)

    async def cancel_occurrence(self, occurrence_id: int, *, now: datetime) -> bool:
        """Cancel one occurrence still pending; False if it was posted or cancelled already."""
        statement = (
            update(occurrences)
            .where(o.id == occurrence_id, o.status == Status.PENDING.value)
            .values(status=Status.CANCELLED.value, done_at=now)
        )
        return await self._sql.write(lambda conn: conn.execute(statement).rowcount == 1)

    async def snooze(
        self, occurrence_id: int, delta: timedelta, *, now: datetime
    ) -> datetime | None:
        """Put an occurrence off: a pending one moves by `delta`; one already posted comes
        back once, `delta` from now. Returns the new time, or None if there was nothing to do."""

        def run(conn: Connection) -> datetime | None:
            row = conn.execute(
                select(o.reminder_id, o.platform, o.role, o.due_at, o.status).where(
                    o.id == occurrence_id
                )
            ).first()
            if row is None or row.status in (Status.CANCELLED.value, Status.CLAIMED.value):
                return None
            if row.status == Status.PENDING.value:
                at: datetime = row.due_at + delta
                conn.execute(
                    update(occurrences)
                    .where(o.id == occurrence_id, o.status == Status.PENDING.value)
                    .values(due_at=at, ready_at=at, delivery_key=delivery_key(row.reminder_id, at))
                )
                return at
            at = now + delta  # posted already: once more, later
            role = Role.ONCE if row.role == Role.REPEAT.value else Role(row.role)
            statement = insert_ignoring_duplicates(conn, occurrences)
            conn.execute(statement, occurrence_row(row.reminder_id, row.platform, role, at))
            return at

        return await self._sql.write(run)

    # --- managing (part M): snooze choices, done, edit, clear --------------------------------

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
            select(*_UPCOMING_COLUMNS)
            .select_from(occurrences.join(reminders, o.reminder_id == r.id))
            .where(_owner(reminders, owner), o.status == Status.DONE.value, o.done_at >= since)
            .order_by(o.done_at.desc(), o.id.desc())
            .limit(limit)
        )
        return await self._sql.read(
            lambda conn: [_upcoming(row) for row in conn.execute(query).all()]
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
            .where(_owner(reminders, owner), o.status == Status.PENDING.value)
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

    async def set_outcome(
        self, owner: UserKey, conversation_id: str, outcome: str, *, now: datetime
    ) -> HistoryEntry | None:
        """Store how an interview went on its questionnaire's history entry; None if the
        entry is gone."""
        where = and_(_owner(history, owner), history.c.conversation_id == conversation_id)

        def run(conn: Connection) -> HistoryEntry | None:
            conn.execute(update(history).where(where).values(outcome=outcome, outcome_at=now))
            row = conn.execute(select(history).where(where)).first()
            return history_entry(row) if row is not None else None

        return await self._sql.write(run)

    async def change_zone(self, owner: UserKey, zone: str, *, now: datetime) -> Moved:
        """The owner now lives in `zone` (an IANA name). In one transaction: it becomes their
        timezone; each recurring reminder's next run and each interview (with its reminders
        not yet sent) keep their clock time in the new zone; one-off reminders keep their
        moment; every reminder of the owner is shown in the new zone from now on. Interview
        reminders whose new time has passed are cancelled; occurrences already due (being
        posted) are left alone."""
        ZoneInfo(zone)  # an unknown name fails here, before anything is written

        def run(conn: Connection) -> Moved:
            user = {**key_row(owner), "timezone": zone, "created_at": now}
            conn.execute(insert_ignoring_duplicates(conn, users), user)
            conn.execute(SET_TIMEZONE, {**key_params(owner), "timezone": zone})
            return move_to_zone(conn, owner, zone, now)

        return await self._sql.write(run)

    async def job_hunt_channel(self, platform: str, workspace: str) -> str | None:
        """The channel set with `channel` for a workspace or server."""
        query = select(workspaces.c.job_hunt_channel).where(
            workspaces.c.platform == platform, workspaces.c.workspace == workspace
        )
        return await self._sql.read(lambda conn: conn.execute(query).scalar())

    async def set_job_hunt_channel(
        self, platform: str, workspace: str, channel: str, *, now: datetime
    ) -> None:
        """Remember a workspace's job-hunt channel."""

        def run(conn: Connection) -> None:
            result = conn.execute(
                update(workspaces)
                .where(workspaces.c.platform == platform, workspaces.c.workspace == workspace)
                .values(job_hunt_channel=channel, updated_at=now)
            )
            if result.rowcount == 0:
                row = {
                    "platform": platform,
                    "workspace": workspace,
                    "job_hunt_channel": channel,
                    "updated_at": now,
                }
                conn.execute(insert_ignoring_duplicates(conn, workspaces), row)

        await self._sql.write(run)


def _cancel_interview(
    conn: Connection, owner: UserKey, conversation_id: str, now: datetime
) -> None:
    series = select(r.id).where(
        _owner(reminders, owner),
        r.conversation_id == conversation_id,
        r.kind == ReminderKind.INTERVIEW.value,
    )
    conn.execute(
        update(occurrences)
        .where(o.reminder_id.in_(series), o.status == Status.PENDING.value)
        .values(status=Status.CANCELLED.value, done_at=now)
    )
    conn.execute(
        update(reminders).where(r.id.in_(series), r.cancelled_at.is_(None)).values(cancelled_at=now)
    )


def _free_time(conn: Connection, reminder_id: str, at: datetime) -> datetime:
    """`at`, or the first second after it whose delivery key the reminder hasn't used (keys are
    unique, and a cancelled or posted occurrence keeps its own)."""
    for _ in range(60):
        key = delivery_key(reminder_id, at)
        if conn.execute(select(o.id).where(o.delivery_key == key)).first() is None:
            return at
        at += timedelta(seconds=1)
    return at
