"""The in-process GCRA rate limiter, driven by a fake clock and a recording sleep."""

from __future__ import annotations

import pytest

from tripleseat_revel.kit.ratelimit import LocalRateLimiter, Unlimited


class FakeTime:
    """A clock that only moves when told to (or, if `sleep_advances`, when slept on)."""

    def __init__(self, start: float = 1000.0, *, sleep_advances: bool = True) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self.sleep_advances = sleep_advances

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if self.sleep_advances:
            self.now += seconds


def limiter(rate: float, fake: FakeTime) -> LocalRateLimiter:
    return LocalRateLimiter(rate, clock=fake.clock, sleep=fake.sleep)


def test_first_call_does_not_wait() -> None:
    fake = FakeTime()
    assert (limiter(4, fake).acquire(), fake.sleeps) == (0.0, [])


@pytest.mark.parametrize(("calls", "total"), [(1, 0.0), (2, 0.25), (5, 1.0), (41, 10.0)])
def test_back_to_back_calls_sleep_one_interval_each(calls: int, total: float) -> None:
    fake = FakeTime()
    rl = limiter(4, fake)
    for _ in range(calls):
        rl.acquire()
    assert sum(fake.sleeps) == total


def test_each_wait_is_one_interval() -> None:
    fake = FakeTime()
    rl = limiter(4, fake)
    waits = [rl.acquire() for _ in range(5)]
    assert (waits, fake.sleeps) == ([0.0, 0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25])


def test_concurrent_callers_queue_up() -> None:
    # The clock does not move between the calls (several threads arriving at once):
    # each one is given the next free slot.
    fake = FakeTime(sleep_advances=False)
    rl = limiter(4, fake)
    waits = [rl.acquire() for _ in range(5)]
    assert (waits, sum(fake.sleeps)) == ([0.0, 0.25, 0.5, 0.75, 1.0], 2.5)


def test_calls_spaced_at_the_rate_never_wait() -> None:
    fake = FakeTime()
    rl = limiter(4, fake)
    for _ in range(10):
        rl.acquire()
        fake.now += 0.25
    assert fake.sleeps == []


def test_idle_time_does_not_bank_a_burst() -> None:
    fake = FakeTime()
    rl = limiter(4, fake)
    rl.acquire()
    fake.now += 60
    waits = [rl.acquire() for _ in range(3)]
    assert waits == [0.0, 0.25, 0.25]


def test_revel_rate_per_minute() -> None:
    # 300 requests a minute = one every 0.2 s: 301 calls in a burst take 60 s.
    fake = FakeTime()
    rl = limiter(300 / 60, fake)
    for _ in range(301):
        rl.acquire()
    assert sum(fake.sleeps) == pytest.approx(60.0)


def test_interval() -> None:
    assert limiter(10, FakeTime()).interval == pytest.approx(0.1)


def test_unlimited_never_waits() -> None:
    assert [Unlimited().acquire() for _ in range(3)] == [0.0, 0.0, 0.0]
