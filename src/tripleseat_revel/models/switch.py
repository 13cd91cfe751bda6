"""Run-time switches (DRY_RUN, ENABLE_CONNECTOR, LOCATION_OVERRIDE), persisted and audited."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tripleseat_revel.models.base import Base, utcnow


class Switch(Base):
    __tablename__ = "switches"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[bool]
    updated_by: Mapped[str | None] = mapped_column(sa.String(80))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
