"""An empty database for each test, on SQLite and on PostgreSQL (skipped without a server, except
under CI=true: tests/fixtures/postgres.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.postgres import fresh_database
from tripleseat_revel.db import Database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'app.db'}")
        yield db
        db.dispose()
        return
    with fresh_database() as url:
        db = Database(url)
        yield db
        db.dispose()
