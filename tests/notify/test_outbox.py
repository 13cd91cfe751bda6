"""The outbox stores every alert whatever its text: a header from free text is one clean line, and
a message that cannot be composed goes out with a plain subject instead of being lost."""

from __future__ import annotations

import email
import email.policy
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
