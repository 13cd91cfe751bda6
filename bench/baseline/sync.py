"""The replaced system's sync: one event at a time, every call in sequence, with `requests`.

Written from its change summary (the endpoint, `sync_event`, `sync_recent_events`, `inject_order`,
`check_time_gate`) and TSRC's order-building steps (reference/revel-api.md §3.2). Only the
benchmarks import it.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import requests

logger = logging.getLogger("baseline.sync")
TIMEOUT = 30


def _env(name: str, default: str | None = None) -> str:
    value = os.getenv(name, default)
    if value is None:
        raise RuntimeError(f"{name} is not set")
    return value


# ---- TripleSeat ------------------------------------------------------------------------------

_token_lock = threading.Lock()
_token: dict[str, str] = {}


def _access_token() -> str:
    with _token_lock:
        if "access_token" not in _token:
            response = requests.post(
                _env("TRIPLESEAT_API_BASE") + "/oauth2/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": _env("TRIPLESEAT_CLIENT_ID"),
                    "client_secret": _env("TRIPLESEAT_CLIENT_SECRET"),
                },
                timeout=TIMEOUT,
            )
            response.raise_for_status()
            _token["access_token"] = response.json()["access_token"]
        return _token["access_token"]


def ts_get(path: str, params: dict[str, Any] | None = None) -> Any:
    response = requests.get(
        _env("TRIPLESEAT_API_BASE") + path,
        params=params,
        headers={"Authorization": f"Bearer {_access_token()}", "Accept": "application/json"},
        timeout=TIMEOUT,
    )
    response.raise_for_status()
    return response.json()


# ---- Revel -----------------------------------------------------------------------------------


def revel(method: str, path: str, **kwargs: Any) -> Any:
    auth = f"{_env('REVEL_API_KEY')}:{_env('REVEL_API_SECRET')}"
    response = requests.request(
        method,
        _env("REVEL_BASE_URL") + path,
        headers={"API-AUTHENTICATION": auth, "Accept": "application/json"},
        timeout=TIMEOUT,
        **kwargs,
    )
    response.raise_for_status()
    return response.json() if response.content else None


# ---- the gate and the money ------------------------------------------------------------------


def _us_date(text: str) -> date:
    return datetime.strptime(text, "%m/%d/%Y").date()


def check_time_gate(event_id: str, correlation_id: str, event_data: dict[str, Any]) -> str:
    """PROCEED on the event's local date; TOO_EARLY before it; EVENT_DAY_PASSED after it."""
    event = event_data.get("event") or {}
    if not event.get("event_date"):
        logger.info("[%s] event %s has no date", correlation_id, event_id)
        return "MISSING_DATA"
    today = datetime.now(ZoneInfo(_env("TIMEZONE", "America/Los_Angeles"))).date()
    day = _us_date(event["event_date"])
    if day > today:
        return "TOO_EARLY"
    if day < today:
        return "EVENT_DAY_PASSED"
    return "PROCEED"


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _fmt(value: Decimal) -> str:
    return f"{value:.2f}"


@dataclass
class OrderDetails:
    revel_order_id: int | None = None
    event_name: str | None = None
    event_date: str | None = None


@dataclass
class InjectionResult:
    success: bool
    status: str = "injected"
    reason: str | None = None
    error: str | None = None
    order_details: OrderDetails = field(default_factory=OrderDetails)


def _lines(event: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        line
        for doc in event.get("documents") or []
        if not doc.get("deleted_at")
        for line in doc.get("line_items") or []
    ]


def _totals(event: dict[str, Any]) -> dict[str, Decimal]:
    subtotal = discount = tax = service = grand = due = Decimal("0.00")
    for doc in event.get("documents") or []:
        if doc.get("deleted_at"):
            continue
        subtotal += sum((_money(li.get("total_price")) for li in doc.get("line_items") or []), Decimal(0))
        financials = doc.get("financials") or {}
        discount += _money(financials.get("discounts_total"))
        grand += _money(financials.get("grand_total"))
        due += _money(financials.get("amount_due"))
        for billing in doc.get("billing_totals") or []:
            name = str(billing.get("description") or "").lower()
            if "tax" in name:
                tax += _money(billing.get("total_price"))
            elif "discount" not in name:
                service += _money(billing.get("total_price"))
    return {
        "subtotal": subtotal,
        "discount": discount,
        "tax": tax,
        "service": service,
        "final_total": grand,
        "remaining_due": due,
        "paid": grand - due,
    }


def _product_id(establishment: str, name: str) -> int | None:
    """Resolve a line's Revel product by name: the whole product list, once per line item."""
    products = revel("GET", "/resources/Product/", params={"establishment": establishment, "limit": 1000})
    wanted = name.strip().lower()
    for product in products.get("objects", []):
        if str(product.get("name") or "").strip().lower() == wanted:
            return int(product["id"])
    return None


# ---- injection -------------------------------------------------------------------------------


def inject_order(
    event_id: str,
    correlation_id: str,
    dry_run: bool = False,
    enable_connector: bool = True,
    test_location_override: bool = False,
    event: dict[str, Any] | None = None,
) -> InjectionResult:
    """Fetch the event and build its Revel order call by call (TSRC's Path B)."""
    establishment = _env("REVEL_ESTABLISHMENT_ID", "4")
    user = f"/enterprise/User/{_env('REVEL_USER_ID', '1')}/"
    station = f"/resources/PosStation/{_env('REVEL_POS_STATION_ID', '4')}/"
    try:
        if event is None:
            event = ts_get(f"/v1/events/{event_id}.json", {"show_financial": "true"})["event"]
        assert event is not None
        details = OrderDetails(event_name=event.get("name"), event_date=event.get("event_date"))
        if str(event.get("status", "")).upper() != "CLOSED":
            return InjectionResult(False, "skipped", reason="STATUS_NOT_CLOSED", order_details=details)
        if not enable_connector or dry_run:
            return InjectionResult(False, "skipped", reason="DISABLED_OR_DRY_RUN", order_details=details)
        items: list[tuple[int, dict[str, Any]]] = []
        for line in _lines(event):
            product = _product_id(establishment, str(line.get("display_name") or ""))
            if product is None:
                return InjectionResult(
                    False,
                    "failed",
                    error=f"UNMAPPED_ITEM {line.get('display_name')}",
                    order_details=details,
                )
            items.append((product, line))
        local_id = f"Triple Seat {event_id}"
        found = revel(
            "GET", "/resources/Order/", params={"establishment": establishment, "local_id": local_id}
        )
        if found.get("objects"):
            details.revel_order_id = int(found["objects"][0]["id"])
            return InjectionResult(False, "skipped", reason="ALREADY_INJECTED", order_details=details)
        tz = ZoneInfo(_env("TIMEZONE", "America/Los_Angeles"))
        stamp = datetime.now(tz).strftime("%Y-%m-%dT%H:%M:%S")
        contact = event.get("contact") or {}
        call_name = " ".join(filter(None, [contact.get("first_name"), contact.get("last_name")])) or None
        order = revel(
            "POST",
            "/resources/Order/",
            json={
                "uuid": str(uuid.uuid4()),
                "establishment": f"/enterprise/Establishment/{establishment}/",
                "pos_mode": "Q",
                "notes": f"Triple Seat Event #{event_id}",
                "local_id": local_id,
                "web_order": True,
                "created_date": stamp,
                "updated_date": stamp,
                "created_by": user,
                "updated_by": user,
                "station": station,
                "created_at": station,
                "last_updated_at": station,
                "dining_option": int(_env("REVEL_DINING_OPTION_ID", "113")),
                "final_total": 0,
                "tax": 0,
                "subtotal": 0,
                "remaining_due": 0,
                "surcharge": 0,
                "reporting_id": 0,
                "call_name": call_name,
            },
        )
        order_uri = order["resource_uri"]
        details.revel_order_id = int(order["id"])
        for product, line in items:
            price = _fmt(_money(line.get("price")))
            revel(
                "POST",
                "/resources/OrderItem/",
                json={
                    "order": order_uri,
                    "product": f"/resources/Product/{product}/",
                    "quantity": int(Decimal(str(line.get("quantity") or 0))),
                    "price": price,
                    "initial_price": price,
                    "price_to_display": price,
                    "created_by": user,
                    "updated_by": user,
                    "created_date": stamp,
                    "updated_date": stamp,
                    "station": station,
                    "dining_option": int(_env("REVEL_DINING_OPTION_ID", "113")),
                },
            )
        totals = _totals(event)
        if totals["discount"] > 0:
            revel(
                "PATCH",
                f"/resources/Order/{details.revel_order_id}/",
                json={
                    "discount": f"/resources/Discount/{_env('REVEL_DISCOUNT_ID', '3358')}/",
                    "discount_amount": _fmt(totals["discount"]),
                    "discount_rule_amount": _fmt(totals["discount"]),
                    "discount_reason": "Triple Seat discount",
                    "discounted_by": user,
                },
            )
        if totals["paid"] > 0:
            revel(
                "POST",
                "/resources/Payment/",
                json={
                    "order": order_uri,
                    "establishment": f"/enterprise/Establishment/{establishment}/",
                    "payment_type": int(_env("REVEL_PAYMENT_TYPE_ID", "236")),
                    "amount": _fmt(totals["paid"]),
                    "tip": "0.00",
                    "payment_date": stamp,
                    "created_by": user,
                    "updated_by": user,
                    "created_date": stamp,
                    "updated_date": stamp,
                    "station": station,
                },
            )
        revel(
            "POST",
            "/resources/OrderHistory/",
            json={
                "order": order_uri,
                "order_opened_by": user,
                "order_opened_at": station,
                "opened": stamp,
                "closed": stamp if totals["remaining_due"] == 0 else None,
            },
        )
        revel(
            "PATCH",
            f"/resources/Order/{details.revel_order_id}/",
            json={
                "subtotal": _fmt(totals["subtotal"]),
                "tax": _fmt(totals["tax"]),
                "service_charge": _fmt(totals["service"]),
                "final_total": _fmt(totals["final_total"]),
                "remaining_due": _fmt(totals["remaining_due"]),
                "opened": True,
                "printed": True,
            },
        )
        return InjectionResult(True, order_details=details)
    except Exception as exc:  # the original caught everything and reported the event as failed
        logger.error("[%s] injection of %s failed: %s", correlation_id, event_id, exc)
        return InjectionResult(False, "failed", error=f"{type(exc).__name__}: {exc}")


class TripleSeatSync:
    """`sync_event` (one event) and `sync_recent_events` (the scheduled/bulk sync)."""

    def __init__(self, site_id: int, establishment: str, location_id: str) -> None:
        self.site_id = site_id
        self.establishment = establishment
        self.location_id = location_id

    def sync_event(self, event_id: str, correlation_id: str) -> dict[str, Any]:
        try:
            event = ts_get(f"/v1/events/{event_id}.json", {"show_financial": "true"})["event"]
        except Exception as exc:
            return {"success": False, "status": "failed", "error": f"{type(exc).__name__}: {exc}"}
        base = {"event_name": event.get("name"), "event_date": event.get("event_date")}
        gate = check_time_gate(event_id, correlation_id, event_data={"event": event})
        if gate != "PROCEED":
            return {**base, "success": False, "status": "skipped", "reason": gate}
        result = inject_order(event_id=str(event_id), correlation_id=correlation_id, event=event)
        return {
            **base,
            "success": result.success,
            "status": result.status,
            "reason": result.reason,
            "error": result.error,
            "revel_order_id": result.order_details.revel_order_id if result.order_details else None,
        }

    def _search(self, hours_back: int) -> list[dict[str, Any]]:
        today = datetime.now(ZoneInfo(_env("TIMEZONE", "America/Los_Angeles"))).date()
        start = today - timedelta(hours=hours_back) - timedelta(days=1)
        params: dict[str, Any] = {
            "event_updated_start_date": start.strftime("%m/%d/%Y"),
            "event_updated_end_date": (today + timedelta(days=1)).strftime("%m/%d/%Y"),
            "order": "updated_at",
            "sort_direction": "asc",
        }
        events: list[dict[str, Any]] = []
        page, total = 1, 1
        while page <= total:
            data = ts_get("/v1/events/search.json", {**params, "page": page})
            total = int(data.get("total_pages") or 0)
            events.extend(data.get("results") or [])
            page += 1
        return events

    def sync_recent_events(self, hours_back: int, correlation_id: str) -> dict[str, Any]:
        counts = {"queried": 0, "injected": 0, "skipped": 0, "failed": 0}
        results: list[dict[str, Any]] = []
        for event in self._search(hours_back):
            if int(event.get("site_id") or 0) != self.site_id:
                continue
            counts["queried"] += 1
            event_id = str(event["id"])
            row = {"id": event_id, "name": event.get("name"), "date": event.get("event_date")}
            gate = check_time_gate(event_id, correlation_id, event_data={"event": event})
            if gate != "PROCEED":
                counts["skipped"] += 1
                results.append({**row, "status": "skipped", "reason": gate})
                continue
            result = inject_order(event_id=event_id, correlation_id=correlation_id)
            status = "injected" if result.success else result.status
            counts[status if status in counts else "failed"] += 1
            results.append(
                {
                    **row,
                    "status": status,
                    "reason": result.reason,
                    "error": result.error,
                    "revel_order_id": result.order_details.revel_order_id if result.order_details else None,
                }
            )
        return {**counts, "events": results}
