"""Emails through a real SMTP server: recipients, subject, the items and totals; one per change."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import FAST
from tests.fixtures.events import UNMAPPED, due_event
from tests.fixtures.harness import Connector, running_connector
from tests.fixtures.sandbox_api import change_event, orders_for, set_faults, ts_totals
from tests.notify.conftest import SmtpServer
from tripleseat_revel.models import EmailLog
from tripleseat_revel.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e
TO = ["events@example.com", "kitchen@example.com"]


@pytest.fixture
def mailing(sandbox: SandboxServer, smtp: SmtpServer, tmp_path: Path) -> Iterator[Connector]:
    with running_connector(
        sandbox,
        tmp_path,
        SMTP_URL=smtp.url,
        EMAIL_TO=", ".join(TO),
        EMAIL_FROM="connector@example.com",
        PUBLIC_URL="https://ops.example.com",
        **FAST,
    ) as connector:
        yield connector


def _outcome(connector: Connector, event_id: int) -> str:
    return str(connector.sync(event_id).json()["events"][0]["outcome"])


def _day(event: dict[str, object]) -> str:
    return datetime.strptime(str(event["event_date"]), "%m/%d/%Y").strftime("%a %d %b %Y")


def _total_line(text: str, label: str) -> Decimal:
    """The amount on the text email's totals line `label` (e.g. "  Total        1,234.50")."""
    found = re.search(rf"^  {label} +([\d,]+\.\d\d)\s*$", text, re.MULTILINE)
    assert found is not None, f"no {label} line"
    return Decimal(found.group(1).replace(",", ""))


def test_a_success_email_names_the_order_and_lists_the_items_and_totals(
    mailing: Connector, sandbox: SandboxServer, smtp: SmtpServer
) -> None:
    event = due_event(sandbox)
    assert _outcome(mailing, event["id"]) == "INJECTED"
    (order,) = orders_for(sandbox, event["id"])

    (mail,) = smtp.inbox.messages
    assert mail.mail_from == "connector@example.com"
    assert mail.rcpt_tos == TO
    assert mail.subject == f"On the POS: Smith Rehearsal Dinner, {_day(event)} (Revel order #{order['id']})"
    text = mail.part("plain")
    assert "Location:    Special Events (Catering)" in text
    assert f"Revel order: #{order['id']}" in text
    assert "40 x Caprese Skewers @ 3.50 = 140.00" in text
    assert "25 x Bacon-Wrapped Dates @ 3.25 = 81.25" in text
    assert "2 x Chef's Seasonal Crudités Platter @ 95.00 = 190.00" in text
    totals = ts_totals(event)
    assert _total_line(text, "Subtotal") == totals["subtotal"]
    assert _total_line(text, "Discount") == totals["discount"]
    assert _total_line(text, "Total") == totals["final_total"]
    assert _total_line(text, "Paid") == totals["paid"]
    assert f"https://ops.example.com/events/{event['id']}" in text
    html = mail.part("html")
    assert "Caprese Skewers" in html and f"{totals['final_total']:,}" in html
    assert f"Revel order #{order['id']}" in html


def test_a_failure_retried_sends_one_email_saying_what_to_do(
    mailing: Connector, sandbox: SandboxServer, smtp: SmtpServer
) -> None:
    event = due_event(sandbox, items=[{"menu_item_id": UNMAPPED.menu_item_id, "quantity": 2}])

    outcomes = [_outcome(mailing, event["id"]) for _ in range(3)]

    assert outcomes == ["FAILED_UNMAPPED"] * 3
    (mail,) = smtp.inbox.messages
    assert mail.rcpt_tos == TO
    expected = f"Action needed: Smith Rehearsal Dinner, {_day(event)} is not on the POS"
    assert mail.subject == f"{expected} (items with no Revel product)"
    text = mail.part("plain")
    assert f"{UNMAPPED.name} (menu item {UNMAPPED.menu_item_id})" in text
    assert "What to do: Map each item to a Revel product" in text
    with mailing.rt.db.session() as session:
        assert session.query(EmailLog).filter_by(event_id=event["id"]).count() == 1


def test_a_vendor_failure_retried_sends_one_email(
    mailing: Connector, sandbox: SandboxServer, smtp: SmtpServer
) -> None:
    set_faults(sandbox, "revel", error_rate=1, error_statuses=[403])
    event = due_event(sandbox)

    outcomes = [_outcome(mailing, event["id"]) for _ in range(3)]

    assert outcomes == ["FAILED"] * 3
    (mail,) = smtp.inbox.messages
    assert mail.subject.endswith("is not on the POS (a TripleSeat or Revel error)")
    assert "Revel refused the API key (403)" in mail.part("plain")


def test_a_change_after_injection_sends_the_diff(
    mailing: Connector, sandbox: SandboxServer, smtp: SmtpServer
) -> None:
    event = due_event(sandbox, guest_count=20)
    _outcome(mailing, event["id"])
    change_event(sandbox, event["id"], guest_count=32)

    assert _outcome(mailing, event["id"]) == "DRIFT"
    assert _outcome(mailing, event["id"]) == "DRIFT"  # re-checked: no second email

    success, drift = smtp.inbox.messages
    assert success.subject.startswith("On the POS:")
    assert drift.subject == f"Changed after its order was made: Smith Rehearsal Dinner, {_day(event)}"
    assert "  - guests: 20 -> 32" in drift.part("plain")
    assert "<li>guests: 20 -&gt; 32</li>" in drift.part("html")


def test_a_missed_event_sends_an_alert(mailing: Connector, sandbox: SandboxServer, smtp: SmtpServer) -> None:
    event = due_event(sandbox, event_date="today-1")

    assert _outcome(mailing, event["id"]) == "MISSED"

    (mail,) = smtp.inbox.messages
    assert mail.subject == f"MISSED: Smith Rehearsal Dinner, {_day(event)} never reached the POS"
    assert "enter it in Revel by hand if still needed" in mail.part("plain")
