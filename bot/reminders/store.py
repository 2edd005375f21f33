"""Reminders in SQL as the service uses them: create, count, list and look up, cancel, outcomes,
a change of zone and job-hunt channels. Each method is one transaction on the shared SqlStore's
engine. The managing writes (snooze, done, edit, reschedule, clear) are in edits.py, reached as
`ReminderStore.edits`; the scheduler's side (claim and record) is in queue.py."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, func, insert, select, update

from bot.common.users import UserKey
from bot.questionnaire.state import HistoryEntry
from bot.reminders.edits import ReminderEdits
from bot.reminders.model import NewReminder, ReminderKind, Status, Upcoming
from bot.reminders.rezone import Moved, move_to_zone
from bot.reminders.tables import (
    ACTIVE,
    UPCOMING_COLUMNS,
    insert_ignoring_duplicates,
    o,
    occurrence_row,
    owned_by,
    r,
    upcoming_item,
)
from bot.storage.schema import history, occurrences, reminders, users, workspaces
from bot.storage.sql import SqlStore
from bot.storage.statements import SET_TIMEZONE, history_entry, key_params, key_row


class Series(NamedTuple):
    """A reminder as a press on its buttons needs it."""

    owner: UserKey
    conversation_id: str | None  # interviews only
    text: str
    channel: str | None
    rule: str | None


class ReminderStore:
    """The reminder tables, on the same database (and connection rules) as the SqlStore."""

    def __init__(self, sql: SqlStore) -> None:
        self._sql = sql
        self.edits = ReminderEdits(sql)

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

    async def count_active(self, owner: UserKey, *, limited: bool = False) -> int:
        """How many of the owner's reminders still have something to post; `limited`: only
        those that count against the limit (the weekly look back does not)."""
        query = (
            select(func.count(func.distinct(o.reminder_id)))
            .select_from(occurrences.join(reminders, o.reminder_id == r.id))
            .where(owned_by(reminders, owner), ACTIVE)
        )
        if limited:
            query = query.where(r.kind != ReminderKind.WEEKLY.value)
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
            select(*UPCOMING_COLUMNS)
            .select_from(occurrences.join(reminders, o.reminder_id == r.id))
            .where(owned_by(reminders, owner), ACTIVE)
            .order_by(o.due_at, o.id)
            .limit(limit)
        )
        return await self._sql.read(
            lambda conn: [upcoming_item(row) for row in conn.execute(query).all()]
        )

    async def channel_recurring(
        self, platform: str, workspace: str, channel: str, *, limit: int = 25
    ) -> list[Upcoming]:
        """The recurring series posting in a channel, whoever made them: the next run of each."""
        query = (
            select(*UPCOMING_COLUMNS)
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
            lambda conn: [upcoming_item(row) for row in conn.execute(query).all()]
        )

    async def take_missed(self, owner: UserKey, *, now: datetime) -> list[Upcoming]:
        """Missed and failed occurrences not yet shown to the owner; they count as shown now.
        A weekly look back that was missed is not one of them: it was the bot's summary, not a
        job the user set, and the next Monday's comes as usual."""
        unreported = and_(
            owned_by(reminders, owner),
            o.status.in_([Status.MISSED.value, Status.FAILED.value]),
            o.reported_at.is_(None),
            r.kind != ReminderKind.WEEKLY.value,
        )
        query = (
            select(*UPCOMING_COLUMNS)
            .select_from(occurrences.join(reminders, o.reminder_id == r.id))
            .where(unreported)
            .order_by(o.due_at)
        )

        def run(conn: Connection) -> list[Upcoming]:
            found = [upcoming_item(row) for row in conn.execute(query).all()]
            if found:
                ids = [item.occurrence_id for item in found]
                conn.execute(update(occurrences).where(o.id.in_(ids)).values(reported_at=now))
            return found

        return await self._sql.write(run)

    async def occurrence(self, occurrence_id: int) -> tuple[UserKey, Upcoming] | None:
        """One occurrence and its reminder's owner."""
        query = (
            select(*UPCOMING_COLUMNS, r.platform, r.workspace, r.user_id)
            .select_from(occurrences.join(reminders, o.reminder_id == r.id))
            .where(o.id == occurrence_id)
        )

        def run(conn: Connection) -> tuple[UserKey, Upcoming] | None:
            row = conn.execute(query).first()
            if row is None:
                return None
            return UserKey(row.platform, row.workspace, row.user_id), upcoming_item(row)

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

    async def set_outcome(
        self, owner: UserKey, conversation_id: str, outcome: str, *, now: datetime
    ) -> HistoryEntry | None:
        """Store how an interview went on its questionnaire's history entry; None if the
        entry is gone."""
        where = and_(owned_by(history, owner), history.c.conversation_id == conversation_id)

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
        owned_by(reminders, owner),
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
