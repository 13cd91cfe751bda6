"""Product mappings saved by an operator (they take precedence over the locations file)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tripleseat_revel.models.base import Base, utcnow


class ProductMappingRow(Base):
    __tablename__ = "product_mappings"
    __table_args__ = (sa.UniqueConstraint("menu_item_id", "establishment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    menu_item_id: Mapped[int] = mapped_column(sa.BigInteger)
    establishment_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    item_name: Mapped[str | None] = mapped_column(sa.String(300))
    revel_product: Mapped[int] = mapped_column(sa.BigInteger)
    created_by: Mapped[str | None] = mapped_column(sa.String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
