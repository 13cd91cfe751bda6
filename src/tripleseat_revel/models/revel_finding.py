"""What `doctor --probe` found a Revel establishment to do where Revel's documentation is silent
(one row per establishment and behaviour; the connector adapts to it: sync/findings.py)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tripleseat_revel.models.base import Base, utcnow


class RevelFinding(Base):
    __tablename__ = "revel_findings"

    establishment_id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    behaviour: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    verdict: Mapped[str] = mapped_column(sa.String(12))  # confirmed | refuted | unknown
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    probe_order_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    tested_id: Mapped[int | None] = mapped_column(sa.BigInteger)  # payment_type: the id tried
    probed_at: Mapped[datetime] = mapped_column(default=utcnow)
