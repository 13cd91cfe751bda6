"""Apply the Alembic migrations shipped inside the package (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from tripleseat_revel.kit.crypto import TokenCipher

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(
    connection: sa.Connection | None = None, token_cipher: TokenCipher | None = None
) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    config.attributes["token_cipher"] = token_cipher
    return config


def upgrade(engine: sa.Engine, revision: str = "head", *, token_cipher: TokenCipher | None = None) -> None:
    """Bring the application tables to `revision` (idempotent; serialised by the database).
    `token_cipher` (from TOKEN_ENCRYPTION_KEY) encrypts secrets stored in plain text before."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Two replicas starting together must not both run a migration.
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(727100)"))
        command.upgrade(alembic_config(connection, token_cipher), revision)


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def revision_autogenerate(engine: sa.Engine, message: str) -> None:
    """Developer helper: write a new migration from the model changes."""
    with engine.begin() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=True)
