"""The shared menu: TripleSeat items, their Revel products per establishment, and how the
connector is expected to find each one."""

from __future__ import annotations

from tripleseat_revel.sandbox.catalog import (
    ESTABLISHMENTS,
    MENU,
    REVEL_ITEMS,
    UNMAPPED_ITEMS,
    normalise,
    product_id,
)
from tripleseat_revel.sandbox.revel.state import Record
from tripleseat_revel.sandbox.world import SandboxWorld


def products_of(world: SandboxWorld, est: int) -> dict[str, Record]:
    uri = f"/enterprise/Establishment/{est}/"
    return {
        p["name"]: p
        for p in world.revel.records["Product"].values()
        if p["establishment"] == uri and p["active"]
    }


def test_menu_size_and_kinds_of_match() -> None:
    assert len(MENU) >= 30
    kinds = {item.match for item in MENU}
    assert kinds == {"exact", "normalised", "explicit", "none"}
    assert [i.name for i in UNMAPPED_ITEMS] == ["Dance Floor Rental", "Custom Ice Sculpture", "Valet Parking"]
    assert sum(1 for i in REVEL_ITEMS if i.revel_price != i.price) >= 5


def test_normalised_names_match_and_explicit_ones_do_not() -> None:
    for item in REVEL_ITEMS:
        same = normalise(item.name) == normalise(item.revel_name or "")
        assert same == (item.match in ("exact", "normalised")), item.name
    assert normalise("caesar salad ") == normalise("Caesar Salad")
    assert normalise("Chef's Seasonal Crudités Platter") != normalise("Crudite Platter")


def test_every_establishment_has_every_product_with_its_own_id(world: SandboxWorld) -> None:
    seen: set[int] = set()
    for est in ESTABLISHMENTS:
        products = products_of(world, est)
        assert set(products) == {i.revel_name for i in REVEL_ITEMS}
        for item in REVEL_ITEMS:
            product = products[item.revel_name or ""]
            assert product["id"] == product_id(est, item) == est * 100 + REVEL_ITEMS.index(item) + 1
            assert product["price"] == float(item.revel_price or 0)
            seen.add(product["id"])
    assert len(seen) == len(ESTABLISHMENTS) * len(REVEL_ITEMS)


def test_unmapped_items_have_no_product_anywhere(world: SandboxWorld) -> None:
    names = {normalise(p["name"]) for p in world.revel.records["Product"].values()}
    assert all(normalise(i.name) not in names for i in UNMAPPED_ITEMS)
