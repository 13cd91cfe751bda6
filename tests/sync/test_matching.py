"""Matching line items to Revel products: names, suggestions and explicit mappings (SPEC §3 items)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.fixtures.factories import build_catalogue
from tripleseat_revel.sync.matching import Catalogue, CatalogueProduct, Mappings, normalise


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Caesar Salad", "caesar salad"),
        ("  caesar   salad!  ", "caesar salad"),
        ("CAESAR\tSALAD", "caesar salad"),
        ("Crudités", "crudites"),
        ("Jalapeño Poppers", "jalapeno poppers"),
        ("Mac & Cheese", "mac and cheese"),
        ("Mac and Cheese", "mac and cheese"),
        ("Three-Course Dinner", "three course dinner"),
        ("Chef's Table (8 pax)", "chef s table 8 pax"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
        ("ﬁsh", "fish"),
        ("", ""),
    ],
    ids=lambda v: repr(v),
)
def test_normalise(name: str, expected: str) -> None:
    assert normalise(name) == expected


# ---- by_name -------------------------------------------------------------------------------------


def test_by_name_finds_the_normalised_match() -> None:
    product = build_catalogue().by_name("caesar  salad!")
    assert product is not None
    assert product.id == 581


def test_by_name_accent_insensitive() -> None:
    product = build_catalogue().by_name("Crudites")
    assert product is not None
    assert product.id == 582


def test_by_name_none_when_unknown() -> None:
    assert build_catalogue().by_name("Lobster Thermidor") is None


def test_by_name_none_when_ambiguous() -> None:
    catalogue = Catalogue(
        8,
        [
            CatalogueProduct(1, "Caesar Salad", Decimal("11.00")),
            CatalogueProduct(2, "caesar salad", Decimal("12.00")),
        ],
    )
    assert catalogue.by_name("Caesar Salad") is None


def test_by_name_ignores_inactive_products() -> None:
    assert build_catalogue().by_name("Old Salad") is None


def test_inactive_twin_does_not_make_a_name_ambiguous() -> None:
    catalogue = Catalogue(
        8,
        [
            CatalogueProduct(1, "Caesar Salad", Decimal("11.00")),
            CatalogueProduct(2, "Caesar Salad", Decimal("11.00"), active=False),
        ],
    )
    product = catalogue.by_name("caesar salad")
    assert product is not None
    assert product.id == 1


def test_inactive_product_still_known_by_id() -> None:
    assert build_catalogue().products[585].active is False


# ---- suggestions -----------------------------------------------------------------------------------


def test_suggestions_best_first() -> None:
    suggestions = build_catalogue().suggest("Caesar Salads")
    assert [(s.product_id, s.name) for s in suggestions] == [
        (581, "Caesar Salad"),
        (584, "Caesar Wrap"),
    ]


def test_suggestion_scores_descend() -> None:
    scores = [s.score for s in build_catalogue().suggest("Caesar Salads")]
    assert scores[0] > scores[1]


def test_suggestions_respect_the_cutoff() -> None:
    # "Caesar Wrap" scores in the 70s against "Caesar Salads"; a cutoff of 90 leaves the salad only.
    suggestions = build_catalogue().suggest("Caesar Salads", cutoff=90)
    assert [s.product_id for s in suggestions] == [581]


def test_suggestions_respect_the_limit() -> None:
    suggestions = build_catalogue().suggest("Caesar Salads", limit=1)
    assert [s.product_id for s in suggestions] == [581]


def test_no_suggestion_below_the_default_cutoff() -> None:
    assert build_catalogue().suggest("Mystery Item") == []


def test_suggestions_skip_inactive_products() -> None:
    assert [s.product_id for s in build_catalogue().suggest("Salad")] == [581]


def test_suggestions_carry_the_revel_name_not_the_normalised_one() -> None:
    assert build_catalogue().suggest("crudites")[0].name == "Crudités"


def test_no_suggestions_from_an_empty_catalogue() -> None:
    assert Catalogue(8, []).suggest("Caesar Salad") == []


def test_default_limit_is_three() -> None:
    products = [CatalogueProduct(i, f"Caesar Salad {i}", Decimal("1")) for i in range(1, 6)]
    assert len(Catalogue(8, products).suggest("Caesar Salad")) == 3


# ---- mappings ---------------------------------------------------------------------------------------


def test_mapping_applies_everywhere() -> None:
    assert Mappings({(987, None): 579}).lookup(987, 8) == 579


def test_establishment_specific_mapping_wins() -> None:
    mappings = Mappings({(987, None): 579, (987, 8): 600})
    assert mappings.lookup(987, 8) == 600


def test_establishment_specific_mapping_only_there() -> None:
    mappings = Mappings({(987, None): 579, (987, 8): 600})
    assert mappings.lookup(987, 9) == 579


def test_no_mapping_without_menu_item_id() -> None:
    assert Mappings({(987, None): 579}).lookup(None, 8) is None


def test_unknown_menu_item_unmapped() -> None:
    assert Mappings({(987, None): 579}).lookup(988, 8) is None
