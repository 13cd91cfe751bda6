"""An alert comes back when its problem comes back: the same failure or drift after the event
recovered in between (its order verified, or an operator resolved the alert) is emailed again,
while the same problem seen again within one episode is still emailed once."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from tests.fixtures.events import DINNER, UNMAPPED, due_event
from tests.fixtures.harness import Connector
from tests.fixtures.sandbox_api import change_event, set_faults
from tripleseat_revel.models import EmailLog
from tripleseat_revel.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e

MAPPED = {"menu_item_id": DINNER.menu_item_id, "quantity": 40}
NOT_MAPPED = {"menu_item_id": UNMAPPED.menu_item_id, "quantity": 1}


def _outcome(connector: Connector, event_id: int) -> str:
    response = connector.sync(event_id)
    assert response.status_code == 200, response.text
    return str(response.json()["events"][0]["outcome"])


def _emails(connector: Connector, event_id: int) -> list[str]:
    """The kinds of the event's emails, in the order they were stored."""
    query = sa.select(EmailLog.kind).where(EmailLog.event_id == event_id).order_by(EmailLog.sent_at)
    with connector.rt.db.session() as session:
        return list(session.scalars(query))


def _steps(connector: Connector, event_id: int, steps: list[Any]) -> list[tuple[str, int]]:
    """Run each step (a callable changing the world) then a sync: (outcome, emails so far)."""
    seen = []
    for step in steps:
        step()
        seen.append((_outcome(connector, event_id), len(_emails(connector, event_id))))
    return seen


def test_the_same_failure_after_a_recovery_is_emailed_again(
    connector: Connector, sandbox: SandboxServer
) -> None:
    event = due_event(sandbox, items=[MAPPED, NOT_MAPPED], deposit="50.00")
    eid = event["id"]

    seen = _steps(
        connector,
        eid,
        [
            lambda: None,
            lambda: change_event(sandbox, eid, items=[MAPPED]),
            lambda: change_event(sandbox, eid, items=[MAPPED, NOT_MAPPED]),
            lambda: None,  # the same failure again, nothing recovered: no second email
        ],
    )

    assert seen == [("FAILED_UNMAPPED", 1), ("INJECTED", 2), ("FAILED_UNMAPPED", 3), ("FAILED_UNMAPPED", 3)]
    assert _emails(connector, eid) == ["failure", "success", "failure"]


def test_a_second_tripleseat_outage_after_a_recovery_is_emailed_again(
    connector: Connector, sandbox: SandboxServer
) -> None:
    eid = due_event(sandbox)["id"]

    def down() -> None:
        set_faults(sandbox, "tripleseat", error_rate=1.0, path_prefixes=["/v1/events/"])

    def up() -> None:
        set_faults(sandbox, "tripleseat", error_rate=0.0)

    seen = _steps(connector, eid, [down, up, down, lambda: None])

    assert seen == [("FAILED", 1), ("INJECTED", 2), ("FAILED", 3), ("FAILED", 3)]


def test_a_drift_back_to_an_earlier_change_is_emailed_again(
    connector: Connector, sandbox: SandboxServer
) -> None:
    eid = due_event(sandbox, guest_count=40)["id"]

    seen = _steps(
        connector,
        eid,
        [
            lambda: None,
            lambda: change_event(sandbox, eid, guest_count=45),
            lambda: change_event(sandbox, eid, guest_count=40),  # back to what the order holds
            lambda: change_event(sandbox, eid, guest_count=45),
        ],
    )

    assert seen == [("INJECTED", 1), ("DRIFT", 2), ("ALREADY_INJECTED", 2), ("DRIFT", 3)]


def test_the_same_failure_after_an_operator_resolved_it_is_emailed_again(
    connector: Connector, sandbox: SandboxServer
) -> None:
    eid = due_event(sandbox, items=[MAPPED, NOT_MAPPED])["id"]
    assert _outcome(connector, eid) == "FAILED_UNMAPPED"

    ack = connector.http.post(f"/api/events/{eid}/acknowledge", json={"note": "entered by hand"})
    assert ack.status_code == 200, ack.text
    change_event(sandbox, eid, guest_count=77)  # still the same unmapped item

    assert _outcome(connector, eid) == "FAILED_UNMAPPED"
    assert _emails(connector, eid) == ["failure", "failure"]
