"""Webhook delivery to a tiny local receiver: payload shape, each signature scheme, duplicates,
reordering, bad signatures, and TripleSeat's up-to-5 re-sends on anything but 200."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from tripleseat_revel.integrations.tripleseat.webhooks import parse, verify
from tripleseat_revel.sandbox.server import SandboxServer

KEY = "sandbox-signing-key"


class Receiver:
    """Records every POST; answers the queued statuses first, then 200."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        self.always: int | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                receiver.requests.append({"body": body, "headers": dict(self.headers), "path": self.path})
                status = receiver.always or (receiver.statuses.pop(0) if receiver.statuses else 200)
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks/tripleseat"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def events(self) -> list[int]:
        return [json.loads(r["body"])["event"]["id"] for r in self.requests]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()


@pytest.fixture
def control(served: SandboxServer, receiver: Receiver) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.tripleseat_url, timeout=30) as client:
        client.put("/_sandbox/webhooks/config", json={"target_url": receiver.url, "backoff_seconds": 0.01})
        yield client


def fire(control: httpx.Client, **body: Any) -> dict[str, Any]:
    response = control.post("/_sandbox/webhooks/fire", json=body)
    assert response.status_code == 202, response.text
    done = control.post("/_sandbox/webhooks/wait", params={"timeout": 20}).json()
    assert done["done"] is True
    result: dict[str, Any] = response.json()
    return result


def test_a_single_signed_delivery(control: httpx.Client, receiver: Receiver) -> None:
    fire(control, event_ids=[55521609])
    [request] = receiver.requests
    payload = json.loads(request["body"])
    assert payload["webhook_trigger_type"] == "UPDATE_EVENT"
    assert payload["message"] == "Event was updated"
    assert payload["event"] == {
        "id": 55521609,
        "name": "Smith Rehearsal Dinner",
        "event_date": "11/25/2026",
        "status": "CLOSED",
        "site_id": 15691,
        "location_id": 20271,
        "updated_at": "11/24/2026 07:00 PM",
        "event_start": "11/25/2026 6:00 PM",
        "event_end": "11/25/2026 9:00 PM",
        "guest_count": 40,
        "booking_id": payload["event"]["booking_id"],
    }
    assert request["headers"]["Content-Type"] == "application/json"
    check = verify(request["body"], request["headers"]["X-Signature"], [KEY], now=time.time())
    assert (check.ok, check.scheme) == (True, "hex")
    assert parse(request["body"]).event_id == 55521609


@pytest.mark.parametrize("scheme", ["base64", "timestamped"])
def test_other_signature_schemes(
    control: httpx.Client, receiver: Receiver, served: SandboxServer, scheme: str
) -> None:
    control.put("/_sandbox/webhooks/config", json={"scheme": scheme})
    fire(control, event_ids=[55521610])
    request = receiver.requests[0]
    now = served.world.clock.now().timestamp()
    check = verify(request["body"], request["headers"]["X-Signature"], [KEY], now=now)
    assert (check.ok, check.scheme) == (True, scheme)


def test_duplicates_and_reordering(control: httpx.Client, receiver: Receiver) -> None:
    ids = [55521609, 55521610, 55521611, 55521612]
    result = fire(control, event_ids=ids, copies=2, shuffle=True, shuffle_seed=5)
    assert sorted(receiver.events()) == sorted(ids * 2)
    assert receiver.events() != sorted(ids * 2)  # reordered
    assert receiver.events() == [o["event_id"] for o in result["order"]]
    bodies = [r["body"] for r in receiver.requests]
    assert len(set(bodies)) == 4  # the copies are byte-identical


def test_bad_and_missing_signatures(control: httpx.Client, receiver: Receiver) -> None:
    fire(control, event_ids=[55521609], signature="bad")
    fire(control, event_ids=[55521609], signature="missing")
    bad, missing = receiver.requests
    assert verify(bad["body"], bad["headers"]["X-Signature"], [KEY], now=time.time()).ok is False
    assert "X-Signature" not in missing["headers"]


def test_non_200_is_resent_5_more_times(control: httpx.Client, receiver: Receiver) -> None:
    receiver.always = 500
    fire(control, event_ids=[55521609])
    assert len(receiver.requests) == 6
    log = control.get("/_sandbox/webhooks").json()
    [delivery] = log["deliveries"]
    assert [a["attempt"] for a in delivery["attempts"]] == [1, 2, 3, 4, 5, 6]
    assert {a["status_code"] for a in delivery["attempts"]} == {500}
    assert delivery["delivered"] is False
    assert delivery["done"] is True
    assert all(a["latency_ms"] >= 0 and a["event_id"] == 55521609 for a in log["attempts"])


def test_a_retry_that_succeeds_stops_the_resends(control: httpx.Client, receiver: Receiver) -> None:
    receiver.statuses = [503, 202]  # even 202 is not 200: TripleSeat re-sends
    fire(control, event_ids=[55521613])
    [delivery] = control.get("/_sandbox/webhooks").json()["deliveries"]
    assert [a["status_code"] for a in delivery["attempts"]] == [503, 202, 200]
    assert delivery["delivered"] is True


def test_unreachable_targets_are_recorded(control: httpx.Client) -> None:
    control.put("/_sandbox/webhooks/config", json={"target_url": "http://127.0.0.1:9/hook"})
    fire(control, event_ids=[55521609])
    [delivery] = control.get("/_sandbox/webhooks").json()["deliveries"]
    assert len(delivery["attempts"]) == 6
    assert delivery["attempts"][0]["status_code"] is None
    assert "ConnectError" in delivery["attempts"][0]["error"]


def test_object_key_variant_and_todays_events(control: httpx.Client, receiver: Receiver) -> None:
    control.put("/_sandbox/webhooks/config", json={"object_key": "object"})
    result = fire(control, today=True, statuses=["closed"], trigger="STATUS_CHANGE_EVENT")
    assert result["queued"] >= 14
    payloads = [json.loads(r["body"]) for r in receiver.requests]
    assert all("object" in p and "event" not in p for p in payloads)
    assert {p["object"]["status"] for p in payloads} == {"CLOSED"}
    assert parse(receiver.requests[0]["body"]).event_id == payloads[0]["object"]["id"]


def test_changing_an_event_can_fire_a_webhook(control: httpx.Client, receiver: Receiver) -> None:
    changed = control.patch("/_sandbox/events/55521627", json={"status": "CLOSED", "fire_webhook": True})
    assert changed.status_code == 200
    control.post("/_sandbox/webhooks/wait")
    payload = json.loads(receiver.requests[0]["body"])
    assert payload["webhook_trigger_type"] == "STATUS_CHANGE_EVENT"
    assert payload["event"]["status"] == "CLOSED"


def test_fire_needs_a_target_and_events(served: SandboxServer) -> None:
    with httpx.Client(base_url=served.tripleseat_url) as client:
        no_target = client.post("/_sandbox/webhooks/fire", json={"event_ids": [55521609]})
        assert no_target.status_code == 422
        assert "target_url" in no_target.json()["error"]
        client.put("/_sandbox/webhooks/config", json={"target_url": "http://127.0.0.1:9/"})
        assert client.post("/_sandbox/webhooks/fire", json={}).status_code == 422
        assert client.post("/_sandbox/webhooks/fire", json={"event_ids": [1]}).status_code == 404
