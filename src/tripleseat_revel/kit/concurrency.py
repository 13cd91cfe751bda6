"""How many syncs a process runs at once: as many as the vendors' budgets feed, never more than a cap.

AIMD (additive increase, multiplicative decrease), as TCP does with its window: a vendor's refusal
(429) halves the limit, at most once per `cooldown` seconds (one burst of refusals is one signal);
each run that ends adds `1 / limit` back (so a whole limit's worth of runs adds one). The
client-side rate limiters keep the calls under the configured budgets; this keeps the number of
runs waiting on a budget that turned out smaller than configured (a limit shared with another
integration, a vendor's bad minute) from growing into a storm of 429s.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class AdaptiveLimit:
    """A semaphore whose size moves between `floor` and `cap` (AIMD)."""

    def __init__(
        self,
        cap: int,
        *,
        floor: int = 1,
        cooldown: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.cap, self.floor, self.cooldown, self._clock = cap, min(floor, cap), cooldown, clock
        self._limit = float(cap)
        self._active = 0
        self._last_cut = float("-inf")
        self._cond = threading.Condition()

    @property
    def limit(self) -> int:
        return max(self.floor, int(self._limit))

    @property
    def active(self) -> int:
        return self._active

    def acquire(self) -> None:
        with self._cond:
            while self._active >= self.limit:
                self._cond.wait()
            self._active += 1

    def release(self) -> None:
        """A run ended: its slot is free, and the limit grows by 1/limit (up to the cap)."""
        with self._cond:
            self._active -= 1
            self._limit = min(float(self.cap), self._limit + 1 / max(self._limit, 1.0))
            self._cond.notify_all()

    def refused(self) -> None:
        """A vendor refused a call for its rate (429): halve the limit (once per cooldown)."""
        with self._cond:
            now = self._clock()
            if now - self._last_cut < self.cooldown:
                return
            self._last_cut = now
            self._limit = max(float(self.floor), self._limit / 2)

    def __enter__(self) -> AdaptiveLimit:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
