"""Append-only audit trail: every step of every sync, with its correlation id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tripleseat_revel.models.base import Base, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_event_at", "event_id", "id"),)

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    event_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    correlation_id: Mapped[str | None] = mapped_column(sa.String(40))
    workflow_id: Mapped[str | None] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(60))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    data: Mapped[dict[str, Any] | None]
