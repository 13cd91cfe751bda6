"""OAuth onboarding nonces: issued to one logged-in dashboard session, consumed once by the
callback that session brings back. Only hashes are kept (a database reader cannot replay one)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tripleseat_revel.models.base import Base, utcnow


class OAuthState(Base):
    __tablename__ = "oauth_states"

    nonce_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    session_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
