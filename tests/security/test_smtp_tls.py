"""Finding 1: SMTP credentials and mail only go over TLS (STARTTLS negotiated after EHLO, the
relay's certificate verified), against a real relay on localhost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tests.security.conftest import Relay
from tripleseat_revel import migrate
from tripleseat_revel.config import load_settings
from tripleseat_revel.db import Database
from tripleseat_revel.models import EmailLog
from tripleseat_revel.notify.service import Email, Notifier, transport_from_settings

ALERT = Email("failure", 42, "Action needed: Smith Dinner is not on the POS", "Map the items.", dedup="a")


def _notifier(tmp_path: Path, **settings: Any) -> Notifier:
    loaded = load_settings(_env_file=None, **settings)
    db = Database(f"sqlite:///{tmp_path / 'mail.db'}")
    migrate.upgrade(db.engine)
    return Notifier(
        db, transport_from_settings(loaded), sender="c@example.com", recipients=["ops@example.com"]
    )


def _row(notifier: Notifier) -> EmailLog:
    with notifier.db.session() as session:
        row = session.scalars(sa.select(EmailLog)).one()
        session.expunge(row)
        return row


def test_the_password_goes_only_after_starttls_and_the_mail_arrives(
    starttls_relay: Relay, tmp_path: Path
) -> None:
    notifier = _notifier(tmp_path, SMTP_URL=starttls_relay.url, SMTP_CA_FILE=str(starttls_relay.ca_file))

    assert notifier.send(ALERT) is True

    assert starttls_relay.auth.attempts == [True]  # one AUTH, under TLS
    (mail,) = starttls_relay.inbox.messages
    assert mail.subject == ALERT.subject and mail.rcpt_tos == ["ops@example.com"]
    assert _row(notifier).status == "sent"


def test_a_relay_certificate_nobody_vouches_for_gets_no_password(
    starttls_relay: Relay, tmp_path: Path
) -> None:
    notifier = _notifier(tmp_path, SMTP_URL=starttls_relay.url)  # no SMTP_CA_FILE: system CAs only

    assert notifier.send(ALERT) is False

    assert starttls_relay.auth.attempts == [] and starttls_relay.inbox.messages == []
    row = _row(notifier)
    assert row.status == "pending" and "certificate" in (row.error or "").lower()


def test_a_relay_without_starttls_never_gets_the_password_and_the_alert_waits(
    plain_relay: Relay, tmp_path: Path
) -> None:
    notifier = _notifier(tmp_path, SMTP_URL=plain_relay.url)

    assert notifier.send(ALERT) is False

    assert plain_relay.auth.attempts == [] and plain_relay.inbox.messages == []
    row = _row(notifier)
    assert row.status == "pending" and row.next_attempt_at is not None  # drained again later
    assert "does not offer STARTTLS" in (row.error or "")
    assert plain_relay.url.split("@")[0].split(":")[-1] not in (row.error or "")


def test_plain_text_only_when_the_operator_allows_it(plain_relay: Relay, tmp_path: Path) -> None:
    notifier = _notifier(tmp_path, SMTP_URL=plain_relay.url, SMTP_ALLOW_PLAINTEXT="true")

    assert notifier.send(ALERT) is True

    assert plain_relay.auth.attempts == [False]
    assert len(plain_relay.inbox.messages) == 1
