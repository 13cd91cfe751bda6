"""Tastypie list semantics: Django-style filters, `order_by`, `fields`, and limit/offset pages with
`meta.next`/`meta.previous` as relative URLs that keep the request's other parameters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

from tripleseat_revel.integrations.revel.schemas import id_from_uri
from tripleseat_revel.sandbox.revel.errors import bad_request
from tripleseat_revel.sandbox.revel.resources import Kind, ResourceSpec

RESERVED = frozenset({"limit", "offset", "order_by", "fields", "format", "api_key", "api_secret"})
LOOKUPS = frozenset(
    {
        "exact",
        "iexact",
        "contains",
        "icontains",
        "in",
        "gt",
        "gte",
        "lt",
        "lte",
        "startswith",
        "istartswith",
        "endswith",
        "iendswith",
        "range",
        "isnull",
    }
)
# What a filter this Revel does not know does: skipped (Tastypie, for non-fields), refused (400),
# or misread so that it matches nothing (a possibility nobody has ruled out for `local_id__in`).
UnknownFilter = Literal["ignore", "error", "nothing"]
Record = dict[str, Any]
Params = list[tuple[str, str]]


@dataclass(frozen=True)
class Paging:
    default_limit: int
    max_limit: int


def select(
    spec: ResourceSpec,
    records: list[Record],
    params: Params,
    unknown: UnknownFilter,
    unfilterable: frozenset[str] = frozenset(),
) -> list[Record]:
    """The records matching every filter parameter, in `order_by` order (default: by id).
    `unfilterable` names filters (`Order.local_id__in`) that this Revel does not allow: they are
    treated as unknown (skipped or refused, as `unknown` says)."""
    tests = [
        _filter(spec, key, value, unknown, f"{spec.name}.{key}" in unfilterable)
        for key, value in params
        if key not in RESERVED
    ]
    found = [r for r in records if all(test(r) for test in tests if test is not None)]
    found.sort(key=lambda r: r["id"])
    for key in reversed([v for k, v in params if k == "order_by"]):
        found = _order(spec, found, key)
    return found


def _filter(
    spec: ResourceSpec, key: str, raw: str, unknown: UnknownFilter, refused: bool = False
) -> Callable[[Record], bool] | None:
    name, _, op = key.partition("__")
    op = op or "exact"
    if refused or name not in spec.kinds or op not in LOOKUPS:
        if unknown == "error":
            raise bad_request(f"The '{key}' field does not allow filtering.")
        if unknown == "nothing":
            return lambda record: False
        return None  # Tastypie skips parameters that are not fields
    kind = spec.kinds[name]
    return lambda record: _match(kind, record.get(name), op, raw)


def _match(kind: Kind, value: Any, op: str, raw: str) -> bool:
    if op == "isnull":
        return (value is None) == (raw.lower() in {"true", "1"})
    if op == "in":
        return any(_match(kind, value, "exact", part) for part in raw.split(","))
    if op == "range":
        low, _, high = raw.partition(",")
        return _match(kind, value, "gte", low) and _match(kind, value, "lte", high)
    if value is None:
        return False
    if op in {"exact", "gt", "gte", "lt", "lte"}:
        return _compare(kind, value, op, raw)
    return _text(str(value), op, raw)


def _coerce(kind: Kind, raw: str) -> Any:
    if kind == "fk":
        return id_from_uri(raw)
    if kind == "bool":
        return raw.lower() in {"true", "1", "yes"}
    if kind in {"int", "money", "number"}:
        try:
            return float(raw)
        except ValueError as exc:
            raise bad_request(f"Invalid value '{raw}' for a numeric field.") from exc
    return raw


def _compare(kind: Kind, value: Any, op: str, raw: str) -> bool:
    target = _coerce(kind, raw)
    current: Any = id_from_uri(value) if kind == "fk" else value
    if kind in {"int", "money", "number"}:
        current = float(value)
    if op == "exact":
        return bool(current == target)
    if current is None or target is None:
        return False
    outcomes = {
        "gt": current > target,
        "gte": current >= target,
        "lt": current < target,
        "lte": current <= target,
    }
    return bool(outcomes[op])


def _text(value: str, op: str, raw: str) -> bool:
    if op.startswith("i"):
        value, raw, op = value.casefold(), raw.casefold(), op[1:]
    if op == "exact":
        return value == raw
    if op == "contains":
        return raw in value
    if op == "startswith":
        return value.startswith(raw)
    return value.endswith(raw)


def _order(spec: ResourceSpec, records: list[Record], key: str) -> list[Record]:
    name = key.lstrip("-")
    if name not in spec.kinds:
        raise bad_request(f"No matching '{name}' field for ordering on.")
    kind = spec.kinds[name]

    def sort_key(r: Record) -> tuple[bool, Any]:
        value = r.get(name)
        value = id_from_uri(value) if kind == "fk" else value
        return (value is not None, value if value is not None else 0)

    return sorted(records, key=sort_key, reverse=key.startswith("-"))


def page(
    spec: ResourceSpec, found: list[Record], params: Params, paging: Paging, path: str
) -> dict[str, Any]:
    """`{"meta": {...}, "objects": [...]}` for the requested slice."""
    limit = _limit(params, paging)
    offset = _non_negative(params, "offset", 0)
    chosen = found[offset : offset + limit] if limit else found[offset:]
    fields = [f for v in (v for k, v in params if k == "fields") for f in v.split(",") if f]
    objects = [{k: r[k] for k in fields if k in r} for r in chosen] if fields else chosen
    has_next = bool(limit) and offset + limit < len(found)
    return {
        "meta": {
            "limit": limit,
            "offset": offset,
            "total_count": len(found),
            "next": _link(path, params, limit, offset + limit) if has_next else None,
            "previous": _link(path, params, limit, max(0, offset - limit)) if offset > 0 and limit else None,
        },
        "objects": objects,
    }


def _limit(params: Params, paging: Paging) -> int:
    limit = _non_negative(params, "limit", paging.default_limit)
    # Tastypie: 0 means "no limit", capped by max_limit like any limit above it.
    if paging.max_limit and (limit == 0 or limit > paging.max_limit):
        return paging.max_limit
    return limit


def _non_negative(params: Params, name: str, default: int) -> int:
    raw = next((v for k, v in params if k == name), None)
    if raw is None or raw == "":
        return default
    if not raw.isdigit():
        raise bad_request(f"Invalid {name} '{raw}' provided. Please provide a positive integer.")
    return int(raw)


def _link(path: str, params: Params, limit: int, offset: int) -> str:
    kept = [(k, v) for k, v in params if k not in {"limit", "offset"}]
    return f"{path}?{urlencode([*kept, ('limit', str(limit)), ('offset', str(offset))])}"
