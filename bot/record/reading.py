"""The user's record read from the database in one read (so the two files agree), and the
one-export-a-minute claim on `users.exported_at`, shared by every instance on the database."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, or_, select

from bot.common.users import UserKey
from bot.questionnaire.state import session_from_json
from bot.record.model import (
    InProgress,
    Occurrence,
    Questionnaire,
    SavedReminder,
    UserRecord,
)
from bot.storage.schema import history, occurrences, reminders, sessions, users
from bot.storage.sql import SqlStore
from bot.storage.statements import upsert_insert

# One export a minute per user.
EXPORT_EVERY = timedelta(minutes=1)
_INTERVIEW = "interview"


def _owned(table: Any, key: UserKey) -> Any:
    return (
        (table.c.platform == key.platform)
        & (table.c.workspace == key.workspace)
        & (table.c.user_id == key.user)
    )


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def read_record(sql: SqlStore, key: UserKey, *, shown_in: str) -> UserRecord:
    """Everything stored about `key`, read in one go off the event loop's thread (a thousand
    questionnaires take tens of milliseconds to read); `shown_in` is the zone of local times."""
    return await sql.read_aside(lambda conn: _read(conn, key, shown_in))


def _read(conn: Connection, key: UserKey, shown_in: str) -> UserRecord:
    user = conn.execute(select(users).where(_owned(users, key))).first()
    state = conn.execute(select(sessions.c.state).where(_owned(sessions, key))).scalar()
    saved = _reminders(conn, key)
    interviews = _interviews(saved)
    rows = conn.execute(
        select(history).where(_owned(history, key)).order_by(history.c.finished_at, history.c.id)
    ).all()
    entries = tuple(
        Questionnaire(
            conversation_id=row.conversation_id,
            answers=json.loads(row.answers),
            verdict=row.verdict,
            score=row.score,
            finished_at=_aware(row.finished_at) or datetime.now(UTC),
            company=row.company,
            role=row.role,
            outcome=row.outcome,
            outcome_at=_aware(row.outcome_at),
            interview_at=interviews.get(row.conversation_id),
        )
        for row in rows
    )
    return UserRecord(
        key=key,
        shown_in=shown_in,
        timezone=user.timezone if user is not None else None,
        created_at=_aware(user.created_at) if user is not None else None,
        weekly_offered_at=_aware(user.weekly_offered_at) if user is not None else None,
        history=entries,
        reminders=saved,
        in_progress=_in_progress(state),
    )


def _reminders(conn: Connection, key: UserKey) -> tuple[SavedReminder, ...]:
    r, o = reminders.c, occurrences.c
    mine = select(reminders).where(_owned(reminders, key))
    found = conn.execute(mine.order_by(r.created_at, r.id)).all()
    if not found:
        return ()
    posts: defaultdict[str, list[Occurrence]] = defaultdict(list)
    owned = select(r.id).where(_owned(reminders, key))
    for row in conn.execute(
        select(o.reminder_id, o.role, o.due_at, o.status, o.done_at)
        .where(o.reminder_id.in_(owned))
        .order_by(o.due_at, o.id)
    ):
        posts[row.reminder_id].append(
            Occurrence(row.role, _aware(row.due_at) or row.due_at, row.status, _aware(row.done_at))
        )
    return tuple(
        SavedReminder(
            id=row.id,
            kind=row.kind,
            text=row.text,
            timezone=row.timezone,
            created_at=_aware(row.created_at) or row.created_at,
            channel=row.channel,
            notes=tuple(row.notes.splitlines()) if row.notes else (),
            rule=row.rule,
            conversation_id=row.conversation_id,
            event_at=_aware(row.event_at),
            cancelled_at=_aware(row.cancelled_at),
            occurrences=tuple(posts[row.id]),
        )
        for row in found
    )


def _interviews(saved: tuple[SavedReminder, ...]) -> dict[str, datetime]:
    """Each questionnaire's interview time: from its interview reminder still standing, else
    from the last one set (reminders come oldest first, so a later one wins)."""
    times: dict[str, tuple[bool, datetime]] = {}
    for item in saved:
        if item.kind != _INTERVIEW or item.conversation_id is None or item.event_at is None:
            continue
        standing = item.cancelled_at is None
        before = times.get(item.conversation_id)
        if before is None or standing or not before[0]:
            times[item.conversation_id] = (standing, item.event_at)
    return {cid: at for cid, (_standing, at) in times.items()}


def _in_progress(state: str | None) -> InProgress | None:
    if not state:
        return None
    conv = session_from_json(state).conversation
    if conv is None:
        return None
    return InProgress(conv.started_at, conv.answers, conv.company, conv.role)


# --- one export a minute -------------------------------------------------------------------


async def last_export(sql: SqlStore, key: UserKey) -> datetime | None:
    """When the user last exported, or None."""
    query = select(users.c.exported_at).where(_owned(users, key))
    return _aware(await sql.read(lambda conn: conn.execute(query).scalar()))


async def claim_export(sql: SqlStore, key: UserKey, now: datetime) -> bool:
    """Mark an export made at `now`, unless another was made in the minute before (by any
    instance): one statement, an INSERT of the users row or, when it exists, an UPDATE that
    only applies when `exported_at` is empty or a minute old. True when this export may go."""
    cutoff = now - EXPORT_EVERY

    def run(conn: Connection) -> bool:
        insert = upsert_insert(conn.dialect.name, users)
        statement = insert.values(
            platform=key.platform,
            workspace=key.workspace,
            user_id=key.user,
            created_at=now,
            exported_at=now,
        ).on_conflict_do_update(
            index_elements=[users.c.platform, users.c.workspace, users.c.user_id],
            set_={"exported_at": insert.excluded.exported_at},
            where=or_(users.c.exported_at.is_(None), users.c.exported_at <= cutoff),
        )
        return bool(conn.execute(statement.returning(users.c.exported_at)).all())

    return await sql.write(run)
