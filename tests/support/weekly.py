"""The weekly look back's test helpers: a user's week typed through the engine, the weekly
posts a recording platform got, and the series' occurrences as the database has them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.common.replies import Reply
from bot.common.users import UserKey
from bot.record.weekly import TITLE
from bot.reminders.model import ReminderKind
from bot.storage.schema import occurrences, reminders, users
from bot.storage.sql import SqlStore
from support.harness import Transcript
from support.reminders import ReminderWorld

BERLIN = ZoneInfo("Europe/Berlin")
# The clocks go back on Sunday 25 Oct 2026: Monday 19 Oct 09:00 CEST is 07:00 UTC, Monday
# 26 Oct 09:00 CET is 08:00 UTC.
MON_19 = datetime(2026, 10, 19, 7, 0, tzinfo=UTC)
MON_26 = datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
MON_2 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
MON_9 = datetime(2026, 11, 9, 8, 0, tzinfo=UTC)
# certainty maybe, paper, a while, dream yes, recruiter, late rounds elsewhere, slip away.
TAKE_IT = (3, 2, 2, 1, 1, 1, 1)
PASS = (2, 1, 1, 2, 3, 3, 1)
HEADING = TITLE.split(",", 1)[0]


def button(reply: Reply, label: str) -> str:
    """The id of the button labelled `label`, on the reply or one of its items."""
    return next(
        b.id
        for b in (*reply.buttons, *(x for i in reply.items for x in i.buttons))
        if b.label == label
    )


async def decide(me: Transcript, company: str, answers: tuple[int, ...]) -> Reply:
    """A questionnaire about `company` finished now, as the user answers it."""
    await me.start(company)
    return await me.answer_all(*answers)


async def decide_with_interview(me: Transcript, company: str, when: str) -> Reply:
    """A Take it about `company`, with interview reminders for `when`."""
    verdict = await decide(me, company, TAKE_IT)
    await me.press(button(verdict, "Set interview reminders"))
    set_ = await me.say(when)
    assert set_.text.startswith("Interview reminders set"), set_.text
    return set_


def weekly_posts(world: ReminderWorld) -> list[tuple[datetime | None, Reply, str | None]]:
    """The weekly look backs posted: when, what, and where (None: the DM)."""
    return [
        (at, item.message, item.destination.channel)
        for at, item in world.delivery.posts
        if item.message.text.startswith(HEADING)
    ]


async def series(store: SqlStore, owner: UserKey | None = None) -> list[tuple[str, datetime]]:
    """The weekly series' occurrences (of one owner or all), by due time: (status, due)."""
    o, r = occurrences.c, reminders.c
    query = (
        select(o.status, o.due_at)
        .select_from(occurrences.join(reminders, o.reminder_id == r.id))
        .where(r.kind == ReminderKind.WEEKLY.value)
        .order_by(o.due_at, o.id)
    )
    if owner is not None:
        query = query.where(r.user_id == owner.user)
    rows = await store.read(lambda conn: conn.execute(query).all())
    return [(row.status, row.due_at) for row in rows]


async def user_row(store: SqlStore, owner: UserKey) -> Any:
    """The user's row (None when there is none)."""
    query = select(users).where(users.c.user_id == owner.user)
    return await store.read(lambda conn: conn.execute(query).first())


async def owned_rows(store: SqlStore, owner: UserKey) -> int:
    """How many reminders and occurrences the owner has, whatever their state."""
    o, r = occurrences.c, reminders.c
    mine = select(r.id).where(r.user_id == owner.user)
    count_r = await store.read(lambda conn: len(conn.execute(mine).all()))
    query = select(o.id).where(o.reminder_id.in_(mine))
    count_o = await store.read(lambda conn: len(conn.execute(query).all()))
    return count_r + count_o
