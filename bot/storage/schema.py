"""The tables, in SQLAlchemy Core; migrations in bot/storage/migrations create them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData()


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware time, always written in UTC and read back aware. SQLite keeps no offset
    and compares times as text, so a time in any other zone would sort wrongly there."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("times are stored timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


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
    Column("created_at", UtcDateTime(), nullable=False),
    # Discord: the user's DM channel with the bot, for any instance to post reminders to.
    Column("dm_channel", String(32), nullable=True),
    # The user's last export (one a minute per user), and when the weekly look back was offered.
    Column("exported_at", UtcDateTime(), nullable=True),
    Column("weekly_offered_at", UtcDateTime(), nullable=True),
)

sessions = Table(
    "sessions",
    metadata,
    *_key_columns(True),
    Column("state", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
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
    Column("finished_at", UtcDateTime(), nullable=False),
    # What the user reported at the follow-up: offer, next, waiting, rejected, skipped.
    Column("outcome", String(16), nullable=True),
    Column("outcome_at", UtcDateTime(), nullable=True),
    Index("ix_history_user", "platform", "workspace", "user_id", "finished_at"),
)

# Platform deliveries already handled (Slack retries, gateway replays): the first claim wins.
seen_events = Table(
    "seen_events",
    metadata,
    Column("event_id", String(128), primary_key=True),
    Column("seen_at", UtcDateTime(), nullable=False, index=True),
)

# The oldest schema revision whose code can still run on this database (rolling upgrades).
schema_compat = Table(
    "schema_compat",
    metadata,
    Column("oldest", String(16), primary_key=True, nullable=False),
)

# The next free moment to post in each channel, shared by every instance (bot.reminders.lanes):
# seconds since the epoch on the database's clock.
channel_lanes = Table(
    "channel_lanes",
    metadata,
    Column("platform", String(16), primary_key=True, nullable=False),
    Column("workspace", String(64), primary_key=True, nullable=False),
    Column("channel", String(64), primary_key=True, nullable=False),
    Column("free_at", Float(), nullable=False),
)

# Where each Slack workspace or Discord server wants reminders posted by default.
workspaces = Table(
    "workspaces",
    metadata,
    Column("platform", String(16), primary_key=True, nullable=False),
    Column("workspace", String(64), primary_key=True, nullable=False),
    Column("job_hunt_channel", String(64), nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# A reminder as the user made it: one row for a one-off, a recurring series or an interview.
reminders = Table(
    "reminders",
    metadata,
    Column("id", String(16), primary_key=True),
    *_key_columns(False),
    # None: the owner's DM; otherwise the platform's channel id.
    Column("channel", String(64), nullable=True),
    Column("text", Text, nullable=False),
    # Prep tips for an interview's reminders, one per line.
    Column("notes", Text, nullable=True),
    Column("kind", String(16), nullable=False),
    # RFC 5545 RRULE body for recurring reminders, read in `timezone`'s wall-clock time.
    Column("rule", String(200), nullable=True),
    Column("timezone", String(64), nullable=False),
    Column("conversation_id", String(32), nullable=True),
    # An interview's start.
    Column("event_at", UtcDateTime(), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    # Set when the series is stopped, so that a claim in flight makes no next occurrence.
    Column("cancelled_at", UtcDateTime(), nullable=True),
    Index("ix_reminders_owner", "platform", "workspace", "user_id"),
    Index("ix_reminders_channel", "platform", "workspace", "channel"),
)

# The statuses an occurrence can still be claimed in. Written out as SQL so that SQLite can see
# that a query's condition implies the partial index's and use the index.
ACTIVE_SQL = "status IN ('pending', 'claimed')"

# One post of a reminder: the unit the scheduler claims, delivers and records.
occurrences = Table(
    "occurrences",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "reminder_id",
        String(16),
        ForeignKey("reminders.id", ondelete="CASCADE"),
        nullable=False,
    ),
    # Copied from the reminder so a scheduler can claim only the platforms it serves.
    Column("platform", String(16), nullable=False),
    # once, repeat, before (an interview's reminder), followup.
    Column("role", String(16), nullable=False),
    Column("due_at", UtcDateTime(), nullable=False),
    # When it may next be claimed: its due time, a retry time, or the end of a claim's lease.
    Column("ready_at", UtcDateTime(), nullable=False),
    # pending, claimed, sent, late, missed, failed, cancelled.
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    # Series id + occurrence time: the same post never gets two keys, two posts never one.
    Column("delivery_key", String(32), nullable=False, unique=True),
    Column("done_at", UtcDateTime(), nullable=True),
    # When a missed occurrence was listed to its owner.
    Column("reported_at", UtcDateTime(), nullable=True),
    # Only active rows are indexed, so finding what is due costs what is due, not what is stored.
    Index(
        "ix_occurrences_ready",
        "ready_at",
        sqlite_where=text(ACTIVE_SQL),
        postgresql_where=text(ACTIVE_SQL),
    ),
    Index("ix_occurrences_reminder", "reminder_id"),
)
