"""Serving: both simulators on real sockets from a background thread, and the `sandbox` command."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import typer
from typer.testing import CliRunner

from tripleseat_revel.config import load_locations_file
from tripleseat_revel.sandbox.cli import sandbox
from tripleseat_revel.sandbox.server import SandboxServer, serve_in_thread
from tripleseat_revel.sandbox.world import SandboxWorld

from .conftest import REVEL_AUTH


def test_served_apps_answer_over_http(served: SandboxServer) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", served.tripleseat_url)
    assert served.tripleseat_url != served.revel_url
    token = httpx.post(
        f"{served.tripleseat_url}/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "sandbox-client",
            "client_secret": "sandbox-secret",
        },
    ).json()["access_token"]
    event = httpx.get(
        f"{served.tripleseat_url}/v1/events/55521609.json", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert event["event"]["name"] == "Smith Rehearsal Dinner"
    orders = httpx.get(f"{served.revel_url}/resources/Order/", headers=REVEL_AUTH).json()
    assert orders["meta"]["total_count"] == 25


def test_stop_frees_the_ports() -> None:
    server = serve_in_thread(SandboxWorld(empty=True))
    url = server.revel_url
    server.stop()
    assert not server.alive
    try:
        httpx.get(f"{url}/_sandbox/info", timeout=0.5)
    except httpx.HTTPError:
        pass
    else:
        raise AssertionError("still serving after stop()")


def test_env_block_points_the_connector_at_the_world(served: SandboxServer) -> None:
    env = served.world.env(served.tripleseat_url, served.revel_url)
    assert env["TRIPLESEAT_API_BASE"] == served.tripleseat_url
    assert env["REVEL_BASE_URL"] == served.revel_url
    assert env["TRIPLESEAT_WEBHOOK_SIGNING_KEY"] == "sandbox-signing-key"
    assert load_locations_file(Path(env["LOCATIONS_FILE"])).location


def test_sandbox_command_prints_urls_credentials_and_env() -> None:
    app = typer.Typer()
    app.command("sandbox")(sandbox)
    app.command("noop")(lambda: None)  # a second command keeps `sandbox` a sub-command
    result = CliRunner().invoke(
        app,
        [
            "sandbox",
            "--tripleseat-port",
            "0",
            "--revel-port",
            "0",
            "--exit-after",
            "0.2",
            "--error-rate",
            "0.1",
            "--seed",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert re.search(r"TripleSeat\s+http://127\.0\.0\.1:\d+", out)
    assert re.search(r"Revel\s+http://127\.0\.0\.1:\d+", out)
    for expected in (
        "sandbox-client / sandbox-secret",
        "sandbox-refresh-token",
        "sandbox-signing-key",
        "sandbox-key / sandbox-secret",
        "TRIPLESEAT_CLIENT_ID=sandbox-client",
        "REVEL_API_SECRET=sandbox-secret",
        "http://127.0.0.1:8000/webhooks/tripleseat",
    ):
        assert expected in out
    locations = re.search(r"LOCATIONS_FILE=(\S+)", out)
    assert locations
    assert Path(locations.group(1)).is_file()


def test_sandbox_command_rejects_unknown_schemes() -> None:
    app = typer.Typer()
    app.command("sandbox")(sandbox)
    app.command("noop")(lambda: None)
    result = CliRunner().invoke(app, ["sandbox", "--webhook-scheme", "rot13", "--exit-after", "0.1"])
    assert result.exit_code != 0
