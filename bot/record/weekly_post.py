"""The weekly look back's composer: when the scheduler claims a weekly occurrence, this reads
the user's week from the database and writes the post (weekly.py), or says there is nothing
to post. Given to the scheduler as `composers={ReminderKind.WEEKLY: WeeklyComposer(sql)}`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, select

from bot.common.replies import Reply
from bot.common.users import UserKey
from bot.record.weekly import (
    NO_COMPANY,
    Coming,
    Decision,
    Reported,
    Week,
    look_back,
    week_window,
)
from bot.reminders.model import Due, ReminderKind
from bot.reminders.tables import owned_by
from bot.storage.schema import history, reminders
from bot.storage.sql import SqlStore

h, r = history.c, reminders.c


def read_week(
    conn: Connection, owner: UserKey, start: datetime, end: datetime, now: datetime
) -> Week:
    """The owner's week [start, end): decisions and outcomes in it, interviews after `now`."""
    mine = owned_by(history, owner)
    decided = conn.execute(
        select(h.company, h.role, h.verdict, h.finished_at).where(
            mine, h.finished_at >= start, h.finished_at < end
        )
    ).all()
    reported = conn.execute(
        select(h.company, h.role, h.outcome, h.outcome_at).where(
            mine, h.outcome.is_not(None), h.outcome_at >= start, h.outcome_at < end
        )
    ).all()
    coming = conn.execute(
        select(r.text, r.event_at).where(
            and_(
                owned_by(reminders, owner),
                r.kind == ReminderKind.INTERVIEW.value,
                r.cancelled_at.is_(None),
                r.event_at > now,
            )
        )
    ).all()
    return Week(
        start=start,
        end=end,
        decisions=tuple(Decision(*row) for row in decided),
        outcomes=tuple(Reported(*row) for row in reported),
        coming=tuple(Coming(row.text or NO_COMPANY, row.event_at) for row in coming),
    )


class WeeklyComposer:
    """Writes a weekly look back at its time, from the database the scheduler shares."""

    def __init__(self, sql: SqlStore) -> None:
        self._sql = sql

    async def compose(self, due: Due, now: datetime) -> Reply | None:
        """The post for the week ending at `due`'s time, or None for an empty week."""
        tz = ZoneInfo(due.timezone)
        start, end = week_window(due.due_at, tz)
        week = await self._sql.read(lambda conn: read_week(conn, due.owner, start, end, now))
        return look_back(week, tz, reminder_id=due.reminder_id)
