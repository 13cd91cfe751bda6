"""At most one queued (not yet started) sync per event: a burst of triggers collapses into it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tripleseat_revel.models.base import Base, utcnow


class SyncPending(Base):
    __tablename__ = "sync_pending"

    event_id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    workflow_id: Mapped[str] = mapped_column(sa.String(120))
    source: Mapped[str] = mapped_column(sa.String(40))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    collapsed: Mapped[int] = mapped_column(default=0)
