"""The locations file (SPEC §4): the minimal form works as written; a bad value fails in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.factories import MINIMAL_LOCATIONS_TOML, build_locations
from tripleseat_revel.config import (
    ConfigError,
    Location,
    LocationsConfig,
    MoneyRules,
    ProductMapping,
    RevelIds,
    Rules,
    load_locations_file,
)

BARE_LOCATION = """\
[[location]]
tripleseat_site_id = 15691
tripleseat_location_id = 20271
name = "Special Events (Catering)"
revel_establishment = 8
timezone = "America/Los_Angeles"
"""
# A location with its Revel ids (an inline table, so that more location keys can follow).
LOCATION = (
    BARE_LOCATION
    + "revel = { dining_option = 113, payment_type = 236, discount = 3358, user = 1, pos_station = 4 }\n"
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "locations.toml"
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str) -> LocationsConfig:
    return load_locations_file(write(tmp_path, text))


def error_of(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_locations_file(path)
    message = str(caught.value)
    assert "\n" not in message
    return message.removeprefix(f"{path}: ")


# ---- the minimal form ------------------------------------------------------------------------


def test_minimal_form_location(tmp_path: Path) -> None:
    config = load(tmp_path, MINIMAL_LOCATIONS_TOML)
    assert config.location == [
        Location(
            tripleseat_site_id=15691,
            tripleseat_location_id=20271,
            name="Special Events (Catering)",
            revel_establishment=8,
            timezone="America/Los_Angeles",
            test_establishment=4,
        )
    ]


def test_minimal_form_revel_ids(tmp_path: Path) -> None:
    config = load(tmp_path, MINIMAL_LOCATIONS_TOML)
    assert config.revel_for(config.location[0]) == RevelIds(
        dining_option=113, payment_type=236, discount=3358, user=1, pos_station=4
    )


def test_minimal_form_product_mapping(tmp_path: Path) -> None:
    config = load(tmp_path, MINIMAL_LOCATIONS_TOML)
    assert config.product == [ProductMapping(menu_item_id=987, revel_product=579, revel_establishment=None)]


def test_minimal_form_default_rules(tmp_path: Path) -> None:
    rules = load(tmp_path, MINIMAL_LOCATIONS_TOML).defaults
    assert (
        rules.inject_statuses,
        rules.time_gate,
        rules.unmapped,
        rules.on_change,
    ) == (["CLOSED"], "event_day", "block", "alert")


def test_minimal_form_default_money_names(tmp_path: Path) -> None:
    money = load(tmp_path, MINIMAL_LOCATIONS_TOML).money
    assert (money.tax_names, money.gratuity_names) == (
        ["tax", "taxes", "gst", "hst", "pst", "qst", "vat"],
        ["gratuity", "gratuities", "tip", "tips"],
    )


def test_minimal_form_equals_the_factory(tmp_path: Path) -> None:
    assert load(tmp_path, MINIMAL_LOCATIONS_TOML) == build_locations()


REVEL = """\
[revel]
dining_option = 113
payment_type = 236
discount = 3358
user = 1
pos_station = 4
"""


def test_a_location_and_the_revel_ids_are_required(tmp_path: Path) -> None:
    config = load(tmp_path, BARE_LOCATION + REVEL)
    assert config.product == []


# ---- Revel ids per location, no built-in defaults -----------------------------------------------


def test_revel_ids_have_no_built_in_defaults(tmp_path: Path) -> None:
    assert error_of(tmp_path, BARE_LOCATION) == (
        "location[0].revel.dining_option: not set for location 'Special Events (Catering)' "
        "(no built-in default: set it under [location.revel] or in [revel])"
    )


def test_a_missing_id_is_named_with_its_location(tmp_path: Path) -> None:
    second = BARE_LOCATION.replace("20271", "20272").replace("Special Events (Catering)", "Harbor Room")
    without_station = REVEL.replace("pos_station = 4\n", "")
    text = BARE_LOCATION + "[location.revel]\npos_station = 5\n" + second + without_station
    assert error_of(tmp_path, text) == (
        "location[1].revel.pos_station: not set for location 'Harbor Room' "
        "(no built-in default: set it under [location.revel] or in [revel])"
    )


def test_the_global_table_is_the_base_of_every_location(tmp_path: Path) -> None:
    config = load(tmp_path, BARE_LOCATION + REVEL)
    assert config.revel_for(config.location[0]) == RevelIds(
        dining_option=113, payment_type=236, discount=3358, user=1, pos_station=4
    )


def test_per_location_ids_override_the_global_table(tmp_path: Path) -> None:
    second = BARE_LOCATION.replace("20271", "20272").replace("Special Events (Catering)", "Harbor Room")
    text = BARE_LOCATION + second + "[location.revel]\npos_station = 6\ndining_option = 114\n" + REVEL
    config = load(tmp_path, text)
    first, harbor = config.location
    assert (config.revel_for(first).pos_station, config.revel_for(first).dining_option) == (4, 113)
    assert config.revel_for(harbor) == RevelIds(
        dining_option=114, payment_type=236, discount=3358, user=1, pos_station=6
    )


def test_ids_can_all_live_on_the_location(tmp_path: Path) -> None:
    ids = REVEL.replace("[revel]", "[location.revel]")
    config = load(tmp_path, BARE_LOCATION + ids)
    assert config.revel_for(config.location[0]).model_dump() == {
        "dining_option": 113,
        "payment_type": 236,
        "discount": 3358,
        "user": 1,
        "pos_station": 4,
    }


def test_unknown_key_in_a_location_revel_table(tmp_path: Path) -> None:
    assert error_of(tmp_path, BARE_LOCATION + "[location.revel]\nstation = 4\n" + REVEL) == (
        "location[0].revel.station: Extra inputs are not permitted"
    )


def test_site_wide_location(tmp_path: Path) -> None:
    text = LOCATION.replace("tripleseat_location_id = 20271\n", "")
    assert load(tmp_path, text).location[0].tripleseat_location_id is None


# ---- time zones --------------------------------------------------------------------------------


def test_rails_zone_name_becomes_iana(tmp_path: Path) -> None:
    text = LOCATION.replace('"America/Los_Angeles"', '"Pacific Time (US & Canada)"')
    assert load(tmp_path, text).location[0].timezone == "America/Los_Angeles"


def test_rails_eastern_zone_name_becomes_iana(tmp_path: Path) -> None:
    text = LOCATION.replace('"America/Los_Angeles"', '"Eastern Time (US & Canada)"')
    assert load(tmp_path, text).location[0].timezone == "America/New_York"


# ---- rules and money --------------------------------------------------------------------------


def test_defaults_and_per_location_overrides(tmp_path: Path) -> None:
    text = (
        LOCATION
        + 'inject_statuses = ["definite", "CLOSED"]\nunmapped = "skip"\n'
        + '[defaults]\ntime_gate = "lead_hours"\nlead_hours = 6\n'
    )
    config = load(tmp_path, text)
    assert config.rules_for(config.location[0]) == Rules(
        inject_statuses=["DEFINITE", "CLOSED"],
        time_gate="lead_hours",
        lead_hours=6,
        unmapped="skip",
        on_change="alert",
    )


def test_default_statuses_are_upper_cased(tmp_path: Path) -> None:
    config = load(tmp_path, LOCATION + '[defaults]\ninject_statuses = ["closed", " definite "]\n')
    assert config.defaults.inject_statuses == ["CLOSED", "DEFINITE"]


def test_money_names_configurable(tmp_path: Path) -> None:
    text = LOCATION + '[money]\ntax_names = ["tax", "vat"]\ngratuity_names = ["gratuity"]\n'
    assert load(tmp_path, text).money == MoneyRules(tax_names=["tax", "vat"], gratuity_names=["gratuity"])


def test_establishment_specific_mapping(tmp_path: Path) -> None:
    text = LOCATION + "[[product]]\nmenu_item_id = 987\nrevel_product = 600\nrevel_establishment = 8\n"
    assert load(tmp_path, text).product[0].revel_establishment == 8


# ---- find --------------------------------------------------------------------------------------


def two_locations() -> LocationsConfig:
    return build_locations(
        location=[
            {
                "tripleseat_site_id": 15691,
                "tripleseat_location_id": 20271,
                "name": "Catering",
                "revel_establishment": 8,
                "timezone": "America/Los_Angeles",
            },
            {
                "tripleseat_site_id": 15691,
                "name": "Rest of the site",
                "revel_establishment": 9,
                "timezone": "America/Los_Angeles",
            },
        ]
    )


def test_find_by_location_id() -> None:
    found = two_locations().find(location_id=20271, site_id=15691)
    assert found is not None
    assert found.name == "Catering"


def test_find_falls_back_to_the_site() -> None:
    found = two_locations().find(location_id=30000, site_id=15691)
    assert found is not None
    assert found.name == "Rest of the site"


def test_find_without_site_id_by_location_id() -> None:
    found = two_locations().find(location_id=20271, site_id=None)
    assert found is not None
    assert found.name == "Catering"


def test_find_location_id_of_another_site_is_unknown() -> None:
    found = two_locations().find(location_id=20271, site_id=99)
    assert found is None


def test_find_unknown() -> None:
    assert two_locations().find(location_id=None, site_id=1) is None


# ---- bad files: one line, naming the file and the key -------------------------------------------


def test_unknown_time_zone(tmp_path: Path) -> None:
    text = LOCATION.replace('"America/Los_Angeles"', '"Mars/Base"')
    assert error_of(tmp_path, text) == (
        "location[0].timezone: unknown time zone 'Mars/Base' (use an IANA name such as 'America/New_York')"
    )


def test_error_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, LOCATION.replace('"America/Los_Angeles"', '"Mars/Base"'))
    with pytest.raises(ConfigError, match=r"locations\.toml: location\[0\]\.timezone: "):
        load_locations_file(path)


def test_missing_required_key(tmp_path: Path) -> None:
    text = LOCATION.replace('name = "Special Events (Catering)"\n', "")
    assert error_of(tmp_path, text) == "location[0].name: Field required"


def test_missing_required_key_in_second_location(tmp_path: Path) -> None:
    second = LOCATION.replace("20271", "20272").replace("revel_establishment = 8\n", "")
    assert error_of(tmp_path, LOCATION + second) == "location[1].revel_establishment: Field required"


def test_unknown_key(tmp_path: Path) -> None:
    assert error_of(tmp_path, LOCATION + 'colour = "blue"\n') == (
        "location[0].colour: Extra inputs are not permitted"
    )


def test_unknown_table(tmp_path: Path) -> None:
    assert error_of(tmp_path, LOCATION + "[revle]\nuser = 1\n") == ("revle: Extra inputs are not permitted")


def test_unknown_key_in_revel_table(tmp_path: Path) -> None:
    assert error_of(tmp_path, LOCATION + "[revel]\npayment = 236\n") == (
        "revel.payment: Extra inputs are not permitted"
    )


def test_wrong_type(tmp_path: Path) -> None:
    text = LOCATION.replace("revel_establishment = 8", 'revel_establishment = "eight"')
    assert error_of(tmp_path, text) == (
        "location[0].revel_establishment: Input should be a valid integer, "
        "unable to parse string as an integer"
    )


def test_bad_status_in_defaults(tmp_path: Path) -> None:
    text = LOCATION + '[defaults]\ninject_statuses = ["BOOKED"]\n'
    assert error_of(tmp_path, text) == (
        "defaults.inject_statuses: unknown status 'BOOKED'; expected "
        "['CLOSED', 'DEFINITE', 'LOST', 'PROSPECT', 'TENTATIVE', 'WAITLIST']"
    )


def test_bad_status_in_a_location(tmp_path: Path) -> None:
    text = LOCATION + 'inject_statuses = ["BOOKED"]\n'
    assert error_of(tmp_path, text).startswith("location[0].inject_statuses: unknown status 'BOOKED'")


def test_negative_lead_hours_in_a_location(tmp_path: Path) -> None:
    text = LOCATION + 'time_gate = "lead_hours"\nlead_hours = -3\n'
    assert error_of(tmp_path, text).startswith("location[0].lead_hours: ")


def test_negative_lead_hours_in_defaults(tmp_path: Path) -> None:
    text = LOCATION + "[defaults]\nlead_hours = -3\n"
    assert error_of(tmp_path, text) == "defaults.lead_hours: Input should be greater than or equal to 0"


def test_bad_time_gate(tmp_path: Path) -> None:
    assert error_of(tmp_path, LOCATION + 'time_gate = "day_before"\n') == (
        "location[0].time_gate: Input should be 'event_day' or 'lead_hours'"
    )


def test_bad_unmapped_policy(tmp_path: Path) -> None:
    assert error_of(tmp_path, LOCATION + 'unmapped = "ignore"\n') == (
        "location[0].unmapped: Input should be 'block' or 'skip'"
    )


def test_duplicate_location(tmp_path: Path) -> None:
    message = error_of(tmp_path, LOCATION + LOCATION)
    assert message.endswith("location[1] repeats site 15691 / location 20271")


def test_duplicate_site_wide_location(tmp_path: Path) -> None:
    site = LOCATION.replace("tripleseat_location_id = 20271\n", "")
    message = error_of(tmp_path, site + site)
    assert message.endswith("location[1] repeats site 15691 / location None")


def test_no_location(tmp_path: Path) -> None:
    assert error_of(tmp_path, "[revel]\nuser = 1\n") == "location: Field required"


def test_invalid_toml(tmp_path: Path) -> None:
    message = error_of(tmp_path, "[[location]]\nname = \n")
    assert message.startswith("not valid TOML: ")


def test_invalid_toml_says_where(tmp_path: Path) -> None:
    assert "line 2" in error_of(tmp_path, "[[location]]\nname = \n")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    with pytest.raises(ConfigError) as caught:
        load_locations_file(path)
    assert str(caught.value) == f"{path}: file not found (set LOCATIONS_FILE)"


def test_a_test_establishment_that_takes_real_orders_is_refused(tmp_path: Path) -> None:
    """The probe and LOCATION_OVERRIDE write to a test establishment: never to one that is a
    location's production establishment."""
    second = (
        BARE_LOCATION.replace("20271", "20272")
        .replace("Special Events (Catering)", "Harbor Room")
        .replace("revel_establishment = 8", "revel_establishment = 12\ntest_establishment = 8")
    )
    text = LOCATION + second + REVEL
    assert error_of(tmp_path, text) == (
        "location[1].test_establishment: 8 is the revel_establishment of location "
        "'Special Events (Catering)' (real orders); name an establishment that takes no real orders"
    )
