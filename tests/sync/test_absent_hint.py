"""When a reconcile's "Revel has no such order" may stand in for a sync's own lookup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tripleseat_revel.sync.revel_writer import ABSENT_FOR, absent_hint_holds

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
LOCAL_ID = "Triple Seat 55530001"


def _hint(age: timedelta, local_id: str = LOCAL_ID) -> dict[str, str]:
    return {"local_id": local_id, "checked_at": (NOW - age).isoformat()}


def test_a_fresh_finding_for_the_same_local_id_holds() -> None:
    assert absent_hint_holds(_hint(timedelta(seconds=5)), LOCAL_ID, NOW)
    assert absent_hint_holds(_hint(ABSENT_FOR), LOCAL_ID, NOW)


@pytest.mark.parametrize(
    "hint",
    [
        None,
        {},
        _hint(ABSENT_FOR + timedelta(seconds=1)),  # too old: something else may have created it
        _hint(timedelta(seconds=5), local_id="Triple Seat TEST 55530001"),  # the override's order
        _hint(-timedelta(minutes=1)),  # from the future: a clock we cannot trust
        {"local_id": LOCAL_ID, "checked_at": "yesterday"},
        {"local_id": LOCAL_ID},
    ],
)
def test_anything_else_means_look_it_up(hint: dict[str, str] | None) -> None:
    assert not absent_hint_holds(hint, LOCAL_ID, NOW)
