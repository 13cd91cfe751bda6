"""The figures an injected order is checked with, for the tests and the benchmarks: TripleSeat's
own totals for an event and the totals written on a Revel order, both as simulator JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def ts_totals(event: dict[str, Any]) -> dict[str, Decimal]:
    """TripleSeat's own figures for an event (summed over its live documents)."""
    subtotal = discount = grand = paid = Decimal("0.00")
    for doc in event.get("documents", []):
        if doc.get("deleted_at"):
            continue
        subtotal += sum((money(li["total_price"]) for li in doc.get("line_items", [])), Decimal("0.00"))
        discount += money(doc["financials"].get("discounts_total") or 0)
        grand += money(doc["financials"]["grand_total"])
        paid += sum(
            (
                money(p["amount"])
                for p in doc.get("payment_set", {}).get("payments", [])
                if p["state"] == "paid"
            ),
            Decimal("0.00"),
        )
    return {"subtotal": subtotal, "discount": discount, "final_total": grand, "paid": paid}


def revel_totals(order: dict[str, Any]) -> dict[str, Decimal]:
    """The totals written on a Revel order, and what its payments add up to."""
    return {
        "subtotal": money(order["subtotal"]),
        "discount": money(order.get("discount_amount") or 0),
        "final_total": money(order["final_total"]),
        "paid": sum((money(p["amount"]) for p in order.get("payments", [])), Decimal("0.00")),
    }
