"""An OAuth state is consumed once even when callbacks race (issue 12 review): consuming is one
atomic UPDATE that only an unused, unexpired state of that session matches, on SQLite as on
PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.fixtures.postgres import fresh_database
from tripleseat_revel import migrate
from tripleseat_revel.db import Database
from tripleseat_revel.integrations.tripleseat.onboarding import OnboardingError, consume_state, issue_state

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
RACERS = 8


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'app.db'}")
        migrate.upgrade(db.engine)
        yield db
        db.dispose()
        return
    with fresh_database() as url:
        db = Database(url)
        migrate.upgrade(db.engine)
        yield db
        db.dispose()


def _race(db: Database, state: str, session_key: str) -> list[str]:
    start = threading.Barrier(RACERS)
    outcomes: list[str] = []

    def callback() -> None:
        start.wait()
        try:
            consume_state(db, state, session_key, NOW)
            outcomes.append("ok")
        except OnboardingError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=callback) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


@pytest.mark.parametrize("round_", range(5))
def test_racing_callbacks_consume_a_state_exactly_once(database: Database, round_: int) -> None:
    state = issue_state(database, f"session-{round_}", NOW)

    outcomes = _race(database, state, f"session-{round_}")

    assert len(outcomes) == RACERS
    assert outcomes.count("ok") == 1, outcomes
    assert all("already used" in o for o in outcomes if o != "ok")


def test_each_refusal_still_says_why(database: Database) -> None:
    state = issue_state(database, "mine", NOW)
    refusals = []
    for args in [
        ("not-a-state", "mine", NOW),
        (state, "theirs", NOW),
        (state, "mine", NOW + timedelta(hours=1)),
    ]:
        with pytest.raises(OnboardingError) as caught:
            consume_state(database, *args)
        refusals.append(str(caught.value))
    consume_state(database, state, "mine", NOW)

    assert [
        "not ours" in refusals[0],
        "another dashboard session" in refusals[1],
        "expired" in refusals[2],
    ] == [
        True,
        True,
        True,
    ]
