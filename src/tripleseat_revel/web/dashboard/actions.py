"""What the dashboard's buttons do: request syncs (the same path as the API and the CLI)."""

from __future__ import annotations

from typing import Any

from tripleseat_revel.sync import engine
from tripleseat_revel.sync.record import event_result
from tripleseat_revel.sync.runtime import Runtime
from tripleseat_revel.sync.trigger import request_sync

MAX_WAIT_SECONDS = 20.0
SOURCE_MAX = 40  # sync_pending.source
ON_THE_POS = ("INJECTED", "ALREADY_INJECTED", "AMENDED")


def result_message(result: dict[str, Any]) -> tuple[str, str]:
    """A flash (level, text) for one event's sync result."""
    outcome = result.get("outcome") or "not synced yet"
    level = "success" if outcome in ON_THE_POS else "error" if result.get("status") == "failed" else "info"
    level = "warning" if outcome == "DRIFT" else level
    text = f"Event {result.get('id')}: {outcome}: {result.get('reason') or ''}".rstrip(": ")
    return level, text


def source(who: str) -> str:
    """The trigger's name in the audit trail: "sync requested by dashboard: Maria"."""
    return f"dashboard: {who}"[:SOURCE_MAX]


def sync_now(rt: Runtime, event_id: int, who: str) -> tuple[str, str]:
    """Sync one event and wait a bounded time for its result."""
    request = request_sync(rt, event_id, source=source(who))
    wait = min(rt.settings.SYNC_WAIT_SECONDS, MAX_WAIT_SECONDS)
    state, result = engine.wait_for(request.workflow_id, wait)
    if isinstance(result, dict):
        return result_message(result)
    if state in engine.TERMINAL:
        return result_message(event_result(rt, event_id))
    return "info", f"Event {event_id}: the sync is still running; reload this page in a moment."


def queue_syncs(rt: Runtime, event_ids: list[int], who: str) -> list[int]:
    """Request a sync of each event without waiting (they run on the queue)."""
    for event_id in event_ids:
        request_sync(rt, event_id, source=source(who))
    return event_ids
