"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25 16:18:11.612812
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("correlation_id", sa.String(length=40), nullable=True),
        sa.Column("workflow_id", sa.String(length=120), nullable=True),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_event_at", ["event_id", "id"], unique=False)

    op.create_table(
        "email_log",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("transport", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_email_log")),
    )
    with op.batch_alter_table("email_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_email_log_event_id"), ["event_id"], unique=False)

    op.create_table(
        "event_ledger",
        sa.Column("event_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("event_date", sa.String(length=10), nullable=True),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ts_status", sa.String(length=20), nullable=True),
        sa.Column("ts_updated_at", sa.String(length=40), nullable=True),
        sa.Column("ts_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("site_id", sa.BigInteger(), nullable=True),
        sa.Column("location_id", sa.BigInteger(), nullable=True),
        sa.Column("location_name", sa.String(length=200), nullable=True),
        sa.Column("establishment_id", sa.BigInteger(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("local_id", sa.String(length=80), nullable=True),
        sa.Column("revel_order_id", sa.BigInteger(), nullable=True),
        sa.Column("plan_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("plan", sa.JSON(), nullable=True),
        sa.Column("injected_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("injected_plan", sa.JSON(), nullable=True),
        sa.Column("injected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("drift", sa.JSON(), nullable=True),
        sa.Column("unmapped", sa.JSON(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("correlation_id", sa.String(length=40), nullable=True),
        sa.Column("last_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_ledger")),
    )
    with op.batch_alter_table("event_ledger", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_ledger_event_date"), ["event_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_ledger_state"), ["state"], unique=False)

    op.create_table(
        "oauth_tokens",
        sa.Column("provider", sa.String(length=40), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=True),
        sa.Column("refresh_token", sa.Text(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("provider", name=op.f("pk_oauth_tokens")),
    )
    op.create_table(
        "product_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("menu_item_id", sa.BigInteger(), nullable=False),
        sa.Column("establishment_id", sa.BigInteger(), nullable=True),
        sa.Column("item_name", sa.String(length=300), nullable=True),
        sa.Column("revel_product", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_mappings")),
        sa.UniqueConstraint(
            "menu_item_id",
            "establishment_id",
            name=op.f("uq_product_mappings_menu_item_id_establishment_id"),
        ),
    )
    op.create_table(
        "rate_limits",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("tat", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_rate_limits")),
    )
    op.create_table(
        "revel_ops",
        sa.Column("local_id", sa.String(length=80), nullable=False),
        sa.Column("op", sa.String(length=40), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("revel_id", sa.BigInteger(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("local_id", "op", name=op.f("pk_revel_ops")),
    )
    with op.batch_alter_table("revel_ops", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revel_ops_event_id"), ["event_id"], unique=False)

    op.create_table(
        "switches",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_switches")),
    )
    op.create_table(
        "sync_pending",
        sa.Column("event_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("workflow_id", sa.String(length=120), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("collapsed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_sync_pending")),
    )
    op.create_table(
        "sync_runs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
    )
    op.create_table(
        "webhook_inbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("delivery_key", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trigger", sa.String(length=60), nullable=True),
        sa.Column("event_id", sa.BigInteger(), nullable=True),
        sa.Column("actionable", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("signature_scheme", sa.String(length=20), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("workflow_id", sa.String(length=120), nullable=True),
        sa.Column("correlation_id", sa.String(length=40), nullable=True),
        sa.Column("deliveries", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_inbox")),
        sa.UniqueConstraint("delivery_key", name=op.f("uq_webhook_inbox_delivery_key")),
    )
    with op.batch_alter_table("webhook_inbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_inbox_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_webhook_inbox_received_at"), ["received_at"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("webhook_inbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_inbox_received_at"))
        batch_op.drop_index(batch_op.f("ix_webhook_inbox_event_id"))

    op.drop_table("webhook_inbox")
    op.drop_table("sync_runs")
    op.drop_table("sync_pending")
    op.drop_table("switches")
    with op.batch_alter_table("revel_ops", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revel_ops_event_id"))

    op.drop_table("revel_ops")
    op.drop_table("rate_limits")
    op.drop_table("product_mappings")
    op.drop_table("oauth_tokens")
    with op.batch_alter_table("event_ledger", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_ledger_state"))
        batch_op.drop_index(batch_op.f("ix_event_ledger_event_date"))

    op.drop_table("event_ledger")
    with op.batch_alter_table("email_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_email_log_event_id"))

    op.drop_table("email_log")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_event_at")

    op.drop_table("audit_log")
