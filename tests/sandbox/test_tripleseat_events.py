"""TripleSeat resources: an event with and without show_financial, money formats, locations and
sites. Every answer must parse with the connector's own schemas."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from tripleseat_revel.integrations.tripleseat.schemas import EventEnvelope, LocationInfo, Site
from tripleseat_revel.kit.timezones import to_iana

from .conftest import Api

MONEY_STRING = re.compile(r"^\d+\.\d{1,2}$")
FINANCIAL_DOC_KEYS = {"line_items", "billing_totals", "financials", "payment_set"}


def get_event(api: Api, event_id: int, financial: bool) -> dict[str, Any]:
    params = {"show_financial": "true"} if financial else {}
    response = api.get(f"/v1/events/{event_id}.json", params=params)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_event_without_show_financial_has_documents_but_no_money_details(ts_api: Api) -> None:
    body = get_event(ts_api, 55521609, financial=False)
    event = EventEnvelope.model_validate(body).event
    raw = body["event"]
    assert event.id == 55521609
    assert event.status == "CLOSED"
    assert [set(d) & FINANCIAL_DOC_KEYS for d in raw["documents"]] == [set()]
    assert {"id", "title", "views"} <= set(raw["documents"][0])
    assert "category_totals" not in raw
    assert "billing_totals" not in raw
    assert event.documents[0].line_items == []
    assert raw["grand_total"] == "5324.4"  # the summary money is always there


def test_event_with_show_financial_carries_items_totals_and_payments(ts_api: Api) -> None:
    body = get_event(ts_api, 55521609, financial=True)
    event = EventEnvelope.model_validate(body).event
    doc = event.documents[0]
    assert [(i.menu_item_id, i.quantity, i.price) for i in doc.line_items][:2] == [
        (5001, Decimal(80), Decimal("3.50")),
        (5010, Decimal(40), Decimal("9.00")),
    ]
    assert [b.description for b in doc.billing_totals] == ["Service Charge", "Sales Tax"]
    assert [b.value for b in doc.billing_totals] == ["20%", "8.75%"]
    assert doc.financials is not None
    assert doc.financials.grand_total == Decimal("5324.40")
    assert doc.payment_set is not None
    assert [(p.custom_title, p.state, p.amount) for p in doc.payment_set.payments] == [
        ("Deposit", "paid", Decimal("1331.00")),
        ("Balance", "scheduled", Decimal("3993.40")),
    ]
    assert event.amount_due == Decimal("3993.40")
    assert event.deposit_amount == Decimal("1331.00")
    raw = body["event"]
    assert {c["name"] for c in raw["category_totals"]} == {"Food", "Beverage"}
    assert [b["name"] for b in raw["billing_totals"]] == ["Service Charge", "Sales Tax"]


def test_money_is_rails_style_numeric_strings_by_default(ts_api: Api) -> None:
    raw = get_event(ts_api, 55521609, financial=True)["event"]
    doc = raw["documents"][0]
    values = [
        raw["grand_total"],
        raw["amount_due"],
        doc["financials"]["grand_total"],
        *(i["price"] for i in doc["line_items"]),
        *(i["total_price"] for i in doc["line_items"]),
    ]
    assert all(isinstance(v, str) and MONEY_STRING.match(v) for v in values)
    assert doc["line_items"][0]["price"] == "3.5"
    assert doc["line_items"][0]["total_price"] == "280.0"


def test_money_as_numbers_variant(ts_api: Api) -> None:
    ts_api.put("/_sandbox/settings", json={"money_format": "number"})
    body = get_event(ts_api, 55521609, financial=True)
    raw = body["event"]
    assert raw["grand_total"] == 5324.4
    assert raw["documents"][0]["line_items"][0]["price"] == 3.5
    assert EventEnvelope.model_validate(body).event.grand_total == Decimal("5324.40")


def test_times_are_local_utc_and_offset_forms(ts_api: Api) -> None:
    west = get_event(ts_api, 55521609, financial=False)["event"]
    assert west["event_date"] == "11/25/2026"
    assert west["event_date_iso8601"] == "2026-11-25"
    assert west["event_start"] == "11/25/2026 6:00 PM"
    assert west["event_start_utc"] == "2026-11-26T02:00:00Z"
    assert west["event_start_iso8601"] == "2026-11-25T18:00:00-08:00"
    assert re.match(r"^\d\d/\d\d/\d{4} \d\d:\d\d [AP]M$", west["updated_at"])
    east = get_event(ts_api, 55521617, financial=False)["event"]
    assert east["event_start_utc"] == "2026-11-26T00:00:00Z"
    assert east["event_start_iso8601"] == "2026-11-25T19:00:00-05:00"
    event = EventEnvelope.model_validate({"event": east}).event
    assert event.start_instant is not None
    assert event.start_instant.hour == 0


def test_contact_location_and_rooms(ts_api: Api) -> None:
    event = EventEnvelope.model_validate(get_event(ts_api, 55521609, financial=False)).event
    assert event.contact is not None
    assert event.contact.full_name == "Ethan Smith"
    assert event.contact.email == "ethan.smith@example.com"
    assert event.contact.phone
    assert (event.site_id, event.location_id) == (15691, 20271)
    assert event.location is not None
    assert event.location.name == "Special Events (Catering)"
    assert event.rooms[0].name == "Private Dining Room"
    no_contact = get_event(ts_api, 55521611, financial=False)["event"]
    assert no_contact["contact"] is None
    assert no_contact["contact_id"] is None


def test_path_without_json_suffix_and_unknown_ids(ts_api: Api) -> None:
    assert ts_api.get("/v1/events/55521609").json()["event"]["id"] == 55521609
    missing = ts_api.get("/v1/events/1.json")
    assert (missing.status_code, missing.json()) == (404, {"error": "Not Found"})


def test_event_without_documents_has_null_money(ts_api: Api) -> None:
    raw = get_event(ts_api, 55521623, financial=True)["event"]
    assert raw["documents"] == []
    assert raw["grand_total"] is None
    assert raw["category_totals"] == []
    assert raw["billing_totals"] == []


def test_put_changes_status_and_updated_at(ts_api: Api) -> None:
    before = get_event(ts_api, 55521627, financial=False)["event"]
    response = ts_api.put("/v1/events/55521627.json", json={"event": {"status": "closed"}})
    assert response.status_code == 200
    after = response.json()["event"]
    assert (before["status"], after["status"]) == ("DEFINITE", "CLOSED")
    assert after["updated_at"] == "11/25/2026 03:00 PM" != before["updated_at"]  # Boston
    assert after["status_changes"][-1]["previous_status"] == "DEFINITE"


def test_locations_are_wrapped_and_parse(ts_api: Api) -> None:
    body = ts_api.get("/v1/locations.json").json()
    assert all(set(item) == {"location"} for item in body)
    locations = [LocationInfo.model_validate(item["location"]) for item in body]
    assert [(loc.id, loc.site_id) for loc in locations] == [
        (20271, 15691),
        (20272, 15691),
        (20281, 15692),
        (20289, 15692),
    ]
    assert body[3]["location"]["name"] == "Rooftop Garden (no POS)"
    single = ts_api.get("/v1/locations/20281.json").json()["location"]
    assert single["site_name"] == "Atlantic Hospitality"
    assert single["room_ids"] == [239101, 239102]


def test_locations_bare_variant(ts_api: Api) -> None:
    ts_api.put("/_sandbox/settings", json={"locations_wrapped": False})
    assert ts_api.get("/v1/locations.json").json()[0]["id"] == 20271


def test_sites_carry_rails_time_zone_names(ts_api: Api) -> None:
    body = ts_api.get("/v1/sites.json").json()
    sites = [Site.model_validate(item) for item in body]
    assert [(s.id, s.name, s.timezone) for s in sites] == [
        (15691, "Pacific Events Group", "Pacific Time (US & Canada)"),
        (15692, "Atlantic Hospitality", "Eastern Time (US & Canada)"),
    ]
    assert [to_iana(s.timezone or "") for s in sites] == ["America/Los_Angeles", "America/New_York"]
    ts_api.put("/_sandbox/settings", json={"sites_wrapped": True})
    assert ts_api.get("/v1/sites.json").json()[0]["site"]["id"] == 15691
