"""What the managing transcripts share: the moment they start at, the console person, the id of
a button found by its label, and the text and status of every occurrence in the store."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.common.replies import Reply
from bot.common.users import UserKey
from bot.storage.schema import occurrences, reminders
from support.reminders import ReminderWorld

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # Thu 26 Nov, 09:00 in New York
CONSOLE = UserKey("console", "local", "me")


def _button(reply: Reply, label: str, index: int = 0) -> str:
    found = [
        b.id
        for b in (*reply.buttons, *(x for i in reply.items for x in i.buttons))
        if b.label == label
    ]
    return found[index]


def _occurrence(button: str) -> int:
    return int(button.split(":")[1])


async def _statuses(world: ReminderWorld) -> list[tuple[str, str]]:
    def read(conn):  # type: ignore[no-untyped-def]
        query = (
            select(reminders.c.text, occurrences.c.status)
            .select_from(occurrences.join(reminders))
            .order_by(occurrences.c.id)
        )
        return [(row.text, row.status) for row in conn.execute(query).all()]

    return await world.sql.read(read)
