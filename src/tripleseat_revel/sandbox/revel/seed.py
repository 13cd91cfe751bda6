"""The seeded Revel instance: establishments, users, stations, the ids the connector's `[revel]`
section names (dining option 113, payment type 236, discount 3358, user 1, station 4), the product
catalogue per establishment, and some walk-in POS orders so lists are not empty."""

from __future__ import annotations

import random
from decimal import Decimal

from tripleseat_revel.sandbox.catalog import CATEGORY_IDS, ESTABLISHMENTS, REVEL_ITEMS, product_id
from tripleseat_revel.sandbox.revel.state import RevelState

TIME_ZONES = {
    4: "America/Los_Angeles",
    8: "America/Los_Angeles",
    9: "America/Los_Angeles",
    12: "America/New_York",
    14: "America/New_York",
}
CITIES = {4: "San Francisco", 8: "San Francisco", 9: "San Francisco", 12: "Boston", 14: "Boston"}
LIVE_ESTABLISHMENTS = (8, 9, 12)
RETIRED_PRODUCT = 99  # establishment × 100 + 99: an inactive product in every establishment


def est_uri(est: int) -> str:
    return f"/enterprise/Establishment/{est}/"


def seed_revel(state: RevelState, seed: int) -> None:
    """Fill `state` deterministically (seed data is not in the write log)."""
    _reference_data(state)
    for est in ESTABLISHMENTS:
        _catalogue(state, est)
    rng = random.Random(f"revel-{seed}")
    for est in LIVE_ESTABLISHMENTS:
        for _ in range(8):
            walk_in_order(state, rng, est)


def _reference_data(state: RevelState) -> None:
    for est, name in ESTABLISHMENTS.items():
        state.insert(
            "Establishment",
            {
                "name": name,
                "active": True,
                "time_zone": TIME_ZONES[est],
                "city": CITIES[est],
                "email": f"store{est}@example.com",
                "phone": f"555-02{est:02d}",
            },
            ident=est,
        )
    state.insert(
        "User",
        {
            "username": "api",
            "first_name": "API",
            "last_name": "User",
            "email": "api@example.com",
            "active": True,
        },
        ident=1,
    )
    state.insert(
        "User",
        {
            "username": "jmanager",
            "first_name": "Jo",
            "last_name": "Manager",
            "email": "jo@example.com",
            "active": True,
        },
        ident=7,
    )
    # The inactive user TSRC tripped over ("use user 1 instead of inactive user 209").
    state.insert(
        "User",
        {
            "username": "former",
            "first_name": "Former",
            "last_name": "Employee",
            "email": "former@example.com",
            "active": False,
        },
        ident=209,
    )
    state.insert("PosStation", {"name": "Catering Station", "active": True}, ident=4)
    state.insert("PosStation", {"name": "Bar Station", "active": True, "establishment": est_uri(8)}, ident=5)
    state.insert(
        "PosStation", {"name": "Harbor Catering iPad", "active": True, "establishment": est_uri(12)}, ident=6
    )
    for name in ("CustomOrderOption", "DiningOption"):
        state.insert(name, {"name": "Triple Seat", "active": True}, ident=113)
        state.insert(name, {"name": "Catering Pickup", "active": True}, ident=114)
    state.insert("CustomPaymentType", {"name": "Triple Seat", "active": True}, ident=236)
    state.insert("CustomPaymentType", {"name": "House Account", "active": True}, ident=237)
    state.insert("CustomPaymentType", {"name": "Event Deposit", "active": True}, ident=238)
    state.insert(
        "Discount",
        {
            "name": "Triple Seat Discount",
            "discount_amount": 0.0,
            "discount_type": 1,
            "application_type": 0,
            "qualification_type": 0,
            "auto_apply": False,
            "is_open": True,
            "active": True,
        },
        ident=3358,
    )
    state.insert(
        "Discount",
        {
            "name": "Staff Meal 50%",
            "discount_amount": 50.0,
            "discount_type": 0,
            "application_type": 0,
            "qualification_type": 0,
            "auto_apply": False,
            "is_open": False,
            "active": True,
            "establishment": est_uri(8),
        },
        ident=3359,
    )
    state.insert(
        "ServiceFee",
        {"name": "Gratuity", "amount": 18.0, "fee_type": "percent", "active": True},
        ident=7,
    )
    for est in ESTABLISHMENTS:
        state.insert(
            "ServiceFee",
            {
                "name": "Service Charge",
                "amount": 20.0,
                "fee_type": "percent",
                "active": True,
                "establishment": est_uri(est),
            },
            ident=est * 10 + 1,
        )


def _catalogue(state: RevelState, est: int) -> None:
    for name, cat in CATEGORY_IDS.items():
        state.insert(
            "ProductCategory",
            {"name": name, "active": True, "establishment": est_uri(est)},
            ident=est * 10 + cat,
        )
    for item in REVEL_ITEMS:
        ident = product_id(est, item)
        state.insert(
            "Product",
            {
                "name": item.revel_name,
                "price": float(item.revel_price or 0),
                "cost": None,
                "sku": f"TS-{item.menu_item_id}",
                "barcode": None,
                "active": True,
                "description": None,
                "display_online": False,
                "course_number": None,
                "establishment": est_uri(est),
                "category": f"/products/ProductCategory/{est * 10 + CATEGORY_IDS[item.category]}/",
            },
            ident=ident,
        )
    state.insert(
        "Product",
        {
            "name": "Seasonal Gazpacho (Retired)",
            "price": 7.0,
            "sku": "RETIRED-1",
            "active": False,
            "establishment": est_uri(est),
            "category": f"/products/ProductCategory/{est * 10 + 1}/",
        },
        ident=est * 100 + RETIRED_PRODUCT,
    )


def walk_in_order(state: RevelState, rng: random.Random, est: int) -> None:
    """A closed, fully paid POS order with a few items (not from TripleSeat)."""
    picks = rng.sample(REVEL_ITEMS, k=rng.randint(1, 4))
    lines = [(item, rng.randint(1, 4)) for item in picks]
    subtotal = sum((Decimal(item.revel_price or 0) * q for item, q in lines), Decimal(0))
    order = state.insert(
        "Order",
        {
            "establishment": est_uri(est),
            "created_by": "/enterprise/User/7/",
            "updated_by": "/enterprise/User/7/",
            "created_at": "/resources/PosStation/4/",
            "subtotal": float(subtotal),
            "final_total": float(subtotal),
            "remaining_due": 0.0,
            "dining_option": 1,
            "printed": True,
            "call_name": f"Table {rng.randint(1, 30)}",
        },
    )
    for item, quantity in lines:
        state.insert(
            "OrderItem",
            {
                "order": order["resource_uri"],
                "product": f"/resources/Product/{product_id(est, item)}/",
                "quantity": float(quantity),
                "price": float(item.revel_price or 0),
                "initial_price": float(item.revel_price or 0),
                "created_by": "/enterprise/User/7/",
            },
        )
    state.insert(
        "Payment",
        {
            "order": order["resource_uri"],
            "establishment": est_uri(est),
            "amount": float(subtotal),
            "payment_type": 2,
            "created_by": "/enterprise/User/7/",
        },
    )
