"""Notifications: one email per outcome change (a unique key in `email_log`), never a storm."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email.message import EmailMessage

import sqlalchemy as sa

from tripleseat_revel.config import Settings
from tripleseat_revel.db import Database
from tripleseat_revel.logging import get_logger
from tripleseat_revel.metrics import EMAILS
from tripleseat_revel.models import EmailLog
from tripleseat_revel.notify.transports import (
    FileOutbox,
    SendGridTransport,
    SmtpTransport,
    Transport,
)

log = get_logger(__name__)


@dataclass(frozen=True)
class Email:
    kind: str  # success | failure | drift | missed | digest
    event_id: int | None
    subject: str
    text: str
    html: str | None = None
    dedup: str = ""  # what makes this email distinct for its event and kind (e.g. a fingerprint)

    @property
    def key(self) -> str:
        digest = hashlib.sha256(self.dedup.encode()).hexdigest()[:16]
        return f"{self.event_id}:{self.kind}:{digest}"


def transport_from_settings(settings: Settings) -> Transport:
    if settings.SENDGRID_API_KEY is not None:
        return SendGridTransport(settings.SENDGRID_API_KEY.get_secret_value())
    if settings.SMTP_URL is not None:
        return SmtpTransport(settings.SMTP_URL.get_secret_value())
    return FileOutbox(settings.OUTBOX_DIR)


class Notifier:
    def __init__(self, db: Database, transport: Transport, *, sender: str, recipients: list[str]) -> None:
        self.db = db
        self.transport = transport
        self.sender = sender
        self.recipients = recipients

    def _claim(self, email: Email) -> bool:
        """Reserve the email's key; False if it was already sent (or is being sent)."""
        try:
            with self.db.session() as session:
                session.add(
                    EmailLog(
                        key=email.key,
                        event_id=email.event_id,
                        kind=email.kind,
                        subject=email.subject[:300],
                        recipients=", ".join(self.recipients),
                        transport=self.transport.name,
                    )
                )
            return True
        except sa.exc.IntegrityError:
            return False

    def message(self, email: Email) -> EmailMessage:
        """The MIME message: plain text, with the HTML version as an alternative."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients) or self.sender
        message["Subject"] = email.subject
        message.set_content(email.text)
        if email.html:
            message.add_alternative(email.html, subtype="html")
        return message

    def _failed(self, email: Email, exc: Exception) -> None:
        EMAILS.labels(email.kind, "failed").inc()
        log.error("email.failed", kind=email.kind, event_id=email.event_id, error=str(exc)[:200])
        with self.db.session() as session:
            session.execute(sa.update(EmailLog).where(EmailLog.key == email.key).values(error=str(exc)[:500]))

    def send(self, email: Email) -> bool:
        """Send unless an email with the same key went out already. True if sent now."""
        if not self._claim(email):
            EMAILS.labels(email.kind, "duplicate").inc()
            return False
        try:
            self.transport.send(self.message(email))
        except Exception as exc:
            self._failed(email, exc)
            return False
        EMAILS.labels(email.kind, "sent").inc()
        log.info(
            "email.sent",
            kind=email.kind,
            event_id=email.event_id,
            transport=self.transport.name,
            subject=email.subject,
        )
        return True
