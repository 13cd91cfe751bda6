"""Write-ahead record of each Revel write of an order (intent before the call, done after).

An op left in `intent` is ambiguous (the call may or may not have landed): it is verified against
Revel before it is ever repeated, so a crash or a lost response never writes twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tripleseat_revel.models.base import Base, utcnow


class RevelOp(Base):
    __tablename__ = "revel_ops"

    local_id: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    op: Mapped[str] = mapped_column(sa.String(160), primary_key=True)  # what it writes (revel_writer)
    event_id: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    state: Mapped[str] = mapped_column(sa.String(10))  # intent | done
    revel_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    answer: Mapped[dict[str, Any] | None]  # what Revel answered (kept to verify the order)
    attempts: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
