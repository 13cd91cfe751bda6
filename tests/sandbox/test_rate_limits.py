"""The vendors' rate limits: TripleSeat 10 req/s per credential, Revel 300 req/min per key. The
clock is pinned, so the window only moves when a test moves it."""

from __future__ import annotations

from tripleseat_revel.sandbox.clock import Clock
from tripleseat_revel.sandbox.world import SandboxWorld

from .conftest import Api


def statuses(api: Api, path: str, n: int, **kwargs: object) -> list[int]:
    return [r.status_code for r in api.batch([("GET", path, dict(kwargs))] * n)]


def test_default_limits(ts: Api, rv: Api) -> None:
    assert ts.get("/_sandbox/limits").json() == {"enabled": True, "limit": 10, "window_seconds": 1.0}
    assert rv.get("/_sandbox/limits").json() == {"enabled": True, "limit": 300, "window_seconds": 60.0}


def test_tripleseat_allows_10_per_second(ts_api: Api, world: SandboxWorld, clock: Clock) -> None:
    responses = ts_api.batch([("GET", "/v1/sites.json", {})] * 15)
    assert [r.status_code for r in responses] == [200] * 10 + [429] * 5
    assert all(r.headers["retry-after"] == "1" for r in responses[10:])
    assert responses[10].json() == {"error": "Rate limit exceeded", "retry_after": 1}
    stats = world.stats()["tripleseat"]
    assert stats["rate_limited"] == 5
    assert stats["by_status"] == {"200": 11, "429": 5}
    clock.advance(0.5)
    assert statuses(ts_api, "/v1/sites.json", 1) == [429]
    clock.advance(0.5)
    assert statuses(ts_api, "/v1/sites.json", 11) == [200] * 10 + [429]


def test_tripleseat_limit_is_per_credential(ts_api: Api, ts: Api, world: SandboxWorld) -> None:
    world.tripleseat.oauth.clients["second-app"] = "second-secret"
    other = ts.post(
        "/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "second-app",
            "client_secret": "second-secret",
        },
    ).json()["access_token"]
    assert statuses(ts_api, "/v1/sites.json", 10) == [200] * 10
    assert statuses(ts, "/v1/sites.json", 1, headers={"Authorization": f"Bearer {other}"}) == [200]
    assert statuses(ts_api, "/v1/sites.json", 1) == [429]


def test_token_endpoint_and_control_api_are_not_limited(ts: Api) -> None:
    ts.put("/_sandbox/limits", json={"limit": 1})
    body = {
        "grant_type": "client_credentials",
        "client_id": "sandbox-client",
        "client_secret": "sandbox-secret",
    }
    assert [r.status_code for r in ts.batch([("POST", "/oauth2/token", {"data": body})] * 3)] == [200] * 3
    assert statuses(ts, "/_sandbox/stats", 3) == [200] * 3


def test_revel_allows_300_per_minute_per_key(rv: Api, clock: Clock, world: SandboxWorld) -> None:
    codes = statuses(rv, "/enterprise/Establishment/", 302)
    assert codes.count(200) == 300
    assert codes[300:] == [429, 429]
    clock.advance(30)
    late = rv.get("/enterprise/Establishment/")
    assert late.status_code == 429
    assert late.headers["retry-after"] == "30"
    clock.advance(30)
    assert rv.get("/enterprise/Establishment/").status_code == 200
    assert world.stats()["revel"]["rate_limited"] == 3


def test_revel_limit_is_per_api_key(rv: Api, rv_anon: Api) -> None:
    rv.put("/_sandbox/limits", json={"limit": 2})
    assert statuses(rv, "/enterprise/Establishment/", 3) == [200, 200, 429]
    other_key = {"API-AUTHENTICATION": "another-key:whatever"}
    # Its own bucket: it is refused for its credentials (401), not throttled (429).
    assert statuses(rv_anon, "/enterprise/Establishment/", 1, headers=other_key) == [401]


def test_limits_are_configurable_and_can_be_switched_off(rv: Api) -> None:
    assert rv.put("/_sandbox/limits", json={"limit": 3, "window_seconds": 10}).json()["limit"] == 3
    assert statuses(rv, "/resources/Product/", 4) == [200, 200, 200, 429]
    rv.put("/_sandbox/limits", json={"enabled": False})
    assert statuses(rv, "/resources/Product/", 5) == [200] * 5
    assert rv.put("/_sandbox/limits", json={"limit": 0}).status_code == 422


def test_stats_count_by_route_template_and_reset(ts_api: Api, world: SandboxWorld) -> None:
    for event_id in (55521609, 55521610, 1):
        ts_api.get(f"/v1/events/{event_id}.json")
    routes = ts_api.get("/_sandbox/stats").json()["tripleseat"]["routes"]
    assert {"method": "GET", "route": "/v1/events/{event_id}.json", "status": 200, "count": 2} in routes
    assert {"method": "GET", "route": "/v1/events/{event_id}.json", "status": 404, "count": 1} in routes
    assert world.tripleseat_guard.stats.count(route="/v1/events/{event_id}.json") == 3
    reset = ts_api.post("/_sandbox/stats/reset").json()
    assert reset["tripleseat"]["total"] == 0
    assert reset["revel"]["total"] == 0
