"""The shared menu: what TripleSeat sells and the Revel product each item becomes.

Names differ between the two systems the way they do in real catalogues: mostly identical, some
only in case, punctuation or spacing (a normalised exact match finds them), a few differ more and
need an explicit `[[product]]` mapping, and a few items have no Revel product at all.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Category = Literal["Food", "Beverage", "Rentals"]
Per = Literal["person", "piece", "each", "bottle", "gallon"]
Match = Literal["exact", "normalised", "explicit", "none"]

CATEGORY_IDS: dict[str, int] = {"Food": 1, "Beverage": 2, "Rentals": 3}

# Revel establishments: the live ones per TripleSeat location, plus the two test stores.
ESTABLISHMENTS: dict[int, str] = {
    4: "Pacific Test Store",
    8: "Pacific Catering Kitchen",
    9: "Downtown Private Dining",
    12: "Harbor Room",
    14: "Harbor Room Test Store",
}


@dataclass(frozen=True)
class MenuItem:
    """One TripleSeat menu item and its Revel counterpart (None: no Revel product)."""

    menu_item_id: int
    name: str
    category: Category
    section: str
    price: Decimal
    per: Per
    revel_name: str | None
    revel_price: Decimal | None
    explicit: bool = False

    @property
    def match(self) -> Match:
        """How the connector is expected to find the Revel product."""
        if self.revel_name is None:
            return "none"
        if self.explicit:
            return "explicit"
        return "exact" if self.revel_name == self.name else "normalised"


def _item(
    ident: int,
    name: str,
    category: Category,
    section: str,
    price: str,
    per: Per,
    revel_name: str | None = "",
    revel_price: str | None = None,
    *,
    explicit: bool = False,
) -> MenuItem:
    # revel_name "" means "same as the TripleSeat name"; revel_price None means "same price".
    same_name = name if revel_name == "" else revel_name
    rprice = None if same_name is None else Decimal(revel_price or price)
    return MenuItem(ident, name, category, section, Decimal(price), per, same_name, rprice, explicit)


P_HORS = "Passed Hors d'Oeuvres"
MENU: tuple[MenuItem, ...] = (
    _item(5001, "Caprese Skewers", "Food", P_HORS, "3.50", "piece"),
    _item(5002, "Mini Crab Cakes", "Food", P_HORS, "4.75", "piece", "mini crab cakes"),
    _item(5003, "Bacon-Wrapped Dates", "Food", P_HORS, "3.25", "piece", "Bacon Wrapped Dates"),
    _item(
        5004,
        "Shrimp Cocktail Shooters",
        "Food",
        P_HORS,
        "5.00",
        "piece",
        "Shrimp Cocktail  Shooters",
        "4.50",
    ),
    _item(5005, "Wild Mushroom Arancini", "Food", P_HORS, "3.75", "piece"),
    _item(
        5006,
        "Chef's Seasonal Crudités Platter",
        "Food",
        "Displays",
        "95.00",
        "each",
        "Crudite Platter",
        "90.00",
        explicit=True,
    ),
    _item(5007, "Artisan Cheese Board", "Food", "Displays", "120.00", "each"),
    _item(
        5008,
        "Wood-Fired Flatbread Trio",
        "Food",
        "Displays",
        "48.00",
        "each",
        "Flatbread Sampler",
        explicit=True,
    ),
    _item(5010, "Caesar Salad", "Food", "Salads", "9.00", "person", "caesar salad "),
    _item(5011, "Roasted Beet Salad", "Food", "Salads", "10.00", "person"),
    _item(5012, "Butternut Squash Soup", "Food", "Salads", "8.00", "person"),
    _item(5020, "Herb-Roasted Chicken", "Food", "Entrées", "28.00", "person"),
    _item(5021, "Braised Short Rib", "Food", "Entrées", "36.00", "person", "", "34.00"),
    _item(5022, "Pan-Seared Salmon", "Food", "Entrées", "32.00", "person", "Pan Seared Salmon"),
    _item(5023, "Wild Mushroom Risotto", "Food", "Entrées", "24.00", "person"),
    _item(5024, "Filet Mignon", "Food", "Entrées", "45.00", "person", "", "42.00"),
    _item(5025, "Three-Course Dinner", "Food", "Entrées", "65.00", "person"),
    _item(5030, "Pasta Station", "Food", "Stations", "18.00", "person"),
    _item(
        5031,
        "Carving Station - Prime Rib",
        "Food",
        "Stations",
        "26.00",
        "person",
        "Carving Station Prime Rib",
    ),
    _item(5032, "Taco Bar", "Food", "Stations", "16.00", "person", "TACO BAR"),
    _item(
        5040,
        "Chocolate-Dipped Strawberries",
        "Food",
        "Desserts",
        "3.00",
        "piece",
        "Chocolate Dipped Strawberries",
    ),
    _item(5041, "Mini Dessert Assortment", "Food", "Desserts", "7.50", "person"),
    _item(5042, "Custom Celebration Cake", "Food", "Desserts", "6.50", "person", "", "6.00"),
    _item(5043, "Cake Cutting (Complimentary)", "Food", "Desserts", "0.00", "person", "", "2.50"),
    _item(5050, "Coffee & Tea Service", "Beverage", "Non-Alcoholic", "4.50", "person"),
    _item(
        5051,
        "Freshly Brewed Iced Tea (gallon)",
        "Beverage",
        "Non-Alcoholic",
        "32.00",
        "gallon",
        "Freshly Brewed Iced Tea (Gallon)",
    ),
    _item(5052, "Sparkling Water", "Beverage", "Non-Alcoholic", "3.00", "each", "SPARKLING WATER"),
    _item(5053, "Soft Drinks", "Beverage", "Non-Alcoholic", "3.50", "each"),
    _item(
        5054,
        "Non-Alcoholic Punch",
        "Beverage",
        "Non-Alcoholic",
        "2.50",
        "person",
        "Non Alcoholic Punch",
    ),
    _item(
        5055,
        "House Red Wine (Bottle)",
        "Beverage",
        "Bar",
        "38.00",
        "bottle",
        "Red Wine BTL",
        explicit=True,
    ),
    _item(5056, "House White Wine (Bottle)", "Beverage", "Bar", "36.00", "bottle", "", "34.00"),
    _item(5057, "Prosecco Toast", "Beverage", "Bar", "6.00", "person"),
    _item(5058, "Craft Beer Bucket", "Beverage", "Bar", "40.00", "each"),
    _item(5059, "Signature Cocktail", "Beverage", "Bar", "12.00", "each"),
    _item(5060, "Open Bar (per hour)", "Beverage", "Bar", "14.00", "person", "Open Bar (Per Hour)"),
    _item(5070, "Linen Upgrade", "Rentals", "Rentals & Fees", "8.00", "each"),
    _item(5071, "AV Package", "Rentals", "Rentals & Fees", "250.00", "each"),
    _item(5072, "Bartender Fee", "Rentals", "Rentals & Fees", "150.00", "each"),
    _item(5073, "Dance Floor Rental", "Rentals", "Rentals & Fees", "450.00", "each", None),
    _item(5074, "Custom Ice Sculpture", "Rentals", "Rentals & Fees", "650.00", "each", None),
    _item(5075, "Valet Parking", "Rentals", "Rentals & Fees", "15.00", "each", None),
)

MENU_BY_ID: dict[int, MenuItem] = {item.menu_item_id: item for item in MENU}
# Only these have a Revel product; their position fixes the product id (see product_id()).
REVEL_ITEMS: tuple[MenuItem, ...] = tuple(i for i in MENU if i.revel_name is not None)
UNMAPPED_ITEMS: tuple[MenuItem, ...] = tuple(i for i in MENU if i.revel_name is None)


def product_id(establishment: int, item: MenuItem) -> int:
    """Revel product id of `item` in `establishment`: establishment × 100 + position (1-based)."""
    return establishment * 100 + REVEL_ITEMS.index(item) + 1


def explicit_mappings() -> list[tuple[int, int, int]]:
    """(menu_item_id, revel_product, revel_establishment) for every explicit mapping."""
    return [
        (item.menu_item_id, product_id(est, item), est)
        for est in ESTABLISHMENTS
        for item in REVEL_ITEMS
        if item.explicit
    ]


def normalise(name: str) -> str:
    """The normalisation the sandbox assumes the connector applies before an exact name match:
    accents folded, case folded, punctuation treated as a space, whitespace collapsed."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())
