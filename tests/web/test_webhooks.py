"""POST /webhooks/tripleseat against the served connector: signatures, bad input, duplicates."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from dbos import DBOS

from tests.conftest import FAST
from tests.fixtures.events import due_event
from tests.fixtures.harness import Connector, running_connector
from tests.fixtures.sandbox_api import orders_for, stats
from tripleseat_revel.integrations.tripleseat.webhooks import Scheme, sign
from tripleseat_revel.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e
KEY = "sandbox-signing-key"
OLD_KEY = "previous-signing-key"


@pytest.fixture
def enqueue_only(sandbox: SandboxServer, tmp_path: Path) -> Iterator[Connector]:
    """The connector's web app with an engine that only enqueues: the handler is observed alone."""
    with running_connector(
        sandbox, tmp_path, work=False, TRIPLESEAT_WEBHOOK_SIGNING_KEY_PREVIOUS=OLD_KEY, **FAST
    ) as running:
        yield running


def _body(
    event_id: int | None = 55521609, trigger: str = "UPDATE_EVENT", key: str = "event", **extra: Any
) -> bytes:
    obj = {"id": event_id, "name": "x", "updated_at": "11/25/2026 10:00 AM", **extra}
    return json.dumps({"webhook_trigger_type": trigger, "message": "m", key: obj}).encode()


def _post(connector: Connector, body: bytes, signature: str | None) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Signature"] = signature
    return httpx.post(f"{connector.web.url}/webhooks/tripleseat", content=body, headers=headers, timeout=30)


def _inbox(connector: Connector) -> list[Any]:
    with connector.rt.db.engine.connect() as conn:
        return list(
            conn.execute(
                sa.text("SELECT event_id, trigger, actionable, deliveries, workflow_id FROM webhook_inbox")
            )
        )


def _queued_syncs() -> list[Any]:
    return DBOS.list_workflows(name="sync_event", status=["ENQUEUED", "PENDING"])


@pytest.mark.parametrize("scheme", ["hex", "base64", "timestamped"])
def test_each_signature_form_is_accepted_and_stored(enqueue_only: Connector, scheme: Scheme) -> None:
    body = _body()
    response = _post(enqueue_only, body, sign(body, KEY, scheme, timestamp=int(time.time())))

    assert response.status_code == 200, response.text
    ack = response.json()
    assert ack["processed"] is True and ack["event_id"] == 55521609 and ack["trigger"] == "UPDATE_EVENT"
    assert [(r.event_id, r.trigger, bool(r.actionable)) for r in _inbox(enqueue_only)] == [
        (55521609, "UPDATE_EVENT", True)
    ]
    assert [w.workflow_id for w in _queued_syncs()] == [ack["workflow_id"]]


def test_the_previous_key_is_accepted_during_rotation(enqueue_only: Connector) -> None:
    body = _body()
    assert _post(enqueue_only, body, sign(body, OLD_KEY, "hex")).status_code == 200


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        (None, "missing signature"),
        ("", "missing signature"),
        ("not-a-signature", "malformed signature"),
        (sign(b"another body", KEY, "hex"), "signature mismatch"),
        (sign(_body(), "wrong-key", "base64"), "signature mismatch"),
        (sign(_body(), KEY, "timestamped", timestamp=int(time.time()) - 301), "replay window"),
    ],
    ids=["missing", "empty", "garbage", "other-body", "wrong-key", "replayed"],
)
def test_bad_or_missing_signature_is_401_and_nothing_is_stored(
    enqueue_only: Connector, signature: str | None, reason: str
) -> None:
    response = _post(enqueue_only, _body(), signature)

    assert response.status_code == 401
    assert reason in response.json()["error"]
    assert _inbox(enqueue_only) == [] and _queued_syncs() == []


def test_malformed_json_is_400(enqueue_only: Connector) -> None:
    body = b'{"webhook_trigger_type": "UPDATE_EVENT", "event": {'
    response = _post(enqueue_only, body, sign(body, KEY))
    assert response.status_code == 400 and "JSON" in response.json()["error"]
    assert _inbox(enqueue_only) == []


def test_body_over_one_mebibyte_is_413(enqueue_only: Connector) -> None:
    body = _body(padding="x" * (1024 * 1024))
    response = _post(enqueue_only, body, sign(body, KEY))
    assert response.status_code == 413
    assert _inbox(enqueue_only) == []


def test_no_event_id_is_acknowledged_with_a_reason(enqueue_only: Connector) -> None:
    body = _body(event_id=None)
    response = _post(enqueue_only, body, sign(body, KEY))

    assert response.status_code == 200
    assert response.json()["processed"] is False and "no event id" in response.json()["reason"]
    assert _queued_syncs() == []


def test_a_non_event_trigger_is_recorded_as_not_actionable(enqueue_only: Connector) -> None:
    body = _body(trigger="CREATE_LEAD", key="lead")
    response = _post(enqueue_only, body, sign(body, KEY))

    assert response.status_code == 200 and response.json()["processed"] is False
    assert "CREATE_LEAD" in response.json()["reason"]
    assert [(r.trigger, bool(r.actionable)) for r in _inbox(enqueue_only)] == [("CREATE_LEAD", False)]
    assert _queued_syncs() == []


def test_the_200_path_calls_no_vendor(enqueue_only: Connector, sandbox: SandboxServer) -> None:
    httpx.post(f"{sandbox.revel_url}/_sandbox/stats/reset")
    httpx.post(f"{sandbox.tripleseat_url}/_sandbox/stats/reset")
    body = _body()

    response = _post(enqueue_only, body, sign(body, KEY))

    assert response.status_code == 200
    assert stats(sandbox)["revel"]["total"] == 0 and stats(sandbox)["tripleseat"]["total"] == 0
    assert len(_queued_syncs()) == 1  # durable: it is waiting for a worker


def test_a_redelivery_is_recognised_and_a_burst_collapses_into_one_sync(enqueue_only: Connector) -> None:
    bodies = [_body(trigger=t) for t in ("UPDATE_EVENT", "CHANGE_EVENT_GUEST_COUNTS", "STATUS_CHANGE_EVENT")]
    acks = [_post(enqueue_only, b, sign(b, KEY)).json() for b in [*bodies, bodies[0]]]

    assert [a["duplicate"] for a in acks] == [False, False, False, True]
    assert len({a["workflow_id"] for a in acks}) == 1
    assert len(_queued_syncs()) == 1
    assert sorted(r.deliveries for r in _inbox(enqueue_only)) == [1, 1, 2]


TRIGGERS = ("CREATE_EVENT", "UPDATE_EVENT", "STATUS_CHANGE_EVENT")


def _fire(ts: httpx.Client, event_id: int, trigger: str) -> None:
    """Three shuffled copies of one delivery, sent by the simulator; returns when all are answered."""
    fired = ts.post(
        "/_sandbox/webhooks/fire",
        json={"event_ids": [event_id], "trigger": trigger, "copies": 3, "shuffle": True},
    )
    assert fired.status_code == 202
    assert ts.post("/_sandbox/webhooks/wait", params={"timeout": 30}).json()["done"]


def test_copies_of_a_delivery_add_no_sync_and_each_distinct_one_adds_one(
    connector: Connector, sandbox: SandboxServer
) -> None:
    # Each trigger's copies arrive after the previous sync has finished, so nothing is queued to
    # collapse into: one run per distinct delivery, none per copy.
    event = due_event(sandbox)
    ts = httpx.Client(base_url=sandbox.tripleseat_url, timeout=60)
    ts.put("/_sandbox/webhooks/config", json={"target_url": f"{connector.web.url}/webhooks/tripleseat"})
    for trigger in TRIGGERS:
        _fire(ts, event["id"], trigger)
        connector.wait_idle()

    assert len(orders_for(sandbox, event["id"])) == 1
    assert len(DBOS.list_workflows(name="sync_event")) == len(TRIGGERS)
    deliveries = ts.get("/_sandbox/webhooks").json()["attempts"]
    assert len(deliveries) == 9 and all(a["status_code"] == 200 for a in deliveries)


def test_duplicated_and_reordered_deliveries_while_a_sync_is_queued_collapse_into_it(
    enqueue_only: Connector, sandbox: SandboxServer
) -> None:
    # No worker takes the first sync, so every later delivery finds it queued.
    event = due_event(sandbox)
    ts = httpx.Client(base_url=sandbox.tripleseat_url, timeout=60)
    ts.put("/_sandbox/webhooks/config", json={"target_url": f"{enqueue_only.web.url}/webhooks/tripleseat"})
    for trigger in TRIGGERS:
        _fire(ts, event["id"], trigger)

    assert len(_queued_syncs()) == 1
    assert len(DBOS.list_workflows(name="sync_event")) == 1
    assert sorted((r.trigger, r.deliveries) for r in _inbox(enqueue_only)) == [
        (t, 3) for t in sorted(TRIGGERS)
    ]
    deliveries = ts.get("/_sandbox/webhooks").json()["attempts"]
    assert len(deliveries) == 9 and all(a["status_code"] == 200 for a in deliveries)


def test_engine_handle_is_the_enqueue_only_one(enqueue_only: Connector) -> None:
    assert enqueue_only.engine.work is False
