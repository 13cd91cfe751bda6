"""The durable webhook inbox: one row per distinct delivery (a re-delivery hits the unique key)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tripleseat_revel.models.base import Base, utcnow


class InboxDelivery(Base):
    __tablename__ = "webhook_inbox"

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    delivery_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    trigger: Mapped[str | None] = mapped_column(sa.String(60))
    event_id: Mapped[int | None] = mapped_column(sa.BigInteger, index=True)
    actionable: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(sa.String(200))
    signature_scheme: Mapped[str | None] = mapped_column(sa.String(20))
    body: Mapped[str] = mapped_column(sa.Text)
    workflow_id: Mapped[str | None] = mapped_column(sa.String(120))
    correlation_id: Mapped[str | None] = mapped_column(sa.String(40))
    deliveries: Mapped[int] = mapped_column(default=1)
