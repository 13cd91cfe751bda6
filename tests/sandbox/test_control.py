"""The control API: reset, clock, creating and changing events (money stays consistent, updated_at
moves), deleting, adding seeded events, settings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tripleseat_revel.integrations.tripleseat.schemas import Event, EventEnvelope
from tripleseat_revel.sandbox.apps import create_tripleseat_app
from tripleseat_revel.sandbox.world import SandboxWorld

from .conftest import Api
from .test_seed_corpus import check_document


def fetch(ts_api: Api, event_id: int) -> Event:
    response = ts_api.get(f"/v1/events/{event_id}.json", params={"show_financial": "true"})
    assert response.status_code == 200
    return EventEnvelope.model_validate(response.json()).event


def test_reset_with_a_seed_and_a_day(ts: Api, world: SandboxWorld) -> None:
    info = ts.post("/_sandbox/reset", json={"seed": 7, "today": "2027-01-15"}).json()
    assert info["seed"] == 7
    assert set(info["today"].values()) == {"2027-01-15"}
    assert info["events"] == 219
    assert info["orders"] == 25
    assert world.tripleseat.events[55521609].event_date.isoformat() == "2027-01-15"
    assert info["credentials"]["revel_api_key"] == "sandbox-key"


def test_reset_empty_and_reset_restores(ts: Api, world: SandboxWorld) -> None:
    assert ts.post("/_sandbox/reset", json={"empty": True}).json()["events"] == 0
    assert world.revel.lookup("Product", 801) is not None  # Revel's catalogue is always there
    assert ts.post("/_sandbox/reset").json()["events"] == 219


def test_reset_keeps_faults_unless_asked(rv: Api, world: SandboxWorld) -> None:
    rv.put("/_sandbox/faults", json={"error_rate": 1})
    rv.post("/_sandbox/reset")
    assert world.revel_guard.faults.error_rate == 1
    rv.post("/_sandbox/reset", json={"clear_faults": True})
    assert world.revel_guard.faults.error_rate == 0


def test_reset_clears_written_orders(rv: Api, world: SandboxWorld) -> None:
    rv.post("/resources/Customer/", json={"first_name": "A"})
    assert len(world.revel.writes) == 1
    rv.post("/_sandbox/reset")
    assert world.revel.writes == []
    assert rv.get("/resources/Customer/").json()["objects"] == []


def test_clock_can_be_set_and_advanced(ts: Api) -> None:
    assert ts.get("/_sandbox/clock").json()["frozen"] is True
    moved = ts.post("/_sandbox/clock", json={"now": "2026-12-31T23:00:00Z"}).json()
    assert moved["now"] == "2026-12-31T23:00:00+00:00"
    assert moved["today"]["20271"] == "2026-12-31"
    later = ts.post("/_sandbox/clock", json={"advance_seconds": 7 * 3600}).json()
    assert later["today"] == {
        "20271": "2026-12-31",
        "20272": "2026-12-31",
        "20281": "2027-01-01",
        "20289": "2027-01-01",
    }
    assert ts.post("/_sandbox/clock", json={"system": True}).json()["frozen"] is False


def test_create_an_event_with_consistent_money(ts: Api, ts_api: Api) -> None:
    response = ts.post(
        "/_sandbox/events",
        json={
            "name": "Test Gala",
            "location_id": 20281,
            "event_date": "today",
            "start_time": "19:30",
            "guest_count": 50,
            "status": "CLOSED",
            "items": [
                {"menu_item_id": 5025, "quantity": 50},
                {"menu_item_id": 5051, "quantity": "2.5"},
                {"name": "Custom Cake Table", "quantity": 1, "price": "125.50"},
            ],
            "discount": "10%",
            "service_charge_rate": "0.18",
            "gratuity_rate": "0.05",
            "payments": "partial",
        },
    )
    assert response.status_code == 201
    event = fetch(ts_api, response.json()["event"]["id"])
    assert (event.name, event.status, event.location_id, event.event_start) == (
        "Test Gala",
        "CLOSED",
        20281,
        "11/25/2026 7:30 PM",
    )
    [doc] = event.documents
    check_document(doc)
    assert [line.menu_item_id for line in doc.line_items] == [5025, 5051, None]
    assert doc.financials is not None
    assert doc.financials.discounts_total == Decimal("345.55")
    assert [b.value for b in doc.billing_totals] == ["18%", "5%", "6.625%"]
    assert event.updated_at == "11/25/2026 03:00 PM"
    assert event.contact is not None


def test_created_events_show_up_in_search(ts: Api, ts_api: Api) -> None:
    created = ts.post("/_sandbox/events", json={"name": "Fresh booking", "event_date": "today+5"}).json()
    found = ts_api.get(
        "/v1/events/search.json",
        params={"event_updated_start_date": "11/25/2026", "event_updated_end_date": "11/25/2026"},
    ).json()
    assert created["event"]["id"] in [e["id"] for e in found["results"]]
    assert created["event"]["event_date"] == "11/30/2026"


def test_change_items_recomputes_money_and_bumps_updated_at(ts: Api, ts_api: Api) -> None:
    before = fetch(ts_api, 55521610)
    response = ts.patch(
        "/_sandbox/events/55521610",
        json={"guest_count": 130, "items": [{"menu_item_id": 5020, "quantity": 130}], "discount": None},
    )
    assert response.status_code == 200
    after = fetch(ts_api, 55521610)
    assert after.updated_at == "11/25/2026 12:00 PM" != before.updated_at
    assert after.guest_count == 130
    assert [i.quantity for i in after.documents[0].line_items] == [130]
    check_document(after.documents[0])
    assert after.documents[0].financials is not None
    assert after.documents[0].financials.discounts_total == 0
    assert after.documents[0].id == before.documents[0].id
    assert after.grand_total != before.grand_total


def test_change_status_date_location_and_contact(ts: Api, ts_api: Api) -> None:
    ts.patch(
        "/_sandbox/events/55521609",
        json={
            "status": "LOST",
            "event_date": "today+1",
            "start_time": "20:00",
            "location_id": 20272,
            "no_contact": True,
        },
    )
    event = fetch(ts_api, 55521609)
    assert (event.status, event.event_date, event.location_id, event.contact) == (
        "LOST",
        "11/26/2026",
        20272,
        None,
    )
    assert event.event_start == "11/26/2026 8:00 PM"
    raw = ts_api.get("/v1/events/55521609.json").json()["event"]
    assert raw["status_changes"][-1] == {
        "status": "LOST",
        "previous_status": "CLOSED",
        "created_at": "11/25/2026 12:00 PM",
        "created_by": 42,
    }


def test_change_payments_to_fully_paid(ts: Api, ts_api: Api) -> None:
    ts.patch("/_sandbox/events/55521609", json={"payments": "full"})
    event = fetch(ts_api, 55521609)
    assert event.amount_due == 0
    check_document(event.documents[0])


def test_delete_event(ts: Api, ts_api: Api) -> None:
    assert ts.delete("/_sandbox/events/55521612").json() == {"deleted": 55521612}
    assert ts_api.get("/v1/events/55521612.json").status_code == 404
    assert ts.delete("/_sandbox/events/55521612").status_code == 404


def test_bad_control_input(ts: Api) -> None:
    assert ts.post("/_sandbox/events", json={"location_id": 1}).status_code == 422
    assert (
        ts.post("/_sandbox/events", json={"items": [{"menu_item_id": 1, "quantity": 1}]}).status_code == 422
    )
    assert ts.post("/_sandbox/events", json={"id": 55521609}).status_code == 422
    assert ts.patch("/_sandbox/events/1", json={"name": "x"}).status_code == 404
    assert ts.post("/_sandbox/events", json={"event_date": "someday"}).status_code == 422
    assert ts.put("/_sandbox/settings", json={"money_format": "roman"}).status_code == 422


def test_seed_more_events(ts: Api, world: SandboxWorld) -> None:
    added = ts.post("/_sandbox/seed", json={"count": 120, "seed": 3}).json()
    assert added == {"added": 120, "first_id": 55530201, "events": 339}


def test_list_events_for_today(ts: Api) -> None:
    body = ts.get("/_sandbox/events", params={"date": "today", "status": "closed"}).json()
    assert body["count"] >= 14
    rooftop = [e for e in body["events"] if e["location_id"] == 20289]
    assert rooftop
    assert all(e["configured"] is False for e in rooftop)
    assert ts.get("/_sandbox/events/55521609").json()["event"]["documents"][0]["line_items"]


def test_info_and_settings(ts: Api, rv: Api) -> None:
    info = ts.get("/_sandbox/info").json()
    assert info["locations_file"].endswith("sandbox/locations.toml")
    assert ts.get("/_sandbox/settings").json()["per_page"] == 50
    assert rv.get("/_sandbox/settings").json()["default_limit"] == 20


def test_a_pinned_today_survives_resets_and_drives_the_control_api() -> None:
    world = SandboxWorld(today=date(2027, 3, 1))
    ts = Api(create_tripleseat_app(world), "http://tripleseat.test")
    ts.post("/_sandbox/reset", json={"seed": 5})
    assert set(ts.get("/_sandbox/info").json()["today"].values()) == {"2027-03-01"}
    todays = ts.get("/_sandbox/events", params={"date": "today", "status": "closed"}).json()["events"]
    assert {e["event_date"] for e in todays} == {"03/01/2027"}
    assert len(todays) >= 14
