"""The statements of every turn (load, save, claim) in plain SQL on the driver's connection.

A turn runs three of them. Through SQLAlchemy's execution layer each cost more CPU than
SQLite's own work, and on the event loop's thread that CPU is every other user's wait, so these
few go to the DBAPI cursor directly; everything else stays in SQLAlchemy Core. The SQL is
written once with `:name` parameters and rewritten to psycopg's `%(name)s` for PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

_KEY = "platform = :platform AND workspace = :workspace AND user_id = :user_id"
LOAD = f"SELECT state, version FROM sessions WHERE {_KEY}"
INSERT_SESSION = (
    "INSERT INTO sessions (platform, workspace, user_id, state, version, updated_at) "
    "VALUES (:platform, :workspace, :user_id, :state, :version, :now) "
    "ON CONFLICT DO NOTHING RETURNING version"
)
UPDATE_SESSION = (
    "UPDATE sessions SET state = :state, version = :version, updated_at = :now "
    f"WHERE {_KEY} AND version = :expected"
)
INSERT_SEEN = (
    "INSERT INTO seen_events (event_id, seen_at) VALUES (:event_id, :now) "
    "ON CONFLICT DO NOTHING RETURNING event_id"
)
_PARAMETER = re.compile(r":(\w+)")


class Statements:
    """The hot statements in the form the connection's driver takes."""

    def __init__(self, dialect: str) -> None:
        self.sqlite = dialect == "sqlite"
        convert = (lambda sql: sql) if self.sqlite else _pyformat
        self.load = convert(LOAD)
        self.insert_session = convert(INSERT_SESSION)
        self.update_session = convert(UPDATE_SESSION)
        self.insert_seen = convert(INSERT_SEEN)

    def time(self, value: datetime) -> Any:
        """A time as the schema's UtcDateTime stores it: on SQLite the text SQLAlchemy writes
        (UTC, no offset, so that times compare as text), on PostgreSQL the aware value."""
        if self.sqlite:
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return value

    @staticmethod
    def execute(conn: Connection, sql: str, params: dict[str, Any]) -> Any:
        """Run one statement on the driver's connection; returns its cursor."""
        raw: Any = conn.connection.driver_connection
        return raw.execute(sql, params)


def _pyformat(sql: str) -> str:
    return _PARAMETER.sub(r"%(\1)s", sql)
