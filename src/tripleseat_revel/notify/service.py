"""Notifications: one email per outcome change (a unique key in `email_log`), sent at least once.

`email_log` is an outbox: an email is stored with its whole message before it is sent, and marked
sent after. It is stored already claimed by the attempt that follows (one transaction), so a crash
before that attempt ends leaves it to `drain` once the claim lapses (5 minutes). One whose send
failed (the transport was down, say) stays `pending` and is sent again by `drain` (the janitor runs
it every minute) with a growing pause, until it goes out. A crash between the send and the mark can
send it twice; nothing can make it lost.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email import message_from_string, policy
from email.message import EmailMessage

import sqlalchemy as sa

from tripleseat_revel.config import Settings
from tripleseat_revel.db import Database
from tripleseat_revel.logging import get_logger, safe_error, scrub_text
from tripleseat_revel.metrics import EMAILS
from tripleseat_revel.models import EmailLog
from tripleseat_revel.notify.transports import (
    FileOutbox,
    SendGridTransport,
    SmtpTransport,
    Transport,
)

log = get_logger(__name__)
RETRY_FIRST = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=1)
DRAIN_BATCH = 50
CLAIM_FOR = timedelta(minutes=5)  # an attempt's hold on an email; a crash mid-attempt ends with it
# Control, format and line/paragraph separator characters (every str.splitlines() boundary is
# one), and lone surrogates: the email library refuses some in a header, and none belongs there.
_UNSAFE_IN_HEADER = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_SPACES = re.compile(r" {2,}")
_PLAIN_SUBJECT = {
    "success": "On the POS",
    "failure": "Action needed",
    "drift": "Changed after its order was made",
    "missed": "MISSED",
}


def header_text(value: str) -> str:
    """A header value from free text (an event name may carry a line break): one line, each
    control or separator character a space."""
    cleaned = "".join(" " if unicodedata.category(c) in _UNSAFE_IN_HEADER else c for c in value)
    return _SPACES.sub(" ", cleaned).strip()


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


def _encodable(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


def _plain(email: Email) -> Email:
    """The email with a plain subject and only encodable text (its fallback)."""
    label = _PLAIN_SUBJECT.get(email.kind, "Notice")
    about = f"event {email.event_id} ({email.kind})" if email.event_id is not None else email.kind
    html = _encodable(email.html) if email.html else None
    return Email(email.kind, email.event_id, f"{label}: {about}", _encodable(email.text), html, email.dedup)


def _scrubbed(email: Email) -> Email:
    html = scrub_text(email.html) if email.html else None
    return replace(email, subject=scrub_text(email.subject), text=scrub_text(email.text), html=html)


def transport_from_settings(settings: Settings) -> Transport:
    if settings.SENDGRID_API_KEY is not None:
        return SendGridTransport(settings.SENDGRID_API_KEY.get_secret_value(), settings.SENDGRID_API_URL)
    if settings.SMTP_URL is not None:
        return SmtpTransport(
            settings.SMTP_URL.get_secret_value(),
            allow_plaintext=settings.SMTP_ALLOW_PLAINTEXT,
            ca_file=settings.SMTP_CA_FILE,
        )
    return FileOutbox(settings.OUTBOX_DIR)


def _now() -> datetime:
    return datetime.now(UTC)


def _backoff(attempts: int) -> timedelta:
    pause: timedelta = RETRY_FIRST * (2 ** max(0, attempts - 1))
    return min(pause, RETRY_MAX)


class Notifier:
    def __init__(self, db: Database, transport: Transport, *, sender: str, recipients: list[str]) -> None:
        self.db = db
        self.transport = transport
        self.sender = sender
        self.recipients = recipients

    def message(self, email: Email) -> EmailMessage:
        """The MIME message: plain text, with the HTML version as an alternative; quoted-printable,
        so the message sent at once and the one stored (and sent by `drain`) are the same 7-bit
        text whatever the relay supports."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients) or self.sender
        message["Subject"] = header_text(email.subject)
        message.set_content(email.text, cte="quoted-printable")
        if email.html:
            message.add_alternative(email.html, subtype="html", cte="quoted-printable")
        return message

    def _composed(self, email: Email) -> tuple[str, EmailMessage, str]:
        """(subject, MIME message, its text) of the email to store. One the email library refuses
        (text it cannot encode, say) goes out plain rather than not at all: an alert is never lost.
        No known secret goes out in an email (error text quoted in it is scrubbed)."""
        email = _scrubbed(email)
        try:
            message = self.message(email)
            return header_text(email.subject), message, message.as_string()
        except Exception as exc:
            log.error(
                "email.compose_failed", kind=email.kind, event_id=email.event_id, error=type(exc).__name__
            )
            plain = _plain(email)
            message = self.message(plain)
            return plain.subject, message, message.as_string()

    def _store_claimed(self, email: Email, subject: str, message: str) -> EmailLog | None:
        """Put the email in the outbox, already claimed for the attempt that follows (one
        transaction: a crash before that attempt ends leaves it to `drain`, due in 5 minutes as
        any claim). None if its key is there already (sent, or on its way)."""
        now = _now()
        row = EmailLog(
            key=email.key,
            event_id=email.event_id,
            kind=email.kind,
            subject=subject[:300],
            recipients=", ".join(self.recipients),
            transport=self.transport.name,
            status="pending",
            attempts=1,
            next_attempt_at=now + CLAIM_FOR,
            message=message,
        )
        try:
            with self.db.session() as session:
                session.add(row)
        except sa.exc.IntegrityError:
            return None
        return row

    def send(self, email: Email) -> bool:
        """Store the email (unless an email with the same key was stored before) and try to send it
        now. True if it went out now; a failed send is retried by `drain`."""
        subject, message, text = self._composed(email)
        row = self._store_claimed(email, subject, text)
        if row is None:
            EMAILS.labels(email.kind, "duplicate").inc()
            return False
        return self._deliver(row, message)

    def _claim(self, key: str, now: datetime | None = None) -> EmailLog | None:
        """Take a due pending email for one attempt (another process's claim makes this one None)."""
        now = now or _now()
        with self.db.session() as session:
            claimed = session.execute(
                sa.update(EmailLog)
                .where(EmailLog.key == key, EmailLog.status == "pending", EmailLog.next_attempt_at <= now)
                .values(attempts=EmailLog.attempts + 1, next_attempt_at=now + CLAIM_FOR)
            )
            if not claimed.rowcount:  # type: ignore[attr-defined]
                return None
            row = session.get(EmailLog, key)
            if row is not None:
                session.expunge(row)
            return row

    def _attempt(self, key: str, now: datetime | None = None) -> bool:
        row = self._claim(key, now)
        if row is None or row.message is None:
            return False
        return self._deliver(
            row, message_from_string(row.message, _class=EmailMessage, policy=policy.default)
        )

    def _deliver(self, row: EmailLog, message: EmailMessage) -> bool:
        """Send a claimed email, and mark it sent (or note why not, for `drain` to retry)."""
        try:
            self.transport.send(message)
        except Exception as exc:
            self._failed(row, exc)
            return False
        with self.db.session() as session:
            session.execute(
                sa.update(EmailLog)
                .where(EmailLog.key == row.key)
                .values(status="sent", sent_at=_now(), error=None, next_attempt_at=None, message=None)
            )
        EMAILS.labels(row.kind, "sent").inc()
        log.info(
            "email.sent",
            kind=row.kind,
            event_id=row.event_id,
            transport=self.transport.name,
            subject=row.subject,
        )
        return True

    def _failed(self, row: EmailLog, exc: Exception) -> None:
        EMAILS.labels(row.kind, "failed").inc()
        retry = _now() + _backoff(row.attempts)
        log.error(
            "email.failed",
            kind=row.kind,
            event_id=row.event_id,
            error=type(exc).__name__,
            retry_at=retry.isoformat(),
        )
        with self.db.session() as session:
            session.execute(
                sa.update(EmailLog)
                .where(EmailLog.key == row.key)
                .values(error=f"{type(exc).__name__}: {safe_error(exc)}"[:500], next_attempt_at=retry)
            )

    def drain(self, limit: int = DRAIN_BATCH, *, now: datetime | None = None) -> int:
        """Send the pending emails due by `now` (oldest first). Returns how many went out."""
        now = now or _now()
        with self.db.session() as session:
            due = list(
                session.scalars(
                    sa.select(EmailLog.key)
                    .where(EmailLog.status == "pending", EmailLog.next_attempt_at <= now)
                    .order_by(EmailLog.sent_at)
                    .limit(limit)
                )
            )
        return sum(self._attempt(key, now) for key in due)

    def pending(self) -> int:
        with self.db.session() as session:
            return int(session.scalar(sa.select(sa.func.count()).where(EmailLog.status == "pending")) or 0)
