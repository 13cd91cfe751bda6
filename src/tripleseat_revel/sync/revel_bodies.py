"""Request bodies of the Revel order-creation sequence (pure), as TSRC proved them in production.

Foreign keys are resource URIs; `dining_option` and `payment_type` are plain integers; timestamps
are naive store-local time ("Revel expects local store time"). See reference/revel-api.md §3.2.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from tripleseat_revel.integrations.revel.schemas import uri
from tripleseat_revel.kit.money import fmt
from tripleseat_revel.sync.plan import OrderPlan, PlannedItem

NAMESPACE = uuid.UUID("6f1c2d1e-9d59-4a4e-9a53-3bde1e1c8a10")


def stable_uuid(*parts: object) -> str:
    """A deterministic uuid per record, so a repeated write carries the same identity."""
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def order_uuid(plan: OrderPlan) -> str:
    return stable_uuid(plan.local_id, "order")


def item_uuid(plan: OrderPlan, index: int, op: str = "") -> str:
    """The uuid of plan line `index` written by the write `op`."""
    return stable_uuid(plan.local_id, "item", index, *([op] if op else []))


def payment_uuid(plan: OrderPlan, op: str = "") -> str:
    return stable_uuid(plan.local_id, "payment", *([op] if op else []))


def store_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _who(plan: OrderPlan, stamp: str) -> dict[str, Any]:
    user = uri("enterprise/User", plan.revel.user)
    station = uri("resources/PosStation", plan.revel.pos_station)
    return {
        "created_by": user,
        "updated_by": user,
        "created_date": stamp,
        "updated_date": stamp,
        "station": station,
    }


def order_body(plan: OrderPlan, local_now: datetime) -> dict[str, Any]:
    stamp = store_time(local_now)
    station = uri("resources/PosStation", plan.revel.pos_station)
    return {
        "uuid": order_uuid(plan),
        "establishment": uri("enterprise/Establishment", plan.establishment),
        "local_id": plan.local_id,
        "notes": plan.notes,
        "call_name": plan.call_name,
        "web_order": True,
        "pos_mode": "Q",
        "dining_option": plan.revel.dining_option,
        "pickup_time": plan.pickup_time,
        "asap": False,
        "number_of_people": plan.number_of_people,
        **_who(plan, stamp),
        "created_at": station,
        "last_updated_at": station,
        # Totals are written by the final PATCH, once every item and the payment exist.
        "subtotal": 0,
        "tax": 0,
        "final_total": 0,
        "remaining_due": 0,
        "surcharge": 0,
    }


def item_body(
    plan: OrderPlan, order_id: int, index: int, item: PlannedItem, local_now: datetime, *, op: str = ""
) -> dict[str, Any]:
    """An OrderItem of plan line `index`. `op`: the write it belongs to (its uuid says which)."""
    price = fmt(item.unit_price)
    body: dict[str, Any] = {
        "uuid": item_uuid(plan, index, op),
        "order": uri("resources/Order", order_id),
        "product": uri("resources/Product", item.product_id),
        "quantity": item.quantity,
        "price": price,
        "initial_price": price,
        "price_to_display": price,
        "tax_amount": "0.00",
        "modifier_amount": "0.00",
        "temp_sort": index,
        "dining_option": plan.revel.dining_option,
        **_who(plan, store_time(local_now)),
    }
    if item.note:
        body["special_request"] = item.note
    return body


def payment_body(
    plan: OrderPlan, order_id: int, local_now: datetime, *, amount: Decimal | None = None, op: str = ""
) -> dict[str, Any]:
    """A Payment of `amount` (default: everything paid; negative: a refund)."""
    stamp = store_time(local_now)
    return {
        "uuid": payment_uuid(plan, op),
        "order": uri("resources/Order", order_id),
        "establishment": uri("enterprise/Establishment", plan.establishment),
        "payment_type": plan.revel.payment_type,
        "amount": fmt(plan.totals.paid if amount is None else amount),
        "tip": "0.00",
        "payment_date": stamp,
        **_who(plan, stamp),
    }


def history_body(plan: OrderPlan, order_id: int, local_now: datetime) -> dict[str, Any]:
    stamp = store_time(local_now)
    return {
        "uuid": stable_uuid(plan.local_id, "history"),
        "order": uri("resources/Order", order_id),
        "order_opened_by": uri("enterprise/User", plan.revel.user),
        "order_opened_at": uri("resources/PosStation", plan.revel.pos_station),
        "opened": stamp,
        "closed": stamp if plan.totals.remaining_due == 0 else None,
    }


def final_patch(plan: OrderPlan, *, set_discount: bool = True) -> dict[str, Any]:
    """Totals (and the discount, when it must change), written last: an order with these totals is
    complete. A discount is set only when it differs, since some Revels stack a repeated one."""
    totals = plan.totals
    body: dict[str, Any] = {
        "subtotal": fmt(totals.subtotal),
        "tax": fmt(totals.tax),
        "service_charge": fmt(totals.service_charge),
        "gratuity": fmt(totals.gratuity),
        "final_total": fmt(totals.final_total),
        "remaining_due": fmt(totals.remaining_due),
        "notes": plan.notes,
        "call_name": plan.call_name,
        "number_of_people": plan.number_of_people,
        "pickup_time": plan.pickup_time,
        "printed": True,
    }
    if not set_discount:
        return body
    if totals.discount:
        user = uri("enterprise/User", plan.revel.user)
        body.update(
            discount=uri("resources/Discount", plan.revel.discount),
            discount_amount=fmt(totals.discount),
            discount_rule_amount=fmt(totals.discount),
            discount_reason="Triple Seat discount",
            discounted_by=user,
        )
    else:
        body.update(discount=None, discount_amount="0.00", discount_rule_amount="0.00")
    return body
