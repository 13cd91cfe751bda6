"""The establishments' Revel products, cached with a TTL, and the product mappings in force."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

import sqlalchemy as sa

from tripleseat_revel.config import LocationsConfig
from tripleseat_revel.db import Database
from tripleseat_revel.integrations.revel.client import RevelClient
from tripleseat_revel.models import ProductMappingRow
from tripleseat_revel.sync.matching import Catalogue, CatalogueProduct, Mappings


class CatalogueCache:
    """One catalogue per establishment, refetched after `ttl_seconds`. Callers that find it
    missing or stale while it is being fetched share that one fetch: its catalogue, or its error
    (a burst's first syncs ask Revel once, and an outage fails them together, not one by one)."""

    def __init__(
        self, revel: RevelClient, ttl_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.revel = revel
        self.ttl = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[int, tuple[float, Catalogue]] = {}
        self._fetching: dict[int, Future[Catalogue]] = {}

    def get(self, establishment: int) -> Catalogue:
        with self._lock:
            entry = self._entries.get(establishment)
            if entry is not None and self._clock() - entry[0] < self.ttl:
                return entry[1]
            shared = self._fetching.get(establishment)
            if shared is None:
                mine: Future[Catalogue] = Future()
                self._fetching[establishment] = mine
        if shared is not None:
            return shared.result()
        try:
            catalogue = self._fetch(establishment)
        except BaseException as exc:
            self._settle(establishment, mine)
            mine.set_exception(exc)
            raise
        self._settle(establishment, mine, catalogue)
        mine.set_result(catalogue)
        return catalogue

    def _settle(
        self, establishment: int, fetch: Future[Catalogue], catalogue: Catalogue | None = None
    ) -> None:
        """The fetch is over: later callers use its catalogue (if any) or fetch again."""
        with self._lock:
            if catalogue is not None:
                self._entries[establishment] = (self._clock(), catalogue)
            if self._fetching.get(establishment) is fetch:
                del self._fetching[establishment]

    def _fetch(self, establishment: int) -> Catalogue:
        products = [
            CatalogueProduct(p.id, p.name, p.price, p.active is not False)
            for p in self.revel.products(establishment)
        ]
        return Catalogue(establishment, products)


def load_mappings(db: Database, config: LocationsConfig) -> Mappings:
    """Mappings of the locations file, overridden by those an operator saved in the dashboard."""
    entries: dict[tuple[int, int | None], int] = {
        (m.menu_item_id, m.revel_establishment): m.revel_product for m in config.product
    }
    with db.session() as session:
        for row in session.scalars(sa.select(ProductMappingRow)):
            entries[(row.menu_item_id, row.establishment_id)] = row.revel_product
    return Mappings(entries)
