"""Client-side rate limits that hold across threads (in process) or replicas (in the database).

Both use GCRA: each call reserves the next slot `1/rate` seconds after the previous one and sleeps
until its slot. The shared variant keeps the slot time in one database row and reserves it with a
single atomic UPDATE, so every replica on the same PostgreSQL draws from one budget.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

import sqlalchemy as sa


class RateLimiter(Protocol):
    def acquire(self) -> float:
        """Block until the caller may make one call; return the seconds waited."""
        ...


class Unlimited:
    def acquire(self) -> float:
        return 0.0


class LocalRateLimiter:
    """GCRA in process memory (single process, e.g. the embedded SQLite default)."""

    def __init__(
        self,
        rate_per_second: float,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / rate_per_second
        self._tat = 0.0
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def acquire(self) -> float:
        with self._lock:
            now = self._clock()
            slot = max(self._tat, now)
            self._tat = slot + self.interval
        wait = slot - now
        if wait > 0:
            self._sleep(wait)
        return max(0.0, wait)


_RESERVE = sa.text(
    "UPDATE rate_limits SET tat = (CASE WHEN tat > :now THEN tat ELSE :now END) + :interval "
    "WHERE name = :name RETURNING tat"
)


class SharedRateLimiter:
    """GCRA whose state is a row of `rate_limits`: one budget across all replicas."""

    def __init__(
        self,
        engine: sa.Engine,
        name: str,
        rate_per_second: float,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.engine = engine
        self.name = name
        self.interval = 1.0 / rate_per_second
        self._clock = clock
        self._sleep = sleep
        self._ready = False

    def _ensure_row(self) -> None:
        insert = "INSERT INTO rate_limits (name, tat) VALUES (:name, 0) ON CONFLICT (name) DO NOTHING"
        with self.engine.begin() as conn:
            conn.execute(sa.text(insert), {"name": self.name})

    def acquire(self) -> float:
        if not self._ready:
            self._ensure_row()
            self._ready = True
        now = self._clock()
        with self.engine.begin() as conn:
            tat = conn.execute(
                _RESERVE, {"now": now, "interval": self.interval, "name": self.name}
            ).scalar_one()
        wait = (float(tat) - self.interval) - now
        if wait > 0:
            self._sleep(wait)
        return max(0.0, wait)
