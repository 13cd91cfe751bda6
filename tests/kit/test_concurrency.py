"""How many syncs run at once: AIMD between 1 and the cap (SYNC_CONCURRENCY)."""

from __future__ import annotations

import threading

from tripleseat_revel.kit.concurrency import AdaptiveLimit


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_refusal_halves_the_limit_once_per_burst_of_refusals() -> None:
    clock = Clock()
    slots = AdaptiveLimit(16, cooldown=1.0, clock=clock)

    for _ in range(5):  # five 429s in the same instant are one signal
        slots.refused()
    assert slots.limit == 8

    clock.now = 1.5
    slots.refused()
    assert slots.limit == 4


def test_the_limit_never_falls_below_one_nor_grows_past_the_cap() -> None:
    clock = Clock()
    slots = AdaptiveLimit(4, clock=clock)
    for n in range(10):
        clock.now = n * 10.0
        slots.refused()
    assert slots.limit == 1

    for _ in range(100):
        with slots:
            pass
    assert slots.limit == 4


def test_about_a_whole_limit_of_runs_ending_adds_one() -> None:
    clock = Clock()
    slots = AdaptiveLimit(32, clock=clock)
    slots.refused()
    slots.refused()  # within the cooldown: still 16
    assert slots.limit == 16

    for _ in range(15):
        with slots:
            pass
    assert slots.limit == 16
    for _ in range(3):
        with slots:
            pass
    assert slots.limit == 17


def test_a_run_past_the_limit_waits_for_a_place() -> None:
    slots = AdaptiveLimit(1)
    slots.acquire()
    entered = threading.Event()

    def second() -> None:
        with slots:
            entered.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert not entered.wait(0.2)  # held back while the first runs
    slots.release()
    assert entered.wait(10)
    thread.join(10)
    assert slots.active == 0
