"""The catalogue cache: one Revel fetch per establishment however many syncs ask at once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any, cast

from tripleseat_revel.integrations.revel.client import RevelClient
from tripleseat_revel.sync.catalogue import CatalogueCache


class SlowRevel:
    """A Revel whose product list takes a while to come (as over a real network)."""

    def __init__(self, products: int = 3, delay: float = 0.05, fail: int = 0) -> None:
        self.calls: list[int] = []
        self._lock = threading.Lock()
        self.products_count, self.delay, self.fail = products, delay, fail

    def products(self, establishment: int) -> list[Any]:
        with self._lock:
            self.calls.append(establishment)
            failing = len(self.calls) <= self.fail
        time.sleep(self.delay)
        if failing:
            raise ConnectionError("Revel unreachable")
        return [
            type("P", (), {"id": i, "name": f"Item {i}", "price": Decimal("10.00"), "active": True})()
            for i in range(1, self.products_count + 1)
        ]


def _cache(revel: SlowRevel, clock: Any = time.monotonic) -> CatalogueCache:
    return CatalogueCache(cast(RevelClient, revel), ttl_seconds=300, clock=clock)


def test_sixteen_syncs_asking_a_cold_cache_at_once_fetch_the_catalogue_once() -> None:
    revel = SlowRevel()
    cache = _cache(revel)
    with ThreadPoolExecutor(16) as pool:
        catalogues = list(pool.map(lambda _: cache.get(20271), range(16)))
    assert revel.calls == [20271]
    assert {len(c.products) for c in catalogues} == {3}


def test_each_establishment_has_its_own_fetch_and_a_stale_entry_is_fetched_again() -> None:
    now = [0.0]
    revel = SlowRevel(delay=0)
    cache = _cache(revel, clock=lambda: now[0])
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: cache.get(20271 if i % 2 else 20272), range(8)))
    assert sorted(revel.calls) == [20271, 20272]
    now[0] = 301.0
    cache.get(20271)
    assert sorted(revel.calls) == [20271, 20271, 20272]


def test_a_failed_fetch_fails_its_caller_and_the_next_caller_fetches_again() -> None:
    revel = SlowRevel(delay=0, fail=1)
    cache = _cache(revel)
    try:
        cache.get(20271)
    except ConnectionError:
        pass
    else:
        raise AssertionError("the failed fetch was not raised")
    assert len(cache.get(20271).products) == 3
    assert revel.calls == [20271, 20271]


def test_syncs_waiting_on_a_fetch_that_fails_fail_with_it_and_do_not_each_fetch_again() -> None:
    revel = SlowRevel(delay=0.3, fail=1)  # long enough for the 8 to arrive on a loaded machine
    cache = _cache(revel)

    def get(_: int) -> str:
        try:
            cache.get(20271)
        except ConnectionError:
            return "failed"
        return "ok"

    start = threading.Barrier(8)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: (start.wait(), get(i))[1], range(8)))

    assert results == ["failed"] * 8  # Revel was asked once during the outage, not 8 times in turn
    assert revel.calls == [20271]
    assert len(cache.get(20271).products) == 3  # the next caller, after the outage, fetches again
