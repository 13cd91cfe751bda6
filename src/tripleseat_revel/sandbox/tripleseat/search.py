"""`GET /v1/events/search.json`: the documented filters, day-granular `mm/dd/yyyy` date pairs,
ordering and 50-per-page paging (reference/tripleseat-api.md §2)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from tripleseat_revel.kit.timezones import zone
from tripleseat_revel.sandbox.tripleseat.models import EventRec, Site

ORDERS = ("created_at", "updated_at", "name", "event_start")
DATE_PAIRS = (
    ("event_start_date", "event_end_date"),
    ("event_created_start_date", "event_created_end_date"),
    ("event_updated_start_date", "event_updated_end_date"),
)
StatusCase = Literal["lowercase_only", "any"]


class SearchError(Exception):
    """A 422 in Rails' shape: `{"errors": {field: [message]}}`."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(str(errors))
        self.errors = errors


@dataclass
class SearchQuery:
    text: str | None = None
    statuses: list[str] | None = None
    location_ids: set[int] | None = None
    room_ids: set[int] | None = None
    contact_id: int | None = None
    account_id: int | None = None
    ranges: dict[str, tuple[date, date]] = field(default_factory=dict)
    order: str | None = None
    descending: bool = False
    page: int = 1


Params = Callable[[str], list[str]]  # name -> every value given (repeated or `name[]`)


def parse_query(get_all: Params, status_case: StatusCase = "lowercase_only") -> SearchQuery:
    """Parse the query string; raise SearchError for what TripleSeat rejects with 422."""
    errors: dict[str, list[str]] = {}
    query = SearchQuery(
        text=_first(get_all, "query"),
        statuses=_statuses(get_all, status_case),
        location_ids=_ints(get_all, "location_ids", errors),
        room_ids=_ints(get_all, "room_ids", errors),
        contact_id=_int(get_all, "contact_id", errors),
        account_id=_int(get_all, "account_id", errors),
        ranges=_ranges(get_all, errors),
        order=_order(get_all, errors),
        descending=(_first(get_all, "sort_direction") or "asc").lower() == "desc",
        page=_page(get_all),
    )
    if errors:
        raise SearchError(errors)
    return query


def _values(get_all: Params, name: str) -> list[str]:
    raw = get_all(name) + get_all(f"{name}[]")
    return [part.strip() for value in raw for part in value.split(",") if part.strip()]


def _first(get_all: Params, name: str) -> str | None:
    values = get_all(name)
    return values[0].strip() if values and values[0].strip() else None


def _statuses(get_all: Params, case: StatusCase) -> list[str] | None:
    values = _values(get_all, "status")
    if not values:
        return None
    # The documented values are lowercase; by default an uppercase one matches nothing.
    return [v.upper() if (case == "any" or v == v.lower()) else f"?{v}" for v in values]


def _ints(get_all: Params, name: str, errors: dict[str, list[str]]) -> set[int] | None:
    values = _values(get_all, name)
    if not values:
        return None
    if not all(v.isdigit() for v in values):
        errors[name] = ["is invalid"]
        return None
    return {int(v) for v in values}


def _int(get_all: Params, name: str, errors: dict[str, list[str]]) -> int | None:
    found = _ints(get_all, name, errors)
    return min(found) if found else None


def _parse_us_date(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%m/%d/%Y").date()
    except ValueError:
        return None


def _ranges(get_all: Params, errors: dict[str, list[str]]) -> dict[str, tuple[date, date]]:
    ranges: dict[str, tuple[date, date]] = {}
    for start_name, end_name in DATE_PAIRS:
        start_text, end_text = _first(get_all, start_name), _first(get_all, end_name)
        if start_text is None and end_text is None:
            continue
        if start_text is None or end_text is None:
            missing, present = (start_name, end_name) if start_text is None else (end_name, start_name)
            errors.setdefault(present, []).append(f"requires {missing}")
            continue
        start, end = _parse_us_date(start_text), _parse_us_date(end_text)
        for name, value in ((start_name, start), (end_name, end)):
            if value is None:
                errors.setdefault(name, []).append("is invalid, expected mm/dd/yyyy")
        if start is not None and end is not None:
            ranges[start_name] = (start, end)
    return ranges


def _order(get_all: Params, errors: dict[str, list[str]]) -> str | None:
    order = _first(get_all, "order")
    if order is not None and order not in ORDERS:
        errors["order"] = [f"is not included in the list ({', '.join(ORDERS)})"]
    return order


def _page(get_all: Params) -> int:
    text = _first(get_all, "page") or "1"
    return max(1, int(text)) if text.isdigit() else 1


# --------------------------------------------------------------------------- matching


def matches(ev: EventRec, site: Site, q: SearchQuery) -> bool:
    checks = (
        q.statuses is None or ev.status in q.statuses,
        q.location_ids is None or ev.location_id in q.location_ids,
        q.room_ids is None or ev.room_id in q.room_ids,
        q.contact_id is None or (ev.contact is not None and ev.contact.id == q.contact_id),
        q.account_id is None or ev.account_id == q.account_id,
        q.text is None or _text_match(ev, q.text),
    )
    return all(checks) and _in_ranges(ev, site, q.ranges)


def _text_match(ev: EventRec, text: str) -> bool:
    hay = [ev.name, ev.account_name]
    if ev.contact:
        hay += [
            ev.contact.first_name,
            ev.contact.last_name,
            ev.contact.email or "",
            ev.contact.phone or "",
        ]
    needle = text.casefold()
    return any(needle in h.casefold() for h in hay)


def _in_ranges(ev: EventRec, site: Site, ranges: dict[str, tuple[date, date]]) -> bool:
    tz = zone(site.timezone)
    days = {
        "event_start_date": ev.event_date,
        "event_created_start_date": ev.created_at.astimezone(tz).date(),
        "event_updated_start_date": ev.updated_at.astimezone(tz).date(),
    }
    return all(start <= days[name] <= end for name, (start, end) in ranges.items())


def sort_key(order: str | None, site_of: Callable[[EventRec], Site]) -> Callable[[EventRec], Any]:
    if order == "name":
        return lambda ev: ev.name.casefold()
    if order == "created_at":
        return lambda ev: ev.created_at
    if order == "updated_at":
        return lambda ev: ev.updated_at
    if order == "event_start":
        return lambda ev: ev.start_local.replace(tzinfo=zone(site_of(ev).timezone)).astimezone(UTC)
    return lambda ev: 0  # no order given: by id (the tie-break)


def run(
    events: Sequence[EventRec], q: SearchQuery, site_of: Callable[[EventRec], Site], per_page: int
) -> tuple[int, list[EventRec]]:
    """(total_pages, the requested page's events)."""
    found = sorted((ev for ev in events if matches(ev, site_of(ev), q)), key=lambda ev: ev.id)
    # Python's sort is stable even with reverse=True, so ties stay in ascending id order.
    found.sort(key=sort_key(q.order, site_of), reverse=q.descending)
    total_pages = math.ceil(len(found) / per_page)
    start = (q.page - 1) * per_page
    return total_pages, found[start : start + per_page]
