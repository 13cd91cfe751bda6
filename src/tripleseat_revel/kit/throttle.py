"""Per-client throttling of failed authentications, with back-off (in memory, per process).

A client (keyed by its address) that fails `max_failures` times within `window_seconds` is
refused for `lockout_seconds`; each further lockout doubles it, up to `max_lockout_seconds`. A
success clears the client's record. Each process keeps its own table: with N replicas an attacker
gets at most N times the budget, still far too few guesses for a 32-character token.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_CLIENTS = 10_000  # a bound on the table: the oldest idle records go first, then the oldest locked


@dataclass
class _Client:
    failures: deque[float] = field(default_factory=deque)
    strikes: int = 0  # lockouts so far (each doubles the next)
    locked_until: float = 0.0
    seen: float = 0.0


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int = 5
    window_seconds: float = 300.0
    lockout_seconds: float = 60.0
    max_lockout_seconds: float = 3600.0

    def lockout(self, strikes: int) -> float:
        return float(min(self.max_lockout_seconds, self.lockout_seconds * 2 ** max(0, strikes - 1)))


class FailureThrottle:
    def __init__(self, policy: ThrottlePolicy, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self._clock = clock
        self._clients: dict[str, _Client] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> int | None:
        """Whole seconds `client` must wait before trying again, or None if it may try now."""
        with self._lock:
            record = self._clients.get(client)
            wait = record.locked_until - self._clock() if record is not None else 0.0
        return max(1, int(wait + 0.999)) if wait > 0 else None

    def failed(self, client: str) -> int:
        """Record a failure; returns the client's failures in the window (after a lockout: 0)."""
        now = self._clock()
        with self._lock:
            record = self._clients.get(client) or self._admit(client)
            record.seen = now
            while record.failures and record.failures[0] <= now - self.policy.window_seconds:
                record.failures.popleft()
            record.failures.append(now)
            count = len(record.failures)
            if count >= self.policy.max_failures:
                record.strikes += 1
                record.locked_until = now + self.policy.lockout(record.strikes)
                record.failures.clear()
            return count

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._clients.pop(client, None)

    def _admit(self, client: str) -> _Client:
        if len(self._clients) >= MAX_CLIENTS:
            now = self._clock()
            # idle records first, then locked ones: the table never grows past MAX_CLIENTS
            oldest = sorted(
                self._clients, key=lambda k: (self._clients[k].locked_until > now, self._clients[k].seen)
            )
            for key in oldest[: max(1, MAX_CLIENTS // 10, len(self._clients) - MAX_CLIENTS + 1)]:
                del self._clients[key]
        record = self._clients[client] = _Client()
        return record
