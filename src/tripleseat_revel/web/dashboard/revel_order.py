"""The Revel order as Revel has it now, set beside the planned order (fetched live, time-boxed)."""

from __future__ import annotations

import concurrent.futures
import functools
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tripleseat_revel.integrations.revel.schemas import Order, OrderItem, Payment
from tripleseat_revel.kit.http import VendorError
from tripleseat_revel.kit.money import TOTALS
from tripleseat_revel.logging import get_logger, safe_error
from tripleseat_revel.sync.context import Runtime

log = get_logger(__name__)
FETCH_SECONDS = 8.0
# The Revel order's field for each of the plan's totals (paid is the sum of the payments).
REVEL_FIELD = {"discount": "discount_amount", "paid": None}


@functools.cache
def _pool() -> concurrent.futures.ThreadPoolExecutor:
    """Made on the first order shown (not at import): a slow Revel never holds a request thread."""
    return concurrent.futures.ThreadPoolExecutor(4, thread_name_prefix="dashboard-revel")


@dataclass(frozen=True)
class Line:
    name: str
    product_id: int | None
    quantity: Decimal
    price: Decimal
    total: Decimal
    in_plan: bool
    note: str | None = None


@dataclass(frozen=True)
class TotalRow:
    label: str
    planned: str | None
    actual: Decimal | None

    @property
    def matches(self) -> bool:
        return self.planned is None or self.actual is None or Decimal(self.planned) == self.actual


@dataclass(frozen=True)
class LiveOrder:
    order: Order
    lines: list[Line]
    payments: list[Payment]
    totals: list[TotalRow]

    @property
    def matches_plan(self) -> bool:
        return all(line.in_plan for line in self.lines) and all(t.matches for t in self.totals)


@dataclass(frozen=True)
class Unavailable:
    message: str


def _signature(product_id: int | None, quantity: Any, price: Any) -> tuple[int | None, Decimal, Decimal]:
    return product_id, Decimal(str(quantity)).normalize(), Decimal(str(price)).quantize(Decimal("0.01"))


def _lines(items: list[OrderItem], plan: dict[str, Any] | None) -> list[Line]:
    planned = (plan or {}).get("items", [])
    names = {i["product_id"]: i["name"] for i in planned}
    wanted = Counter(_signature(i["product_id"], i["quantity"], i["unit_price"]) for i in planned)
    lines = []
    for item in items:
        if item.voided_date:
            continue
        sig = _signature(item.product_id, item.quantity, item.price)
        in_plan = wanted[sig] > 0
        if in_plan:
            wanted[sig] -= 1
        name = names.get(item.product_id) or f"Revel product {item.product_id}"
        total = (item.quantity * item.price).quantize(Decimal("0.01"))
        lines.append(
            Line(name, item.product_id, item.quantity, item.price, total, in_plan, item.special_request)
        )
    return lines


def _totals(order: Order, payments: list[Payment], plan: dict[str, Any] | None) -> list[TotalRow]:
    planned = (plan or {}).get("totals", {})
    paid = sum((p.amount for p in payments), Decimal("0.00"))
    rows = []
    for key, label in TOTALS:
        field = REVEL_FIELD.get(key, key)
        actual = paid if field is None else getattr(order, field)
        rows.append(TotalRow(label, planned.get(key), actual))
    return rows


def _fetch(rt: Runtime, order_id: int, plan: dict[str, Any] | None) -> LiveOrder:
    order = rt.revel.get_order(order_id)
    items = rt.revel.order_items(order_id)
    payments = rt.revel.order_payments(order_id)
    return LiveOrder(order, _lines(items, plan), payments, _totals(order, payments, plan))


def live_order(rt: Runtime, order_id: int, plan: dict[str, Any] | None) -> LiveOrder | Unavailable:
    """The Revel order now, or why it cannot be shown (Revel unreachable, slow, or refusing)."""
    future = _pool().submit(_fetch, rt, order_id, plan)
    try:
        return future.result(timeout=FETCH_SECONDS)
    except concurrent.futures.TimeoutError:
        return Unavailable(f"Revel did not answer within {FETCH_SECONDS:.0f} seconds.")
    except VendorError as exc:
        log.warning("dashboard.revel_unavailable", order_id=order_id, error=type(exc).__name__)
        return Unavailable(f"Revel could not be reached or refused the request ({safe_error(exc)}).")
