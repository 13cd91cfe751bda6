"""`tripleseat-revel locations init` as a user runs it: a process reading the served simulators
over HTTP, writing a locations file the connector then works with."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FAST
from tests.fixtures.harness import connector_env, run_cli, running_connector
from tests.fixtures.sandbox_api import orders_for, writes
from tripleseat_revel.config import LocationsConfig, load_locations_file
from tripleseat_revel.integrations.revel.schemas import id_from_uri
from tripleseat_revel.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e

# The seeded accounts: TripleSeat location -> (Revel establishment, test establishment, zone).
EXPECTED = [
    (15691, 20271, 8, 4, "America/Los_Angeles"),
    (15691, 20272, 9, 4, "America/Los_Angeles"),
    (15692, 20281, 12, 14, "America/New_York"),
]
SEEDED_IDS = {"dining_option": 113, "payment_type": 236, "discount": 3358, "user": 1, "pos_station": 4}
# Today's events of the demo world, one or more per configured location.
DEMO_EVENTS = (55521609, 55521611, 55521613, 55521614, 55521615, 55521617, 55521618, 55521620)


def init(
    sandbox: SandboxServer, tmp_path: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = connector_env(sandbox, f"sqlite:///{tmp_path / 'init.db'}", tmp_path, **FAST)
    env["LOCATIONS_FILE"] = str(tmp_path / "locations.toml")
    return run_cli(
        "locations",
        "init",
        *args,
        env={**os.environ, **env, "COLUMNS": "120"},
        cwd=tmp_path,
        stdin=stdin if stdin is not None else "",
    )


def said(done: subprocess.CompletedProcess[str]) -> str:
    """What the command printed, on both streams, with Rich's line wrapping undone."""
    return " ".join((done.stdout + done.stderr).split())


def summary(config: LocationsConfig) -> list[tuple[Any, ...]]:
    return [
        (
            loc.tripleseat_site_id,
            loc.tripleseat_location_id,
            loc.revel_establishment,
            loc.test_establishment,
            loc.timezone,
        )
        for loc in config.location
    ]


def test_yes_writes_a_file_the_connector_loads(sandbox: SandboxServer, tmp_path: Path) -> None:
    done = init(sandbox, tmp_path, "--yes")

    assert done.returncode == 0, done.stdout + done.stderr
    path = tmp_path / "locations.toml"
    config = load_locations_file(path)
    assert summary(config) == EXPECTED  # the Rooftop location, with no POS, is left out
    assert [config.revel_for(loc).model_dump() for loc in config.location] == 3 * [SEEDED_IDS]
    text = path.read_text(encoding="utf-8")
    assert 'SUGGESTION: Revel establishment "Pacific Catering Kitchen"' in text
    assert '114 "Catering Pickup"' in text  # the alternatives are listed
    assert "20289" in text and "no Revel establishment's name resembles it" in text
    assert writes(sandbox) == []  # init only reads: no write of any kind reached Revel


def test_the_written_file_injects_the_demo_events_correctly(sandbox: SandboxServer, tmp_path: Path) -> None:
    assert init(sandbox, tmp_path, "--yes").returncode == 0
    path = tmp_path / "locations.toml"
    config = load_locations_file(path)
    injected: dict[int, int] = {}
    with running_connector(sandbox, tmp_path, LOCATIONS_FILE=str(path), **FAST) as connector:
        for event_id in DEMO_EVENTS:
            result = connector.sync(event_id).json()["events"][0]
            if result["outcome"] == "INJECTED":
                injected[event_id] = result["revel_order_id"]
    assert len(injected) >= 4
    for event_id, order_id in injected.items():
        event = sandbox.world.tripleseat.events[event_id]
        location = config.find(location_id=event.location_id, site_id=None)
        assert location is not None
        ids = config.revel_for(location)
        (order,) = orders_for(sandbox, event_id)
        assert order["id"] == order_id
        assert id_from_uri(order["establishment"]) == location.revel_establishment
        assert order["dining_option"] == ids.dining_option
        assert {p["payment_type"] for p in order["payments"]} <= {ids.payment_type}
        assert id_from_uri(order["created_at"]) == ids.pos_station
    establishments = {id_from_uri(o["establishment"]) for e in injected for o in orders_for(sandbox, e)}
    assert establishments == {8, 9, 12}


def test_an_existing_file_is_not_overwritten_without_force(sandbox: SandboxServer, tmp_path: Path) -> None:
    path = tmp_path / "locations.toml"
    path.write_text("# mine\n", encoding="utf-8")

    refused = init(sandbox, tmp_path, "--yes")

    assert refused.returncode == 1
    assert "exists; it is only overwritten with --force" in said(refused)
    assert path.read_text(encoding="utf-8") == "# mine\n"
    forced = init(sandbox, tmp_path, "--yes", "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert summary(load_locations_file(path)) == EXPECTED


def test_output_writes_elsewhere(sandbox: SandboxServer, tmp_path: Path) -> None:
    done = init(sandbox, tmp_path, "--yes", "--output", "conf/starter.toml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert summary(load_locations_file(tmp_path / "conf" / "starter.toml")) == EXPECTED
    assert not (tmp_path / "locations.toml").exists()


def test_answers_on_the_terminal_change_the_suggestions(sandbox: SandboxServer, tmp_path: Path) -> None:
    answers = [
        "",
        "",
        "n",
        "114",
        "237",
        "",
        "7",
        "",  # 20271: its suggestions, then other ids by hand
        "",
        "none",
        "y",  # 20272: no test establishment
        "none",  # 20281: left out
        "",  # 20289: nothing suggested, nothing chosen
    ]
    done = init(sandbox, tmp_path, stdin="\n".join(answers) + "\n")

    assert done.returncode == 0, done.stdout + done.stderr
    config = load_locations_file(tmp_path / "locations.toml")
    assert summary(config) == [
        (15691, 20271, 8, 4, "America/Los_Angeles"),
        (15691, 20272, 9, None, "America/Los_Angeles"),
    ]
    catering, downtown = config.location
    assert config.revel_for(catering).model_dump() == {
        **SEEDED_IDS,
        "dining_option": 114,
        "payment_type": 237,
        "user": 7,
    }
    assert config.revel_for(downtown).model_dump() == SEEDED_IDS


def test_input_that_ends_early_is_a_clear_error(sandbox: SandboxServer, tmp_path: Path) -> None:
    done = init(sandbox, tmp_path, stdin="")
    assert done.returncode == 1
    assert "use --yes to take the suggestions" in said(done)
    assert not (tmp_path / "locations.toml").exists()
