"""What to do with an event (pure): skip it, fail it, or plan its order.

Runs before the planner. The order of checks is the business rule: deleted, location, an
operator's resolution of the event as it is, status, the event's order (verified and unchanged, a
drift or a money mismatch that stands while the event is unchanged), then the time gate. An event
whose order exists is always planned once it changes, whatever the gate says: its order must follow
it or be reported, never left as it was. An operator's re-check plans it whatever stands.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from tripleseat_revel.config import Location, LocationsConfig, Rules
from tripleseat_revel.integrations.tripleseat.schemas import Event
from tripleseat_revel.sync.gate import Gate, check_gate, start_instant
from tripleseat_revel.sync.outcomes import EventState, Outcome
from tripleseat_revel.sync.plan import local_id_for


class Action(StrEnum):
    SKIP = "SKIP"  # record the outcome; nothing else to do
    PLAN = "PLAN"  # plan the order and inject it (or compare with the injected one)
    CANCELLED = "CANCELLED"  # injected before; the event is gone or no longer eligible


@dataclass(frozen=True)
class Switches:
    dry_run: bool = False
    enabled: bool = True
    location_override: bool = False


@dataclass(frozen=True)
class LedgerView:
    """What the ledger knows of the event and its Revel order."""

    state: EventState = EventState.PENDING
    outcome: str | None = None
    reason: str | None = None
    ts_fingerprint: str | None = None  # TripleSeat's material state at the last sync
    local_id: str | None = None
    revel_order_id: int | None = None
    order_establishment: int | None = None
    order_date: str | None = None
    verified_plan: dict[str, Any] | None = None  # what Revel was last verified to hold
    verified_fingerprint: str | None = None
    verified_ts_fingerprint: str | None = None

    def order_for(self, local_id: str) -> int | None:
        """The id of the order made under `local_id`, if the ledger knows one."""
        return self.revel_order_id if self.local_id == local_id else None

    @property
    def has_order(self) -> bool:
        return self.revel_order_id is not None


@dataclass(frozen=True)
class Target:
    location: Location
    rules: Rules
    establishment: int
    local_id: str


@dataclass(frozen=True)
class Decision:
    action: Action
    outcome: Outcome | None = None
    reason: str = ""
    target: Target | None = None
    opens_at: datetime | None = None
    # What the ledger keeps as the event's fingerprint, when not its material one (a problem that
    # must not stand once what caused it is gone, such as a location missing from the file).
    fingerprint: str | None = None


MATERIAL_KEYS = ("status", "location_id", "site_id", "event_date", "event_start", "event_end", "guest_count")


def material_fingerprint(event: Event) -> str:
    """A hash of what can change an order (TripleSeat's updated_at is only minute-granular)."""
    data = event.model_dump(mode="json")
    material = {key: data.get(key) for key in MATERIAL_KEYS}
    material["documents"] = [
        {k: d.get(k) for k in ("id", "line_items", "billing_totals", "financials", "payment_set")}
        for d in data.get("documents", [])
        if not d.get("deleted_at")
    ]
    encoded = json.dumps(material, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


DELETED = "deleted"  # the fingerprint of an event deleted in TripleSeat


def event_fingerprint(event: Event | None) -> str:
    """The fingerprint the ledger keeps of the event as last seen (deleted ones share one)."""
    return DELETED if event is None or event.deleted_at else material_fingerprint(event)


def target_for(event: Event, config: LocationsConfig, switches: Switches) -> Target | Decision:
    location = config.find(location_id=event.effective_location_id, site_id=event.effective_site_id)
    if location is None:
        reason = (
            f"location {event.effective_location_id} / site {event.effective_site_id} "
            "is not in the locations file"
        )
        return Decision(Action.SKIP, Outcome.SKIPPED_UNKNOWN_LOCATION, reason)
    establishment = location.revel_establishment
    if switches.location_override:
        if location.test_establishment is None:
            reason = f"LOCATION_OVERRIDE is on but {location.name!r} has no test_establishment"
            return Decision(Action.SKIP, Outcome.FAILED_CONFIG, reason)
        establishment = location.test_establishment
    local_id = local_id_for(event.id, override=switches.location_override)
    return Target(location, config.rules_for(location), establishment, local_id)


def decide(
    event: Event | None,
    *,
    config: LocationsConfig,
    switches: Switches,
    ledger: LedgerView,
    now: datetime,
    recheck: bool = False,
) -> Decision:
    """The decision for one freshly fetched event (`None` = deleted in TripleSeat). `recheck`: plan
    it even if a verified order, a drift, a mismatch or a resolution of its current state stands
    (an operator's re-sync or "amend now")."""
    if not switches.enabled:
        return Decision(Action.SKIP, Outcome.SKIPPED_DISABLED, "the connector is disabled (ENABLE_CONNECTOR)")
    if event is None or event.deleted_at:
        return _deleted(ledger, recheck=recheck)
    target = target_for(event, config, switches)
    if isinstance(target, Decision):
        if target.outcome is Outcome.SKIPPED_UNKNOWN_LOCATION and ledger.has_order:
            return _moved_away(event, target, ledger, recheck=recheck)
        return target
    fingerprint = material_fingerprint(event)
    if ledger.state is EventState.RESOLVED and ledger.ts_fingerprint == fingerprint and not recheck:
        return Decision(Action.SKIP, Outcome.RESOLVED, ledger.reason or "resolved by an operator", target)
    has_order = ledger.order_for(target.local_id) is not None
    if event.status_upper not in target.rules.inject_statuses:
        if has_order:
            reason = f"status changed to {event.status_upper} after the order was made"
            return Decision(Action.CANCELLED, Outcome.DRIFT, reason, target)
        eligible = ", ".join(target.rules.inject_statuses)
        reason = f"status {event.status_upper or 'unknown'} (injected: {eligible})"
        return Decision(Action.SKIP, Outcome.SKIPPED_STATUS, reason, target)
    if has_order:
        return _with_order(fingerprint, target, ledger, recheck=recheck)
    return _gate(event, target, now)


def _moved_away(event: Event, skip: Decision, ledger: LedgerView, *, recheck: bool) -> Decision:
    """An event whose order is on the POS moved to a location the locations file does not know: a
    drift (its order stays), kept under its own fingerprint so that it ends once the file knows the
    location again, and stays resolved once acknowledged."""
    fingerprint = f"away:{material_fingerprint(event)}"
    if ledger.state is EventState.RESOLVED and ledger.ts_fingerprint == fingerprint and not recheck:
        reason = ledger.reason or "resolved by an operator"
        return Decision(Action.SKIP, Outcome.RESOLVED, reason, fingerprint=fingerprint)
    reason = f"{skip.reason}: the event moved to a location the connector does not know; its order stays"
    return Decision(Action.CANCELLED, Outcome.DRIFT, reason, fingerprint=fingerprint)


def _deleted(ledger: LedgerView, *, recheck: bool) -> Decision:
    """An event deleted in TripleSeat: nothing to do, unless its order is on the POS (a drift,
    until an operator resolves it)."""
    reason = "the event was deleted in TripleSeat"
    if not ledger.has_order:
        return Decision(Action.SKIP, Outcome.SKIPPED_DELETED, reason)
    if ledger.state is EventState.RESOLVED and ledger.ts_fingerprint == DELETED and not recheck:
        return Decision(Action.SKIP, Outcome.RESOLVED, ledger.reason or "resolved by an operator")
    return Decision(Action.CANCELLED, Outcome.DRIFT, reason)


def _with_order(fingerprint: str, target: Target, ledger: LedgerView, *, recheck: bool) -> Decision:
    """An event whose order exists: unchanged since it was verified (or since an alert that stands),
    or to be planned and compared with the order. A money mismatch found after writing stands like a
    drift: writing again would repeat what Revel did wrong (a stacked discount, say)."""
    if recheck:
        return Decision(Action.PLAN, None, "checked again on request", target)
    if ledger.state is EventState.VERIFIED and ledger.verified_ts_fingerprint == fingerprint:
        return Decision(Action.SKIP, Outcome.ALREADY_INJECTED, "unchanged since injection", target)
    if ledger.ts_fingerprint == fingerprint and ledger.state is EventState.DRIFT:
        return Decision(Action.SKIP, Outcome.DRIFT, ledger.reason or "changed after injection", target)
    mismatch = ledger.outcome == Outcome.FAILED_MONEY_MISMATCH.value
    if ledger.ts_fingerprint == fingerprint and ledger.state is EventState.FAILED and mismatch:
        reason = ledger.reason or "Revel's order differs from the plan"
        return Decision(Action.SKIP, Outcome.FAILED_MONEY_MISMATCH, reason, target)
    return Decision(Action.PLAN, None, "changed since injection", target)


def _gate(event: Event, target: Target, now: datetime) -> Decision:
    tz = ZoneInfo(target.location.timezone)
    start = start_instant(event.start_instant, event.start_local, tz)
    result = check_gate(event_date=event.local_date, start=start, tz=tz, rules=target.rules, now=now)
    if result.gate is Gate.PROCEED:
        return Decision(Action.PLAN, None, result.reason, target)
    if result.gate is Gate.TOO_EARLY:
        return Decision(Action.SKIP, Outcome.SKIPPED_TOO_EARLY, result.reason, target, result.opens_at)
    if result.gate is Gate.EVENT_DAY_PASSED:
        return Decision(
            Action.SKIP, Outcome.MISSED, f"{result.reason} and the event was never injected", target
        )
    return Decision(Action.SKIP, Outcome.FAILED_MISSING_DATA, result.reason, target)
