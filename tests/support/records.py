"""Records made straight in the database for the export's tests and bench: finished
questionnaires (history rows) without playing each one through the chat."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert

from bot.common.users import UserKey
from bot.storage.schema import history
from bot.storage.sql import SqlStore

# One answer to each of the seven questions (a TAKE IT).
ANSWERS = {
    "certainty": "maybe",
    "insight": "paper",
    "rust": "while",
    "dream": "yes",
    "interviewer": "recruiter",
    "pending": "late",
    "cost": "sneak",
}


def history_rows(key: UserKey, count: int, start: datetime, **columns: Any) -> list[dict[str, Any]]:
    """`count` finished questionnaires of `key`, an hour apart from `start`."""
    return [
        {
            "platform": key.platform,
            "workspace": key.workspace,
            "user_id": key.user,
            "conversation_id": f"c{number:07d}",
            "company": f"Company {number}",
            "role": "Analyst",
            "answers": json.dumps(ANSWERS, sort_keys=True),
            "verdict": "TAKE IT",
            "score": 7,
            "finished_at": start + timedelta(hours=number),
            **columns,
        }
        for number in range(count)
    ]


async def seed_history(sql: SqlStore, rows: list[dict[str, Any]]) -> None:
    """Insert history rows as they are."""

    def run(conn: Connection) -> None:
        conn.execute(insert(history), rows)

    await sql.write(run)
