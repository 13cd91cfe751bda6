"""The doctor's Revel checks: the credentials, each establishment, each `[revel]` id in each
establishment that uses it, and each explicit product mapping (reads only)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from tripleseat_revel.config import RevelIds
from tripleseat_revel.golive.report import Check, fail, ok, warn
from tripleseat_revel.integrations.revel.errors import RevelAuthError, RevelError
from tripleseat_revel.integrations.revel.schemas import Reference, id_from_uri
from tripleseat_revel.sync import findings
from tripleseat_revel.sync.catalogue import load_mappings
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.sync.matching import CatalogueProduct

AREA = "revel"
PROBE_FIX = "run `tripleseat-revel doctor --probe` on the location's test establishment"
# Built-in dining options need no record (reference/revel-api.md §2: DiningOptions 0-7), so a read
# cannot verify them: shown as "!". Payment types are always looked up (the reference gives no
# built-in range for them).
BUILT_IN = {"dining_option": range(0, 8)}
KINDS = {
    "dining_option": "CustomOrderOption",
    "payment_type": "CustomPaymentType",
    "discount": "Discount",
    "user": "User",
    "pos_station": "PosStation",
}


@dataclass(frozen=True)
class _Looked:
    record: Reference | None
    error: str | None = None


def checks(rt: Runtime) -> list[Check]:
    try:
        known = {e.id: e for e in rt.revel.establishments()}
    except RevelAuthError as exc:
        return [
            fail(
                AREA,
                "credentials",
                str(exc),
                "check REVEL_API_KEY and REVEL_API_SECRET (and the key's scope)",
            )
        ]
    except RevelError as exc:
        return [
            fail(AREA, "credentials", str(exc), "check REVEL_BASE_URL (or REVEL_DOMAIN) and Revel's status")
        ]
    found = [ok(AREA, "credentials", f"{len(known)} establishment(s) visible")]
    users = _users_of(rt)
    for est in sorted(users):
        if est not in known:
            found.append(_missing_establishment(rt, est))
            continue
        if known[est].active is False:
            found.append(warn(AREA, f"establishment {est}", "inactive in Revel"))
    live = sorted(e for e in users if e in known)
    found += ids_checks(rt, {e: users[e] for e in live})
    found += mapping_checks(rt, live)
    found += behaviour_checks(rt, users)
    return found


PAYMENT_TYPE_FIX = "set [revel] payment_type to an accepted type, then run doctor --probe"


def behaviour_checks(rt: Runtime, users: dict[int, list[RevelIds]]) -> list[Check]:
    """What `doctor --probe` found of each establishment's Revel (stored; nothing is asked of Revel):
    a refused payment type that is still configured blocks every paid event (✗)."""
    stored: dict[int, list[findings.Finding]] = defaultdict(list)
    for finding in findings.load(rt.db):
        stored[finding.establishment].append(finding)
    found: list[Check] = []
    for est in sorted(users):
        name = f"Revel behaviour in establishment {est}"
        mine = stored.get(est, [])
        found += _refused_types(est, mine, {ids.payment_type for ids in users[est]})
        if not mine:
            found.append(warn(AREA, name, "not probed: the settings' assumptions stand", PROBE_FIX))
            continue
        odd = [f"{f.behaviour} {f.verdict}" for f in mine if f.verdict != "confirmed"]
        when = max(f.probed_at for f in mine if f.probed_at is not None) if mine else None
        detail = f"probed {when:%Y-%m-%d}" if when else "probed"
        if odd:
            found.append(warn(AREA, name, f"{detail}; the connector adapts to: {', '.join(odd)}"))
        else:
            found.append(ok(AREA, name, f"{detail}; every behaviour as the connector assumes"))
    return found


def _refused_types(est: int, mine: list[findings.Finding], configured: set[int]) -> list[Check]:
    """A ✗ for each configured payment type a probe found Revel refusing in `est`."""
    refused = {
        f.tested_id
        for f in mine
        if f.behaviour == "payment_type" and f.verdict == "refuted" and f.tested_id in configured | {None}
    }
    return [
        fail(
            AREA,
            f"payment type {'(configured)' if tested is None else tested} in establishment {est}",
            "`doctor --probe` found Revel refusing it: no order with a payment is made",
            PAYMENT_TYPE_FIX,
        )
        for tested in sorted(refused, key=lambda t: t or 0)
    ]


def _users_of(rt: Runtime) -> dict[int, list[RevelIds]]:
    """Each establishment orders go to, with the [revel] ids of every location that uses it."""
    users: dict[int, list[RevelIds]] = defaultdict(list)
    for loc in rt.config.location:
        for est in (loc.revel_establishment, loc.test_establishment):
            if est is not None:
                users[est].append(rt.config.revel_for(loc))
    return users


def _missing_establishment(rt: Runtime, est: int) -> Check:
    names = [
        loc.name for loc in rt.config.location if est in (loc.revel_establishment, loc.test_establishment)
    ]
    return fail(
        AREA,
        f"establishment {est}",
        f"Revel has no establishment {est} (used by {', '.join(names)})",
        f"correct revel_establishment / test_establishment of {names[0]!r} in the locations file",
    )


def ids_checks(rt: Runtime, users: dict[int, list[RevelIds]]) -> list[Check]:
    """Each [revel] id exists, is active, and belongs to (or is shared with) each establishment."""
    cache: dict[tuple[str, int], _Looked] = {}
    found: list[Check] = []
    for est, id_sets in users.items():
        bad: list[Check] = []
        built_in: list[Check] = []
        seen: set[tuple[str, int]] = set()
        for ids in id_sets:
            for key, kind in KINDS.items():
                ident = int(getattr(ids, key))
                if (key, ident) in seen:
                    continue
                seen.add((key, ident))
                if ident in BUILT_IN.get(key, ()):
                    built_in.append(_built_in(est, key, ident))
                    continue
                if (kind, ident) not in cache:
                    cache[(kind, ident)] = _look(rt, kind, ident)
                problem = _id_problem(est, key, ident, cache[(kind, ident)])
                if problem is not None:
                    bad.append(problem)
        named = ", ".join(f"{k} {i}" for k, i in sorted(seen))
        found += (bad or [ok(AREA, f"[revel] ids in establishment {est}", named)]) + built_in
    return found


def _built_in(est: int, key: str, ident: int) -> Check:
    return warn(
        AREA,
        f"[revel] {key} {ident} in establishment {est}",
        f"built-in {key.replace('_', ' ')} of Revel (0-{BUILT_IN[key][-1]}): no record to read, "
        "not verifiable",
    )


def _look(rt: Runtime, kind: str, ident: int) -> _Looked:
    try:
        return _Looked(rt.revel.reference(kind, ident))
    except RevelAuthError:
        return _Looked(None, f"the API key may not read {kind} records")
    except RevelError as exc:
        return _Looked(None, str(exc))


def _id_problem(est: int, key: str, ident: int, looked: _Looked) -> Check | None:
    name = f"[revel] {key} {ident} in establishment {est}"
    fix = f"set [revel] {key} to an id of establishment {est} (its Revel admin lists them)"
    if looked.error is not None:
        return warn(AREA, name, f"not checked: {looked.error}")
    record = looked.record
    if record is None:
        return fail(AREA, name, f"Revel has no {KINDS[key]} {ident}", fix)
    label = record.name or record.username or ""
    if record.active is False:
        return fail(AREA, name, f"{KINDS[key]} {ident} {label!r} is inactive", fix)
    owner = id_from_uri(record.establishment)
    if owner is not None and owner != est:
        return fail(AREA, name, f"{KINDS[key]} {ident} {label!r} belongs to establishment {owner}", fix)
    return None


def mapping_checks(rt: Runtime, establishments: list[int]) -> list[Check]:
    """Each explicit mapping (locations file and dashboard) names an active product of its
    establishment (of every establishment, for a mapping that names none)."""
    mappings = load_mappings(rt.db, rt.config).entries
    found: list[Check] = []
    catalogues: dict[int, dict[int, CatalogueProduct] | None] = {}
    for (menu_item, est), product in sorted(mappings.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        for target in [est] if est is not None else establishments:
            if target not in establishments:
                continue
            if target not in catalogues:
                catalogues[target] = _catalogue(rt, target, found)
            products = catalogues[target]
            if products is None:
                continue
            problem = _mapping_problem(menu_item, product, target, products.get(product))
            if problem is not None:
                found.append(problem)
    if not found:
        found.append(
            ok("mappings", "explicit product mappings", f"{len(mappings)} resolve to active products")
        )
    return found


def _catalogue(rt: Runtime, est: int, found: list[Check]) -> dict[int, CatalogueProduct] | None:
    """The products of `est`, or None (and a ✗ in `found`) where Revel does not give them."""
    try:
        return rt.catalogues.get(est).products
    except RevelError as exc:
        found.append(
            fail(
                AREA,
                f"products of establishment {est}",
                f"Revel did not give the product catalogue: {exc}",
                "check the API key's scope (it must read Product) and Revel's status, then run doctor again",
            )
        )
        return None


def _mapping_problem(menu_item: int, product: int, est: int, match: CatalogueProduct | None) -> Check | None:
    if match is not None and match.active:
        return None
    what = "is inactive" if match is not None else "does not exist"
    return fail(
        "mappings",
        f"menu item {menu_item} -> product {product} in establishment {est}",
        f"product {product} {what} in establishment {est}",
        f"correct the [[product]] of menu item {menu_item} (locations file), or remap it in the dashboard",
    )
