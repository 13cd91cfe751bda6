"""One correlation id from the webhook to every vendor call: in the audit trail and in the logs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import FAST
from tests.fixtures.events import due_event
from tests.fixtures.harness import running_connector
from tests.fixtures.sandbox_api import orders_for
from tripleseat_revel.integrations.tripleseat.webhooks import sign
from tripleseat_revel.logging import configure_logging
from tripleseat_revel.sandbox.server import SandboxServer
from tripleseat_revel.sync import ledger

pytestmark = pytest.mark.e2e


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_a_webhooks_correlation_id_follows_its_sync_to_every_vendor_call(
    sandbox: SandboxServer, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    with running_connector(sandbox, tmp_path, LOG_FORMAT="json", LOG_LEVEL="INFO", **FAST) as connector:
        configure_logging(fmt="json", level="INFO", secrets=connector.settings.secret_values())
        event = due_event(sandbox)
        body = json.dumps({"webhook_trigger_type": "UPDATE_EVENT", "event": {"id": event["id"]}}).encode()
        response = httpx.post(
            f"{connector.web.url}/webhooks/tripleseat",
            content=body,
            headers={"X-Signature": sign(body, "sandbox-signing-key")},
        )
        cid = response.json()["correlation_id"]
        connector.wait_idle()
        with connector.rt.db.session() as session:
            trail = [(e.kind, e.correlation_id) for e in ledger.audit_trail(session, event["id"])]
    configure_logging(fmt="console", level="WARNING")
    lines = _json_lines(capfd.readouterr().err)

    (order,) = orders_for(sandbox, event["id"])
    kinds = [kind for kind, _ in trail]
    assert kinds[0] == "sync.started" and kinds[-1] == "sync.injected" and "revel.order.created" in kinds
    assert {c for _, c in trail} == {cid}  # every audit entry of the sync carries the webhook's id
    accepted = [line for line in lines if line["event"] == "webhook.accepted"]
    assert [line["correlation_id"] for line in accepted] == [cid]
    calls = [(line["vendor"], line["endpoint"]) for line in lines if line["event"] == "vendor.call"]
    mine = [
        (line["vendor"], line["endpoint"])
        for line in lines
        if line["event"] == "vendor.call" and line.get("correlation_id") == cid
    ]
    assert mine == calls  # no vendor call of this sync escaped its correlation id
    assert ("tripleseat", "GET /v1/events/{id}.json") in mine
    assert mine.count(("revel", "POST /resources/Order/")) == 1
    assert mine.count(("revel", "POST /resources/OrderItem/")) == len(order["items"])
    assert ("revel", "PATCH /resources/Order/{id}/") in mine
    created = [line for line in lines if line["event"] == "revel.order.created"]
    assert [(line["correlation_id"], line["order_id"]) for line in created] == [(cid, order["id"])]
