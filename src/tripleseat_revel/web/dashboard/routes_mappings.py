"""Unmapped items of upcoming events, with suggestions, and saving a mapping (then retrying)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from tripleseat_revel.kit.http import VendorError
from tripleseat_revel.logging import safe_error
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.sync.mappings import blocked_by, mapping_problem, save_mapping, upcoming_unmapped
from tripleseat_revel.sync.matching import CatalogueProduct
from tripleseat_revel.web.dashboard import queries
from tripleseat_revel.web.dashboard.actions import EventIdForm, queue_syncs
from tripleseat_revel.web.dashboard.auth import FormUserDep, UserDep, actor
from tripleseat_revel.web.dashboard.views import redirect, render, runtime_of

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class UnmappedRow:
    menu_item_id: int | None
    name: str
    establishment: int
    event_ids: list[int]
    detail: str
    suggestions: list[dict[str, Any]]
    products: list[CatalogueProduct]


def _products(rt: Runtime, establishment: int) -> list[CatalogueProduct]:
    products = rt.catalogues.get(establishment).products.values()
    return sorted((p for p in products if p.active), key=lambda p: p.name.casefold())


def _rows(rt: Runtime, days: int) -> list[UnmappedRow]:
    rows = []
    for found in upcoming_unmapped(rt, timedelta(days=days)):
        item = found["menu_item_id"]
        blocked = set(found["event_ids"]) | set(blocked_by(rt, item) if item else [])
        rows.append(
            UnmappedRow(
                item,
                found["name"],
                found["establishment"],
                sorted(blocked),
                found["detail"],
                found["suggestions"],
                _products(rt, found["establishment"]),
            )
        )
    return rows


def _product_names(rt: Runtime, wanted: set[tuple[int | None, int]]) -> dict[tuple[int | None, int], str]:
    """Revel product names from the cached catalogues (none when Revel cannot be reached)."""
    names: dict[tuple[int | None, int], str] = {}
    for establishment, product in wanted:
        try:
            found = rt.catalogues.get(establishment).products.get(product) if establishment else None
        except VendorError:
            return names
        if found is not None:
            names[(establishment, product)] = found.name
    return names


@router.get("/mappings")
def mappings_page(request: Request, who: UserDep, days: int = Query(default=7, ge=1, le=60)) -> Response:
    """Items of the next `days` days' events that no Revel product matches."""
    rt = runtime_of(request)
    try:
        rows: list[UnmappedRow] | None = _rows(rt, days)
        error = None
    except VendorError as exc:
        rows, error = None, f"TripleSeat or Revel could not be reached to check the menus: {safe_error(exc)}"
    blocked = sorted({i for row in rows or [] for i in row.event_ids})
    saved = queries.saved_mappings(rt)
    context = {
        "rows": rows,
        "error": error,
        "days": days,
        "saved": saved,
        "names": _product_names(rt, {(m.establishment_id, m.revel_product) for m in saved}),
        "events": queries.events_by_id(rt, blocked),
    }
    return render(request, "dashboard/mappings.html", context)


def _chosen(revel_product: str, other_product: str) -> int | None:
    text = (other_product or revel_product).strip().lstrip("#").split(" ", 1)[0]
    return int(text) if text.isdigit() and 0 < int(text) < 2**53 else None


def _retry_blocked(rt: Runtime, menu_item_id: int, event_ids: list[int], who: str) -> str:
    """Retry the events the item blocked (those listed on the page, and any the ledger knows)."""
    ids = sorted(set(event_ids) | set(blocked_by(rt, menu_item_id)))
    queue_syncs(rt, ids, who)
    return f" Retrying {len(ids)} blocked event(s): {', '.join(map(str, ids)) or 'none'}."


@router.post("/mappings")
def mapping_save(
    request: Request,
    who: FormUserDep,
    menu_item_id: Annotated[int, Form(gt=0, le=2**53)],
    establishment: Annotated[int, Form(gt=0, le=2**53)],
    item_name: Annotated[str, Form(max_length=300)] = "",
    revel_product: Annotated[str, Form()] = "",
    other_product: Annotated[str, Form()] = "",
    retry: Annotated[bool, Form()] = False,
    event_id: Annotated[list[EventIdForm] | None, Form()] = None,
) -> Response:
    """Save a menu item -> Revel product mapping (audited; used by the next sync), then retry."""
    rt = runtime_of(request)
    product = _chosen(revel_product, other_product)
    if product is None:
        return redirect(
            request, "/mappings", ("error", "Choose a suggested product or type a Revel product id.")
        )
    try:
        problem = mapping_problem(rt, product, establishment)
    except VendorError as exc:
        problem = f"Revel could not be reached to check product {product}: {safe_error(exc)}"
    if problem is not None:
        return redirect(request, "/mappings", ("error", problem))
    mapping = {"menu_item_id": menu_item_id, "revel_product": product, "establishment": establishment}
    save_mapping(rt, **mapping, item_name=item_name or None, by=actor(who))
    text = f"Saved: {item_name or menu_item_id} is Revel product {product} in establishment {establishment}."
    text += _retry_blocked(rt, menu_item_id, event_id or [], who) if retry else ""
    return redirect(request, "/mappings", ("success", text))
