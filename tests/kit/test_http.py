"""Retries in one place: backoff, Retry-After as a floor, only retryable vendor errors."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
import time_machine

from tripleseat_revel.kit.http import (
    RetryPolicy,
    VendorError,
    is_retryable,
    parse_retry_after,
    with_retries,
)

STEADY = RetryPolicy(attempts=4, base_delay=0.5, max_delay=30.0, jitter=0.0)


class Flaky:
    """A call that raises the given errors in turn, then returns "ok"."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def retryable(retry_after: float | None = None) -> VendorError:
    return VendorError("503", status=503, retryable=True, retry_after=retry_after)


def fatal() -> VendorError:
    return VendorError("422", status=422)


# ---- RetryPolicy.delay ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempt", "expected"),
    [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (6, 16.0), (7, 30.0), (12, 30.0)],
)
def test_exponential_backoff_capped(attempt: int, expected: float) -> None:
    assert STEADY.delay(attempt, None) == expected


@pytest.mark.parametrize(("extreme", "expected"), [("low", 0.75), ("high", 1.25)])
def test_jitter_bounds(monkeypatch: pytest.MonkeyPatch, extreme: str, expected: float) -> None:
    monkeypatch.setattr(random, "uniform", lambda a, b: a if extreme == "low" else b)
    assert RetryPolicy(base_delay=1.0, jitter=0.25).delay(1, None) == expected


@pytest.mark.parametrize("attempt", [1, 2, 3, 4, 5, 6])
def test_retry_after_is_a_floor_even_with_low_jitter(monkeypatch: pytest.MonkeyPatch, attempt: int) -> None:
    monkeypatch.setattr(random, "uniform", lambda a, b: a)
    assert RetryPolicy().delay(attempt, 10.0) >= 10.0


def test_retry_after_above_backoff_is_used() -> None:
    assert STEADY.delay(1, 7.0) == 7.0


def test_retry_after_above_max_delay_is_not_shortened() -> None:
    assert STEADY.delay(1, 120.0) == 120.0


def test_backoff_above_retry_after_wins() -> None:
    assert STEADY.delay(5, 1.0) == 8.0


def test_zero_retry_after_keeps_backoff() -> None:
    assert STEADY.delay(2, 0.0) == 1.0


# ---- with_retries --------------------------------------------------------------------------------


def test_success_first_time_does_not_sleep() -> None:
    sleeps: list[float] = []
    assert with_retries(Flaky(), policy=STEADY, sleep=sleeps.append) == "ok"
    assert sleeps == []


def test_retryable_errors_are_retried_with_backoff() -> None:
    sleeps: list[float] = []
    call = Flaky(retryable(), retryable())
    assert with_retries(call, policy=STEADY, sleep=sleeps.append) == "ok"
    assert (call.calls, sleeps) == (3, [0.5, 1.0])


def test_retry_after_is_honoured_between_attempts() -> None:
    sleeps: list[float] = []
    with_retries(Flaky(retryable(retry_after=7.0)), policy=STEADY, sleep=sleeps.append)
    assert sleeps == [7.0]


def test_non_retryable_error_raised_at_once() -> None:
    sleeps: list[float] = []
    call = Flaky(fatal())
    with pytest.raises(VendorError, match="422"):
        with_retries(call, policy=STEADY, sleep=sleeps.append)
    assert (call.calls, sleeps) == (1, [])


def test_stops_at_the_number_of_attempts() -> None:
    sleeps: list[float] = []
    call = Flaky(*(retryable() for _ in range(10)))
    with pytest.raises(VendorError, match="503"):
        with_retries(call, policy=STEADY, sleep=sleeps.append)
    assert (call.calls, sleeps) == (4, [0.5, 1.0, 2.0])


def test_no_retry_policy_calls_once() -> None:
    call = Flaky(retryable())
    with pytest.raises(VendorError):
        with_retries(call, policy=RetryPolicy(attempts=1), sleep=lambda _: None)
    assert call.calls == 1


def test_other_exceptions_are_not_retried() -> None:
    call = Flaky(KeyError("boom"))
    with pytest.raises(KeyError):
        with_retries(call, policy=STEADY, sleep=lambda _: None)
    assert call.calls == 1


def test_on_retry_sees_each_error_and_pause() -> None:
    first, second = retryable(), retryable(retry_after=3.0)
    seen: list[tuple[VendorError, float]] = []
    with_retries(
        Flaky(first, second),
        policy=STEADY,
        sleep=lambda _: None,
        on_retry=lambda exc, pause: seen.append((exc, pause)),
    )
    assert seen == [(first, 0.5), (second, 3.0)]


def test_is_retryable() -> None:
    assert (is_retryable(retryable()), is_retryable(fatal()), is_retryable(TimeoutError())) == (
        True,
        False,
        False,
    )


# ---- parse_retry_after ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("120", 120.0), (" 3 ", 3.0), ("1.5", 1.5), ("0", 0.0), ("-5", 0.0)],
    ids=repr,
)
def test_retry_after_seconds(value: str, expected: float) -> None:
    assert parse_retry_after(value) == expected


@pytest.mark.parametrize("value", [None, "", "soon", "Someday, 99 Foo 2026"], ids=repr)
def test_retry_after_unusable(value: str | None) -> None:
    assert parse_retry_after(value) is None


@time_machine.travel(datetime(2026, 6, 15, 12, 0, 0, tzinfo=UTC), tick=False)
def test_retry_after_http_date() -> None:
    assert parse_retry_after("Mon, 15 Jun 2026 12:00:30 GMT") == 30.0


@time_machine.travel(datetime(2026, 6, 15, 12, 0, 0, tzinfo=UTC), tick=False)
def test_retry_after_http_date_in_the_past() -> None:
    assert parse_retry_after("Mon, 15 Jun 2026 11:59:00 GMT") == 0.0


def test_retry_after_infinity_is_unusable() -> None:
    assert parse_retry_after("inf") is None


def test_unambiguous_only_retries_a_429_but_not_a_5xx_that_may_have_landed() -> None:
    calls: list[int] = []

    def rate_limited_then_ok() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise VendorError("429", status=429, retryable=True, retry_after=0)
        return "ok"

    assert (
        with_retries(
            rate_limited_then_ok,
            policy=RetryPolicy(attempts=3, base_delay=0),
            sleep=lambda _: None,
            unambiguous_only=True,
        )
        == "ok"
    )
    assert len(calls) == 2

    def lost() -> str:
        calls.append(1)
        raise VendorError("502 after the write", status=502, retryable=True, ambiguous=True)

    calls.clear()
    with pytest.raises(VendorError):
        with_retries(
            lost, policy=RetryPolicy(attempts=3, base_delay=0), sleep=lambda _: None, unambiguous_only=True
        )
    assert len(calls) == 1
