"""Readable differences between the order that was injected and what the event says now (pure)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tripleseat_revel.kit.money import TOTALS_FIELDS


def _item_key(item: dict[str, Any]) -> tuple[Any, ...]:
    return (item["product_id"], item["name"], item["quantity"], item["unit_price"])


def _describe(item: dict[str, Any]) -> str:
    return f"{item['quantity']} x {item['name']} @ {item['unit_price']}"


def diff_plans(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Human-readable changes from `before` to `after` (plan snapshots from OrderPlan.to_json)."""
    changes: list[str] = []
    if before.get("establishment") != after.get("establishment"):
        changes.append(
            f"location: establishment {before.get('establishment')} -> {after.get('establishment')}"
        )
    if before.get("event_date") != after.get("event_date") or before.get("pickup_time") != after.get(
        "pickup_time"
    ):
        changes.append(
            f"date/time: {before.get('pickup_time') or before.get('event_date')} -> "
            f"{after.get('pickup_time') or after.get('event_date')}"
        )
    if before.get("number_of_people") != after.get("number_of_people"):
        changes.append(f"guests: {before.get('number_of_people')} -> {after.get('number_of_people')}")
    old = Counter(_item_key(i) for i in before.get("items", []))
    new = Counter(_item_key(i) for i in after.get("items", []))
    by_key = {_item_key(i): i for i in [*before.get("items", []), *after.get("items", [])]}
    for key in sorted((old - new).keys(), key=str):
        changes.append(
            f"removed: {_describe(by_key[key])}" + (f" (x{(old - new)[key]})" if (old - new)[key] > 1 else "")
        )
    for key in sorted((new - old).keys(), key=str):
        changes.append(
            f"added: {_describe(by_key[key])}" + (f" (x{(new - old)[key]})" if (new - old)[key] > 1 else "")
        )
    b_tot, a_tot = before.get("totals", {}), after.get("totals", {})
    for name in TOTALS_FIELDS:
        if str(b_tot.get(name)) != str(a_tot.get(name)):
            changes.append(f"{name.replace('_', ' ')}: {b_tot.get(name)} -> {a_tot.get(name)}")
    return changes
