"""The shared (database) GCRA limiter: concurrent callers of one process get distinct slots one
interval apart, reserved by few UPDATEs, and a failed reservation fails only its own caller."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from tripleseat_revel.db import Database
from tripleseat_revel.kit.ratelimit import SharedRateLimiter


class Clock:
    """Frozen time (several threads arriving at once); sleeps return at once."""

    def __init__(self) -> None:
        self.now = 1000.0

    def clock(self) -> float:
        return self.now

    def sleep(self, _seconds: float) -> None:
        return None


@pytest.fixture
def db(migrated_db: Database) -> Database:
    return migrated_db


def _updates(engine: sa.Engine) -> list[str]:
    seen: list[str] = []

    def count(_c: object, _cur: object, statement: str, *_: object) -> None:
        if statement.startswith("UPDATE rate_limits"):
            seen.append(statement)
            time.sleep(0.01)  # a database a few milliseconds away: callers arrive meanwhile

    event.listen(engine, "before_cursor_execute", count)
    return seen


def test_forty_concurrent_callers_get_forty_distinct_slots_one_interval_apart_from_few_updates(
    db: Database,
) -> None:
    clock = Clock()
    limiter = SharedRateLimiter(db.engine, "revel", 10, clock=clock.clock, sleep=clock.sleep)
    limiter.acquire()  # the row exists; slot 0 taken
    updates = _updates(db.engine)
    start = threading.Barrier(40)

    def call(_: int) -> float:
        start.wait()
        return limiter.acquire()

    with ThreadPoolExecutor(40) as pool:
        waits = sorted(pool.map(call, range(40)))

    assert waits == pytest.approx([0.1 * (i + 1) for i in range(40)])  # one slot each, none shared
    assert 1 <= len(updates) < 40
    with db.engine.connect() as conn:
        tat = conn.execute(sa.text("SELECT tat FROM rate_limits WHERE name = 'revel'")).scalar_one()
    assert tat == pytest.approx(1000.0 + 41 * 0.1)  # the budget drawn is exactly the calls made


def test_a_reservation_that_fails_fails_the_callers_it_was_for_and_the_next_callers_get_slots(
    db: Database,
) -> None:
    clock = Clock()
    limiter = SharedRateLimiter(db.engine, "revel", 10, clock=clock.clock, sleep=clock.sleep)
    limiter.acquire()
    reservations: list[int] = []

    def slow_then_fail(_c: object, _cur: object, statement: str, params: object, *_: object) -> None:
        if statement.startswith("UPDATE rate_limits"):
            interval = params["interval"] if isinstance(params, dict) else params[2]  # type: ignore[index]
            reservations.append(round(interval / 0.1))
            if len(reservations) == 1:
                time.sleep(0.2)  # the first UPDATE is slow: the other callers queue behind it
            elif len(reservations) == 2:
                raise sa.exc.OperationalError(statement, {}, Exception("disk I/O error"))

    event.listen(db.engine, "before_cursor_execute", slow_then_fail)
    start = threading.Barrier(12)

    def call(_: int) -> float | str:
        start.wait()
        try:
            return limiter.acquire()
        except sa.exc.OperationalError:
            return "failed"

    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(call, range(12)))

    failed_group = reservations[1]
    assert failed_group > 1  # the failing UPDATE was for a group, not one caller
    assert results.count("failed") == failed_group  # each caller of that group failed, at once
    waits = sorted(r for r in results if isinstance(r, float))
    assert waits == pytest.approx([0.1 * (i + 1) for i in range(12 - failed_group)])
    assert limiter.acquire() == pytest.approx(0.1 * (13 - failed_group))  # nothing left stuck
