"""Which email a sync outcome deserves, and its content (one per outcome change: see notify/)."""

from __future__ import annotations

from typing import Any

from tripleseat_revel.notify.emails import compose
from tripleseat_revel.sync.runtime import Runtime

EMAIL_KIND = {
    "INJECTED": "success",
    "AMENDED": "success",
    "DRIFT": "drift",
    "MISSED": "missed",
    "FAILED": "failure",
    "FAILED_UNMAPPED": "failure",
    "FAILED_MISSING_DATA": "failure",
    "FAILED_MONEY_MISMATCH": "failure",
    "FAILED_CONFIG": "failure",
}


def notify_outcome(rt: Runtime, event_id: int, result: dict[str, Any], prepared: dict[str, Any]) -> bool:
    """Send the outcome's email if it deserves one and it was not sent before. True if sent."""
    kind = EMAIL_KIND.get(result.get("outcome") or "")
    if kind is None:
        return False
    email = compose(kind, event_id, result, prepared, public_url=rt.settings.PUBLIC_URL)
    return rt.notifier.send(email)
