"""A connector process killed mid-order leaves nothing half-done once it is restarted."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

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


def _worker_pid(tmp_path: Path, executor_id: str) -> int:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'connector.db'}")
    try:
        with engine.connect() as conn:
            pid = conn.execute(
                sa.text("SELECT pid FROM replicas WHERE executor_id = :e"), {"e": executor_id}
            ).scalar()
    finally:
        engine.dispose()
    assert pid is not None, f"no replica {executor_id} registered"
    return int(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_killed_while_the_lines_post_at_once_the_restart_writes_each_line_exactly_once(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    event = due_event(sandbox)
    lines = len(expected_rows(event))
    proc = _process(sandbox, tmp_path)
    proc.start()
    try:
        # Every line lands, then its response hangs: the sync is stuck with all of them in flight.
        set_faults(
            sandbox,
            "revel",
            lost_response_rate=1.0,
            lost_response_mode="timeout",
            timeout_seconds=300,
            methods=["POST"],
            path_prefixes=["/resources/OrderItem/"],
        )
        response = httpx.post(
            f"{proc.url}/api/sync/tripleseat", params={"event_id": event["id"]}, headers=AUTH
        )
        assert response.status_code == 202, response.text
        wait_for(lambda: len(writes(sandbox, "OrderItem", "POST")) == lines, 30, "every line's POST")
        worker = _worker_pid(tmp_path, "replica-1-w1")
        httpx.delete(f"{sandbox.revel_url}/_sandbox/faults")
        proc.kill()
        # The worker dies with `serve`: no process is left holding its executor id.
        wait_for(lambda: not _alive(worker), 10, "the worker to die with serve")

        proc.start()  # same executor ids: the worker recovers its unfinished sync
        wait_for(
            lambda: (
                httpx.get(f"{proc.url}/api/events/{event['id']}", headers=AUTH).json().get("outcome")
                == "INJECTED"
            ),
            60,
            "the recovered sync",
        )
    finally:
        proc.stop()

    (order,) = orders_for(sandbox, event["id"])
    assert item_rows(order) == expected_rows(event)  # each line once, though every answer was lost
    assert revel_totals(order) == ts_totals(event)
    assert len(writes(sandbox, "OrderItem", "POST")) == lines
