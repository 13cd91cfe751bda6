"""How often a replica heartbeats, given how long a silence means it is dead."""

from __future__ import annotations

import pytest

from tripleseat_revel.worker.replicas import HEARTBEAT_SECONDS, heartbeat_interval


@pytest.mark.parametrize(("dead_after", "interval"), [(120, 10.0), (30, 10.0), (6, 2.0), (3, 1.0)])
def test_a_live_replica_beats_at_least_three_times_per_dead_window(dead_after: int, interval: float) -> None:
    assert heartbeat_interval(dead_after) == interval
    assert heartbeat_interval(dead_after) <= HEARTBEAT_SECONDS
