"""The scheduler's side of the reminder tables: claim what is due under a lease, record what
became of it, and say when the next one is due."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, func, select, update

from bot.common.users import UserKey
from bot.reminders.model import Due, ReminderKind, Role, Status
from bot.reminders.plan import PACED, catch_up, delivery_key
from bot.reminders.tables import ACTIVE, insert_ignoring_duplicates, o, occurrence_row, r
from bot.storage.schema import UtcDateTime, occurrences, reminders
from bot.storage.sql import SqlStore

# The scheduler's claim: one statement takes the earliest ready occurrences and leases them.
# SKIP LOCKED lets PostgreSQL claimers pass each other's rows by; SQLite has one writer at a time.
_CLAIMABLE = (
    select(o.id)
    .where(
        ACTIVE,
        o.ready_at <= bindparam("claim_now"),
        o.platform.in_(bindparam("platforms", expanding=True)),
    )
    .order_by(o.ready_at)
    .limit(bindparam("batch"))
    .with_for_update(skip_locked=True)
)
_CLAIM = (
    update(occurrences)
    .where(o.id.in_(_CLAIMABLE.scalar_subquery()))
    .values(status=Status.CLAIMED.value, ready_at=bindparam("lease_until"), attempts=o.attempts + 1)
    .returning(o.id, o.reminder_id, o.role, o.due_at, o.attempts, o.delivery_key, o.last_error)
)
# Recording a result, built once: building an UPDATE per call cost more than running it.
# The attempts count is the claim's token, so a claim that was taken over records nothing.
_STILL_MINE = (
    (o.id == bindparam("oid"))
    & (o.status == Status.CLAIMED.value)
    & (o.attempts == bindparam("expected"))
)


def _record(time_column: str) -> Any:
    # A result sets the status and error, and one time: done_at when it is over, ready_at for
    # when to try again.
    at = bindparam("at", type_=UtcDateTime())
    values = {"status": bindparam("new_status"), "last_error": bindparam("error"), time_column: at}
    return update(occurrences).where(_STILL_MINE).values(**values)


_DONE = _record("done_at")
_RETRY = _record("ready_at")
# Put back untried (Deferred): the claim's attempt is given back, so pacing never adds up to
# the retry limit, and the next claim is judged as a first try.
_DEFER = _RETRY.values(attempts=o.attempts - 1)
_PREVIOUS = (
    select(o.status, o.last_error)
    .where(
        o.reminder_id == bindparam("rid"),
        o.role == Role.REPEAT.value,
        o.due_at < bindparam("before", type_=UtcDateTime()),
    )
    .order_by(o.due_at.desc())
    .limit(1)
)
# A claim held longer (its post still out): its lease runs on from now.
_EXTEND = (
    update(occurrences).where(_STILL_MINE).values(ready_at=bindparam("until", type_=UtcDateTime()))
)
_NEXT_READY = select(func.min(o.ready_at)).where(
    ACTIVE, o.platform.in_(bindparam("platforms", expanding=True))
)


class DueQueue:
    """The occurrences waiting to be posted, as the scheduler sees them."""

    def __init__(self, sql: SqlStore) -> None:
        self._sql = sql

    async def claim(
        self, *, now: datetime, lease: timedelta, platforms: Sequence[str], batch: int = 100
    ) -> list[Due]:
        """Lease the earliest occurrences that are due (or whose lease ran out), at most
        `batch`. A recurring series gets its next occurrence in the same transaction; one that
        missed several runs is moved to the latest of them, so it posts once."""
        params = {
            "claim_now": now,
            "lease_until": now + lease,
            "platforms": list(platforms),
            "batch": batch,
        }
        return await self._sql.write(lambda conn: _claim(conn, params, now))

    async def finish(
        self,
        due: Due,
        status: Status,
        *,
        now: datetime,
        retry_at: datetime | None = None,
        error: str | None = None,
        untried: bool = False,
    ) -> bool:
        """Record what became of a claimed occurrence. False if its lease ran out and another
        scheduler claimed it since (then that one's result counts). `untried` puts a pending
        one back without counting the attempt."""
        params: dict[str, Any] = {
            "oid": due.occurrence_id,
            "expected": due.attempts,
            "new_status": status.value,
            "error": error,
        }
        if status is Status.PENDING:
            statement, params["at"] = (_DEFER if untried else _RETRY), retry_at
        else:
            statement, params["at"] = _DONE, now
        return await self._sql.write(lambda conn: conn.execute(statement, params).rowcount == 1)

    async def extend(
        self, claims: Sequence[Due], *, now: datetime, lease: timedelta
    ) -> set[tuple[int, int]]:
        """Renew the lease of each claim that is still ours until `now` + `lease`. Returns the
        (occurrence id, attempts) of those renewed; the others were taken over or are over."""

        def run(conn: Connection) -> set[tuple[int, int]]:
            kept = set()
            for due in claims:
                params = {"oid": due.occurrence_id, "expected": due.attempts, "until": now + lease}
                if conn.execute(_EXTEND, params).rowcount == 1:
                    kept.add((due.occurrence_id, due.attempts))
            return kept

        return await self._sql.write(run)

    async def next_ready(self, platforms: Sequence[str]) -> datetime | None:
        """When the earliest active occurrence may be claimed."""

        def run(conn: Connection) -> datetime | None:
            ready: datetime | None = conn.execute(
                _NEXT_READY, {"platforms": list(platforms)}
            ).scalar()
            return ready

        return await self._sql.read(run)

    async def previous(self, due: Due) -> tuple[Status, str | None] | None:
        """What became of the series' post before `due` (its status and note), if it had one."""

        def run(conn: Connection) -> tuple[Status, str | None] | None:
            row = conn.execute(_PREVIOUS, {"rid": due.reminder_id, "before": due.due_at}).first()
            return None if row is None else (Status(row.status), row.last_error)

        return await self._sql.read(run)


def _claim(conn: Connection, params: dict[str, Any], now: datetime) -> list[Due]:
    claimed = conn.execute(_CLAIM, params).all()
    if not claimed:
        return []
    ids = list({row.reminder_id for row in claimed})
    series = {row.id: row for row in conn.execute(select(reminders).where(r.id.in_(ids))).all()}
    found: list[Due] = []
    for row in claimed:
        parent = series[row.reminder_id]
        due_at = row.due_at
        key = row.delivery_key
        if parent.cancelled_at is not None:
            conn.execute(
                update(occurrences)
                .where(o.id == row.id)
                .values(status=Status.CANCELLED.value, done_at=now)
            )
            continue
        if parent.rule and row.role == Role.REPEAT.value:
            latest, following = catch_up(parent.rule, ZoneInfo(parent.timezone), due_at, now)
            if latest != due_at:
                due_at, key = latest, delivery_key(parent.id, latest)
                conn.execute(
                    update(occurrences)
                    .where(o.id == row.id)
                    .values(due_at=due_at, delivery_key=key)
                )
            # None: the series has ended (UNTIL or COUNT); no next occurrence is made.
            if following is not None and following > due_at:
                next_row = occurrence_row(parent.id, parent.platform, Role.REPEAT, following)
                conn.execute(insert_ignoring_duplicates(conn, occurrences), next_row)
        found.append(
            Due(
                occurrence_id=row.id,
                reminder_id=parent.id,
                owner=UserKey(parent.platform, parent.workspace, parent.user_id),
                channel=parent.channel,
                text=parent.text,
                notes=tuple(parent.notes.splitlines()) if parent.notes else (),
                role=Role(row.role),
                rule=parent.rule,
                timezone=parent.timezone,
                conversation_id=parent.conversation_id,
                event_at=parent.event_at,
                due_at=due_at,
                attempts=row.attempts,
                paced=row.last_error == PACED,
                delivery_key=key,
                kind=ReminderKind(parent.kind),
            )
        )
    return found
