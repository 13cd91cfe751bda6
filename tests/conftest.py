"""Shared fixtures: a simulated vendor world served on localhost, and the connector against it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TypedDict

import httpx
import pytest

from tests.fixtures.harness import Connector, running_connector
from tests.web.dashboard.conftest import Dashboard
from tripleseat_revel import migrate
from tripleseat_revel.db import Database
from tripleseat_revel.sandbox.faults import RateLimitSettings
from tripleseat_revel.sandbox.server import SandboxServer, serve_in_thread
from tripleseat_revel.sandbox.world import SandboxWorld


class RateOverrides(TypedDict):
    """Settings passed as `**FAST`; a TypedDict so its keys cannot be mistaken for other arguments."""

    TRIPLESEAT_RATE_PER_SECOND: int
    REVEL_RATE_PER_MINUTE: int
    RETRY_BASE_SECONDS: float


# Tests raise the vendors' limits (on both sides) and shorten the pauses between retries so they
# run fast; the benchmarks and the rate limit tests keep the real ones.
FAST = RateOverrides(TRIPLESEAT_RATE_PER_SECOND=200, REVEL_RATE_PER_MINUTE=60_000, RETRY_BASE_SECONDS=0.2)

# The tests that take tens of seconds each (measured with `pytest --durations`), run first:
# `make test` hands the suite out to 4 processes a test at a time, and one of these started last
# would be the whole run's tail.
LONG_FIRST = (
    "tests/chaos/",
    "tests/cli/test_demo.py",
    "tests/scale/",
    "tests/bench/test_smoke.py",
    "tests/e2e/test_crash_recovery.py",
    "tests/web/test_openapi.py",
    "tests/model/",
)


def _long_rank(item: pytest.Item) -> int:
    path = item.nodeid
    return next((i for i, prefix in enumerate(LONG_FIRST) if path.startswith(prefix)), len(LONG_FIRST))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_long_rank)  # stable: the rest keep their order


@pytest.fixture
def migrated_db(tmp_path: Path) -> Iterator[Database]:
    """An empty SQLite database with the connector's tables."""
    database = Database(f"sqlite:///{tmp_path / 'connector.db'}")
    migrate.upgrade(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def world() -> SandboxWorld:
    return SandboxWorld(
        seed=42,
        tripleseat_rate_limit=RateLimitSettings(limit=200, window_seconds=1),
        revel_rate_limit=RateLimitSettings(limit=1000, window_seconds=1),
    )


@pytest.fixture
def sandbox(world: SandboxWorld) -> Iterator[SandboxServer]:
    server = serve_in_thread(world)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def connector(sandbox: SandboxServer, tmp_path: Path) -> Iterator[Connector]:
    with running_connector(sandbox, tmp_path, **FAST) as running:
        yield running


@pytest.fixture
def operator(connector: Connector) -> Iterator[Dashboard]:
    """The connector's dashboard, logged in as an operator named Maria."""
    with httpx.Client(base_url=connector.web.url, follow_redirects=False, timeout=60) as client:
        dashboard = Dashboard(connector.rt, client)
        assert dashboard.login(name="Maria").status_code == 303
        yield dashboard
