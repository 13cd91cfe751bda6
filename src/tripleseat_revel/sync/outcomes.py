"""Sync outcomes are values, not exceptions. Each maps to a dashboard state and an API bucket."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    INJECTED = "INJECTED"
    ALREADY_INJECTED = "ALREADY_INJECTED"
    AMENDED = "AMENDED"
    WOULD_INJECT = "WOULD_INJECT"
    DRIFT = "DRIFT"
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
    def state(self) -> str:
        """The coarse state shown on the dashboard."""
        return _STATES.get(self, "skipped")


_STATES = {
    Outcome.INJECTED: "injected",
    Outcome.ALREADY_INJECTED: "injected",
    Outcome.AMENDED: "injected",
    Outcome.WOULD_INJECT: "dry_run",
    Outcome.DRIFT: "drift",
    Outcome.SKIPPED_TOO_EARLY: "waiting",
    Outcome.MISSED: "missed",
    Outcome.FAILED_UNMAPPED: "failed",
    Outcome.FAILED_MISSING_DATA: "failed",
    Outcome.FAILED_MONEY_MISMATCH: "failed",
    Outcome.FAILED_CONFIG: "failed",
    Outcome.FAILED: "failed",
}
