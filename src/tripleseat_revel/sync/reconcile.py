"""Reconcile: which events need a sync now (the worker runs it on a schedule and enqueues them).

Sources: events updated in the look-back window, events dated today (in each location's time zone)
with an injectable status, and the ledger's unfinished rows (so a failed or waiting event is
retried and one whose day passed becomes a missed-event alert). An event already injected whose
`updated_at` has not moved is settled: it costs no further TripleSeat or Revel call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from tripleseat_revel.config import Location
from tripleseat_revel.integrations.tripleseat.schemas import Event
from tripleseat_revel.logging import get_logger
from tripleseat_revel.models import EventRecord, RevelOp
from tripleseat_revel.sync import findings, ledger
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.sync.lookups import answer_check
from tripleseat_revel.sync.outcomes import EventState
from tripleseat_revel.sync.plan import TEST_LOCAL_ID_PREFIX, local_id_for
from tripleseat_revel.sync.switches import read_switches

log = get_logger(__name__)

# Outcomes that stay true until TripleSeat changes the event.
SETTLED = {
    "ALREADY_INJECTED",
    "INJECTED",
    "AMENDED",
    "DRIFT",
    "SKIPPED_STATUS",
    "SKIPPED_UNKNOWN_LOCATION",
    "SKIPPED_DELETED",
    "MISSED",
    "RESOLVED",
}
UNFINISHED_STATES = ("pending", "waiting", "failed", "dry_run")
SWEEP_DAYS_BACK = 7


def _search_updated(rt: Runtime, now: datetime, hours_back: int) -> Iterable[Event]:
    start = (now - timedelta(hours=hours_back)).date() - timedelta(days=1)
    yield from rt.tripleseat.search_events(updated_between=(start, now.date() + timedelta(days=1)))


def _by_timezone(locations: list[Location]) -> dict[str, list[Location]]:
    groups: dict[str, list[Location]] = {}
    for loc in locations:
        groups.setdefault(loc.timezone, []).append(loc)
    return groups


def _search_today(rt: Runtime, now: datetime, timezones: list[str] | None) -> Iterable[Event]:
    for tz, locations in _by_timezone(rt.config.location).items():
        if timezones and tz not in timezones:
            continue
        today = now.astimezone(ZoneInfo(tz)).date()
        statuses = sorted({s for loc in locations for s in rt.config.rules_for(loc).inject_statuses})
        ids = [loc.tripleseat_location_id for loc in locations]
        location_ids = None if any(i is None for i in ids) else [i for i in ids if i is not None]
        yield from rt.tripleseat.search_events(
            start_between=(today, today), statuses=statuses, location_ids=location_ids
        )


def _maybe_due(rt: Runtime, now: datetime) -> Callable[[Event], bool]:
    """Whether a search result may be injected by this run (dated yesterday to tomorrow, with an
    injectable status): only those are worth a batch lookup of their Revel order."""
    statuses = {s for loc in rt.config.location for s in rt.config.rules_for(loc).inject_statuses}
    today = now.date()

    def maybe(event: Event) -> bool:
        day = event.local_date
        return day is not None and abs((day - today).days) <= 1 and event.status_upper in statuses

    return maybe


def _unfinished(rt: Runtime, now: datetime) -> list[int]:
    earliest = (now - timedelta(days=SWEEP_DAYS_BACK)).date().isoformat()
    latest = (now + timedelta(days=1)).date().isoformat()
    query = sa.select(EventRecord.event_id).where(
        sa.or_(EventRecord.state.in_(UNFINISHED_STATES), ledger.left_writing(now)),
        EventRecord.event_date >= earliest,
        EventRecord.event_date <= latest,
    )
    with rt.db.session() as session:
        return list(session.scalars(query))


def _settled(rt: Runtime, candidates: dict[int, str | None], override: bool) -> set[int]:
    settled: set[int] = set()
    ids = [i for i, updated in candidates.items() if updated]
    with rt.db.session() as session:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = session.execute(
                sa.select(
                    EventRecord.event_id,
                    EventRecord.outcome,
                    EventRecord.ts_updated_at,
                    EventRecord.local_id,
                    EventRecord.state,
                ).where(EventRecord.event_id.in_(chunk))
            )
            for event_id, outcome, updated, local_id, state in rows:
                same_target = local_id is None or local_id.startswith(TEST_LOCAL_ID_PREFIX) == override
                unfinished = state == EventState.WRITING.value  # a write began: never settled
                if outcome in SETTLED and updated == candidates[event_id] and same_target and not unfinished:
                    settled.add(event_id)
    return settled


def collect(rt: Runtime, params: dict[str, Any]) -> dict[str, Any]:
    """The events to sync now: {queried, to_sync: [ids], settled: [ids]}."""
    now = rt.clock()
    candidates: dict[int, str | None] = {}
    maybe_due: set[int] = set()
    is_maybe_due = _maybe_due(rt, now)
    hours_back = int(params.get("hours_back") or 0)
    found: list[Iterable[Event]] = []
    if hours_back:
        found.append(_search_updated(rt, now, hours_back))
    if params.get("include_today", True):
        found.append(_search_today(rt, now, params.get("timezones")))
    for event in (e for results in found for e in results):
        candidates[event.id] = event.updated_at
        if is_maybe_due(event):
            maybe_due.add(event.id)
    if params.get("sweep", True):
        for event_id in _unfinished(rt, now):
            candidates.setdefault(event_id, None)
    with rt.db.session() as session:
        override = read_switches(session, rt.settings).location_override
    settled = set() if params.get("force") else _settled(rt, candidates, override)
    to_sync = sorted(set(candidates) - settled)
    log.info("reconcile.collected", queried=len(candidates), to_sync=len(to_sync), settled=len(settled))
    return {
        "queried": len(candidates),
        "to_sync": to_sync,
        "settled": sorted(settled),
        "maybe_due": sorted(maybe_due - settled),
        "override": override,
        "now": now.isoformat(),
    }


# ---- batch lookup of the Revel orders --------------------------------------------------------

LOOKUP_BATCH = 50


def absent_orders(rt: Runtime, event_ids: list[int], override: bool) -> dict[int, dict[str, str]]:
    """For the events whose order we never started: the ones Revel has no order for, found with
    one call per LOOKUP_BATCH events. {event_id: {local_id, checked_at}}; a batch that fails or
    whose answer cannot be trusted gives no hint (its syncs look up one by one)."""
    if len(event_ids) < 2 or not findings.batch_lookup(rt.db, rt.settings):
        return {}
    local_ids = {event_id: local_id_for(event_id, override=override) for event_id in event_ids}
    with rt.db.session() as session:
        started = set(
            session.scalars(sa.select(RevelOp.local_id).where(RevelOp.local_id.in_(local_ids.values())))
        )
    usable, known = answer_check(rt.db, rt.revel)
    if not usable:
        log.info("reconcile.batch_lookup.no_known_order", events=len(event_ids))
        return {}  # nothing to check an answer against: each sync looks up alone
    unstarted = [(e, lid) for e, lid in local_ids.items() if lid not in started]
    hints: dict[int, dict[str, str]] = {}
    for start in range(0, len(unstarted), LOOKUP_BATCH):
        batch = dict(unstarted[start : start + LOOKUP_BATCH])
        checked_at = rt.clock().isoformat()
        found = rt.revel.orders_by_local_ids(list(batch.values()), known=known)
        if found is None:
            log.info("reconcile.batch_lookup.unusable", events=len(batch))
            continue
        for event_id, local_id in batch.items():
            if not [o for o in found.get(local_id, []) if not o.deleted]:
                hints[event_id] = {"local_id": local_id, "checked_at": checked_at}
    log.info("reconcile.batch_lookup", events=len(event_ids), unstarted=len(unstarted), absent=len(hints))
    return hints
