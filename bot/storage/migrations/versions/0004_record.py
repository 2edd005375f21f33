"""What the record's features keep per user: when they last exported it (exports are limited to
one a minute per user, across every instance) and when the weekly look back was offered (it is
offered once, after the first recorded outcome). The weekly look back itself is a reminder of
its own kind, in the reminders tables.

Nullable columns only, so 0003's code runs on this schema unchanged (`schema_compat.oldest` is
set to 0003). A 0003 instance would post a weekly look back due in the rolling window as a plain
reminder with its stored text; it does not read the new columns.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("exported_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("weekly_offered_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE schema_compat SET oldest = '0003'")


def downgrade() -> None:
    op.execute("UPDATE schema_compat SET oldest = '0002'")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("weekly_offered_at")
        batch.drop_column("exported_at")
