"""What the dashboard's buttons do: request syncs (the same path as the API and the CLI)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from tripleseat_revel.integrations.tripleseat.webhooks import MAX_ID
from tripleseat_revel.sync.context import Ask, Runtime
from tripleseat_revel.sync.results import EventResult
from tripleseat_revel.worker.trigger import sync_and_wait

MAX_WAIT_SECONDS = 20.0
SOURCE_MAX = 40  # sync_pending.source
ON_THE_POS = ("INJECTED", "ALREADY_INJECTED", "AMENDED")
# A TripleSeat event id as a form sends it: out of range is a 422, never a database overflow.
EventIdForm = Annotated[int, Field(gt=0, le=MAX_ID)]


def result_message(result: EventResult) -> tuple[str, str]:
    """A flash (level, text) for one event's sync result."""
    outcome = result.outcome or "not synced yet"
    level = "success" if outcome in ON_THE_POS else "error" if result.status == "failed" else "info"
    level = "warning" if outcome == "DRIFT" else level
    text = f"Event {result.id}: {outcome}: {result.reason or ''}".rstrip(": ")
    return level, text


def source(who: str) -> str:
    """The trigger's name in the audit trail: "sync requested by dashboard: Maria"."""
    return f"dashboard: {who}"[:SOURCE_MAX]


def sync_now(rt: Runtime, event_id: int, who: str, *, ask: Ask | None = None) -> tuple[str, str]:
    """Sync one event (or re-check it, or amend its order now) and wait a bounded time for its result."""
    wait = min(rt.settings.SYNC_WAIT_SECONDS, MAX_WAIT_SECONDS)
    done = sync_and_wait(rt, event_id, source=source(who), timeout=wait, ask=ask)
    if done.result is not None:
        return result_message(done.result)
    return "info", f"Event {event_id}: the sync is still running; reload this page in a moment."


def queue_syncs(rt: Runtime, event_ids: list[int], who: str, *, ask: Ask | None = None) -> list[int]:
    """Request a sync of each event without waiting (they run on the queue)."""
    for event_id in event_ids:
        rt.syncs.request(event_id, source=source(who), ask=ask)
    return event_ids
