"""Retries, backoff and the vendor error base, in one place for both vendor clients.

Only idempotent calls are retried here (GETs, and PATCHes that set absolute values). A POST is
never retried blindly: its caller looks the record up first (ledger, then Revel by local_id).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TypeVar

import httpx

T = TypeVar("T")

# (vendor, endpoint template, status or "error", seconds) -> None; used for metrics.
CallObserver = Callable[[str, str, str, float], None]

MAX_RETRY_AFTER = 3600.0
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=30.0, write=30.0, pool=10.0)


class VendorError(Exception):
    """Base of both vendors' error trees.

    `retryable`: the same request may succeed later (timeouts, 429, 5xx).
    `ambiguous`: a write may have been applied although it failed (timeout or 5xx after sending).
    """

    vendor = "vendor"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
        ambiguous: bool = False,
        body: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after
        self.ambiguous = ambiguous
        self.body = body


def is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, VendorError) and exc.retryable


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        seconds = None
    if seconds is not None:
        # "inf" and "nan" parse as floats; a server's hint is bounded to an hour.
        return min(max(0.0, seconds), MAX_RETRY_AFTER) if math.isfinite(seconds) else None
    try:
        return min(max(0.0, parsedate_to_datetime(value).timestamp() - time.time()), MAX_RETRY_AFTER)
    except (TypeError, ValueError, OverflowError):
        return None


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    jitter: float = 0.25

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff with jitter; a server's Retry-After is a floor, never shortened."""
        backoff = self.base_delay * (2 ** (attempt - 1)) * (1 + random.uniform(-self.jitter, self.jitter))
        backoff = float(min(self.max_delay, backoff))
        if retry_after is not None:
            return float(min(max(retry_after, backoff), max(self.max_delay, retry_after)))
        return backoff


def with_retries(
    call: Callable[[], T],
    *,
    policy: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[VendorError, float], None] | None = None,
    unambiguous_only: bool = False,
) -> T:
    """Run `call`, retrying retryable VendorErrors per `policy`. With `unambiguous_only` (for
    writes that are not idempotent) only errors that prove nothing was applied are retried."""
    attempt = 1
    while True:
        try:
            return call()
        except VendorError as exc:
            if not exc.retryable or attempt >= policy.attempts or (unambiguous_only and exc.ambiguous):
                raise
            pause = policy.delay(attempt, exc.retry_after)
            if on_retry is not None:
                on_retry(exc, pause)
            sleep(pause)
            attempt += 1


def body_excerpt(
    response: httpx.Response, limit: int = 300, *, redact: Callable[[str], str] | None = None
) -> str:
    """The start of an error answer, for the error's text. A vendor may echo the credentials it
    was sent: `redact` removes them (before cutting, so no half of one is left)."""
    try:
        text = response.text
    except (UnicodeDecodeError, httpx.ResponseNotRead):
        return "<unreadable body>"
    return (redact(text[: limit * 4]) if redact else text)[:limit]
