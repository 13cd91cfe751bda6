"""Fault injection per vendor: 5xx, 429 + Retry-After, timeouts, lost responses, latency, and
their reproducibility; never on the control API."""

from __future__ import annotations

import httpx
import pytest

from tripleseat_revel.sandbox.faults import FaultSettings, VendorGuard
from tripleseat_revel.sandbox.server import SandboxServer
from tripleseat_revel.sandbox.world import SandboxWorld

from .conftest import REVEL_AUTH, Api

ORDER = {
    "establishment": "/enterprise/Establishment/8/",
    "created_by": "/enterprise/User/1/",
    "local_id": "Triple Seat 42",
}


def test_error_rate_one_answers_5xx_json(rv: Api, world: SandboxWorld) -> None:
    rv.put("/_sandbox/faults", json={"error_rate": 1})
    responses = [rv.get("/resources/Product/") for _ in range(6)]
    assert {r.status_code for r in responses} <= {500, 502, 503}
    assert all(r.json()["error"].startswith("Simulated server error") for r in responses)
    assert world.stats()["revel"]["faults"]["error"] == 6
    rv.put("/_sandbox/faults", json={"error_statuses": [503]})
    assert rv.get("/resources/Product/").status_code == 503


def test_rate_429_answers_retry_after(ts_api: Api, world: SandboxWorld) -> None:
    ts_api.put("/_sandbox/faults", json={"rate_429": 1, "retry_after_seconds": 7})
    response = ts_api.get("/v1/sites.json")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert response.json()["retry_after"] == 7
    stats = world.stats()["tripleseat"]
    assert stats["faults"]["rate_429"] == 1
    assert stats["rate_limited"] == 0


def test_lost_response_performs_the_write_yet_answers_502(rv: Api, world: SandboxWorld) -> None:
    rv.put("/_sandbox/faults", json={"lost_response_rate": 1})
    response = rv.post("/resources/Order/", json=ORDER)
    assert response.status_code == 502
    rv.delete("/_sandbox/faults")
    found = rv.get("/resources/Order/", params={"local_id": "Triple Seat 42"}).json()
    assert found["meta"]["total_count"] == 1  # it was written
    assert world.revel.writes[0]["resource"] == "Order"
    lost = world.stats()["revel"]["lost_responses"]
    assert lost == [{"method": "POST", "path": "/resources/Order/", "status": 201}]


def test_lost_responses_only_hit_writes(rv: Api) -> None:
    rv.put("/_sandbox/faults", json={"lost_response_rate": 1})
    assert rv.get("/resources/Product/").status_code == 200


def test_faults_never_touch_the_control_api(rv: Api) -> None:
    rv.put("/_sandbox/faults", json={"error_rate": 1, "timeout_rate": 0})
    assert rv.get("/_sandbox/stats").status_code == 200
    assert rv.get("/_sandbox/faults").json()["error_rate"] == 1


def test_faults_are_per_vendor(ts_api: Api, rv: Api) -> None:
    rv.put("/_sandbox/faults", json={"error_rate": 1})
    assert ts_api.get("/v1/sites.json").status_code == 200
    assert rv.get("/resources/Product/").status_code >= 500


def test_faults_can_target_methods_and_paths(rv: Api) -> None:
    rv.put(
        "/_sandbox/faults",
        json={"error_rate": 1, "methods": ["POST"], "path_prefixes": ["/resources/Payment/"]},
    )
    assert rv.post("/resources/Order/", json=ORDER).status_code == 201
    assert rv.get("/resources/Payment/").status_code == 200
    payment = rv.post(
        "/resources/Payment/", json={"order": "/resources/Order/1/", "amount": 1, "payment_type": 236}
    )
    assert payment.status_code >= 500


def test_a_fault_seed_replays_the_same_sequence(rv: Api) -> None:
    def run() -> list[int]:
        rv.put("/_sandbox/faults", json={"error_rate": 0.5, "fault_seed": 1234})
        return [r.status_code for r in rv.batch([("GET", "/resources/Product/", {})] * 20)]

    first, second = run(), run()
    assert first == second
    assert 200 in first
    assert any(code >= 500 for code in first)


def test_invalid_fault_settings_are_422(rv: Api) -> None:
    response = rv.put("/_sandbox/faults", json={"error_rate": 2})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["error_rate"]
    assert rv.put("/_sandbox/faults", json={"nonsense": 1}).status_code == 422


def test_latency_and_jitter_are_bounded(world: SandboxWorld) -> None:
    guard = VendorGuard(
        "x", world.clock, world.revel_guard.limits, FaultSettings(latency_ms=40, jitter_ms=20, fault_seed=3)
    )
    delays = [guard.delay_seconds() for _ in range(50)]
    assert all(0.040 <= d <= 0.060 for d in delays)
    assert len(set(delays)) > 1


def test_latency_is_applied_and_counted(rv: Api, world: SandboxWorld) -> None:
    rv.put("/_sandbox/faults", json={"latency_ms": 5})
    assert rv.get("/resources/Product/").status_code == 200
    assert world.stats()["revel"]["faults"]["latency"] == 1


def test_faults_from_the_constructor() -> None:
    world = SandboxWorld(tripleseat_faults=FaultSettings(error_rate=1, error_statuses=[502]))
    assert world.tripleseat_guard.faults.error_rate == 1
    assert world.revel_guard.faults.error_rate == 0


@pytest.fixture
def slow_revel(world: SandboxWorld, served: SandboxServer) -> SandboxServer:
    world.revel_guard.set_faults(FaultSettings(timeout_rate=1, timeout_seconds=1))
    return served


def test_timeout_makes_the_client_read_timeout_fire(slow_revel: SandboxServer) -> None:
    client = httpx.Client(base_url=slow_revel.revel_url, headers=REVEL_AUTH, timeout=0.2)
    with client, pytest.raises(httpx.ReadTimeout):
        client.get("/resources/Product/")
    assert slow_revel.world.stats()["revel"]["faults"]["timeout"] == 1


def test_timeout_without_a_client_timeout_ends_in_504(slow_revel: SandboxServer) -> None:
    with httpx.Client(base_url=slow_revel.revel_url, headers=REVEL_AUTH, timeout=5) as client:
        response = client.get("/resources/Product/")
    assert response.status_code == 504


def test_lost_response_timeout_mode(world: SandboxWorld, served: SandboxServer) -> None:
    world.revel_guard.set_faults(
        FaultSettings(lost_response_rate=1, lost_response_mode="timeout", timeout_seconds=1)
    )
    client = httpx.Client(base_url=served.revel_url, headers=REVEL_AUTH, timeout=0.2)
    with client, pytest.raises(httpx.ReadTimeout):
        client.post("/resources/Order/", json=ORDER)
    assert [w["resource"] for w in world.revel.writes] == ["Order"]
