"""The unmapped-items search starts from each location's own today, not UTC's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tripleseat_revel.sync.mappings import search_days

ZONES = ["America/Los_Angeles", "America/New_York"]


def test_early_morning_utc_is_still_yesterday_on_the_west_coast() -> None:
    now = datetime(2026, 11, 29, 7, 0, tzinfo=UTC)  # 23:00 on the 28th in Los Angeles
    assert search_days(now, timedelta(days=1), ZONES) == (date(2026, 11, 28), date(2026, 11, 30))


def test_once_every_location_is_past_midnight_the_window_moves_on() -> None:
    now = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)  # 01:00 on the 29th in Los Angeles
    assert search_days(now, timedelta(days=7), ZONES) == (date(2026, 11, 29), date(2026, 12, 6))


def test_without_locations_utc_is_used() -> None:
    now = datetime(2026, 11, 29, 7, 0, tzinfo=UTC)
    assert search_days(now, timedelta(days=1), []) == (date(2026, 11, 29), date(2026, 11, 30))
