"""The SQLAlchemy Core statements of the store (built once: building them per call cost more
than running them on SQLite), and the conversions between rows and the core's types."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.common.users import UserKey
from bot.questionnaire.state import HistoryEntry
from bot.storage.schema import history, occurrences, reminders, seen_events, sessions, users


def upsert_insert(dialect: str, table: Any) -> Any:
    """INSERT in `dialect` (sqlite or postgresql), with its ON CONFLICT clauses."""
    return (sqlite_insert if dialect == "sqlite" else postgresql_insert)(table)


def key_filter(table: Any) -> Any:
    return (
        (table.c.platform == bindparam("k_platform"))
        & (table.c.workspace == bindparam("k_workspace"))
        & (table.c.user_id == bindparam("k_user"))
    )


def key_params(key: UserKey) -> dict[str, str]:
    """Values for the key filter's parameters."""
    return {"k_platform": key.platform, "k_workspace": key.workspace, "k_user": key.user}


def key_row(key: UserKey) -> dict[str, str]:
    """The key columns of a new row."""
    return {"platform": key.platform, "workspace": key.workspace, "user_id": key.user}


# Statements are built once: building them per call cost more than running them on SQLite.
INSERT_HISTORY = insert(history)
# A changed answer replaces the questionnaire's verdict; its date and outcome stay.
REPLACE_HISTORY = (
    update(history)
    .where(key_filter(history) & (history.c.conversation_id == bindparam("cid")))
    .values(
        answers=bindparam("new_answers"),
        verdict=bindparam("new_verdict"),
        score=bindparam("new_score"),
    )
)
HISTORY = (
    select(history)
    .where(key_filter(history))
    .order_by(history.c.finished_at.desc(), history.c.id.desc())
    .limit(bindparam("limit"))
)
ENTRY = select(history).where(key_filter(history) & (history.c.conversation_id == bindparam("cid")))
TIMEZONE = select(users.c.timezone).where(key_filter(users))
SET_TIMEZONE = update(users).where(key_filter(users)).values(timezone=bindparam("timezone"))
FORGET = (
    delete(occurrences).where(
        occurrences.c.reminder_id.in_(select(reminders.c.id).where(key_filter(reminders)))
    ),
    *(delete(table).where(key_filter(table)) for table in (reminders, history, sessions, users)),
)
PRUNE_SEEN = delete(seen_events).where(seen_events.c.seen_at < bindparam("before"))
PROBE = select(sessions.c.version).limit(1)


def _aware(value: datetime) -> datetime:
    # SQLite keeps no offset; everything is written in UTC, so read it back as UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def history_entry(row: Any) -> HistoryEntry:
    """A history row as the core's HistoryEntry."""
    return HistoryEntry(
        conversation_id=row.conversation_id,
        answers=json.loads(row.answers),
        verdict=row.verdict,
        score=row.score,
        finished_at=_aware(row.finished_at),
        company=row.company,
        role=row.role,
        outcome=row.outcome,
    )


def history_row(key: UserKey, entry: HistoryEntry) -> dict[str, Any]:
    return {
        **key_row(key),
        "conversation_id": entry.conversation_id,
        "company": entry.company,
        "role": entry.role,
        "answers": json.dumps(entry.answers, sort_keys=True),
        "verdict": entry.verdict,
        "score": entry.score,
        "finished_at": entry.finished_at,
    }
