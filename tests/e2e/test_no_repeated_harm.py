"""A problem found on the POS stands until something changes: retries never repeat the harm, an
order is only ever written where it lives, a lost answer is not a false alarm, and what an operator
does sticks (review of issue 11: findings 1, 2, 6, 9, 10, 11 and 12)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from tests.fixtures.connector_api import drifted, ledger_row, pos_edit, revel_settings, synced
from tests.fixtures.events import DINNER, EST, due_event
from tests.fixtures.harness import Connector
from tests.fixtures.oracle import differences, expected
from tests.fixtures.sandbox_api import change_event, orders_for, set_faults, writes
from tripleseat_revel.integrations.revel.schemas import id_from_uri
from tripleseat_revel.models import EmailLog, EventRecord
from tripleseat_revel.sandbox.server import SandboxServer
from tripleseat_revel.sync import ledger

pytestmark = pytest.mark.e2e
OTHER_EST = 9  # the sandbox's second establishment
OTHER_LOCATION = 20272  # its TripleSeat location


def _emails(connector: Connector, event_id: int) -> list[str]:
    with connector.rt.db.session() as session:
        query = sa.select(EmailLog.kind).where(EmailLog.event_id == event_id)
        return list(session.scalars(query))


def _lines(order: dict[str, Any]) -> list[tuple[int | None, str]]:
    return sorted((id_from_uri(i["product"]), str(i["quantity"])) for i in order["items"])


# ---- 1. a stacking Revel: one wrong discount, then a standing alert (never one more per retry)


def _discount_raised_on_a_stacking_revel(connector: Connector, sandbox: SandboxServer) -> dict[str, Any]:
    """An injected event (10 % discount) whose discount then rose to 20 %, on a Revel that stacks a
    second discount instead of replacing the first (REVEL_DISCOUNTS_STACK says it does not)."""
    event = due_event(sandbox, deposit="50.00", discount="10%")
    assert synced(connector, event["id"])["outcome"] == "INJECTED"
    revel_settings(sandbox, discount_patch="stack")
    change_event(sandbox, event["id"], discount="20%")
    return event


def test_retries_of_a_stacked_discount_never_add_another_and_alert_once(
    amending: Connector, sandbox: SandboxServer
) -> None:
    event = _discount_raised_on_a_stacking_revel(amending, sandbox)

    first = synced(amending, event["id"])
    (order,) = orders_for(sandbox, event["id"])
    stacked = [a["discount_amount"] for a in order["applied_discounts"]]
    retries = [synced(amending, event["id"]) for _ in range(3)]  # what the reconcile does meanwhile

    assert first["outcome"] == "FAILED_MONEY_MISMATCH", first["reason"]
    assert len(stacked) == 2
    (after,) = orders_for(sandbox, event["id"])
    assert [a["discount_amount"] for a in after["applied_discounts"]] == stacked
    assert after["discount_amount"] == order["discount_amount"]
    assert [r["outcome"] for r in retries] == ["FAILED_MONEY_MISMATCH"] * 3
    assert _emails(amending, event["id"]).count("failure") == 1


def test_an_order_that_already_carries_stacked_discounts_is_drift_and_not_written(
    amending: Connector, sandbox: SandboxServer
) -> None:
    event = _discount_raised_on_a_stacking_revel(amending, sandbox)
    synced(amending, event["id"])  # stacks a second discount: a money mismatch
    change_event(sandbox, event["id"], discount="25%")  # the event changes again
    patches = len(writes(sandbox, "Order", "PATCH"))

    result = synced(amending, event["id"])

    assert result["outcome"] == "DRIFT", result["reason"]
    assert "discount" in result["reason"]
    assert len(writes(sandbox, "Order", "PATCH")) == patches


# ---- 2. an order is written only where it lives, and the ledger always names it


def _lose_the_first_note(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first note of an order in the ledger fails. The order's op, its audit line and the note
    commit together, so this also loses the op's "done": the run again finds the order by its
    local_id in Revel (DBOS runs the step again)."""
    real = ledger.note_order
    calls = {"n": 0}

    def crash_once(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("crash between the order's creation and its note")
        real(*args, **kwargs)

    monkeypatch.setattr(ledger, "note_order", crash_once)


def test_an_order_found_again_by_local_id_after_a_lost_note_is_noted_in_the_ledger(
    connector: Connector, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _lose_the_first_note(monkeypatch)
    event = due_event(sandbox)

    first = synced(connector, event["id"])
    second = synced(connector, event["id"])

    (order,) = orders_for(sandbox, event["id"])
    assert second["outcome"] in ("INJECTED", "ALREADY_INJECTED"), (first, second)
    record = ledger_row(connector, event["id"])
    assert (record.revel_order_id, record.state) == (order["id"], "verified")
    assert differences(expected(event, EST), order) == []


def test_an_order_on_the_write_log_that_the_ledger_does_not_name_is_noted_by_the_next_sync(
    connector: Connector, sandbox: SandboxServer
) -> None:
    # What a crash between the order's creation and its note left before the two were one
    # transaction: the write log has the order, the ledger does not.
    event = due_event(sandbox)
    synced(connector, event["id"])
    (order,) = orders_for(sandbox, event["id"])
    with connector.rt.db.session() as session:
        session.execute(
            sa.update(EventRecord)
            .where(EventRecord.event_id == event["id"])
            .values(revel_order_id=None, local_id=None)
        )

    again = synced(connector, event["id"])

    assert orders_for(sandbox, event["id"]) == [order]  # no second order, none rewritten
    record = ledger_row(connector, event["id"])
    assert (record.revel_order_id, record.local_id) == (order["id"], order["local_id"]), again
    assert differences(expected(event, EST), orders_for(sandbox, event["id"])[0]) == []


def test_an_event_moved_after_a_lost_note_leaves_its_order_whole(
    connector: Connector, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _lose_the_first_note(monkeypatch)
    event = due_event(sandbox)
    synced(connector, event["id"])
    synced(connector, event["id"])
    (before,) = orders_for(sandbox, event["id"])
    change_event(sandbox, event["id"], location_id=OTHER_LOCATION)

    result = synced(connector, event["id"])

    (after,) = orders_for(sandbox, event["id"])
    assert result["outcome"] == "DRIFT", result["reason"]
    assert _lines(after) == _lines(before) and after["final_total"] == before["final_total"]


def _toggled(connector: Connector, sandbox: SandboxServer, **fields: Any) -> dict[str, Any]:
    """An injected event synced once with LOCATION_OVERRIDE on (a TEST order), then off again."""
    event = due_event(sandbox, **fields)
    assert synced(connector, event["id"])["outcome"] == "INJECTED"
    assert connector.http.put("/api/switches", json={"LOCATION_OVERRIDE": True}).status_code == 200
    assert synced(connector, event["id"])["outcome"] == "INJECTED"
    assert connector.http.put("/api/switches", json={"LOCATION_OVERRIDE": False}).status_code == 200
    return event


def test_after_the_override_is_switched_back_a_change_in_alert_mode_is_drift(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event = _toggled(connector, sandbox, deposit="50.00")
    (before,) = orders_for(sandbox, event["id"])
    change_event(sandbox, event["id"], items=[{"menu_item_id": DINNER.menu_item_id, "quantity": 60}])

    result = synced(connector, event["id"])

    (after,) = orders_for(sandbox, event["id"])
    assert result["outcome"] == "DRIFT", result["reason"]
    assert _lines(after) == _lines(before) and after["final_total"] == before["final_total"]
    assert ledger_row(connector, event["id"]).revel_order_id == before["id"]


def test_after_the_override_is_switched_back_a_move_leaves_the_order_whole(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event = _toggled(connector, sandbox)
    (before,) = orders_for(sandbox, event["id"])
    change_event(sandbox, event["id"], location_id=OTHER_LOCATION)

    result = synced(connector, event["id"])

    (after,) = orders_for(sandbox, event["id"])
    assert result["outcome"] == "DRIFT", result["reason"]
    assert _lines(after) == _lines(before)
    assert id_from_uri(after["establishment"]) == EST


def test_after_the_override_is_switched_back_an_unchanged_event_is_checked_not_rewritten(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event = _toggled(connector, sandbox)
    (before,) = orders_for(sandbox, event["id"])
    count = len(writes(sandbox))

    result = synced(connector, event["id"])

    assert result["outcome"] == "ALREADY_INJECTED", result["reason"]
    assert len(writes(sandbox)) == count
    assert ledger_row(connector, event["id"]).revel_order_id == before["id"]


# ---- 6. a lost answer to the final PATCH is retried, not reported as wrong money


def test_a_final_patch_that_failed_once_is_retried_and_verified(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event = due_event(sandbox)
    set_faults(sandbox, "revel", error_rate=1.0, error_statuses=[502], methods=["PATCH"], max_faults=1)

    result = synced(connector, event["id"])

    assert result["outcome"] == "INJECTED", result["reason"]
    (order,) = orders_for(sandbox, event["id"])
    assert differences(expected(event, EST), order) == []
    assert "failure" not in _emails(connector, event["id"])


# ---- 9. what an operator does sticks: acknowledge, re-sync


def test_an_acknowledged_failure_without_an_order_stays_resolved(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event = due_event(sandbox, items=[{"name": "Ice Sculpture (custom)", "quantity": 1, "price": "450"}])
    assert synced(connector, event["id"])["outcome"] == "FAILED_UNMAPPED"
    acknowledged = connector.http.post(f"/api/events/{event['id']}/acknowledge", json={"note": "by hand"})
    assert acknowledged.status_code == 200, acknowledged.text

    again = synced(connector, event["id"])

    assert again["outcome"] == "RESOLVED", again["reason"]
    assert ledger_row(connector, event["id"]).state == "resolved"
    assert not any(p["id"] == event["id"] for p in connector.http.get("/api/problems").json())


def test_a_resync_after_staff_fixed_the_order_at_the_pos_verifies_it(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event, changed = drifted(connector, sandbox, quantity=60)
    (order,) = orders_for(sandbox, event["id"])
    pos_edit(connector, order["id"], changed)

    resynced = connector.http.post(f"/api/events/{event['id']}/resync")

    assert resynced.status_code == 200, resynced.text
    (result,) = resynced.json()["events"]
    assert result["outcome"] == "ALREADY_INJECTED", result["reason"]
    assert ledger_row(connector, event["id"]).state == "verified"


def test_a_resync_of_a_drift_still_standing_is_drift_again_without_writes(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event, _ = drifted(connector, sandbox, quantity=60)
    count = len(writes(sandbox))

    resynced = connector.http.post(f"/api/events/{event['id']}/resync")

    (result,) = resynced.json()["events"]
    assert result["outcome"] == "DRIFT", result["reason"]
    assert "60 x" in result["reason"] or "missing" in result["reason"], result["reason"]
    assert len(writes(sandbox)) == count


# ---- 10. a sync that ended mid-write is picked up again and listed until it is


def test_an_order_left_mid_write_is_listed_and_swept_again(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event = due_event(sandbox)
    assert synced(connector, event["id"])["outcome"] == "INJECTED"
    stale = connector.rt.clock() - timedelta(hours=2)
    with connector.rt.db.session() as session:  # what a cancelled or abandoned run leaves behind
        record = session.get(EventRecord, event["id"])
        assert record is not None
        record.state, record.verified_plan, record.verified_fingerprint = "writing", None, None
        session.flush()
        session.execute(
            sa.update(EventRecord).where(EventRecord.event_id == event["id"]).values(updated_at=stale)
        )

    listed = connector.http.get("/api/problems").json()
    swept = connector.http.post("/api/sync/tripleseat", params={"hours_back": 1})

    assert any(p["id"] == event["id"] and p["state"] == "writing" for p in listed)
    assert swept.status_code == 200, swept.text
    assert ledger_row(connector, event["id"]).state == "verified"


# ---- 11. the order changed back while it stood in drift: Revel is read, not assumed


def test_an_event_changed_back_after_staff_edited_the_order_is_compared_again(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event, changed = drifted(connector, sandbox, quantity=60)
    (order,) = orders_for(sandbox, event["id"])
    pos_edit(connector, order["id"], changed)  # staff followed the drift's advice
    original = [
        {"menu_item_id": li["menu_item_id"], "quantity": li["quantity"], "price": li["price"]}
        for li in event["documents"][0]["line_items"]
    ]
    change_event(sandbox, event["id"], items=original)  # and the event changed back

    result = synced(connector, event["id"])

    assert result["outcome"] == "DRIFT", result["reason"]


# ---- 12. a dry run never hides an open problem


def test_a_dry_run_sync_keeps_an_open_drift_on_the_problems_page(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event, _ = drifted(connector, sandbox, quantity=60)
    assert connector.http.put("/api/switches", json={"DRY_RUN": True}).status_code == 200
    change_event(sandbox, event["id"], guest_count=61)

    synced(connector, event["id"])

    assert any(p["id"] == event["id"] for p in connector.http.get("/api/problems").json())
    assert ledger_row(connector, event["id"]).state == "drift"
