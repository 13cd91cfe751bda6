"""A line break in an event name (free text from TripleSeat) neither injects a header nor
suppresses the event's alert: the alert goes out, once, retried after the mail server refused it
(issue 12, finding 5). A real SMTP server (aiosmtpd) that refuses the first message."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import FAST
from tests.fixtures.events import UNMAPPED, due_event
from tests.fixtures.harness import Connector, free_port, running_connector
from tripleseat_revel.models import EmailLog
from tripleseat_revel.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e
TO = ["events@example.com"]
NAME = "Smith\r\nBcc: attacker@example.net\r\nRehearsal\u2028Dinner"


@dataclass
class RefusesFirst:
    """Answers the first message with a temporary failure, then accepts."""

    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    refused: int = 0

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        if self.refused == 0:
            self.refused += 1
            return "451 Requested action aborted: try again later"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@pytest.fixture
def server() -> Iterator[tuple[str, RefusesFirst]]:
    port, handler = free_port(), RefusesFirst()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", handler
    finally:
        controller.stop()


@pytest.fixture
def mailing(sandbox: SandboxServer, server: tuple[str, RefusesFirst], tmp_path: Path) -> Iterator[Connector]:
    with running_connector(
        sandbox, tmp_path, SMTP_URL=server[0], EMAIL_TO=TO[0], EMAIL_FROM="connector@example.com", **FAST
    ) as connector:
        yield connector


def test_an_event_name_with_line_breaks_is_alerted_and_retried(
    mailing: Connector, sandbox: SandboxServer, server: tuple[str, RefusesFirst]
) -> None:
    _url, handler = server
    event = due_event(sandbox, name=NAME, items=[{"menu_item_id": UNMAPPED.menu_item_id, "quantity": 2}])

    outcome = mailing.sync(event["id"]).json()["events"][0]["outcome"]
    assert outcome == "FAILED_UNMAPPED"
    assert handler.refused == 1 and handler.received == []  # the alert is waiting, not dropped
    with mailing.rt.db.session() as session:
        (row,) = session.query(EmailLog).filter_by(event_id=event["id"]).all()
        assert row.status == "pending" and row.error and "451" in row.error

    sent = mailing.rt.notifier.drain(now=datetime.now(UTC) + timedelta(hours=2))

    assert sent == 1
    ((rcpt_tos, message),) = handler.received
    assert rcpt_tos == TO  # no Bcc smuggled in through the name
    assert message["Bcc"] is None
    subject = str(message["Subject"])
    assert "\n" not in subject and "\r" not in subject
    assert "Smith Bcc: attacker@example.net Rehearsal Dinner" in subject
    with mailing.rt.db.session() as session:
        assert session.query(EmailLog).filter_by(event_id=event["id"], status="sent").count() == 1
