"""The establishments' Revel products, cached with a TTL, and the product mappings in force."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import sqlalchemy as sa

from tripleseat_revel.config import LocationsConfig
from tripleseat_revel.db import Database
from tripleseat_revel.integrations.revel.client import RevelClient
from tripleseat_revel.models import ProductMappingRow
from tripleseat_revel.sync.matching import Catalogue, CatalogueProduct, Mappings


class CatalogueCache:
    """One catalogue per establishment, refetched after `ttl_seconds`."""

    def __init__(
        self, revel: RevelClient, ttl_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.revel = revel
        self.ttl = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[int, tuple[float, Catalogue]] = {}

    def get(self, establishment: int) -> Catalogue:
        with self._lock:
            entry = self._entries.get(establishment)
            if entry is not None and self._clock() - entry[0] < self.ttl:
                return entry[1]
        products = [
            CatalogueProduct(p.id, p.name, p.price, p.active is not False)
            for p in self.revel.products(establishment)
        ]
        catalogue = Catalogue(establishment, products)
        with self._lock:
            self._entries[establishment] = (self._clock(), catalogue)
        return catalogue


def load_mappings(db: Database, config: LocationsConfig) -> Mappings:
    """Mappings of the locations file, overridden by those an operator saved in the dashboard."""
    entries: dict[tuple[int, int | None], int] = {
        (m.menu_item_id, m.revel_establishment): m.revel_product for m in config.product
    }
    with db.session() as session:
        for row in session.scalars(sa.select(ProductMappingRow)):
            entries[(row.menu_item_id, row.establishment_id)] = row.revel_product
    return Mappings(entries)
