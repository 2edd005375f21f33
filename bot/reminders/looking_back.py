"""The weekly look back's series in SQL: one per user, a recurring reminder of kind WEEKLY to
the user's DM, every Monday at 09:00 in their zone. Started, stopped and asked about here; the
scheduler delivers it like any recurring reminder, and its post is composed at its time (the
record floor's composer). Also the one-time offer of it after the user's first outcome."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, func, insert, select, update

from bot.common.users import UserKey
from bot.reminders.model import ReminderKind, Role, Status
from bot.reminders.recurrence import build_rule, next_occurrence
from bot.reminders.tables import ACTIVE, insert_ignoring_duplicates, o, occurrence_row, owned_by, r
from bot.storage.schema import history, occurrences, reminders, users
from bot.storage.sql import SqlStore
from bot.storage.statements import key_row

# What the series is called wherever reminders are listed or stopped.
WEEKLY_TEXT = "Weekly look back"
WEEKDAY, HOUR = "MO", 9


class Running(NamedTuple):
    """A user's weekly look back that is on: its series and its next time."""

    reminder_id: str
    next_at: datetime | None
    zone: str


def weekly_rule(tz: ZoneInfo, now: datetime) -> str:
    """Every Monday at 09:00 local, from now on."""
    local = now.astimezone(tz).replace(tzinfo=None)
    return build_rule("WEEKLY", byday=[WEEKDAY], hour=HOUR, minute=0, dtstart=local)


def _running(conn: Connection, owner: UserKey) -> Running | None:
    row = conn.execute(
        select(r.id, r.timezone)
        .where(
            owned_by(reminders, owner),
            r.kind == ReminderKind.WEEKLY.value,
            r.cancelled_at.is_(None),
        )
        .order_by(r.created_at)
        .limit(1)
    ).first()
    if row is None:
        return None
    next_at = conn.execute(
        select(func.min(o.due_at)).where(o.reminder_id == row.id, ACTIVE)
    ).scalar()
    return Running(row.id, next_at, row.timezone)


def _lock_user(conn: Connection, owner: UserKey, now: datetime) -> None:
    """Make sure the user's row exists and hold it for the transaction: two instances starting
    or offering the same user's look back at once take turns (SQLite has one writer anyway)."""
    conn.execute(insert_ignoring_duplicates(conn, users), {**key_row(owner), "created_at": now})
    conn.execute(select(users.c.user_id).where(owned_by(users, owner)).with_for_update()).first()


class WeeklySeries:
    """The weekly look back's row in the reminder tables, for `weekly on|off` and the offer."""

    def __init__(self, sql: SqlStore) -> None:
        self._sql = sql

    async def running(self, owner: UserKey) -> Running | None:
        """The user's weekly look back if it is on."""
        return await self._sql.read(lambda conn: _running(conn, owner))

    async def start(
        self, owner: UserKey, reminder_id: str, tz: ZoneInfo, *, now: datetime
    ) -> tuple[Running, bool]:
        """Turn it on: (the series, True) when made now; (the one already on, False)."""
        rule = weekly_rule(tz, now)
        first = next_occurrence(rule, tz, now)
        assert first is not None  # every Monday has a next one

        def run(conn: Connection) -> tuple[Running, bool]:
            _lock_user(conn, owner, now)
            found = _running(conn, owner)
            if found is not None:
                return found, False
            conn.execute(
                insert(reminders),
                {
                    **key_row(owner),
                    "id": reminder_id,
                    "channel": None,
                    "text": WEEKLY_TEXT,
                    "kind": ReminderKind.WEEKLY.value,
                    "rule": rule,
                    "timezone": tz.key,
                    "created_at": now,
                },
            )
            conn.execute(
                insert(occurrences), occurrence_row(reminder_id, owner.platform, Role.REPEAT, first)
            )
            return Running(reminder_id, first, tz.key), True

        return await self._sql.write(run)

    async def stop(self, owner: UserKey, *, now: datetime) -> bool:
        """Turn it off (its next one is cancelled); False if it was not on."""

        def run(conn: Connection) -> bool:
            series = select(r.id).where(
                owned_by(reminders, owner),
                r.kind == ReminderKind.WEEKLY.value,
                r.cancelled_at.is_(None),
            )
            ids = list(conn.execute(series).scalars())
            if not ids:
                return False
            conn.execute(update(reminders).where(r.id.in_(ids)).values(cancelled_at=now))
            conn.execute(
                update(occurrences)
                .where(o.reminder_id.in_(ids), o.status == Status.PENDING.value)
                .values(status=Status.CANCELLED.value, done_at=now)
            )
            return True

        return await self._sql.write(run)

    async def offer_once(self, owner: UserKey, *, now: datetime) -> bool:
        """Whether to offer the weekly look back now, after an outcome was recorded: only for
        the user's first outcome ever, only if it is not on, and only once (the offer's time
        is kept; of two instances asking at once, one gets True)."""

        def run(conn: Connection) -> bool:
            reported = conn.execute(
                select(func.count())
                .select_from(history)
                .where(owned_by(history, owner), history.c.outcome.is_not(None))
            ).scalar()
            if reported != 1:
                return False
            if _running(conn, owner) is not None:
                return False
            conn.execute(
                insert_ignoring_duplicates(conn, users), {**key_row(owner), "created_at": now}
            )
            offered = conn.execute(
                update(users)
                .where(and_(owned_by(users, owner), users.c.weekly_offered_at.is_(None)))
                .values(weekly_offered_at=now)
            )
            return offered.rowcount == 1

        return await self._sql.write(run)
