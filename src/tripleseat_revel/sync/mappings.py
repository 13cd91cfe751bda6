"""Unmapped items across upcoming events (for `mappings check` and the dashboard), and saving a
mapping an operator chose."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tripleseat_revel.integrations.tripleseat.schemas import Event
from tripleseat_revel.models import EventRecord, ProductMappingRow
from tripleseat_revel.sync import ledger
from tripleseat_revel.sync.catalogue import load_mappings
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.sync.decide import Switches, Target, target_for
from tripleseat_revel.sync.matching import Mappings
from tripleseat_revel.sync.outcomes import Outcome
from tripleseat_revel.sync.plan import PlanInputs, PlanProblem, ProblemKind, UnmappedItem, plan_order
from tripleseat_revel.sync.switches import read_switches


def search_days(now: datetime, horizon: timedelta, timezones: list[str]) -> tuple[date, date]:
    """The day-granular search window for the next `horizon`, where "today" is each location's
    own: from the earliest local today to the latest local end of the horizon."""
    zones = [ZoneInfo(tz) for tz in timezones] or [ZoneInfo("UTC")]
    return (
        min(now.astimezone(z).date() for z in zones),
        max((now + horizon).astimezone(z).date() for z in zones),
    )


def _unmapped_of(rt: Runtime, event: Event, target: Target, mappings: Mappings) -> list[UnmappedItem]:
    """The items of `event` no mapping covers (its plan, with unmapped items blocking)."""
    inputs = PlanInputs(
        target.establishment,
        target.local_id,
        target.rules.model_copy(update={"unmapped": "block"}),
        rt.config.revel_for(target.location),
        rt.config.money,
        rt.catalogues.get(target.establishment),
        mappings,
    )
    result = plan_order(event, inputs)
    if not isinstance(result, PlanProblem) or result.kind is not ProblemKind.UNMAPPED:
        return []
    return list(result.unmapped)


def upcoming_unmapped(rt: Runtime, horizon: timedelta) -> list[dict[str, Any]]:
    """Each unmapped (menu item, establishment) of the next `horizon`'s events, with suggestions."""
    now = rt.clock()
    statuses = sorted({s for loc in rt.config.location for s in rt.config.rules_for(loc).inject_statuses})
    with rt.db.session() as session:
        switches: Switches = read_switches(session, rt.settings)
    mappings = load_mappings(rt.db, rt.config)
    found: dict[tuple[int | None, str, int], dict[str, Any]] = {}
    days = search_days(now, horizon, sorted({loc.timezone for loc in rt.config.location}))
    for event in rt.tripleseat.search_events(start_between=days, statuses=statuses, show_financial=True):
        target = target_for(event, rt.config, switches)
        if not isinstance(target, Target):
            continue
        local_today = now.astimezone(ZoneInfo(target.location.timezone)).date()
        if event.local_date is not None and event.local_date < local_today:
            continue  # already past where it happens
        for item in _unmapped_of(rt, event, target, mappings):
            key = (item.menu_item_id, item.name, target.establishment)
            row = found.setdefault(
                key,
                {
                    "menu_item_id": item.menu_item_id,
                    "name": item.name,
                    "establishment": target.establishment,
                    "event_ids": [],
                    "detail": item.detail,
                    "suggestions": [s.__dict__ for s in item.suggestions],
                },
            )
            row["event_ids"].append(event.id)
    return sorted(found.values(), key=lambda r: (-len(r["event_ids"]), r["name"]))


def mapping_problem(rt: Runtime, product: int, establishment: int | None) -> str | None:
    """Why Revel product `product` cannot be mapped (None when it can): it must be an active product
    of `establishment`, or of every configured establishment for a mapping that applies to all.
    The planner refuses an inactive or missing mapped product, so such a mapping is never saved.
    Raises VendorError when Revel cannot be asked."""
    wanted = [establishment] if establishment is not None else rt.config.establishments()
    for each in wanted:
        found = rt.catalogues.get(each).products.get(product)
        if found is None or not found.active:
            return f"Revel has no active product {product} in establishment {each}."
    return None


def blocked_by(rt: Runtime, menu_item_id: int | None = None) -> list[int]:
    """Events whose last sync failed on unmapped items (on this menu item, if one is given)."""
    query = sa.select(EventRecord.event_id, EventRecord.unmapped).where(
        EventRecord.outcome == Outcome.FAILED_UNMAPPED.value
    )
    with rt.db.session() as session:
        rows = session.execute(query).all()
    return sorted(
        event_id
        for event_id, unmapped in rows
        if menu_item_id is None
        or any(isinstance(u, dict) and u.get("menu_item_id") == menu_item_id for u in unmapped or [])
    )


def _upsert_mapping(
    session: Session,
    menu_item_id: int,
    revel_product: int,
    establishment: int | None,
    item_name: str | None,
    by: str,
) -> None:
    existing = session.scalars(
        sa.select(ProductMappingRow).where(
            ProductMappingRow.menu_item_id == menu_item_id,
            ProductMappingRow.establishment_id.is_(None)
            if establishment is None
            else ProductMappingRow.establishment_id == establishment,
        )
    ).first()
    if existing is None:
        session.add(
            ProductMappingRow(
                menu_item_id=menu_item_id,
                establishment_id=establishment,
                revel_product=revel_product,
                item_name=item_name,
                created_by=by,
            )
        )
    else:
        existing.revel_product = revel_product
        existing.created_by = by


def save_mapping(
    rt: Runtime,
    *,
    menu_item_id: int,
    revel_product: int,
    establishment: int | None,
    item_name: str | None,
    by: str,
) -> None:
    """Persist an operator's mapping (it wins over the locations file) and audit it."""
    with rt.db.session() as session:
        _upsert_mapping(session, menu_item_id, revel_product, establishment, item_name, by)
        ledger.audit(
            session,
            None,
            "mapping.saved",
            f"menu item {menu_item_id} ({item_name or '?'}) -> Revel product {revel_product}"
            f" in establishment {establishment or 'all'} by {by}",
            data={
                "menu_item_id": menu_item_id,
                "revel_product": revel_product,
                "establishment": establishment,
            },
        )
