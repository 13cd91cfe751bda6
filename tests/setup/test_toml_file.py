"""The file `locations init` writes loads with the connector's own loader, names and all; what it
could not choose is left for a person, and the loader then names it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tripleseat_revel.config import ConfigError, load_locations_file
from tripleseat_revel.setup.accounts import Accounts, IdKey, Named, TripleSeatLocation
from tripleseat_revel.setup.draft import draft_all
from tripleseat_revel.setup.toml_file import render

OPTIONS: dict[IdKey, list[Named]] = {
    "dining_option": [Named(113, "Triple Seat")],
    "payment_type": [Named(236, 'The "Tripleseat" Deposit')],
    "discount": [Named(3358, "Open Discount", is_open=True)],
    "user": [Named(1, "API User (api)")],
    "pos_station": [Named(4, "Catering Station")],
}


def write(tmp_path: Path, accounts: Accounts) -> Path:
    path = tmp_path / "locations.toml"
    path.write_text(render(draft_all(accounts), date(2026, 12, 3)), encoding="utf-8")
    return path


def test_names_with_quotes_and_accents_load_as_written(tmp_path: Path) -> None:
    location = TripleSeatLocation(20271, 'Café "Le Jardin"', 15691, "Pacific", "Pacific Time (US & Canada)")
    accounts = Accounts([location], [Named(8, 'Café "Le Jardin"')], OPTIONS)
    config = load_locations_file(write(tmp_path, accounts))
    (loc,) = config.location
    assert (loc.name, loc.revel_establishment, loc.timezone) == ('Café "Le Jardin"', 8, "America/Los_Angeles")
    assert config.revel_for(loc).payment_type == 236


def test_an_id_that_could_not_be_chosen_makes_the_loader_name_it(tmp_path: Path) -> None:
    location = TripleSeatLocation(20271, "Harbor Room", 15692, "Atlantic", "Eastern Time (US & Canada)")
    accounts = Accounts([location], [Named(12, "Harbor Room")], {**OPTIONS, "discount": []})
    path = write(tmp_path, accounts)
    assert "# discount = 0" in path.read_text(encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"location\[0\]\.revel\.discount: not set for location 'Harbor Room'"
    ):
        load_locations_file(path)


def test_a_payment_type_no_name_says_is_for_events_is_left_commented_out(tmp_path: Path) -> None:
    location = TripleSeatLocation(20271, "Harbor Room", 15692, "Atlantic", "Eastern Time (US & Canada)")
    cards = [Named(301, "Visa"), Named(237, "House Account")]
    accounts = Accounts([location], [Named(12, "Harbor Room")], {**OPTIONS, "payment_type": cards})
    path = write(tmp_path, accounts)
    text = path.read_text(encoding="utf-8")
    assert "\npayment_type =" not in text and "Visa" in text and "House Account" in text
    with pytest.raises(
        ConfigError, match=r"location\[0\]\.revel\.payment_type: not set for location 'Harbor Room'"
    ):
        load_locations_file(path)


def test_a_site_without_locations_is_mapped_whole(tmp_path: Path) -> None:
    site = TripleSeatLocation(None, "Harbor Room", 15692, "Harbor Room", "Eastern Time (US & Canada)")
    config = load_locations_file(write(tmp_path, Accounts([site], [Named(12, "Harbor Room")], OPTIONS)))
    (loc,) = config.location
    assert (loc.tripleseat_site_id, loc.tripleseat_location_id, loc.revel_establishment) == (15692, None, 12)
