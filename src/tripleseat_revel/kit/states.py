"""What people read for each of an event's states (sync.outcomes.EventState's values), in one
place for the dashboard and the emails."""

from __future__ import annotations

STATE_LABELS = {
    "verified": "On the POS",
    "waiting": "Waiting for its day",
    "writing": "Being written",
    "skipped": "Skipped",
    "failed": "Failed",
    "drift": "Differs from TripleSeat",
    "missed": "Missed",
    "resolved": "Resolved by hand",
    "dry_run": "Dry run: would inject",
    "pending": "Pending",
}
