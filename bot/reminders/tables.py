"""The reminder tables' shared SQL pieces, for the store, its edits and the scheduler's queue:
column shorthands, the still-to-post and owner filters, a new occurrence's row, the upcoming
columns and the `Upcoming` read from them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, text

from bot.common.users import UserKey
from bot.reminders.model import ReminderKind, Role, Status, Upcoming
from bot.reminders.plan import delivery_key
from bot.storage.schema import ACTIVE_SQL, occurrences, reminders
from bot.storage.statements import upsert_insert

o, r = occurrences.c, reminders.c

ACTIVE = text(f"occurrences.{ACTIVE_SQL}")


def owned_by(table: Any, key: UserKey) -> Any:
    """The rows of `table` that belong to `key`."""
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


UPCOMING_COLUMNS = (
    o.id,
    o.reminder_id,
    o.role,
    r.text,
    r.channel,
    o.due_at,
    r.rule,
    r.event_at,
    r.kind,
)


def upcoming_item(row: Any) -> Upcoming:
    """An `Upcoming` from a row selected with UPCOMING_COLUMNS."""
    return Upcoming(
        occurrence_id=row.id,
        reminder_id=row.reminder_id,
        role=Role(row.role),
        text=row.text,
        channel=row.channel,
        due_at=row.due_at,
        rule=row.rule,
        event_at=row.event_at,
        kind=ReminderKind(row.kind),
    )
