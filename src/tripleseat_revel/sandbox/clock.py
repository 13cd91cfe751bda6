"""The simulators' clock: aware-UTC `now()`, following the system clock or pinned by a test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class ClockLike(Protocol):
    """Anything with `now()` returning an aware UTC datetime can drive the world."""

    def now(self) -> datetime: ...


class Clock:
    """System time by default; `set()` pins it (tests pin "today"), `advance()` moves it on.

    A pinned clock does not move on its own, which is what makes the rate-limit window and token
    expiry testable without sleeping.
    """

    def __init__(self, fixed: datetime | None = None) -> None:
        self._fixed = _aware(fixed) if fixed is not None else None
        self._offset = timedelta(0)

    def now(self) -> datetime:
        base = self._fixed if self._fixed is not None else datetime.now(UTC)
        return base + self._offset

    @property
    def frozen(self) -> bool:
        return self._fixed is not None

    def set(self, when: datetime | None) -> None:
        """Pin the clock at `when` (None: follow the system clock again)."""
        self._fixed = _aware(when) if when is not None else None
        self._offset = timedelta(0)

    def advance(self, seconds: float) -> None:
        self._offset += timedelta(seconds=seconds)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("the clock needs an aware datetime (UTC)")
    return value.astimezone(UTC)
