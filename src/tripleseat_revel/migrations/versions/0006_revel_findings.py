"""revel findings: what `doctor --probe` found each establishment's Revel to do

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-03 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revel_findings",
        sa.Column("establishment_id", sa.BigInteger(), nullable=False),
        sa.Column("behaviour", sa.String(length=40), nullable=False),
        sa.Column("verdict", sa.String(length=12), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("probe_order_id", sa.BigInteger(), nullable=True),
        sa.Column("probed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("establishment_id", "behaviour"),
    )


def downgrade() -> None:
    op.drop_table("revel_findings")
