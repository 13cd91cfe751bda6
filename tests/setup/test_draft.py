"""The suggestions of `locations init` (pure): establishments by name, ids by what their names say,
only records usable in every establishment a location's orders go to."""

from __future__ import annotations

import pytest

from tripleseat_revel.setup.accounts import Accounts, IdKey, Named, TripleSeatLocation
from tripleseat_revel.setup.draft import draft_all, pick, rank_establishments, suggest_test

WEST = "Pacific Events Group"
ESTABLISHMENTS = [
    Named(4, "Pacific Test Store"),
    Named(8, "Pacific Catering Kitchen"),
    Named(9, "Downtown Private Dining"),
    Named(12, "Harbor Room"),
    Named(14, "Harbor Room Test Store"),
]


def location(
    name: str, site: str = WEST, tz: str | None = "Pacific Time (US & Canada)"
) -> TripleSeatLocation:
    return TripleSeatLocation(1, name, 15691, site, tz)


@pytest.mark.parametrize(
    ("name", "site", "expected"),
    [
        ("Downtown Private Dining", WEST, 9),  # the same name
        ("Harbor Room", "Atlantic Hospitality", 12),  # a test store of the same name is not a live one
        ("Special Events (Catering)", WEST, 8),  # "Catering", and the site's "Pacific"
        ("downtown private-dining", WEST, 9),  # case and punctuation do not matter
    ],
)
def test_the_establishment_whose_name_resembles_the_location(name: str, site: str, expected: int) -> None:
    ranked = rank_establishments(location(name, site), ESTABLISHMENTS)
    assert ranked[0].record.id == expected
    assert {s.record.id for s in ranked} == {8, 9, 12}  # test establishments are never the live one


def test_no_establishment_is_suggested_when_no_name_resembles_the_location() -> None:
    accounts = Accounts([location("Rooftop Garden (no POS)", "Atlantic Hospitality")], ESTABLISHMENTS)
    (draft,) = draft_all(accounts)
    assert (draft.establishment, draft.test_establishment, draft.ids) == (None, None, {})


@pytest.mark.parametrize(
    ("name", "site", "live", "expected"),
    [
        ("Harbor Room", "Atlantic Hospitality", 12, 14),
        ("Downtown Private Dining", WEST, 9, 4),  # through the site's name
        ("Midtown Bistro", "Metro Group", None, None),  # nothing alike
    ],
)
def test_the_test_establishment(name: str, site: str, live: int | None, expected: int | None) -> None:
    live_record = next((e for e in ESTABLISHMENTS if e.id == live), None)
    found = suggest_test(location(name, site), live_record, ESTABLISHMENTS)
    assert (found.record.id if found else None) == expected


def test_the_time_zone_comes_from_tripleseat_as_an_iana_name() -> None:
    (draft,) = draft_all(Accounts([location("Harbor Room", tz="Eastern Time (US & Canada)")], ESTABLISHMENTS))
    assert draft.timezone == "America/New_York"


def test_an_unknown_time_zone_is_left_for_a_person() -> None:
    (draft,) = draft_all(Accounts([location("Harbor Room", tz="Mars Base")], ESTABLISHMENTS))
    assert draft.timezone is None


STATIONS = [
    Named(3, "Front Register"),
    Named(4, "Catering Station"),
    Named(5, "Catering iPad", establishment=8),
    Named(6, "Bar Station", establishment=9),
]


@pytest.mark.parametrize(
    ("establishments", "chosen", "others"),
    [
        ((8,), 5, [4, 3]),  # the establishment's own catering station before the shared one
        ((9,), 4, [6, 3]),  # another establishment's station is not offered
        ((8, 4), 4, [3, 5]),  # with a test establishment: only what both can use (then the own one)
    ],
)
def test_a_station_by_name_and_where_it_can_be_used(
    establishments: tuple[int, ...], chosen: int, others: list[int]
) -> None:
    found = pick("pos_station", STATIONS, establishments)
    assert found.chosen is not None
    assert (found.chosen.id, [o.id for o in found.others]) == (chosen, others)


@pytest.mark.parametrize(
    ("key", "records", "chosen"),
    [
        ("dining_option", [Named(114, "Catering Pickup"), Named(113, "Triple Seat")], 113),
        ("dining_option", [Named(120, "Dine In"), Named(121, "Catering")], 121),
        ("payment_type", [Named(237, "House Account"), Named(238, "Event Deposit")], 238),
        ("payment_type", [Named(237, "House Account"), Named(236, "TripleSeat")], 236),
        ("discount", [Named(1, "Tripleseat 10%", is_open=False), Named(2, "Open Discount", is_open=True)], 2),
        ("user", [Named(7, "Jo Manager (jmanager)"), Named(1, "API User (api)")], 1),
    ],
)
def test_an_id_is_chosen_by_what_its_name_says(key: IdKey, records: list[Named], chosen: int) -> None:
    found = pick(key, records, (8,))
    assert found.chosen is not None
    assert found.chosen.id == chosen


@pytest.mark.parametrize(
    ("key", "records"),
    [
        ("payment_type", [Named(301, "Visa"), Named(300, "Cash")]),
        ("payment_type", [Named(237, "House Account")]),  # a house account is not an event's payment
        ("discount", [Named(5, "Staff Meal"), Named(6, "Happy Hour")]),
    ],
)
def test_without_a_telling_name_a_payment_type_or_discount_is_left_for_a_person(
    key: IdKey, records: list[Named]
) -> None:
    """Money: `locations init --yes` never writes a guess at the payment type or discount live."""
    found = pick(key, records, (8,))
    assert found.chosen is None
    assert {o.id for o in found.others} == {r.id for r in records}
    assert "choose" in found.why


def test_without_a_telling_name_the_first_station_is_chosen_and_flagged() -> None:
    found = pick("pos_station", [Named(6, "Bar 2"), Named(5, "Bar 1")], (8,))
    assert found.chosen == Named(5, "Bar 1")
    assert "check it" in found.why


def test_nothing_to_choose_from_is_left_for_a_person() -> None:
    found = pick("discount", [Named(3359, "Staff Meal", establishment=9)], (8,))
    assert (found.chosen, found.others) == (None, ())
    assert "by hand" in found.why
