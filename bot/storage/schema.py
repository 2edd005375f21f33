"""The tables, in SQLAlchemy Core; migrations in bot/migrations create them."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()


def _key_columns(primary: bool) -> list[Column[str]]:
    return [
        Column("platform", String(16), primary_key=primary, nullable=False),
        Column("workspace", String(64), primary_key=primary, nullable=False),
        Column("user_id", String(64), primary_key=primary, nullable=False),
    ]


users = Table(
    "users",
    metadata,
    *_key_columns(True),
    Column("timezone", String(64), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    *_key_columns(True),
    Column("state", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

history = Table(
    "history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    *_key_columns(False),
    Column("conversation_id", String(32), nullable=False),
    Column("company", Text, nullable=True),
    Column("role", Text, nullable=True),
    Column("answers", Text, nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("score", Integer, nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Index("ix_history_user", "platform", "workspace", "user_id", "finished_at"),
)

# Platform deliveries already handled (Slack retries, gateway replays): the first claim wins.
seen_events = Table(
    "seen_events",
    metadata,
    Column("event_id", String(128), primary_key=True),
    Column("seen_at", DateTime(timezone=True), nullable=False, index=True),
)
