"""verified ledger states, content-addressed ops, email outbox

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event_ledger", schema=None) as batch_op:
        batch_op.alter_column("injected_fingerprint", new_column_name="verified_fingerprint")
        batch_op.alter_column("injected_plan", new_column_name="verified_plan")
        batch_op.alter_column("injected_at", new_column_name="verified_at")
        batch_op.add_column(sa.Column("verified_ts_fingerprint", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("order_establishment", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("order_date", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("alert_key", sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column("resolved_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("resolution", sa.Text(), nullable=True))
    _carry_over_the_ledger()
    with op.batch_alter_table("revel_ops", schema=None) as batch_op:
        batch_op.alter_column("op", existing_type=sa.String(length=40), type_=sa.String(length=160))
        batch_op.add_column(sa.Column("answer", sa.JSON(), nullable=True))
    with op.batch_alter_table("email_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=10), nullable=False, server_default="sent"))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("message", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_email_log_status"), ["status"], unique=False)
    with op.batch_alter_table("email_log", schema=None) as batch_op:
        batch_op.alter_column("status", server_default=None)
        batch_op.alter_column("attempts", server_default=None)


def _carry_over_the_ledger() -> None:
    """What the old ledger knew of each order, and only that.

    - Where the order was made and for which day come from the plan it was made to: the old
      `establishment_id` and `event_date` are the event's *current* ones (refreshed on every
      sync), so copying them would hide a move made before the upgrade.
    - An injected order keeps its plan as the verified one, but not the TripleSeat state it was
      verified at: the old `ts_fingerprint` is the state last *seen*, stored on every outcome,
      failures included. Left unknown, the next sync plans once; an unchanged event then still
      compares equal with the plan (no Revel call), a changed one is a drift or an amend.
    - A failed event's order may have been half-amended: its content is unknown, so it has no
      verified plan (the next sync reads Revel and completes it).
    - Any other `injected` row (no plan on record) is pending: synced again, nothing assumed.
    """
    ledger = sa.table(
        "event_ledger",
        sa.column("event_id", sa.BigInteger),
        sa.column("state", sa.String),
        sa.column("verified_plan", sa.JSON),
        sa.column("verified_fingerprint", sa.String),
        sa.column("order_establishment", sa.BigInteger),
        sa.column("order_date", sa.String),
    )
    bind = op.get_bind()
    planned = bind.execute(
        sa.select(ledger.c.event_id, ledger.c.verified_plan).where(ledger.c.verified_plan.is_not(None))
    ).all()
    for event_id, plan in planned:
        plan = plan or {}
        bind.execute(
            ledger.update()
            .where(ledger.c.event_id == event_id)
            .values(order_establishment=plan.get("establishment"), order_date=plan.get("event_date"))
        )
    has_plan = ledger.c.verified_plan.is_not(None)
    bind.execute(ledger.update().where(ledger.c.state == "injected", has_plan).values(state="verified"))
    bind.execute(
        ledger.update()
        .where(ledger.c.state == "failed", has_plan)
        .values(verified_plan=sa.null(), verified_fingerprint=None)
    )
    bind.execute(ledger.update().where(ledger.c.state == "injected").values(state="pending"))


def downgrade() -> None:
    with op.batch_alter_table("email_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_email_log_status"))
        batch_op.drop_column("message")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("attempts")
        batch_op.drop_column("status")
    with op.batch_alter_table("revel_ops", schema=None) as batch_op:
        batch_op.drop_column("answer")
        batch_op.alter_column("op", existing_type=sa.String(length=160), type_=sa.String(length=40))
    op.execute("UPDATE event_ledger SET state = 'injected' WHERE state = 'verified'")
    with op.batch_alter_table("event_ledger", schema=None) as batch_op:
        for column in ("resolution", "resolved_at", "resolved_by", "alert_key", "order_date"):
            batch_op.drop_column(column)
        batch_op.drop_column("order_establishment")
        batch_op.drop_column("verified_ts_fingerprint")
        batch_op.alter_column("verified_at", new_column_name="injected_at")
        batch_op.alter_column("verified_plan", new_column_name="injected_plan")
        batch_op.alter_column("verified_fingerprint", new_column_name="injected_fingerprint")
