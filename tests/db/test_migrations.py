"""Alembic migrations run on SQLite and on PostgreSQL, and leave no drift from the models."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.command import downgrade
from alembic.runtime.migration import MigrationContext

from tripleseat_revel import migrate
from tripleseat_revel.db import Database
from tripleseat_revel.models import Base


def _drift(db: Database) -> list[object]:
    ours = set(Base.metadata.tables)
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_object": lambda obj, name, type_, *_: type_ != "table" or name in ours,
            },
        )
        return list(compare_metadata(context, Base.metadata))


def test_upgrade_to_head_creates_every_table_without_drift(database: Database) -> None:
    migrate.upgrade(database.engine)

    assert migrate.current_revision(database.engine) == migrate.head_revision()
    assert set(Base.metadata.tables) <= set(sa.inspect(database.engine).get_table_names())
    assert _drift(database) == []


def test_upgrade_is_idempotent_and_downgrade_round_trips(database: Database) -> None:
    migrate.upgrade(database.engine)
    migrate.upgrade(database.engine)
    with database.engine.begin() as conn:
        downgrade(migrate.alembic_config(conn), "base")
    assert not set(Base.metadata.tables) & set(sa.inspect(database.engine).get_table_names())

    migrate.upgrade(database.engine)
    assert _drift(database) == []
