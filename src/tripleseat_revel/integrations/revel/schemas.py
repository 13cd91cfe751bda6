"""Pydantic models of the Revel resources the connector reads (Tastypie style).

Foreign keys are resource URIs ("/resources/Product/579/"), except `dining_option`, a plain integer
(reference/revel-api.md §2.1). Money comes back as floats or strings; it is read into Decimal.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from tripleseat_revel.kit.money import to_decimal, to_money

Money = Annotated[Decimal, BeforeValidator(to_money)]
Number = Annotated[Decimal, BeforeValidator(to_decimal)]


def uri(resource: str, ident: int) -> str:
    """'/resources/Order/12/' style URI; resource is e.g. 'resources/Order' or 'enterprise/User'."""
    return f"/{resource.strip('/')}/{ident}/"


def id_from_uri(value: Any) -> int | None:
    """12 from '/resources/Order/12/' (or from 12 itself)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    tail = str(value).rstrip("/").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None


class RevelModel(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class ListMeta(RevelModel):
    limit: int | None = None
    offset: int | None = None
    total_count: int | None = None
    next: str | None = None
    previous: str | None = None


class Establishment(RevelModel):
    id: int
    name: str | None = None
    active: bool | None = True


class NamedRecord(RevelModel):
    """A record an order refers to by id (custom dining option, custom payment type, discount,
    POS station). `establishment` is the URI of the one establishment it belongs to, or None when
    it is shared by all (or Revel does not say)."""

    id: int
    name: str | None = None
    active: bool | None = True
    establishment: str | None = None
    is_open: bool | None = None  # discounts: an amount entered when applied (what the connector writes)

    @property
    def establishment_id(self) -> int | None:
        return id_from_uri(self.establishment)


class User(RevelModel):
    id: int
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    active: bool | None = True

    @property
    def name(self) -> str:
        full = " ".join(part for part in (self.first_name, self.last_name) if part)
        return f"{full} ({self.username})" if full and self.username else full or self.username or ""


class Reference(RevelModel):
    """A record orders refer to by id (custom dining option, payment type, discount, user, station)."""

    id: int
    name: str | None = None
    username: str | None = None
    active: bool | None = True
    establishment: str | None = None


class Product(RevelModel):
    id: int
    name: str = ""
    price: Money = Decimal("0.00")
    active: bool | None = True
    establishment: str | None = None
    sku: str | None = None


class AppliedDiscount(RevelModel):
    id: int | None = None
    discount: str | None = None
    discount_amount: Money = Decimal("0.00")


class Order(RevelModel):
    id: int
    uuid: str | None = None
    resource_uri: str | None = None
    establishment: str | None = None
    local_id: str | None = None
    notes: str | None = None
    call_name: str | None = None
    dining_option: int | None = None
    subtotal: Money = Decimal("0.00")
    tax: Money = Decimal("0.00")
    final_total: Money = Decimal("0.00")
    remaining_due: Money = Decimal("0.00")
    discount: str | None = None  # the discount record's URI
    discount_amount: Money | None = None
    applied_discounts: list[AppliedDiscount] | None = None  # absent from some answers
    service_charge: Money | None = None
    gratuity: Money | None = None
    closed: bool = False
    deleted: bool = False
    printed: bool | None = None
    created_date: str | None = None
    number_of_people: int | None = None
    pickup_time: str | None = None


class OrderItem(RevelModel):
    id: int
    uuid: str | None = None
    order: str | None = None
    product: str | None = None
    quantity: Number = Decimal(0)
    price: Money = Decimal("0.00")
    special_request: str | None = None
    voided_date: str | None = None
    temp_sort: int | None = None

    @property
    def product_id(self) -> int | None:
        return id_from_uri(self.product)


class Payment(RevelModel):
    id: int
    uuid: str | None = None
    order: str | None = None
    amount: Money = Decimal("0.00")
    payment_type: int | None = None
    tip: Money | None = None


class OrderHistory(RevelModel):
    id: int
    order: str | None = None
    opened: str | None = None
    closed: str | None = None


class Page(RevelModel):
    meta: ListMeta = Field(default_factory=ListMeta)
    objects: list[dict[str, Any]] = Field(default_factory=list)
