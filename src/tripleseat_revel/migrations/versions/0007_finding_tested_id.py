"""revel findings: the id a finding was tested with (the payment type), so that a finding about
one payment type is not applied to another

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 15:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("revel_findings") as batch:
        batch.add_column(sa.Column("tested_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("revel_findings") as batch:
        batch.drop_column("tested_id")
