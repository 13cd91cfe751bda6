"""Emails, keyed by (event, kind, content): one email per outcome change, never a storm. An
outbox: an email is stored with its message before it is sent, and one whose send failed is sent
again later (status `pending` with `next_attempt_at`) until it goes out."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tripleseat_revel.models.base import Base, utcnow


class EmailLog(Base):
    __tablename__ = "email_log"

    key: Mapped[str] = mapped_column(sa.String(160), primary_key=True)
    event_id: Mapped[int | None] = mapped_column(sa.BigInteger, index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    subject: Mapped[str] = mapped_column(sa.String(300))
    recipients: Mapped[str] = mapped_column(sa.Text, default="")
    transport: Mapped[str] = mapped_column(sa.String(20))
    error: Mapped[str | None] = mapped_column(sa.Text)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)  # stored at; when sent once `sent`
    status: Mapped[str] = mapped_column(sa.String(10), default="sent", index=True)  # pending | sent
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    message: Mapped[str | None] = mapped_column(sa.Text)  # the MIME message, kept until it is sent
