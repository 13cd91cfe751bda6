"""When the periodic work runs: the reconcile tick, the day-of sweep per time zone, the janitor,
the retention job."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from dbos import ScheduleInput

from tripleseat_revel.sync.context import Runtime

JANITOR_CRON = "30 * * * * *"  # once a minute, half a minute after the reconcile tick
RETENTION_CRON = "0 45 * * * *"  # hourly, at a quarter to


def scheduled_params(rt: Runtime, scheduled_time: datetime, context: dict[str, Any]) -> dict[str, Any] | None:
    """What a schedule firing should reconcile, or None when this minute is not due."""
    if context.get("kind") == "day_of":
        # Re-check every event of the day, injected ones included: updated_at is minute-granular,
        # so this is the day's last word before service.
        return {
            "source": "day-of sweep",
            "hours_back": 0,
            "include_today": True,
            "timezones": [context["timezone"]],
            "sweep": True,
            "force": True,
        }
    interval = rt.settings.sync_interval_seconds
    if interval >= 60:
        minute = int(scheduled_time.astimezone(UTC).timestamp() // 60)
        if minute % (interval // 60) != 0:
            return None
    return {
        "source": "schedule",
        "hours_back": rt.settings.SYNC_HOURS_BACK,
        "include_today": True,
        "sweep": True,
    }


def reconcile_schedules(rt: Runtime, workflow: Callable[[datetime, Any], Any]) -> list[ScheduleInput]:
    """An every-minute tick (a reconcile when SYNC_INTERVAL_MINUTES divides the epoch minute) and a
    day-of sweep at DAY_OF_SWEEP_TIME in each location time zone."""
    hour, minute = (int(p) for p in rt.settings.DAY_OF_SWEEP_TIME.split(":"))
    interval = rt.settings.sync_interval_seconds
    tick = f"*/{interval} * * * * *" if interval < 60 else "0 * * * * *"
    entries: list[ScheduleInput] = [
        {
            "schedule_name": "reconcile-tick",
            "workflow_fn": workflow,
            "schedule": tick,
            "context": {"kind": "interval"},
        }
    ]
    for tz in sorted({loc.timezone for loc in rt.config.location}):
        entries.append(
            {
                "schedule_name": f"day-of-sweep {tz}",
                "workflow_fn": workflow,
                "schedule": f"0 {minute} {hour} * * *",
                "cron_timezone": tz,
                "context": {"kind": "day_of", "timezone": tz},
            }
        )
    return entries


def janitor_schedule(rt: Runtime, workflow: Callable[[datetime, Any], Any]) -> ScheduleInput:
    """Once a minute (JANITOR_CRON), or every JANITOR_INTERVAL_SECONDS when that divides a minute."""
    interval = rt.settings.JANITOR_INTERVAL_SECONDS
    cron = JANITOR_CRON if interval >= 60 else f"*/{interval} * * * * *"
    return {"schedule_name": "replica-janitor", "workflow_fn": workflow, "schedule": cron}


def retention_schedule(workflow: Callable[[datetime, Any], Any]) -> ScheduleInput:
    """Hourly (RETENTION_CRON): prune webhook deliveries and audit bodies past INBOX_RETENTION_DAYS."""
    return {"schedule_name": "retention", "workflow_fn": workflow, "schedule": RETENTION_CRON}
