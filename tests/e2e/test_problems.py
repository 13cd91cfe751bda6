"""Operators can act on open problems: list them with what differs, re-sync, amend now,
acknowledge; each audited (API, dashboard and CLI)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import FAST
from tests.fixtures.connector_api import drifted
from tests.fixtures.events import EST, due_event
from tests.fixtures.harness import Connector, connector_env, run_cli
from tests.fixtures.oracle import differences, expected
from tests.fixtures.sandbox_api import change_event, orders_for
from tests.web.dashboard.conftest import Dashboard, page_text
from tripleseat_revel.models import AuditEntry, EventRecord
from tripleseat_revel.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e


def _audit(connector: Connector, event_id: int) -> list[str]:
    with connector.rt.db.session() as session:
        query = sa.select(AuditEntry.kind).where(AuditEntry.event_id == event_id).order_by(AuditEntry.id)
        return list(session.scalars(query))


def test_the_api_lists_a_drift_with_its_diff_and_amends_it_on_request(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event, changed = drifted(connector, sandbox)

    listed = connector.http.get("/api/problems").json()
    (problem,) = [p for p in listed if p["id"] == event["id"]]
    assert problem["state"] == "drift" and problem["amendable"] is True
    assert any(c.startswith("added: 30 x") for c in problem["changes"])

    amended = connector.http.post(f"/api/events/{event['id']}/amend")

    assert amended.status_code == 200, amended.text
    assert amended.json()["events"][0]["outcome"] == "AMENDED", amended.json()["events"][0]["reason"]
    (order,) = orders_for(sandbox, event["id"])
    assert differences(expected(changed, EST), order) == []
    assert [p for p in connector.http.get("/api/problems").json() if p["id"] == event["id"]] == []
    assert "sync.injected" in _audit(connector, event["id"])[-3:]


def test_an_acknowledged_drift_stays_resolved_until_the_event_changes_again(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event, _ = drifted(connector, sandbox)

    ack = connector.http.post(f"/api/events/{event['id']}/acknowledge", json={"note": "fixed at the POS"})

    assert ack.status_code == 200 and ack.json()["outcome"] == "DRIFT"
    assert "problem.acknowledged" in _audit(connector, event["id"])
    assert connector.sync(event["id"]).json()["events"][0]["outcome"] == "RESOLVED"
    assert connector.http.post(f"/api/events/{event['id']}/acknowledge", json={}).status_code == 404
    change_event(sandbox, event["id"], guest_count=99)
    assert connector.sync(event["id"]).json()["events"][0]["outcome"] == "DRIFT"


def test_amend_refuses_an_event_without_a_drift(connector: Connector, sandbox: SandboxServer) -> None:
    event = due_event(sandbox)
    assert connector.http.post(f"/api/events/{event['id']}/amend").status_code == 409


def test_the_dashboard_shows_the_diff_and_amends_and_acknowledges(
    connector: Connector, sandbox: SandboxServer, operator: Dashboard
) -> None:
    event, changed = drifted(connector, sandbox)
    other, _ = drifted(connector, sandbox)

    page = page_text(operator.client.get("/failures").text)
    assert f"#{event['id']}" in page and "added: 30 x" in page and "Amend now" in page

    form = {"event_id": str(event["id"]), "csrf_token": operator.csrf("/failures")}
    assert operator.client.post("/failures/amend", data=form).status_code == 303
    (order,) = orders_for(sandbox, event["id"])
    assert differences(expected(changed, EST), order) == []

    form = {
        "event_id": str(other["id"]),
        "note": "guest list fixed by hand",
        "csrf_token": operator.csrf("/failures"),
    }
    assert operator.client.post("/failures/acknowledge", data=form).status_code == 303
    with connector.rt.db.session() as session:
        record = session.get(EventRecord, other["id"])
        assert record is not None
        assert (record.state, record.resolved_by, record.resolution) == (
            "resolved",
            "Maria (dashboard)",
            "guest list fixed by hand",
        )
    assert f"#{other['id']}" not in page_text(operator.client.get("/failures").text)


def test_the_cli_lists_acknowledges_and_exits_by_what_is_open(
    connector: Connector, sandbox: SandboxServer, tmp_path: Path
) -> None:
    event, _ = drifted(connector, sandbox)
    env = {
        **os.environ,
        **connector_env(sandbox, connector.settings.DATABASE_URL, tmp_path, **FAST),
        "COLUMNS": "200",
    }

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli("problems", *args, env=env)

    listed = cli()
    assert listed.returncode == 1 and str(event["id"]) in listed.stdout and "added: 30 x" in listed.stdout
    acked = cli("ack", str(event["id"]), "--note", "ok", "--who", "Sam")
    assert acked.returncode == 0, acked.stderr
    assert cli().returncode == 0
