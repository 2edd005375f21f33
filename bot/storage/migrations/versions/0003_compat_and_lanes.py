"""Record which older releases can still run on the schema, for rolling upgrades; the
channels' posting turns, shared by every instance; and users' Discord DM channels.

While instances are replaced one by one, the first new one upgrades the schema and the old ones
go on running on it. Every migration keeps the schema usable by the release before it (it adds
tables, nullable columns or columns with defaults, and drops or renames nothing the previous
release reads) and sets `schema_compat.oldest` to the oldest revision whose code still works
with it. An instance finding a newer schema runs on it if its own revision is at least that
old, and refuses to start otherwise.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "schema_compat",
        sa.Column("oldest", sa.String(16), primary_key=True, nullable=False),
    )
    # Nothing that 0002's code reads has changed.
    op.bulk_insert(table, [{"oldest": "0002"}])
    op.create_table(
        "channel_lanes",
        sa.Column("platform", sa.String(16), primary_key=True, nullable=False),
        sa.Column("workspace", sa.String(64), primary_key=True, nullable=False),
        sa.Column("channel", sa.String(64), primary_key=True, nullable=False),
        sa.Column("free_at", sa.Float(), nullable=False),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("dm_channel", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("dm_channel")
    op.drop_table("channel_lanes")
    op.drop_table("schema_compat")
