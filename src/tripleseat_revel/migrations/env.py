"""Alembic environment: runs on the connection handed over in config attributes (migrate.py)."""

from __future__ import annotations

from typing import Any

from alembic import context

from tripleseat_revel.models import Base

config = context.config
target_metadata = Base.metadata
OUR_TABLES = set(Base.metadata.tables)


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    # The database also holds DBOS's system tables (same SQLite file); they are not ours to manage.
    if type_ == "table":
        return name in OUR_TABLES
    return True


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
