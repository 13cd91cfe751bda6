"""Upgrading a ledger written by an older version keeps what it knew true, and nothing more: on
SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.fixtures.postgres import fresh_database
from tripleseat_revel import migrate
from tripleseat_revel.db import Database
from tripleseat_revel.models import EventRecord

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'upgrade.db'}")
        yield db
        db.dispose()
        return
    with fresh_database() as url:
        db = Database(url)
        yield db
        db.dispose()


def _insert(db: Database, event_id: int, **columns: Any) -> None:
    """A ledger row as the older version's code left it (raw SQL: its columns, not our model's)."""
    values = {"event_id": event_id, "attempts": 1, "created_at": NOW, "updated_at": NOW, **columns}
    names = ", ".join(values)
    params = ", ".join(f":{name}" for name in values)
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"INSERT INTO event_ledger ({names}) VALUES ({params})"), values)


def _row(db: Database, event_id: int) -> EventRecord:
    with db.session() as session:
        record = session.get(EventRecord, event_id)
        assert record is not None
        session.expunge(record)
        return record


def test_an_open_alert_keeps_its_episode_and_so_its_email_key(database: Database) -> None:
    migrate.upgrade(database.engine, "0003")
    key = "7:failure:0123456789abcdef"
    _insert(database, 7, state="failed", outcome="FAILED_UNMAPPED", alert_key=key)

    migrate.upgrade(database.engine)

    record = _row(database, 7)
    assert (record.state, record.alert_key, record.alert_episode) == ("failed", key, 0)
