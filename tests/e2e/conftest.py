"""Fixtures of the end-to-end tests beyond the shared ones (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FAST
from tests.fixtures.connector_api import amend_locations
from tests.fixtures.harness import Connector, running_connector
from tripleseat_revel.sandbox.server import SandboxServer


@pytest.fixture
def amending(sandbox: SandboxServer, tmp_path: Path) -> Iterator[Connector]:
    """A connector whose locations amend orders when their events change (`on_change = "amend"`)."""
    with running_connector(
        sandbox, tmp_path, LOCATIONS_FILE=str(amend_locations(tmp_path)), **FAST
    ) as running:
        yield running


@pytest.fixture
def refunding(sandbox: SandboxServer, tmp_path: Path) -> Iterator[Connector]:
    """An amending connector that writes refunds as negative payments (`REVEL_REFUNDS=true`)."""
    locations = str(amend_locations(tmp_path))
    with running_connector(
        sandbox, tmp_path, LOCATIONS_FILE=locations, REVEL_REFUNDS="true", **FAST
    ) as running:
        yield running
