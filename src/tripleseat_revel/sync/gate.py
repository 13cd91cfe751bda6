"""The time gate (pure): may this event be injected now, in its venue's time zone?

- `event_day`: inject on the event's local date (from local midnight to the end of that day).
- `lead_hours = N`: inject from N real hours before the event starts, until the end of its day.
An event whose local day is over is never injected late (EVENT_DAY_PASSED).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from tripleseat_revel.config import Rules


class Gate(StrEnum):
    PROCEED = "PROCEED"
    TOO_EARLY = "TOO_EARLY"
    EVENT_DAY_PASSED = "EVENT_DAY_PASSED"
    MISSING_DATA = "MISSING_DATA"


@dataclass(frozen=True)
class GateResult:
    gate: Gate
    reason: str
    opens_at: datetime | None = None  # when a TOO_EARLY event becomes due (UTC)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of `day` at the venue, in UTC (DST-safe: zoneinfo resolves the offset)."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def start_instant(start: datetime | None, start_local: datetime | None, tz: ZoneInfo) -> datetime | None:
    """The event start as a UTC instant: the explicit instant, else the wall-clock time in `tz`."""
    if start is not None:
        return start
    if start_local is not None:
        return start_local.replace(tzinfo=tz).astimezone(UTC)
    return None


def check_gate(
    *,
    event_date: date | None,
    start: datetime | None,
    tz: ZoneInfo,
    rules: Rules,
    now: datetime,
) -> GateResult:
    """Decide PROCEED / TOO_EARLY / EVENT_DAY_PASSED / MISSING_DATA for one event."""
    if event_date is None:
        return GateResult(Gate.MISSING_DATA, "the event has no date")
    today = now.astimezone(tz).date()
    if today > event_date:
        return GateResult(Gate.EVENT_DAY_PASSED, f"the event day {event_date.isoformat()} has passed")
    if rules.time_gate == "event_day":
        if today == event_date:
            return GateResult(Gate.PROCEED, "the event is today")
        opens = local_midnight(event_date, tz)
        return GateResult(Gate.TOO_EARLY, f"due on {event_date.isoformat()}", opens)
    if start is None:
        return GateResult(Gate.MISSING_DATA, "the event has no start time (needed by lead_hours)")
    opens = start - timedelta(hours=rules.lead_hours)
    if now >= opens:
        return GateResult(Gate.PROCEED, f"within {rules.lead_hours:g} h of the start")
    return GateResult(Gate.TOO_EARLY, f"due from {opens.astimezone(tz):%Y-%m-%d %H:%M %Z}", opens)
