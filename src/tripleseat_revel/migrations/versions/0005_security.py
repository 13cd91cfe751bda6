"""security: generated secrets, single-use OAuth nonces, OAuth tokens encrypted at rest

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TOKENS = sa.table(
    "oauth_tokens",
    sa.column("provider", sa.String),
    sa.column("access_token", sa.Text),
    sa.column("refresh_token", sa.Text),
)


def _encrypt_existing_tokens() -> None:
    """With TOKEN_ENCRYPTION_KEY set (migrate.upgrade hands its cipher over), the rows written
    in plain text before this version are encrypted now; without it they stay as they are, are
    read as they are, and are encrypted on their next write once a key is set."""
    cipher = context.config.attributes.get("token_cipher")
    if cipher is None or not cipher.enabled:
        return
    bind = op.get_bind()
    for row in bind.execute(sa.select(TOKENS)).all():
        bind.execute(
            sa.update(TOKENS)
            .where(TOKENS.c.provider == row.provider)
            .values(
                access_token=cipher.encrypt(cipher.decrypt(row.access_token)),
                refresh_token=cipher.encrypt(cipher.decrypt(row.refresh_token)),
            )
        )


def upgrade() -> None:
    op.create_table(
        "app_secrets",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_app_secrets")),
    )
    op.create_table(
        "oauth_states",
        sa.Column("nonce_hash", sa.String(length=64), nullable=False),
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("nonce_hash", name=op.f("pk_oauth_states")),
    )
    _encrypt_existing_tokens()


def downgrade() -> None:
    op.drop_table("oauth_states")
    op.drop_table("app_secrets")
