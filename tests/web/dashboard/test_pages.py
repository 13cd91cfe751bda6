"""The pages, read from the ledger: events per location, an event, failures, switches, mappings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.web.dashboard.conftest import Dashboard, page_text, seed
from tripleseat_revel.models import AuditEntry
from tripleseat_revel.web.dashboard import queries

PLAN = {
    "local_id": "Triple Seat 101",
    "establishment": 12,
    "number_of_people": 40,
    "items": [
        {
            "name": "Caprese Skewers",
            "product_id": 1201,
            "quantity": 40,
            "unit_price": "3.50",
            "total": "140.00",
            "matched_by": "name",
            "note": None,
        },
    ],
    "totals": {
        "subtotal": "140.00",
        "discount": "14.00",
        "service_charge": "25.20",
        "gratuity": "0.00",
        "tax": "13.23",
        "final_total": "164.43",
        "paid": "50.00",
        "remaining_due": "114.43",
    },
    "skipped_items": [],
    "fingerprint": "f1",
}


@pytest.fixture
def logged_in(dash: Dashboard) -> Dashboard:
    dash.login()
    return dash


def test_events_are_listed_per_location_with_their_state_and_reason(logged_in: Dashboard) -> None:
    rt = logged_in.rt
    today = queries.today(rt, "America/New_York").isoformat()
    seed(rt, 101, name="Smith Rehearsal Dinner", event_date=today, revel_order_id=7001)
    seed(
        rt,
        102,
        name="Lee Party",
        event_date=today,
        state="failed",
        outcome="FAILED_UNMAPPED",
        reason="1 unmapped item(s): Dance Floor Rental",
        location_name="Special Events (Catering)",
    )
    seed(
        rt,
        103,
        name="Future Gala",
        event_date=(queries.today(rt) + timedelta(days=3)).isoformat(),
        state="waiting",
        outcome="SKIPPED_TOO_EARLY",
        reason="due on its day",
    )

    page = page_text(logged_in.client.get("/").text)

    assert "Harbor Room" in page and "Special Events (Catering)" in page
    assert "Smith Rehearsal Dinner #101 CLOSED" not in page  # no TripleSeat status was recorded
    assert "Smith Rehearsal Dinner #101 On the POS #7001 Revel order 7001 created" in page
    assert "Lee Party #102 Failed — 1 unmapped item(s): Dance Floor Rental" in page
    assert "Future Gala #103 Waiting for its day — due on its day" in page
    assert "1 On the POS" in page and "1 Waiting for its day" in page and "1 Failed" in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("state=failed", "Lee Party", "Smith Rehearsal Dinner"),
        ("location=Harbor+Room", "Smith Rehearsal Dinner", "Lee Party"),
        ("q=lee", "Lee Party", "Smith Rehearsal Dinner"),
        ("q=101", "Smith Rehearsal Dinner", "Lee Party"),
    ],
)
def test_the_filters(logged_in: Dashboard, query: str, shown: str, hidden: str) -> None:
    seed(logged_in.rt, 101, name="Smith Rehearsal Dinner")
    seed(
        logged_in.rt,
        102,
        name="Lee Party",
        state="failed",
        outcome="FAILED_UNMAPPED",
        location_name="Special Events (Catering)",
    )

    page = logged_in.client.get(f"/?{query}").text

    assert shown in page and hidden not in page


def test_a_past_event_is_only_in_the_past_window(logged_in: Dashboard) -> None:
    last_week = (queries.today(logged_in.rt) - timedelta(days=6)).isoformat()
    seed(logged_in.rt, 104, name="Old Lunch", event_date=last_week)

    assert "Old Lunch" not in logged_in.client.get("/").text
    assert "Old Lunch" in logged_in.client.get("/?when=past").text


def test_the_event_page_shows_the_plan_and_says_when_revel_is_unreachable(logged_in: Dashboard) -> None:
    seed(logged_in.rt, 101, name="Smith Rehearsal Dinner", revel_order_id=7001, plan=PLAN)
    with logged_in.rt.db.session() as session:
        session.add(
            AuditEntry(
                event_id=101,
                kind="sync.started",
                message="sync requested by webhook",
                correlation_id="c0ffee123456",
                workflow_id="sync-101-abc",
            )
        )

    page = page_text(logged_in.client.get("/events/101").text)

    assert "Planned order" in page and "40 Caprese Skewers #1201 by name 3.50 140.00" in page
    assert "Total 164.43" in page and "Due 114.43" in page
    assert "Revel order #7001" in page
    assert "Revel could not be reached" in page
    assert "sync.started sync requested by webhook correlation c0ffee123456 · run sync-101-abc" in page


def test_an_unknown_event_offers_to_sync_it(logged_in: Dashboard) -> None:
    response = logged_in.client.get("/events/999")

    assert response.status_code == 404
    assert "has not synced this event yet" in response.text and "Sync now" in response.text


def test_failures_list_failed_drifted_and_missed_events_with_retry(logged_in: Dashboard) -> None:
    rt = logged_in.rt
    seed(rt, 101, name="Fine Dinner")
    seed(rt, 102, name="Broken Lunch", state="failed", outcome="FAILED", reason="revel error: 503")
    seed(rt, 103, name="Moved Party", state="drift", outcome="DRIFT", reason="guests: 10 -> 12")
    seed(
        rt,
        104,
        name="Gone Brunch",
        state="missed",
        outcome="MISSED",
        event_date=(queries.today(rt) - timedelta(days=1)).isoformat(),
    )

    page = logged_in.client.get("/failures").text

    assert "Fine Dinner" not in page
    assert all(name in page for name in ("Broken Lunch", "Moved Party", "Gone Brunch"))
    assert "Retry all failed (1)" in page
    assert page.count('aria-label="Retry event') == 3
    assert 'Needs attention<span class="count" aria-label="3 events">3</span>' in page


def test_the_switches_page_shows_who_changed_what(logged_in: Dashboard) -> None:
    csrf = logged_in.csrf("/switches")
    logged_in.client.post(
        "/switches", data={"name": "ENABLE_CONNECTOR", "value": "false", "csrf_token": csrf}
    )

    page = page_text(logged_in.client.get("/switches").text)

    assert "Connector enabled Off" in page
    assert "last changed by Maria (dashboard)" in page
    assert "ENABLE_CONNECTOR: None -> False by Maria (dashboard)" in page
    assert "The connector is switched off" in page  # the banner on every page


def test_an_unknown_switch_is_refused(logged_in: Dashboard) -> None:
    csrf = logged_in.csrf("/switches")
    response = logged_in.client.post("/switches", data={"name": "NUKE", "value": "true", "csrf_token": csrf})

    assert response.status_code == 303
    assert "There is no switch called NUKE." in logged_in.client.get("/switches").text


def test_the_mappings_page_says_when_the_vendors_are_unreachable(logged_in: Dashboard) -> None:
    page = logged_in.client.get("/mappings").text

    assert "could not be reached to check the menus" in page
    assert "Saved mappings" in page


def test_a_mapping_to_a_product_revel_cannot_confirm_is_not_saved(logged_in: Dashboard) -> None:
    form = {
        "menu_item_id": "5073",
        "establishment": "8",
        "item_name": "Dance Floor Rental",
        "other_product": "801",
        "csrf_token": logged_in.csrf("/switches"),
    }
    response = logged_in.client.post("/mappings", data=form)

    assert response.status_code == 303
    assert "Revel could not be reached to check product 801" in logged_in.client.get("/switches").text
    assert queries.saved_mappings(logged_in.rt) == []
