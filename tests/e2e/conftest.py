"""Fixtures of the end-to-end tests beyond the shared ones (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FAST
from tests.fixtures.connector_api import amend_locations
from tests.fixtures.harness import Connector, running_connector
from tripleseat_revel.sandbox.server import SandboxServer


@contextmanager
def amending_connector(sandbox: SandboxServer, tmp_path: Path, **settings: Any) -> Iterator[Connector]:
    """A connector whose locations amend orders when their events change (`on_change = "amend"`),
    with `settings` on top."""
    locations = str(amend_locations(tmp_path))
    with running_connector(sandbox, tmp_path, LOCATIONS_FILE=locations, **settings, **FAST) as running:
        yield running


@pytest.fixture
def amending(sandbox: SandboxServer, tmp_path: Path) -> Iterator[Connector]:
    """A connector whose locations amend orders when their events change (`on_change = "amend"`)."""
    with amending_connector(sandbox, tmp_path) as running:
        yield running


@pytest.fixture
def refunding(sandbox: SandboxServer, tmp_path: Path) -> Iterator[Connector]:
    """An amending connector that writes refunds as negative payments (`REVEL_REFUNDS=true`)."""
    with amending_connector(sandbox, tmp_path, REVEL_REFUNDS="true") as running:
        yield running
