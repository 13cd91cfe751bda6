"""`tripleseat-revel sync` as a user runs it (a process, against the served simulators)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FAST
from tests.fixtures.events import due_event
from tests.fixtures.harness import connector_env, run_cli
from tests.fixtures.sandbox_api import orders_for, writes
from tripleseat_revel.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e


def _cli(sandbox: SandboxServer, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = connector_env(sandbox, f"sqlite:///{tmp_path / 'cli.db'}", tmp_path, **FAST)
    return run_cli("sync", *args, env={**os.environ, **env, "COLUMNS": "200"}, timeout=300)


@pytest.mark.parametrize("scope", ["event", "hours-back"])
def test_dry_run_plans_and_writes_nothing(sandbox: SandboxServer, tmp_path: Path, scope: str) -> None:
    event = due_event(sandbox)
    args = ["--event-id", str(event["id"])] if scope == "event" else ["--hours-back", "48"]

    done = _cli(sandbox, tmp_path, *args, "--dry-run")

    assert done.returncode == 0, done.stderr  # a dry run only plans: it always exits 0
    assert "dry run: nothing written" in done.stdout
    assert str(event["id"]) in done.stdout and "WOULD_INJECT" in done.stdout
    assert orders_for(sandbox, event["id"]) == [] and writes(sandbox, "Order", "POST") == []


def test_sync_one_event_injects_it_and_prints_the_result(sandbox: SandboxServer, tmp_path: Path) -> None:
    event = due_event(sandbox)

    done = _cli(sandbox, tmp_path, "--event-id", str(event["id"]))

    assert done.returncode == 0, done.stderr
    (order,) = orders_for(sandbox, event["id"])
    assert "INJECTED" in done.stdout and str(order["id"]) in done.stdout
    assert "success: queried 1, injected 1, skipped 0, failed 0" in done.stdout
