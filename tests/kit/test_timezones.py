"""TripleSeat (Rails/ActiveSupport) zone names -> IANA names."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from tripleseat_revel.kit.timezones import RAILS_TO_IANA, to_iana, zone


@pytest.mark.parametrize(
    ("rails", "iana"),
    [
        ("Pacific Time (US & Canada)", "America/Los_Angeles"),
        ("Mountain Time (US & Canada)", "America/Denver"),
        ("Arizona", "America/Phoenix"),
        ("Central Time (US & Canada)", "America/Chicago"),
        ("Eastern Time (US & Canada)", "America/New_York"),
        ("Hawaii", "Pacific/Honolulu"),
        ("London", "Europe/London"),
        ("Edinburgh", "Europe/London"),
        ("Auckland", "Pacific/Auckland"),
        ("Wellington", "Pacific/Auckland"),
        ("UTC", "Etc/UTC"),
    ],
)
def test_rails_name_to_iana(rails: str, iana: str) -> None:
    assert to_iana(rails) == iana


@pytest.mark.parametrize("name", ["America/Los_Angeles", "Europe/London", "Pacific/Auckland", "Asia/Tokyo"])
def test_iana_name_passes_through(name: str) -> None:
    assert to_iana(name) == name


def test_surrounding_spaces_ignored() -> None:
    assert to_iana("  Eastern Time (US & Canada) ") == "America/New_York"


@pytest.mark.parametrize(
    "name", ["Mars/Base", "", "Pacific Time", "../etc/passwd", "/etc/localtime"], ids=repr
)
def test_unknown_zone_refused(name: str) -> None:
    with pytest.raises(
        ValueError, match=r"unknown time zone .* \(use an IANA name such as 'America/New_York'\)"
    ):
        to_iana(name)


def test_unknown_zone_message_quotes_the_name() -> None:
    with pytest.raises(ValueError) as caught:
        to_iana("Mars/Base")
    assert str(caught.value) == "unknown time zone 'Mars/Base' (use an IANA name such as 'America/New_York')"


@pytest.mark.parametrize(("rails", "iana"), sorted(RAILS_TO_IANA.items()))
def test_every_mapped_zone_exists(rails: str, iana: str) -> None:
    assert ZoneInfo(iana).key == iana


def test_zone_returns_zoneinfo() -> None:
    assert zone("Pacific Time (US & Canada)") == ZoneInfo("America/Los_Angeles")
