"""Replicas (DBOS executors) and their heartbeats: how a dead replica's work is found and recovered."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tripleseat_revel.models.base import Base, utcnow


class Replica(Base):
    __tablename__ = "replicas"

    executor_id: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    hostname: Mapped[str] = mapped_column(sa.String(200))
    pid: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    stopped_at: Mapped[datetime | None]
    recovered_at: Mapped[datetime | None]
    recovered_workflows: Mapped[int] = mapped_column(default=0)
