"""The simulated Revel instance: Tastypie-style resources in memory, an ordered write log, no HTTP.

Order totals are exactly what the client wrote (Revel does not recompute them from the items, as
TSRC saw), so a wrong total shows up. `closed` is derived: final_total > 0 and remaining_due == 0.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from tripleseat_revel.integrations.revel.schemas import id_from_uri
from tripleseat_revel.sandbox.clock import ClockLike
from tripleseat_revel.sandbox.revel import query, validation
from tripleseat_revel.sandbox.revel.errors import RevelError, bad_request, not_found
from tripleseat_revel.sandbox.revel.resources import (
    ORDER_CHILDREN,
    SPEC_BY_NAME,
    SPECS,
    ResourceSpec,
)

Record = dict[str, Any]
FIRST_IDS = {
    "Order": 10_685_001,
    "OrderItem": 21_350_001,
    "Payment": 9_120_001,
    "OrderHistory": 6_410_001,
    "AppliedDiscountOrder": 310_001,
    "AppliedServiceFee": 52_001,
    "Customer": 880_001,
}
DEFAULTS: dict[str, Record] = {
    "Order": {
        "notes": "",
        "dining_option": 0,
        "pos_mode": "Q",
        "web_order": False,
        "asap": False,
        "subtotal": 0.0,
        "tax": 0.0,
        "final_total": 0.0,
        "remaining_due": 0.0,
        "discount_amount": 0.0,
        "discount_rule_amount": 0.0,
        "discount_reason": "",
        "surcharge": 0.0,
        "printed": False,
        "sent": False,
        "deleted": False,
        "is_unpaid": False,
        "is_invoice": False,
        "kitchen_status": 0,
        "version": 1,
        "bill_number": 0,
        "applied_taxes": [],
    },
    "OrderItem": {
        "tax_amount": 0.0,
        "modifier_amount": 0.0,
        "special_request": "",
        "catering_complete": False,
    },
    "Payment": {"tip": 0.0, "change": 0.0},
    "Customer": {"active": True},
}


class RevelSettings(BaseModel):
    """Behaviours the sources leave open; each variant can be played (defaults: most likely)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    default_limit: int = Field(default=20, ge=1)
    max_limit: int = Field(default=1000, ge=0)
    patch_status: Literal[200, 202] = 202
    order_item_delete: bool = True
    order_delete: bool = False
    unknown_filter: query.UnknownFilter = "ignore"
    # Filters this Revel does not allow, as "Resource.field__lookup" (e.g. "Order.local_id__in":
    # the docs do not say that one exists); played as unknown filters (`unknown_filter`).
    unfilterable: list[str] = Field(default_factory=list)
    auth_failure_body: Literal["empty", "json"] = "empty"
    cart_local_id: bool = False
    cart_require_text_plain: bool = False
    denied_resources: list[str] = Field(default_factory=list)
    # What Revel does with an order's money (the public record is silent; TSRC saw totals kept):
    # "kept" keeps the totals a client writes; "recomputed" recomputes them after every write from
    # the lines, the discount, the payments and the establishment's `tax_rate` (PATCHed totals ignored).
    totals: Literal["kept", "recomputed"] = "kept"
    tax_rate: float = Field(default=0.085, ge=0, le=1)  # applied when totals are recomputed
    # A discount PATCHed onto an order that has one: "replace" it, or "stack" another on top.
    discount_patch: Literal["replace", "stack"] = "replace"
    negative_payments: bool = True  # a Payment with a negative amount (a refund) is accepted
    # Payment types this Revel refuses for a Payment although they exist (say, a custom type not
    # enabled for the API, or for the establishment): played by `doctor --probe`'s variant.
    refused_payment_types: list[int] = Field(default_factory=list)
    patch_returns_body: bool = True  # False: PATCH answers 202 with no body (Tastypie's default)
    closed_orders_locked: bool = False  # True: items and payments of a closed order refuse writes


@dataclass
class RevelCredentials:
    api_key: str = "sandbox-key"
    api_secret: str = "sandbox-secret"


class RevelState:
    """In-memory Revel backend."""

    def __init__(self, clock: ClockLike, credentials: RevelCredentials, settings: RevelSettings) -> None:
        self.clock = clock
        self.credentials = credentials
        self.settings = settings
        self.records: dict[str, dict[int, Record]] = {s.name: {} for s in SPECS}
        self.next_ids: dict[str, int] = dict(FIRST_IDS)
        self.children: dict[str, dict[int, list[int]]] = {name: {} for name in ORDER_CHILDREN}
        self.writes: list[dict[str, Any]] = []

    # ------------------------------------------------------------------ access

    def authenticate(self, header: str | None, key: str | None, secret: str | None) -> bool:
        """`API-AUTHENTICATION: key:secret`, or `?api_key=&api_secret=` (reference §1.2)."""
        expected = f"{self.credentials.api_key}:{self.credentials.api_secret}"
        if header is not None:
            return header.strip() == expected
        return key is not None and f"{key}:{secret}" == expected

    def spec(self, name: str) -> ResourceSpec:
        return SPEC_BY_NAME[name]

    def lookup(self, name: str, ident: int) -> Record | None:
        return self.records.get(name, {}).get(ident)

    # ------------------------------------------------------------------ seeding

    def insert(self, name: str, fields: Record, ident: int | None = None) -> Record:
        """Store a record as-is (seed data: no validation, not in the write log)."""
        spec = self.spec(name)
        ident = ident if ident is not None else self._next_id(name)
        record = {**self._defaults(spec), **fields, "id": ident, "resource_uri": spec.uri(ident)}
        if not record.get("uuid"):
            record["uuid"] = _uuid(name, ident)
        self.records[name][ident] = record
        self._index(name, record)
        return record

    def _next_id(self, name: str) -> int:
        ident = self.next_ids.get(name, 1)
        while ident in self.records[name]:
            ident += 1
        self.next_ids[name] = ident + 1
        return ident

    def _defaults(self, spec: ResourceSpec) -> Record:
        base: Record = {k: ([] if kind == "list" else None) for k, kind in spec.kinds.items()}
        return {**base, **DEFAULTS.get(spec.name, {})}

    def _index(self, name: str, record: Record) -> None:
        if name in self.children and record.get("order"):
            order_id = id_from_uri(record["order"]) or 0
            self.children[name].setdefault(order_id, []).append(record["id"])

    # ------------------------------------------------------------------ reading

    def render(self, name: str, record: Record) -> Record:
        out = dict(record)
        if name == "Order":
            out.update(self._derived(record))
        if self.spec(name).money_as_string:
            for key, kind in self.spec(name).kinds.items():
                if kind == "money" and isinstance(out.get(key), float):
                    out[key] = f"{out[key]:.6f}"
        return out

    def _derived(self, order: Record) -> Record:
        kids = {n: self.child_records(n, order["id"]) for n in ORDER_CHILDREN}
        final, due = order.get("final_total") or 0.0, order.get("remaining_due") or 0.0
        return {
            "closed": float(final) > 0 and round(float(due), 2) == 0,
            "has_items": bool(kids["OrderItem"]),
            "has_history": bool(kids["OrderHistory"]),
            "orderhistory": [h["resource_uri"] for h in kids["OrderHistory"]],
            "applied_discounts": [
                self.render("AppliedDiscountOrder", d) for d in kids["AppliedDiscountOrder"]
            ],
            "applied_service_fee": [self.render("AppliedServiceFee", f) for f in kids["AppliedServiceFee"]],
            "is_discounted": bool(order.get("discount")) or bool(kids["AppliedDiscountOrder"]),
        }

    def child_records(self, name: str, order_id: int) -> list[Record]:
        store = self.records[name]
        return [store[i] for i in self.children[name].get(order_id, []) if i in store]

    def read(self, name: str, ident: int, path: str) -> Record:
        record = self.lookup(name, ident)
        if record is None:
            raise not_found(path)
        return self.render(name, record)

    def list_objects(self, name: str, params: query.Params, path: str) -> dict[str, Any]:
        spec = self.spec(name)
        rendered = [self.render(name, r) for r in self.records[name].values()]
        found = query.select(
            spec, rendered, params, self.settings.unknown_filter, frozenset(self.settings.unfilterable)
        )
        paging = query.Paging(self.settings.default_limit, self.settings.max_limit)
        return query.page(spec, found, params, paging, path)

    # ------------------------------------------------------------------ writing

    def create(self, name: str, body: Any, *, source: str = "rest") -> Record:
        spec = self._writable(name, "POST")
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.")
        if "id" in body or "resource_uri" in body:
            raise bad_request("POST requests will not be accepted if an ID or resource_uri is passed.")
        fields = validation.clean(spec, body)
        candidate = {**self._defaults(spec), **fields}
        validation.check_required(spec, candidate)
        validation.check_references(spec, candidate, self.lookup)
        self._check_variants(name, candidate)
        stamped = {**self._stamps(candidate, creating=True), **fields}
        record = self.insert(name, stamped)
        self._after_write(name, record, fields)
        self.log_write("POST", name, record, body, 201, source)
        return self.render(name, record)

    def update(self, name: str, ident: int, body: Any, method: str, path: str) -> Record:
        spec = self._writable(name, method)
        record = self.lookup(name, ident)
        if record is None:
            raise not_found(path)
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.")
        fields = validation.clean(spec, body)
        candidate = {**record, **fields}
        validation.check_required(spec, candidate)
        validation.check_references(spec, candidate, self.lookup)
        self._check_variants(name, candidate)
        record.update(self._stamps(candidate, creating=False), **fields)
        if name == "Order":
            record["version"] = int(record.get("version") or 0) + 1
        self._after_write(name, record, fields)
        self.log_write(method, name, record, body, self.settings.patch_status, "rest")
        return self.render(name, record)

    def delete(self, name: str, ident: int, path: str) -> None:
        self._writable(name, "DELETE")
        allowed = {
            "OrderItem": self.settings.order_item_delete,
            "Order": self.settings.order_delete,
        }
        if not allowed.get(name, True):
            raise RevelError(405, f"DELETE is not allowed on {name}.")
        record = self.records[name].get(ident)
        if record is None:
            raise not_found(path)
        self._check_variants(name, record)
        self.records[name].pop(ident)
        self._after_write(name, record, {})
        self.log_write("DELETE", name, record, None, 204, "rest")

    def _writable(self, name: str, method: str) -> ResourceSpec:
        spec = self.spec(name)
        if method not in spec.methods:
            raise RevelError(405, f"{method} is not allowed on {spec.path}.")
        return spec

    def _stamps(self, record: Record, *, creating: bool) -> Record:
        if "updated_date" not in record:
            return {}
        now = self.local_now(record).isoformat(timespec="microseconds")
        return {"created_date": now, "updated_date": now} if creating else {"updated_date": now}

    def local_now(self, record: Record) -> datetime:
        """Store-local wall-clock time (Revel keeps naive local timestamps)."""
        est_id = validation.owner_establishment(self.spec("Order"), record, self.lookup)
        est = self.lookup("Establishment", est_id or 0) or {}
        tz = ZoneInfo(est.get("time_zone") or "America/Los_Angeles")
        return self.clock.now().astimezone(tz).replace(tzinfo=None)

    def _owning_order(self, name: str, record: Record) -> Record | None:
        if name == "Order":
            return record
        if name in ORDER_CHILDREN and record.get("order"):
            return self.lookup("Order", id_from_uri(record["order"]) or 0)
        return None

    def _check_variants(self, name: str, record: Record) -> None:
        """The refusals some Revel instances may make (RevelSettings)."""
        if name == "Payment" and not self.settings.negative_payments and float(record.get("amount") or 0) < 0:
            raise bad_request("Payment.amount: a payment amount cannot be negative.")
        if name == "Payment" and record.get("payment_type") in self.settings.refused_payment_types:
            raise bad_request(f"Payment.payment_type: payment type {record['payment_type']} is not accepted.")
        order = self._owning_order(name, record)
        locked = self.settings.closed_orders_locked and name in ("OrderItem", "Payment")
        if locked and order is not None and self._derived(order)["closed"]:
            raise bad_request(f"Order {order['id']} is closed.")

    def _after_write(self, name: str, record: Record, fields: Record) -> None:
        if name == "Order" and "discount" in fields:
            self._apply_discount(record)
        order = self._owning_order(name, record)
        if self.settings.totals == "recomputed" and order is not None:
            self._recompute(order)

    def _recompute(self, order: Record) -> None:
        """Revel's own totals from the order's lines, discount and payments (the variant)."""
        lines = [i for i in self.child_records("OrderItem", order["id"]) if not i.get("voided_date")]
        subtotal = round(sum(float(i["quantity"]) * float(i["price"]) for i in lines), 2)
        discount = float(order.get("discount_amount") or 0)
        tax = round((subtotal - discount) * self.settings.tax_rate, 2)
        paid = sum(float(p["amount"]) for p in self.child_records("Payment", order["id"]))
        final = round(subtotal - discount + tax, 2)
        order.update(subtotal=subtotal, tax=tax, final_total=final, remaining_due=round(final - paid, 2))

    def _apply_discount(self, order: Record) -> None:
        # Setting a discount on the order makes Revel create an AppliedDiscountOrder (TSRC dump);
        # a Revel that stacks them keeps the earlier ones and adds their amounts up.
        existing = self.child_records("AppliedDiscountOrder", order["id"])
        stacking = self.settings.discount_patch == "stack"
        if not stacking:
            for ado in existing:
                self.records["AppliedDiscountOrder"].pop(ado["id"], None)
        if not order.get("discount"):
            return
        discount = self.lookup("Discount", id_from_uri(order["discount"]) or 0) or {}
        amount = float(order.get("discount_amount") or 0.0)
        self.insert(
            "AppliedDiscountOrder",
            {
                "name": discount.get("name"),
                "discount": order["discount"],
                "order": order["resource_uri"],
                "discount_amount": amount,
                "rule_amount": order.get("discount_rule_amount") or amount,
            },
        )
        if stacking and existing:
            total = amount + sum(float(a.get("discount_amount") or 0) for a in existing)
            order.update(discount_amount=total, discount_rule_amount=total)

    def log_write(self, method: str, name: str, record: Record, body: Any, status: int, source: str) -> None:
        self.writes.append(
            {
                "seq": len(self.writes) + 1,
                "at": self.clock.now().isoformat(),
                "method": method,
                "resource": name,
                "id": record["id"],
                "uri": record["resource_uri"],
                "body": body,
                "status": status,
                "source": source,
            }
        )

    # ------------------------------------------------------------------ views

    def order_view(self, order: Record) -> dict[str, Any]:
        """An order with everything written to it (for `/_sandbox/orders`)."""
        view = self.render("Order", order)
        for key, name in (
            ("items", "OrderItem"),
            ("payments", "Payment"),
            ("history", "OrderHistory"),
            ("service_fees", "AppliedServiceFee"),
        ):
            view[key] = [self.render(name, r) for r in self.child_records(name, order["id"])]
        return view

    def orders(self, establishment: int | None = None, local_id: str | None = None) -> list[dict[str, Any]]:
        chosen = [
            o
            for o in self.records["Order"].values()
            if (establishment is None or id_from_uri(o.get("establishment")) == establishment)
            and (local_id is None or o.get("local_id") == local_id)
        ]
        return [self.order_view(o) for o in sorted(chosen, key=lambda o: o["id"])]

    def clear_orders(self) -> None:
        for name in ("Order", *ORDER_CHILDREN):
            self.records[name].clear()
        for index in self.children.values():
            index.clear()
        self.writes.clear()


def _uuid(name: str, ident: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"revel-sandbox/{name}/{ident}"))
