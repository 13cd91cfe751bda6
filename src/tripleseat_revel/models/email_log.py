"""Emails sent, keyed by (event, kind, content): one email per outcome change, never a storm."""

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
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
