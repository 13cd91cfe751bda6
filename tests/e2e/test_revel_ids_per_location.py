"""Each location's orders are made with its own Revel ids ([location.revel] over [revel]): the
dining option, payment type, user and POS station written are the location's, end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FAST
from tests.fixtures.events import due_event
from tests.fixtures.harness import running_connector
from tests.fixtures.sandbox_api import orders_for
from tripleseat_revel.integrations.revel.schemas import id_from_uri
from tripleseat_revel.sandbox.server import SandboxServer
from tripleseat_revel.sandbox.world import LOCATIONS_FILE

pytestmark = pytest.mark.e2e

# Location 20271 (establishment 8) gets ids of its own; the others keep the file-wide [revel].
OWN_IDS = "[location.revel]\ndining_option = 114\npayment_type = 237\nuser = 7\npos_station = 5\n"


def own_ids_file(tmp_path: Path) -> Path:
    text = LOCATIONS_FILE.read_text(encoding="utf-8")
    first_end = text.index("test_establishment = 4\n") + len("test_establishment = 4\n")
    path = tmp_path / "locations.toml"
    path.write_text(text[:first_end] + OWN_IDS + text[first_end:], encoding="utf-8")
    return path


def written_ids(order: dict[str, Any]) -> tuple[int, int, int | None, int | None]:
    return (
        order["dining_option"],
        order["payments"][0]["payment_type"],
        id_from_uri(order["created_by"]),
        id_from_uri(order["created_at"]),
    )


def test_each_location_writes_its_own_ids(sandbox: SandboxServer, tmp_path: Path) -> None:
    catering = due_event(sandbox)  # location 20271
    harbor = due_event(sandbox, name="Harbor Dinner", location_id=20281)
    with running_connector(sandbox, tmp_path, LOCATIONS_FILE=str(own_ids_file(tmp_path)), **FAST) as c:
        for event in (catering, harbor):
            assert c.sync(event["id"]).json()["events"][0]["outcome"] == "INJECTED"
    (catering_order,) = orders_for(sandbox, catering["id"])
    (harbor_order,) = orders_for(sandbox, harbor["id"])
    assert written_ids(catering_order) == (114, 237, 7, 5)
    assert written_ids(harbor_order) == (113, 236, 1, 4)
