"""The Revel resources the simulator serves, with their fields, foreign keys and allowed methods.

Foreign keys are resource URIs (`/resources/Product/579/`) in bodies and responses; `dining_option`
and `payment_type` are plain integers (reference/revel-api.md §2.1). Unknown body keys are ignored,
as Revel ignored TSRC's `opened` and `station`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["str", "int", "money", "number", "bool", "fk", "list"]


@dataclass(frozen=True)
class ResourceSpec:
    """One Tastypie resource."""

    name: str
    namespace: str
    kinds: dict[str, Kind]
    fks: dict[str, str] = field(default_factory=dict)  # field -> target resource name
    methods: frozenset[str] = frozenset({"GET"})
    required: tuple[str, ...] = ()
    read_only: frozenset[str] = frozenset()
    money_as_string: bool = False  # AppliedDiscountOrder renders "2.500000"

    @property
    def path(self) -> str:
        return f"/{self.namespace}/{self.name}/"

    def uri(self, ident: int) -> str:
        return f"{self.path}{ident}/"


BASE: dict[str, Kind] = {"id": "int", "uuid": "str", "resource_uri": "str"}
STAMPS: dict[str, Kind] = {"created_date": "str", "updated_date": "str"}
WRITE = frozenset({"GET", "POST", "PATCH", "PUT"})
WRITE_DELETE = WRITE | {"DELETE"}
ALWAYS_READ_ONLY = frozenset({"id", "resource_uri"})


def _spec(
    name: str,
    namespace: str,
    kinds: dict[str, Kind],
    fks: dict[str, str] | None = None,
    *,
    methods: frozenset[str] = frozenset({"GET"}),
    required: tuple[str, ...] = (),
    read_only: frozenset[str] = frozenset(),
    money_as_string: bool = False,
) -> ResourceSpec:
    all_kinds: dict[str, Kind] = {**BASE, **kinds, **{f: "fk" for f in (fks or {})}}
    return ResourceSpec(name, namespace, all_kinds, fks or {}, methods, required, read_only, money_as_string)


ORDER_KINDS: dict[str, Kind] = {
    **STAMPS,
    "local_id": "str",
    "notes": "str",
    "call_name": "str",
    "call_number": "str",
    "dining_option": "int",
    "pos_mode": "str",
    "web_order": "bool",
    "number_of_people": "int",
    "pickup_time": "str",
    "asap": "bool",
    "subtotal": "money",
    "tax": "money",
    "final_total": "money",
    "remaining_due": "money",
    "discount_amount": "money",
    "discount_rule_amount": "money",
    "discount_reason": "str",
    "service_charge": "money",
    "gratuity": "money",
    "surcharge": "money",
    "closed": "bool",
    "printed": "bool",
    "sent": "bool",
    "deleted": "bool",
    "is_unpaid": "bool",
    "is_invoice": "bool",
    "invoice_date": "str",
    "has_items": "bool",
    "has_history": "bool",
    "is_discounted": "bool",
    "orderhistory": "list",
    "applied_discounts": "list",
    "applied_taxes": "list",
    "applied_service_fee": "list",
    "kitchen_status": "int",
    "version": "int",
    "external_sync": "str",
    "reporting_id": "int",
    "bill_number": "int",
    "table": "str",
    "device_id": "str",
    "loyalty_account_id": "str",
}
ORDER_FKS = {
    "establishment": "Establishment",
    "created_by": "User",
    "updated_by": "User",
    "created_at": "PosStation",
    "last_updated_at": "PosStation",
    "discount": "Discount",
    "discounted_by": "User",
    "customer": "Customer",
}

SPECS: tuple[ResourceSpec, ...] = (
    _spec(
        "Establishment",
        "enterprise",
        {
            "name": "str",
            "active": "bool",
            "email": "str",
            "phone": "str",
            "about_title": "str",
            "time_zone": "str",
            "city": "str",
        },
    ),
    _spec(
        "User",
        "enterprise",
        {
            "username": "str",
            "first_name": "str",
            "last_name": "str",
            "email": "str",
            "active": "bool",
        },
    ),
    _spec(
        "ProductCategory",
        "products",
        {"name": "str", "active": "bool"},
        {"establishment": "Establishment"},
    ),
    _spec(
        "Product",
        "resources",
        {
            "name": "str",
            "price": "money",
            "cost": "money",
            "sku": "str",
            "barcode": "str",
            "active": "bool",
            "description": "str",
            "display_online": "bool",
            "course_number": "int",
        },
        {"establishment": "Establishment", "category": "ProductCategory"},
    ),
    _spec(
        "Order",
        "resources",
        ORDER_KINDS,
        ORDER_FKS,
        methods=WRITE,
        required=("establishment", "created_by"),
        read_only=frozenset(
            {
                "closed",
                "has_items",
                "has_history",
                "orderhistory",
                "applied_discounts",
                "applied_service_fee",
                "is_discounted",
            }
        ),
    ),
    _spec(
        "OrderItem",
        "resources",
        {
            **STAMPS,
            "quantity": "number",
            "price": "money",
            "initial_price": "money",
            "price_to_display": "money",
            "tax_amount": "money",
            "modifier_amount": "money",
            "tax_rate": "number",
            "temp_sort": "int",
            "dining_option": "int",
            "special_request": "str",
            "voided_date": "str",
            "product_name_override": "str",
            "catering_complete": "bool",
            "catering_delivery_date": "str",
        },
        {
            "order": "Order",
            "product": "Product",
            "created_by": "User",
            "updated_by": "User",
            "station": "PosStation",
            "voided_by": "User",
        },
        methods=WRITE_DELETE,
        required=("order", "product", "quantity", "price"),
    ),
    _spec(
        "Payment",
        "resources",
        {
            **STAMPS,
            "amount": "money",
            "tip": "money",
            "change": "money",
            "payment_type": "int",
            "payment_date": "str",
            "transaction_id": "str",
            "refund_transaction_id": "str",
        },
        {
            "order": "Order",
            "establishment": "Establishment",
            "created_by": "User",
            "updated_by": "User",
            "station": "PosStation",
        },
        methods=WRITE,
        required=("order", "amount", "payment_type"),
    ),
    _spec(
        "OrderHistory",
        "resources",
        {"opened": "str", "closed": "str"},
        {
            "order": "Order",
            "order_opened_by": "User",
            "order_opened_at": "PosStation",
            "order_closed_by": "User",
            "order_closed_at": "PosStation",
        },
        methods=WRITE,
        required=("order",),
    ),
    _spec(
        "Discount",
        "resources",
        {
            "name": "str",
            "discount_amount": "money",
            "discount_type": "int",
            "application_type": "int",
            "qualification_type": "int",
            "auto_apply": "bool",
            "is_open": "bool",
            "active": "bool",
        },
        {"establishment": "Establishment"},
    ),
    _spec(
        "AppliedDiscountOrder",
        "resources",
        {"name": "str", "discount_amount": "money", "rule_amount": "money"},
        {"order": "Order", "discount": "Discount"},
        methods=WRITE_DELETE,
        required=("order", "discount"),
        money_as_string=True,
    ),
    _spec(
        "ServiceFee",
        "resources",
        {"name": "str", "amount": "money", "fee_type": "str", "active": "bool"},
        {"establishment": "Establishment"},
    ),
    _spec(
        "AppliedServiceFee",
        "resources",
        {"name": "str", "amount": "money", "tax_amount": "money"},
        {"order": "Order", "service_fee": "ServiceFee"},
        methods=WRITE_DELETE,
        required=("order", "service_fee"),
        money_as_string=True,
    ),
    _spec(
        "Customer",
        "resources",
        {
            **STAMPS,
            "first_name": "str",
            "last_name": "str",
            "email": "str",
            "phone_number": "str",
            "notes": "str",
            "active": "bool",
        },
        methods=WRITE,
    ),
    _spec("CustomOrderOption", "resources", {"name": "str", "active": "bool"}),
    _spec("DiningOption", "resources", {"name": "str", "active": "bool"}),
    _spec("CustomPaymentType", "resources", {"name": "str", "active": "bool"}),
    _spec(
        "PosStation",
        "resources",
        {"name": "str", "active": "bool"},
        {"establishment": "Establishment"},
    ),
)

SPEC_BY_NAME: dict[str, ResourceSpec] = {s.name: s for s in SPECS}
# Children embedded into an order when it is read.
ORDER_CHILDREN = (
    "OrderItem",
    "Payment",
    "OrderHistory",
    "AppliedDiscountOrder",
    "AppliedServiceFee",
)
BUILTIN_DINING_OPTIONS = range(0, 8)  # TO_GO .. SHIPPING (RPHP enum)
BUILTIN_PAYMENT_TYPES = range(0, 13)
