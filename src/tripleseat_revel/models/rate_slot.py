"""Shared rate-limit state (GCRA: the theoretical arrival time of the next allowed call)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tripleseat_revel.models.base import Base


class RateSlot(Base):
    __tablename__ = "rate_limits"

    name: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    tat: Mapped[float] = mapped_column(sa.Float, default=0.0)
