"""The ledger: one row per TripleSeat event the connector has seen, with its order state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tripleseat_revel.models.base import Base, utcnow


class EventRecord(Base):
    __tablename__ = "event_ledger"

    event_id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str | None] = mapped_column(sa.String(300))
    event_date: Mapped[str | None] = mapped_column(sa.String(10), index=True)  # venue date, ISO
    start_at: Mapped[datetime | None]
    ts_status: Mapped[str | None] = mapped_column(sa.String(20))
    ts_updated_at: Mapped[str | None] = mapped_column(sa.String(40))
    ts_fingerprint: Mapped[str | None] = mapped_column(sa.String(64))
    site_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    location_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    location_name: Mapped[str | None] = mapped_column(sa.String(200))
    establishment_id: Mapped[int | None] = mapped_column(sa.BigInteger)

    # Our view: the event's state (sync/states.py: EventState), the last outcome and its reason.
    state: Mapped[str] = mapped_column(sa.String(20), default="pending", index=True)
    outcome: Mapped[str | None] = mapped_column(sa.String(40))
    reason: Mapped[str | None] = mapped_column(sa.Text)

    # The event's Revel order: its identity, and where and for which day it was made.
    local_id: Mapped[str | None] = mapped_column(sa.String(80))
    revel_order_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    order_establishment: Mapped[int | None] = mapped_column(sa.BigInteger)
    order_date: Mapped[str | None] = mapped_column(sa.String(10))
    # The last plan computed, and the last plan Revel was verified (from its answers) to hold,
    # with the TripleSeat state it came from. A write to the order clears the verified plan.
    plan_fingerprint: Mapped[str | None] = mapped_column(sa.String(64))
    plan: Mapped[dict[str, Any] | None]
    verified_fingerprint: Mapped[str | None] = mapped_column(sa.String(64))
    verified_plan: Mapped[dict[str, Any] | None]
    verified_ts_fingerprint: Mapped[str | None] = mapped_column(sa.String(64))
    verified_at: Mapped[datetime | None]
    drift: Mapped[dict[str, Any] | None]
    unmapped: Mapped[list[Any] | None]
    # The open alert (an email_log key) of a drift or failure, and how an operator resolved one.
    alert_key: Mapped[str | None] = mapped_column(sa.String(160))
    # Bumped each time the order is verified or an operator resolves the alert: an alert's email
    # is sent once per episode, so the same problem coming back after a recovery is news again.
    alert_episode: Mapped[int] = mapped_column(default=0)
    resolved_by: Mapped[str | None] = mapped_column(sa.String(100))
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(sa.Text)

    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    correlation_id: Mapped[str | None] = mapped_column(sa.String(40))
    last_synced_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
