"""After the first injection the POS is never silently wrong (issue 11): every path here used to
leave a wrong order on Revel while the connector reported success, or lost the news of a failure.

Each test drives the served simulators through real HTTP and asserts what a user would see: the
Revel order's lines and money (against an oracle computed from TripleSeat's document), and the
outcome the ledger reports.
"""

from __future__ import annotations

import email
import email.policy
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.conftest import FAST
from tests.fixtures.connector_api import ledger_row, only_order, revel_settings, synced
from tests.fixtures.events import DATES, DINNER, EST, UNMAPPED, due_event
from tests.fixtures.harness import Connector, running_connector
from tests.fixtures.oracle import differences, expected
from tests.fixtures.sandbox_api import change_event, orders_for, set_faults
from tripleseat_revel.models import AuditEntry, EmailLog
from tripleseat_revel.sandbox.server import SandboxServer
from tripleseat_revel.sandbox.world import LEGACY_EVENT

pytestmark = pytest.mark.e2e


@pytest.fixture
def broken_outbox_connector(sandbox: SandboxServer, tmp_path: Path) -> Iterator[Connector]:
    """A connector whose email transport fails (its outbox directory is a file)."""
    blocker = tmp_path / "outbox-down"
    blocker.write_text("the mail server is down")
    with running_connector(sandbox, tmp_path, OUTBOX_DIR=str(blocker), **FAST) as running:
        yield running


def _ts(sandbox: SandboxServer, event_id: int) -> dict[str, Any]:
    event: dict[str, Any] = httpx.get(
        f"{sandbox.tripleseat_url}/_sandbox/events/{event_id}", timeout=30
    ).json()["event"]
    return event


# ---- 1. a failure after injection stays a failure


def test_a_failure_after_injection_is_not_reported_as_injected_on_the_next_sync(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event = due_event(sandbox)
    assert synced(connector, event["id"])["outcome"] == "INJECTED"
    items = [
        {"menu_item_id": DINNER.menu_item_id, "quantity": 40},
        {"menu_item_id": UNMAPPED.menu_item_id, "quantity": 3},
    ]
    change_event(sandbox, event["id"], items=items)

    first, again = synced(connector, event["id"]), synced(connector, event["id"])

    assert first["outcome"] == again["outcome"] == "FAILED_UNMAPPED"
    assert ledger_row(connector, event["id"]).state == "failed"


# ---- 2. a half-made order is completed with the difference, never by index


def test_a_half_made_order_is_completed_to_the_events_latest_document(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event = due_event(
        sandbox, items=[{"menu_item_id": DINNER.menu_item_id, "quantity": 10}], payments="deposit"
    )
    set_faults(sandbox, "revel", error_rate=1.0, methods=["POST"], path_prefixes=["/resources/Payment/"])
    synced(connector, event["id"])  # items written, the payment never lands
    set_faults(sandbox, "revel", error_rate=0.0)
    changed = change_event(
        sandbox,
        event["id"],
        items=[
            {"menu_item_id": DINNER.menu_item_id, "quantity": 8},
            {"menu_item_id": DATES.menu_item_id, "quantity": 5},
        ],
        payments="partial",
    )

    result = synced(connector, event["id"])

    assert result["outcome"] == "INJECTED", result["reason"]
    assert differences(expected(changed, EST), only_order(sandbox, event["id"])) == []


# ---- 6. Revel's answers are compared with the plan


def test_an_order_whose_totals_revel_recomputes_is_a_money_mismatch_not_injected(
    connector: Connector, sandbox: SandboxServer
) -> None:
    revel_settings(sandbox, totals="recomputed")
    event = due_event(sandbox)

    result = synced(connector, event["id"])

    assert result["outcome"] == "FAILED_MONEY_MISMATCH", result["reason"]
    assert "final total" in result["reason"]
    assert ledger_row(connector, event["id"]).state == "failed"


# ---- 7. an order adopted from the replaced system is checked


def test_the_replaced_systems_order_is_compared_with_the_plan(
    connector: Connector, sandbox: SandboxServer
) -> None:
    # It wrote a payment of the grand total whatever was paid, and folded tax into a "discount".
    result = synced(connector, LEGACY_EVENT)

    assert result["outcome"] == "DRIFT", result["reason"]
    assert "not made by this connector" in result["reason"] and "tax: planned" in result["reason"]
    assert len(orders_for(sandbox, LEGACY_EVENT)) == 1


# ---- 8. the single lookup trusts only orders carrying our local_id


def test_a_revel_that_ignores_the_local_id_filter_does_not_make_us_adopt_another_order(
    connector: Connector, sandbox: SandboxServer
) -> None:
    revel_settings(sandbox, unknown_filter="ignore", unfilterable=["Order.local_id", "Order.local_id__in"])
    before = {
        o["id"]: o for o in httpx.get(f"{sandbox.revel_url}/_sandbox/orders", timeout=30).json()["orders"]
    }
    event = due_event(sandbox)

    result = synced(connector, event["id"])

    assert result["outcome"] == "INJECTED", result["reason"]
    order = only_order(sandbox, event["id"])
    assert order["id"] not in before
    assert differences(expected(_ts(sandbox, event["id"]), EST), order) == []


# ---- 9. retries that run out are a recorded, alerted failure


def test_a_tripleseat_outage_longer_than_the_retries_is_a_recorded_failure_with_an_alert(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event = due_event(sandbox)
    set_faults(sandbox, "tripleseat", error_rate=1.0, path_prefixes=["/v1/events/"])

    result = synced(connector, event["id"])

    assert result["outcome"] == "FAILED", result["reason"]
    assert "tripleseat" in result["reason"]
    with connector.rt.db.session() as session:
        kinds = list(session.scalars(sa.select(AuditEntry.kind).where(AuditEntry.event_id == event["id"])))
        emails = list(session.scalars(sa.select(EmailLog.kind).where(EmailLog.event_id == event["id"])))
    assert "sync.failed" in kinds
    assert emails == ["failure"]


def test_a_bulk_run_over_an_outage_finishes_with_every_event(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event = due_event(sandbox, event_date="today")
    set_faults(sandbox, "tripleseat", error_rate=1.0, path_prefixes=[f"/v1/events/{event['id']}"])

    response = connector.http.post("/api/sync/tripleseat", params={"hours_back": 2})
    deadline = time.monotonic() + 120
    while response.status_code == 202 and time.monotonic() < deadline:
        time.sleep(0.5)
        response = connector.http.get(
            response.json().get("status_url") or f"/api/sync/runs/{response.json()['run_id']}"
        )
    assert response.status_code == 200, response.text
    body = response.json()
    ours = [e for e in body["events"] if e["id"] == event["id"]]
    assert [e["outcome"] for e in ours] == ["FAILED"]
    assert body["success"] is False


# ---- 10. an alert is sent at least once


def test_an_alert_whose_send_failed_is_sent_later_and_once(
    sandbox: SandboxServer, broken_outbox_connector: Connector
) -> None:
    connector = broken_outbox_connector
    event = due_event(sandbox, items=[{"menu_item_id": UNMAPPED.menu_item_id, "quantity": 1}])
    assert synced(connector, event["id"])["outcome"] == "FAILED_UNMAPPED"
    outbox = Path(connector.settings.OUTBOX_DIR)
    outbox.unlink()  # the mail server is back

    later = datetime.now(UTC) + timedelta(minutes=2)  # past the first retry's pause
    sent_now = connector.rt.notifier.drain(now=later)
    again = connector.rt.notifier.drain(now=later + timedelta(hours=2))

    assert (sent_now, again, connector.rt.notifier.pending()) == (1, 0, 0)
    sent = sorted(outbox.glob("*.eml"))
    assert len(sent) == 1
    message = email.message_from_bytes(sent[0].read_bytes(), policy=email.policy.default)
    assert "is not on the POS" in str(message["Subject"])


def test_a_line_break_in_an_event_name_does_not_lose_its_alert(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event = due_event(
        sandbox,
        name="Smith\r\nBcc: everyone@example.com",
        items=[{"menu_item_id": UNMAPPED.menu_item_id, "quantity": 1}],
    )

    assert synced(connector, event["id"])["outcome"] == "FAILED_UNMAPPED"

    sent = sorted(Path(connector.settings.OUTBOX_DIR).glob("*.eml"))
    assert len(sent) == 1
    message = email.message_from_bytes(sent[0].read_bytes(), policy=email.policy.default)
    assert message["Bcc"] is None  # no header was injected
    assert "Smith Bcc: everyone@example.com" in str(message["Subject"])


def test_a_next_line_character_in_an_event_name_does_not_lose_its_alert(
    connector: Connector, sandbox: SandboxServer
) -> None:
    from dbos import DBOS

    event = due_event(
        sandbox,
        name="Smith\u0085Rehearsal Dinner",
        items=[{"menu_item_id": UNMAPPED.menu_item_id, "quantity": 1}],
    )

    assert synced(connector, event["id"])["outcome"] == "FAILED_UNMAPPED"
    connector.wait_idle()

    record = ledger_row(connector, event["id"])
    with connector.rt.db.session() as session:
        rows = session.scalars(sa.select(EmailLog).where(EmailLog.event_id == event["id"]))
        stored = [(row.key, row.kind, row.status, row.subject) for row in rows]
    ((key, kind, status, subject),) = stored
    assert (record.state, record.alert_key) == ("failed", key)
    assert (kind, status) == ("failure", "sent")
    assert subject.startswith("Action needed: Smith Rehearsal Dinner, ")
    assert len(list(Path(connector.settings.OUTBOX_DIR).glob("*.eml"))) == 1
    statuses = [w.status for w in DBOS.list_workflows(name="sync_event")]
    assert statuses and "ERROR" not in statuses
