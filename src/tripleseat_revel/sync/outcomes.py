"""Sync outcomes and event states are values, not exceptions.

An **outcome** is what one sync run concluded (it maps to an API bucket and an email). An event's
**state** is what the ledger holds between runs (docs/reliability.md has the state diagram):

- `pending`: seen, nothing concluded yet; `waiting`: due later (the time gate); `skipped`: not for
  the POS (status, location, switches, deleted); `dry_run`: planned, nothing written;
- `writing`: a write to its Revel order began and was not verified yet (a crash or an error left
  it so: the next sync completes the order to the latest plan);
- `verified`: Revel's own answers showed the order equal to the plan of TripleSeat's document;
- `drift`: the order differs from the latest plan and the connector will not (alert mode) or
  cannot (closed order, another location, a refund) change it: an open alert;
- `failed`: the event should be on the POS as planned and is not: an open alert;
- `missed`: its day passed without an order; `resolved`: an operator acknowledged a drift or
  failure (until TripleSeat changes the event again).
"""

from __future__ import annotations

from enum import StrEnum


class EventState(StrEnum):
    PENDING = "pending"
    WAITING = "waiting"
    SKIPPED = "skipped"
    DRY_RUN = "dry_run"
    WRITING = "writing"
    VERIFIED = "verified"
    DRIFT = "drift"
    FAILED = "failed"
    MISSED = "missed"
    RESOLVED = "resolved"

    @property
    def open_alert(self) -> bool:
        """A state someone must look at (it has an alert until a sync or an operator ends it)."""
        return self in (EventState.DRIFT, EventState.FAILED, EventState.MISSED)


class Outcome(StrEnum):
    INJECTED = "INJECTED"
    ALREADY_INJECTED = "ALREADY_INJECTED"
    AMENDED = "AMENDED"
    WOULD_INJECT = "WOULD_INJECT"
    DRIFT = "DRIFT"
    RESOLVED = "RESOLVED"
    SKIPPED_STATUS = "SKIPPED_STATUS"
    SKIPPED_TOO_EARLY = "SKIPPED_TOO_EARLY"
    SKIPPED_DISABLED = "SKIPPED_DISABLED"
    SKIPPED_UNKNOWN_LOCATION = "SKIPPED_UNKNOWN_LOCATION"
    SKIPPED_DELETED = "SKIPPED_DELETED"
    MISSED = "MISSED"
    FAILED_UNMAPPED = "FAILED_UNMAPPED"
    FAILED_MISSING_DATA = "FAILED_MISSING_DATA"
    FAILED_MONEY_MISMATCH = "FAILED_MONEY_MISMATCH"
    FAILED_CONFIG = "FAILED_CONFIG"
    FAILED = "FAILED"

    @property
    def bucket(self) -> str:
        """The replaced system's summary bucket: injected, skipped or failed."""
        if self in (Outcome.INJECTED, Outcome.AMENDED):
            return "injected"
        if self is Outcome.MISSED or self.value.startswith("FAILED"):
            return "failed"
        return "skipped"

    @property
    def on_the_pos(self) -> bool:
        """A success: Revel's order was verified equal to the plan."""
        return self in (Outcome.INJECTED, Outcome.ALREADY_INJECTED, Outcome.AMENDED)

    @property
    def passive(self) -> bool:
        """A run that did not look at the POS (a dry run, the connector switched off): it says
        nothing new of an order or a problem the ledger already holds."""
        return self in (Outcome.WOULD_INJECT, Outcome.SKIPPED_DISABLED)

    @property
    def state(self) -> EventState:
        """The event's state after a run that ended with this outcome."""
        return _STATES.get(self, EventState.SKIPPED)


_STATES = {
    Outcome.INJECTED: EventState.VERIFIED,
    Outcome.ALREADY_INJECTED: EventState.VERIFIED,
    Outcome.AMENDED: EventState.VERIFIED,
    Outcome.WOULD_INJECT: EventState.DRY_RUN,
    Outcome.DRIFT: EventState.DRIFT,
    Outcome.RESOLVED: EventState.RESOLVED,
    Outcome.SKIPPED_TOO_EARLY: EventState.WAITING,
    Outcome.MISSED: EventState.MISSED,
    Outcome.FAILED_UNMAPPED: EventState.FAILED,
    Outcome.FAILED_MISSING_DATA: EventState.FAILED,
    Outcome.FAILED_MONEY_MISMATCH: EventState.FAILED,
    Outcome.FAILED_CONFIG: EventState.FAILED,
    Outcome.FAILED: EventState.FAILED,
}
