"""sandbox/locations.toml is the connector's configuration for the seeded world: it must load with
the connector's own loader and agree with the simulated TripleSeat and Revel data."""

from __future__ import annotations

from tripleseat_revel.config import load_locations_file
from tripleseat_revel.sandbox.catalog import ESTABLISHMENTS, explicit_mappings
from tripleseat_revel.sandbox.world import LOCATIONS_FILE, SandboxWorld


def test_it_loads_with_the_connector_loader() -> None:
    config = load_locations_file(LOCATIONS_FILE)
    assert [
        (
            loc.tripleseat_site_id,
            loc.tripleseat_location_id,
            loc.revel_establishment,
            loc.test_establishment,
            loc.timezone,
        )
        for loc in config.location
    ] == [
        (15691, 20271, 8, 4, "America/Los_Angeles"),
        (15691, 20272, 9, 4, "America/Los_Angeles"),
        (15692, 20281, 12, 14, "America/New_York"),
    ]
    assert [config.revel_for(loc).model_dump() for loc in config.location] == 3 * [
        {"dining_option": 113, "payment_type": 236, "discount": 3358, "user": 1, "pos_station": 4}
    ]
    assert config.defaults.inject_statuses == ["CLOSED"]


def test_the_rooftop_location_is_deliberately_unconfigured(world: SandboxWorld) -> None:
    config = load_locations_file(LOCATIONS_FILE)
    assert config.find(location_id=20289, site_id=15692) is None
    assert not world.tripleseat.locations[20289].configured
    configured = {loc.tripleseat_location_id for loc in config.location}
    assert configured == {lid for lid, loc in world.tripleseat.locations.items() if loc.configured}


def test_locations_match_the_simulated_tripleseat(world: SandboxWorld) -> None:
    config = load_locations_file(LOCATIONS_FILE)
    for loc in config.location:
        simulated = world.tripleseat.locations[loc.tripleseat_location_id or 0]
        assert (simulated.site_id, simulated.name) == (loc.tripleseat_site_id, loc.name)


def test_product_mappings_match_the_catalog_and_the_revel_seed(world: SandboxWorld) -> None:
    config = load_locations_file(LOCATIONS_FILE)
    mapped = [(p.menu_item_id, p.revel_product, p.revel_establishment) for p in config.product]
    assert sorted(mapped) == sorted(explicit_mappings())
    assert {est for _, _, est in mapped} == set(ESTABLISHMENTS)
    for _, product_id, establishment in mapped:
        product = world.revel.lookup("Product", product_id)
        assert product is not None
        assert product["active"]
        assert product["establishment"] == f"/enterprise/Establishment/{establishment}/"


def test_the_revel_ids_exist_in_every_establishment(world: SandboxWorld) -> None:
    config = load_locations_file(LOCATIONS_FILE)
    for loc in config.location:
        ids = config.revel_for(loc)
        dining_option = world.revel.lookup("CustomOrderOption", ids.dining_option)
        assert dining_option is not None
        assert dining_option["name"] == "Triple Seat"
        assert world.revel.lookup("DiningOption", ids.dining_option) is not None
        payment_type = world.revel.lookup("CustomPaymentType", ids.payment_type)
        assert payment_type is not None
        assert payment_type["name"] == "Triple Seat"
        user = world.revel.lookup("User", ids.user)
        assert user is not None
        assert user["active"]
        for est in (loc.revel_establishment, loc.test_establishment):
            assert world.revel.lookup("Establishment", est or 0) is not None
            for resource, ident in (("Discount", ids.discount), ("PosStation", ids.pos_station)):
                record = world.revel.lookup(resource, ident)
                assert record is not None
                assert record["establishment"] in (None, f"/enterprise/Establishment/{est}/")
        discount = world.revel.lookup("Discount", ids.discount)
        assert discount is not None
        assert discount["is_open"]
