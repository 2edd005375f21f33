"""Users, conversation sessions, the history of verdicts and handled deliveries.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _key(primary: bool) -> list[sa.Column[str]]:
    return [
        sa.Column("platform", sa.String(16), primary_key=primary, nullable=False),
        sa.Column("workspace", sa.String(64), primary_key=primary, nullable=False),
        sa.Column("user_id", sa.String(64), primary_key=primary, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "users",
        *_key(True),
        sa.Column("timezone", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "sessions",
        *_key(True),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        *_key(False),
        sa.Column("conversation_id", sa.String(32), nullable=False),
        sa.Column("company", sa.Text, nullable=True),
        sa.Column("role", sa.Text, nullable=True),
        sa.Column("answers", sa.Text, nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_history_user", "history", ["platform", "workspace", "user_id", "finished_at"]
    )
    op.create_table(
        "seen_events",
        sa.Column("event_id", sa.String(128), primary_key=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_seen_events_seen_at", "seen_events", ["seen_at"])


def downgrade() -> None:
    op.drop_table("seen_events")
    op.drop_table("history")
    op.drop_table("sessions")
    op.drop_table("users")
