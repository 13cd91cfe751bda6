"""The outbox stores every alert whatever its text: a header from free text is one clean line, and
a message that cannot be composed goes out with a plain subject instead of being lost."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tripleseat_revel import migrate
from tripleseat_revel.db import Database
from tripleseat_revel.models import EmailLog
from tripleseat_revel.notify.service import Email, Notifier, header_text
from tripleseat_revel.notify.transports import FileOutbox

# Every boundary str.splitlines() knows, and other control and format characters.
BREAKS = ["\n", "\r", "\r\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
CONTROLS = ["\t", "\x00", "\x07", "\x1b", "\x7f", "\x9f", "\u200b", "\u200e", "\u202e", "\ufeff"]


@pytest.fixture
def notifier(tmp_path: Path) -> Notifier:
    db = Database(f"sqlite:///{tmp_path / 'outbox.db'}")
    migrate.upgrade(db.engine)
    outbox = FileOutbox(tmp_path / "outbox")
    return Notifier(db, outbox, sender="c@example.com", recipients=["ops@example.com"])


def _stored(notifier: Notifier) -> list[tuple[str, str, str]]:
    with notifier.db.session() as session:
        rows = session.scalars(sa.select(EmailLog).order_by(EmailLog.sent_at))
        return [(row.key, row.subject, row.status) for row in rows]


def _sent_subjects(notifier: Notifier) -> list[str]:
    assert isinstance(notifier.transport, FileOutbox)
    files = sorted(notifier.transport.directory.glob("*.eml"))
    return [
        str(email.message_from_bytes(f.read_bytes(), policy=email.policy.default)["Subject"]) for f in files
    ]


@pytest.mark.parametrize("char", BREAKS + CONTROLS, ids=lambda c: f"U+{ord(c[-1]):04X}")
def test_a_header_from_free_text_is_one_line_without_control_characters(char: str) -> None:
    assert header_text(f"Smith{char}Rehearsal Dinner ") == "Smith Rehearsal Dinner"


@pytest.mark.parametrize("char", BREAKS, ids=lambda c: f"U+{ord(c[-1]):04X}")
def test_an_alert_whose_subject_holds_a_line_break_is_stored_and_sent(notifier: Notifier, char: str) -> None:
    alert = Email("failure", 7, f"Action needed: Smith{char}Rehearsal Dinner", "Map the items.")

    sent = notifier.send(alert)

    assert sent is True
    assert _stored(notifier) == [(alert.key, "Action needed: Smith Rehearsal Dinner", "sent")]
    assert _sent_subjects(notifier) == ["Action needed: Smith Rehearsal Dinner"]


def test_an_alert_that_cannot_be_composed_goes_out_with_a_plain_subject(notifier: Notifier) -> None:
    # A lone surrogate (valid in JSON, so possible in an event name) cannot be encoded in a message.
    alert = Email("failure", 7, "Action needed: Smith \ud800 Dinner", "Smith \ud800 Dinner: map the items.")

    sent = notifier.send(alert)

    assert sent is True
    ((key, subject, status),) = _stored(notifier)
    assert (key, status) == (alert.key, "sent")
    assert subject == "Action needed: event 7 (failure)"
    assert _sent_subjects(notifier) == [subject]
    assert notifier.send(alert) is False  # the same alert again: stored once


class Down:
    """A transport that is down (the relay refuses every message)."""

    name = "down"

    def send(self, message: email.message.EmailMessage) -> None:
        raise ConnectionRefusedError("relay down")


def test_an_email_stored_by_a_process_that_died_before_sending_is_sent_by_drain_once_its_claim_lapses(
    notifier: Notifier,
) -> None:
    alert = Email("failure", 7, "Action needed: Smith Rehearsal Dinner", "Map the items.")
    # The process stores the email, claimed for its own attempt, and dies before sending it.
    subject, _, text = notifier._composed(alert)
    assert notifier._store_claimed(alert, subject, text) is not None

    assert notifier.drain() == 0  # the claim holds: no second sender meanwhile
    assert _sent_subjects(notifier) == []
    later = datetime.now(UTC) + timedelta(minutes=6)
    assert notifier.drain(now=later) == 1
    assert _sent_subjects(notifier) == ["Action needed: Smith Rehearsal Dinner"]
    assert _stored(notifier) == [(alert.key, "Action needed: Smith Rehearsal Dinner", "sent")]
    assert notifier.send(alert) is False  # sent once, never again


def test_an_email_whose_first_send_failed_stays_pending_and_drain_sends_the_stored_message(
    notifier: Notifier,
) -> None:
    outbox = notifier.transport
    notifier.transport = Down()
    alert = Email("failure", 7, "Action needed: Smith Rehearsal Dinner", "Map the items.", "<p>Map</p>")

    assert notifier.send(alert) is False
    assert _stored(notifier) == [(alert.key, "Action needed: Smith Rehearsal Dinner", "pending")]
    with notifier.db.session() as session:
        row = session.get(EmailLog, alert.key)
        assert row is not None and row.attempts == 1 and row.error == "ConnectionRefusedError: relay down"

    notifier.transport = outbox
    assert notifier.drain(now=datetime.now(UTC) + timedelta(minutes=2)) == 1
    assert _stored(notifier) == [(alert.key, "Action needed: Smith Rehearsal Dinner", "sent")]
    assert _sent_subjects(notifier) == ["Action needed: Smith Rehearsal Dinner"]


def test_the_message_sent_at_once_is_the_one_stored_byte_for_byte_and_seven_bit(notifier: Notifier) -> None:
    alert = Email("success", 7, "On the POS: Zoë's dinner", "Zoë’s dinner — 3 × Cœur", "<p>Zoë’s dinner</p>")

    assert notifier.send(alert) is True

    assert isinstance(notifier.transport, FileOutbox)
    (sent,) = notifier.transport.directory.glob("*.eml")
    raw = sent.read_bytes()
    assert raw.isascii()  # no 8-bit body a relay without 8BITMIME would mangle
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    plain, html = parsed.get_body(("plain",)), parsed.get_body(("html",))
    assert plain is not None and html is not None
    assert plain.get_content().strip() == "Zoë’s dinner — 3 × Cœur"
    assert html.get_content().strip() == "<p>Zoë’s dinner</p>"
    message = notifier.message(alert)  # stored as text; sent as bytes, now or by `drain` later
    assert message.as_string().encode() == message.as_bytes()
