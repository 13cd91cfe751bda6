"""What the simulated Revel refuses on a write: the checks that protect the connector from
writing an order Revel would reject (wrong types, dangling or foreign URIs, inactive users)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tripleseat_revel.integrations.revel.schemas import id_from_uri
from tripleseat_revel.sandbox.revel.errors import RevelError, bad_request
from tripleseat_revel.sandbox.revel.resources import (
    ALWAYS_READ_ONLY,
    BUILTIN_DINING_OPTIONS,
    BUILTIN_PAYMENT_TYPES,
    SPEC_BY_NAME,
    ResourceSpec,
)

Record = dict[str, Any]
Lookup = Callable[[str, int], Record | None]


def clean(spec: ResourceSpec, body: dict[str, Any]) -> Record:
    """Known, writable fields of `body`, coerced to their kinds (unknown keys are ignored)."""
    out: Record = {}
    for key, value in body.items():
        kind = spec.kinds.get(key)
        if kind is None or key in ALWAYS_READ_ONLY or key in spec.read_only:
            continue
        out[key] = _coerce(spec, key, kind, value)
    return out


def _coerce(spec: ResourceSpec, key: str, kind: str, value: Any) -> Any:
    if value is None or kind in {"str", "list"}:
        return value
    if kind == "fk":
        return _uri(spec, key, value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        raise _field_error(spec, key, f"'{value}' is not a valid boolean")
    if kind == "int":
        if isinstance(value, bool) or not _is_integer(value):
            raise _field_error(spec, key, f"'{value}' value must be an integer.")
        return int(value)
    try:
        return float(str(value))
    except ValueError as exc:
        raise _field_error(spec, key, f"'{value}' value must be a decimal number.") from exc


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) or (isinstance(value, str) and value.strip().lstrip("-").isdigit())


def _uri(spec: ResourceSpec, key: str, value: Any) -> str:
    target = SPEC_BY_NAME[spec.fks[key]]
    ident = id_from_uri(value) if isinstance(value, str) else None
    if not isinstance(value, str) or ident is None or not value.startswith(target.path):
        raise bad_request(
            f"The '{key}' field was given data that was not a URI, not a dictionary-alike and does "
            f"not have a 'pk' attribute: {value!r} (expected {target.path}<id>/)."
        )
    return target.uri(ident)


def _field_error(spec: ResourceSpec, key: str, message: str) -> RevelError:
    return RevelError(400, f"{spec.name}.{key}: {message}", {spec.name.lower(): {key: [message]}})


def check_required(spec: ResourceSpec, record: Record) -> None:
    for key in spec.required:
        if record.get(key) is None:
            raise _field_error(spec, key, "This field is required.")


def check_references(spec: ResourceSpec, record: Record, lookup: Lookup) -> None:
    """Every URI must name an existing record; users must be active; one establishment only."""
    owner = owner_establishment(spec, record, lookup)
    for key, target_name in spec.fks.items():
        uri = record.get(key)
        if uri is None:
            continue
        target = lookup(target_name, id_from_uri(uri) or 0)
        if target is None:
            raise bad_request(f"Could not find the provided object via resource URI '{uri}'.")
        if target_name == "User" and not target.get("active", True):
            raise bad_request(f"User {uri} is not active; {key} must be an active user.")
        theirs = id_from_uri(target.get("establishment"))
        if key != "establishment" and owner is not None and theirs is not None and theirs != owner:
            raise bad_request(
                f"{target_name} {uri} belongs to establishment {theirs}, not to establishment {owner}."
            )
    _check_options(spec, record, lookup)


def owner_establishment(spec: ResourceSpec, record: Record, lookup: Lookup) -> int | None:
    """The establishment a record belongs to: its own, else its order's."""
    if record.get("establishment") is not None:
        own = id_from_uri(record["establishment"])
        order_est = _order_establishment(record, lookup)
        if order_est is not None and own != order_est:
            raise bad_request(
                f"establishment {record['establishment']} does not match the order's establishment."
            )
        return own
    return _order_establishment(record, lookup)


def _order_establishment(record: Record, lookup: Lookup) -> int | None:
    if record.get("order") is None:
        return None
    order = lookup("Order", id_from_uri(record["order"]) or 0)
    return id_from_uri(order.get("establishment")) if order else None


def _check_options(spec: ResourceSpec, record: Record, lookup: Lookup) -> None:
    dining: int | None = record.get("dining_option") if "dining_option" in spec.kinds else None
    if dining is not None and dining not in BUILTIN_DINING_OPTIONS:
        _require(lookup, ("CustomOrderOption", "DiningOption"), dining, "dining_option")
    paid_with: int | None = record.get("payment_type") if "payment_type" in spec.kinds else None
    if paid_with is not None and paid_with not in BUILTIN_PAYMENT_TYPES:
        _require(lookup, ("CustomPaymentType",), paid_with, "payment_type")


def _require(lookup: Lookup, resources: tuple[str, ...], ident: int, what: str) -> None:
    if not any(lookup(name, ident) for name in resources):
        raise bad_request(f"Unknown {what} {ident}.")
