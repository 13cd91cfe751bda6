"""A connector process killed mid-order leaves nothing half-done once it is restarted."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.conftest import FAST
from tests.fixtures.events import due_event, expected_rows, item_rows
from tests.fixtures.harness import ADMIN_TOKEN, ConnectorProcess, connector_env, free_port
from tests.fixtures.sandbox_api import orders_for, revel_totals, set_faults, ts_totals, writes
from tests.fixtures.waiting import wait_for
from tripleseat_revel.sandbox.server import SandboxServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _order_posted(sandbox: SandboxServer, event_id: int) -> bool:
    return any(
        w["body"].get("local_id") == f"Triple Seat {event_id}" for w in writes(sandbox, "Order", "POST")
    )


def _process(sandbox: SandboxServer, tmp_path: Path) -> ConnectorProcess:
    env = connector_env(
        sandbox,
        f"sqlite:///{tmp_path / 'connector.db'}",
        tmp_path,
        SYNC_WAIT_SECONDS="0.5",
        EXECUTOR_ID="replica-1",
        **FAST,
    )
    return ConnectorProcess(env, free_port(), tmp_path / "serve.log")


def test_killed_after_the_order_post_the_restarted_worker_completes_that_same_order(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    event = due_event(sandbox)
    proc = _process(sandbox, tmp_path)
    proc.start()
    try:
        # Every Revel write lands, then its response hangs: the worker is stuck right after the POST.
        set_faults(
            sandbox, "revel", lost_response_rate=1.0, lost_response_mode="timeout", timeout_seconds=300
        )
        response = httpx.post(
            f"{proc.url}/api/sync/tripleseat", params={"event_id": event["id"]}, headers=AUTH
        )
        assert response.status_code == 202, response.text
        wait_for(lambda: _order_posted(sandbox, event["id"]), 30, "the Order POST")
        httpx.delete(f"{sandbox.revel_url}/_sandbox/faults")
        proc.kill()

        (half,) = orders_for(sandbox, event["id"])
        assert half["items"] == [] and float(half["final_total"]) == 0

        proc.start()  # same executor id: DBOS recovers its unfinished workflow
        state = wait_for(
            lambda: (
                (s := httpx.get(f"{proc.url}/api/events/{event['id']}", headers=AUTH).json()).get("outcome")
                == "INJECTED"
                and s
            ),
            60,
            "the recovered sync",
        )
    finally:
        proc.stop()

    (order,) = orders_for(sandbox, event["id"])
    assert order["id"] == half["id"] == state["revel_order_id"]
    assert item_rows(order) == expected_rows(event)
    assert revel_totals(order) == ts_totals(event)
    assert len(order["payments"]) == 1 and len(order["history"]) == 1
    assert sum(1 for w in writes(sandbox, "Order", "POST") if w["body"]["local_id"] == half["local_id"]) == 1
