"""Client-side rate limits that hold across threads (in process) or replicas (in the database).

Both use GCRA: each call reserves the next slot `1/rate` seconds after the previous one and sleeps
until its slot. The shared variant keeps the slot time in one database row and reserves it with a
single atomic UPDATE, so every replica on the same PostgreSQL draws from one budget. The callers of
one process that arrive while a reservation is being written are given their slots by the next one
UPDATE, together (a burst of calls costs a few database writes, not one each).
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
MAX_GROUP = 64  # slots one UPDATE reserves at most


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
        self._changed = threading.Condition()
        self._tickets = 0
        self._waiting: list[int] = []
        self._given: dict[int, float | BaseException] = {}
        self._reserving = False

    def _ensure_row(self) -> None:
        insert = "INSERT INTO rate_limits (name, tat) VALUES (:name, 0) ON CONFLICT (name) DO NOTHING"
        with self.engine.begin() as conn:
            conn.execute(sa.text(insert), {"name": self.name})

    def acquire(self) -> float:
        if not self._ready:
            self._ensure_row()
            self._ready = True
        slot = self._slot()
        wait = slot - self._clock()
        if wait > 0:
            self._sleep(wait)
        return max(0.0, wait)

    def _slot(self) -> float:
        """This caller's slot: reserved by itself, or by the caller that was reserving when it came
        (with one UPDATE for everyone waiting then, in the order they came). A reservation that
        fails fails every caller it was for."""
        with self._changed:
            ticket = self._tickets
            self._tickets += 1
            self._waiting.append(ticket)
            while ticket not in self._given:
                if not self._reserving:
                    self._lead(ticket)
                    break
                self._changed.wait()
            given = self._given.pop(ticket)
        if isinstance(given, BaseException):
            raise given
        return given

    def _lead(self, ticket: int) -> None:
        """Reserve the slots of the callers waiting, oldest first and this one among them (the
        lock held on entry and on return)."""
        first_in_line = self._waiting[: MAX_GROUP - 1]
        group = sorted({ticket, *first_in_line})
        taken = set(group)
        self._waiting = [t for t in self._waiting if t not in taken]
        self._reserving = True
        self._changed.release()
        try:
            first: float | BaseException = self._reserve(len(group))
        except BaseException as exc:
            first = exc
        finally:
            self._changed.acquire()
        self._reserving = False
        for i, waiting in enumerate(group):
            self._given[waiting] = first if isinstance(first, BaseException) else first + i * self.interval
        self._changed.notify_all()

    def _reserve(self, slots: int) -> float:
        """Reserve `slots` consecutive slots; the time of the first."""
        now = self._clock()
        with self.engine.begin() as conn:
            tat = conn.execute(
                _RESERVE, {"now": now, "interval": slots * self.interval, "name": self.name}
            ).scalar_one()
        return float(tat) - slots * self.interval
