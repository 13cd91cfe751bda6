"""Composing the emails (pure): both parts for every kind, escaping, and the one-per-change key."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from tripleseat_revel.notify.emails import OutcomeFacts, compose
from tripleseat_revel.notify.service import Email

PLAN = {
    "items": [
        {"name": "Caprese Skewers", "quantity": 40, "unit_price": "3.50", "total": "140.00", "note": None},
        {
            "name": "Cake <Deluxe>",
            "quantity": "1",
            "unit_price": "1250.00",
            "total": "1250.00",
            "note": "2.5 x 500.00",
        },
    ],
    "totals": {
        "subtotal": "1390.00",
        "discount": "0.00",
        "service_charge": "278.00",
        "gratuity": "0.00",
        "tax": "0.00",
        "final_total": "1668.00",
        "paid": "500.00",
        "remaining_due": "1168.00",
    },
    "skipped_items": [],
    "fingerprint": "fp-1",
}
EVENT = {"name": "Smith & Jones <Gala>", "date": "2026-11-25", "location": "Harbor Room"}


def _compose(
    kind: str, result: dict[str, Any], prepared: dict[str, Any], public_url: str | None = None
) -> Email:
    """The email of event 55, from the sync's result and what the sync saw (`prepared`)."""
    event = prepared.get("event") or {}
    facts = OutcomeFacts(
        event_id=55,
        **result,
        location=event.get("location"),
        **{k: v for k, v in prepared.items() if k != "event"},
    )
    return compose(kind, facts, public_url=public_url)


def _result(outcome: str, reason: str = "", **extra: Any) -> dict[str, Any]:
    return {"outcome": outcome, "reason": reason, "name": EVENT["name"], "date": EVENT["date"], **extra}


CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "success": (_result("INJECTED", "Revel order 9 created", revel_order_id=9), {"plan": PLAN}),
    "failure": (
        _result("FAILED_UNMAPPED", "1 unmapped item(s): Valet"),
        {"unmapped": [{"name": "Valet", "menu_item_id": 5075, "suggestions": []}]},
    ),
    "drift": (_result("DRIFT", "changed", revel_order_id=9), {"changes": ["guests: 10 -> 12"], "plan": PLAN}),
    "missed": (_result("MISSED", "the event day 2026-11-25 has passed"), {}),
}


@pytest.mark.parametrize("kind", CASES)
def test_every_kind_has_a_text_and_an_html_part_naming_the_event(kind: str) -> None:
    result, prepared = CASES[kind]
    email = _compose(kind, result, {**prepared, "event": EVENT}, public_url="https://ops.example.com/")

    assert email.kind == kind and email.event_id == 55
    assert "Smith & Jones <Gala>" in email.subject
    assert "Smith & Jones <Gala>" in email.text and "Wed 25 Nov 2026" in email.text
    assert email.html is not None and "Smith &amp; Jones &lt;Gala&gt;" in email.html
    assert "<Gala>" not in email.html  # nothing from TripleSeat reaches the HTML unescaped
    assert "https://ops.example.com/events/55" in email.text and "Harbor Room" in email.text


def test_the_success_email_lists_items_notes_and_every_total() -> None:
    result, prepared = CASES["success"]
    email = _compose("success", result, prepared)

    assert "40 x Caprese Skewers @ 3.50 = 140.00" in email.text
    assert "1 x Cake <Deluxe> @ 1,250.00 = 1,250.00" in email.text
    for label, amount in [("Service charge", "278.00"), ("Total", "1,668.00"), ("Due", "1,168.00")]:
        assert any(line.split() == [*label.split(), amount] for line in email.text.splitlines())
    assert email.html is not None and "2.5 x 500.00" in email.html and "1,668.00" in email.html
    assert "In the dashboard: /events/55" in email.text  # no PUBLIC_URL: no link, the path


def test_a_failure_says_what_to_do() -> None:
    result, prepared = CASES["failure"]
    email = _compose("failure", result, prepared)

    assert email.subject.endswith("is not on the POS (items with no Revel product)")
    assert "Valet (menu item 5075): no similar Revel product" in email.text
    assert "What to do: Map each item to a Revel product" in email.text


def _key(kind: str, result: dict[str, Any], prepared: dict[str, Any]) -> str:
    return _compose(kind, result, prepared).key


def test_a_vendor_error_retried_with_other_words_is_the_same_email() -> None:
    first = _result("FAILED", "revel error: GET /resources/Product/: 503 (request 1a2b)")
    again = _result("FAILED", "revel error: GET /resources/Order/: timed out after 30s")

    assert _key("failure", first, {}) == _key("failure", again, {})
    tripleseat = _result("FAILED", "tripleseat error: 500")
    assert _key("failure", first, {}) != _key("failure", tripleseat, {})


def test_a_different_problem_is_a_new_email() -> None:
    one = _result("FAILED_UNMAPPED", "1 unmapped item(s): Valet")
    two = _result("FAILED_UNMAPPED", "2 unmapped item(s): Valet, Ice Sculpture")

    assert _key("failure", one, {}) != _key("failure", two, {})


def test_an_amended_order_is_a_new_success_email_and_a_recheck_is_not() -> None:
    injected = _key("success", _result("INJECTED"), {"plan": PLAN})

    assert _key("success", _result("INJECTED"), {"plan": PLAN}) == injected
    assert _key("success", _result("AMENDED"), {"plan": {**PLAN, "fingerprint": "fp-2"}}) != injected


def test_a_drift_rechecked_is_the_same_email_until_the_event_changes_again() -> None:
    first = _key("drift", _result("DRIFT", "guests: 10 -> 12"), {"ts_fingerprint": "a", "changes": ["x"]})
    recheck = _key("drift", _result("DRIFT", "the event changed after injection: x"), {"ts_fingerprint": "a"})
    changed = _key("drift", _result("DRIFT", "guests: 10 -> 14"), {"ts_fingerprint": "b"})

    assert first == recheck != changed


def test_an_outcome_its_template_cannot_render_still_gets_an_email_naming_it() -> None:
    odd_plan = {"items": [{"name": "Valet"}], "totals": {}, "fingerprint": "fp-odd"}  # no quantity
    result = _result("INJECTED", "Revel order 9 created", revel_order_id=9)

    email = _compose("success", result, {"plan": odd_plan})

    assert email.subject == "On the POS: Smith & Jones <Gala>, Wed 25 Nov 2026 (Revel order #9)"
    assert email.text.splitlines()[:2] == [
        "Smith & Jones <Gala> (2026-11-25): INJECTED",
        "Revel order 9 created",
    ]
    assert email.html is None
    assert email.key == _key("success", result, {"plan": PLAN | {"fingerprint": "fp-odd"}})


def test_the_same_problem_is_one_email_per_episode_of_the_event() -> None:
    failure = _result("FAILED_UNMAPPED", "1 unmapped item(s): Valet")
    before_episodes = (
        "55:failure:" + hashlib.sha256(b"FAILED_UNMAPPED:1 unmapped item(s): Valet").hexdigest()[:16]
    )

    first = _key("failure", failure, {"episode": 3})

    assert _key("failure", failure, {"episode": 3}) == first  # seen again within the episode
    assert _key("failure", failure, {"episode": 4}) != first  # back after a recovery
    assert _key("failure", failure, {}) == before_episodes  # episode 0: the key it had before
