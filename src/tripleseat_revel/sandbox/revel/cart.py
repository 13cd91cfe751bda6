"""The Weborder cart API (`/specialresources/cart/{validate,calculate,submit}/`), reference §3.1.

Answers are always HTTP 200 with `status` "OK" or "ERROR" in the body, so a client must read the
body. Unlike REST writes, the cart prices and taxes the order itself.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from tripleseat_revel.integrations.revel.schemas import id_from_uri
from tripleseat_revel.sandbox.revel.resources import BUILTIN_DINING_OPTIONS, BUILTIN_PAYMENT_TYPES
from tripleseat_revel.sandbox.revel.state import Record, RevelState

TAX_RATES = {
    4: Decimal("0.0875"),
    8: Decimal("0.0875"),
    9: Decimal("0.0875"),
    12: Decimal("0.06625"),
    14: Decimal("0.06625"),
}
CART_USER = "/enterprise/User/1/"


class CartError(Exception):
    """A cart request Revel answers with `{"status": "ERROR", "errorMsg": ...}`."""


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _decimal(value: Any, what: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise CartError(f"{what} must be a number, got {value!r}") from exc


def _establishment(state: RevelState, body: dict[str, Any]) -> int:
    raw = body.get("establishmentId", body.get("establishment"))
    ident = id_from_uri(raw) if raw is not None else None
    if ident is None and isinstance(raw, str) and raw.isdigit():
        ident = int(raw)
    if ident is None or state.lookup("Establishment", ident) is None:
        raise CartError(f"Establishment {raw!r} does not exist")
    return ident


def _lines(state: RevelState, est: int, items: Any) -> list[tuple[Record, Decimal, Decimal]]:
    if not isinstance(items, list) or not items:
        raise CartError("The cart has no items")
    lines = []
    for item in items:
        if not isinstance(item, dict):
            raise CartError("Each item must be an object")
        product = state.lookup("Product", id_from_uri(item.get("product")) or 0)
        if product is None or id_from_uri(product.get("establishment")) != est:
            raise CartError(f"Product {item.get('product')!r} is not available at establishment {est}")
        if not product.get("active", True):
            raise CartError(f"Product {product['id']} is not active")
        quantity = _decimal(item.get("quantity", 1), "quantity")
        if quantity <= 0:
            raise CartError("quantity must be positive")
        price = _decimal(item.get("price", product.get("price") or 0), "price")
        lines.append((product, quantity, price))
    return lines


def _totals(est: int, lines: list[tuple[Record, Decimal, Decimal]]) -> dict[str, Decimal]:
    subtotal = _cents(sum((q * p for _, q, p in lines), Decimal(0)))
    tax = _cents(subtotal * TAX_RATES.get(est, Decimal(0)))
    return {"subtotal": subtotal, "tax": tax, "final_total": subtotal + tax}


def _check_info(state: RevelState, order_info: dict[str, Any], payment: dict[str, Any]) -> None:
    dining = _option_id(order_info.get("dining_option"), "dining option")
    if dining is not None and dining not in BUILTIN_DINING_OPTIONS:
        _require(state, "CustomOrderOption", dining, "dining option")
    kind = _option_id(payment.get("type"), "payment type")
    if kind is not None and kind not in BUILTIN_PAYMENT_TYPES:
        _require(state, "CustomPaymentType", kind, "payment type")


def _require(state: RevelState, resource: str, ident: int, what: str) -> None:
    if state.lookup(resource, ident) is None:
        raise CartError(f"Unknown {what} {ident}")


def _option_id(value: Any, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not str(value).isdigit():
        raise CartError(f"Unknown {what} {value!r}")
    return int(value)


def calculate(state: RevelState, body: Any) -> dict[str, Any]:
    est, lines, _, _ = _parse(state, body)
    totals = _totals(est, lines)
    items = [{"product": p["id"], "quantity": float(q), "price": float(pr)} for p, q, pr in lines]
    return {"status": "OK", "data": {**{k: float(v) for k, v in totals.items()}, "items": items}}


def _parse(
    state: RevelState, body: Any
) -> tuple[int, list[tuple[Record, Decimal, Decimal]], dict[str, Any], dict[str, Any]]:
    if not isinstance(body, dict):
        raise CartError("The request body must be a JSON object")
    est = _establishment(state, body)
    lines = _lines(state, est, body.get("items"))
    order_info = body.get("orderInfo") or {}
    payment = body.get("paymentInfo") or {}
    if not isinstance(order_info, dict) or not isinstance(payment, dict):
        raise CartError("orderInfo and paymentInfo must be objects")
    _check_info(state, order_info, payment)
    return est, lines, order_info, payment


def submit(state: RevelState, body: Any) -> dict[str, Any]:
    """Create the order (items, payment) and answer `{"status": "OK", "orderId": N}`."""
    est, lines, info, payment = _parse(state, body)
    totals = _totals(est, lines)
    paid = _decimal(payment.get("amount", 0) or 0, "paymentInfo.amount")
    order = _create_order(state, est, info, totals, paid)
    for product, quantity, price in lines:
        _write(
            state,
            "OrderItem",
            {
                "order": order["resource_uri"],
                "product": product["resource_uri"],
                "quantity": float(quantity),
                "price": float(price),
                "initial_price": float(price),
                "created_by": CART_USER,
            },
        )
    if paid > 0:
        _write(
            state,
            "Payment",
            {
                "order": order["resource_uri"],
                "establishment": order["establishment"],
                "amount": float(paid),
                "tip": float(_decimal(payment.get("tip", 0) or 0, "tip")),
                "payment_type": payment.get("type", 7),
                "transaction_id": payment.get("transaction_id"),
                "created_by": CART_USER,
            },
        )
    data = {"orderId": order["id"], **{k: float(v) for k, v in totals.items()}}
    return {"status": "OK", "orderId": order["id"], "data": data}


def _create_order(
    state: RevelState, est: int, info: dict[str, Any], totals: dict[str, Decimal], paid: Decimal
) -> Record:
    customer = info.get("customer") or {}
    fields = {
        "establishment": f"/enterprise/Establishment/{est}/",
        "created_by": CART_USER,
        "web_order": True,
        "dining_option": info.get("dining_option", 0),
        "notes": info.get("notes", ""),
        "call_name": info.get("call_name"),
        "pickup_time": info.get("pickup_time"),
        "asap": bool(info.get("asap", False)),
        **{k: float(v) for k, v in totals.items()},
        "remaining_due": float(max(Decimal(0), totals["final_total"] - paid)),
        "created_date": state.local_now({"establishment": f"/enterprise/Establishment/{est}/"}).isoformat(),
    }
    if customer and not fields["call_name"]:
        names = (customer.get("first_name"), customer.get("last_name"))
        fields["call_name"] = " ".join(str(n) for n in names if n) or None
    if state.settings.cart_local_id and info.get("local_id"):
        fields["local_id"] = str(info["local_id"])
    return _write(state, "Order", fields)


def _write(state: RevelState, name: str, fields: Record) -> Record:
    record = state.insert(name, fields)
    state.log_write("POST", name, record, fields, 201, "cart")
    return record
