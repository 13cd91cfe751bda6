"""alert episodes: an alert's email is once per episode of the event, not once for ever

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing rows start at episode 0, whose email keys are the ones sent so far: an alert that
    # is open now is not emailed again by the upgrade.
    with op.batch_alter_table("event_ledger", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alert_episode", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("event_ledger", schema=None) as batch_op:
        batch_op.alter_column("alert_episode", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("event_ledger", schema=None) as batch_op:
        batch_op.drop_column("alert_episode")
