"""The time gate: may an event be injected now, in its venue's time zone? (SPEC §3 "when")

Instants are UTC; every expected value is worked out from the zone's offset on that date.
"lead_hours = N" means N *real elapsed* hours before the start instant: across a DST change the
wall clock moves by N +/- 1 hours (e.g. 4 h before 03:00 PST on 2026-11-01 is 00:00 PDT).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from tripleseat_revel.config import Rules
from tripleseat_revel.sync.gate import Gate, GateResult, check_gate, local_midnight, start_instant

LA = ZoneInfo("America/Los_Angeles")
NY = ZoneInfo("America/New_York")
AKL = ZoneInfo("Pacific/Auckland")
LON = ZoneInfo("Europe/London")

EVENT_DAY = Rules()
LEAD_4 = Rules(time_gate="lead_hours", lead_hours=4)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass(frozen=True)
class GateCase:
    id: str
    tz: ZoneInfo
    event_date: date
    now: str  # UTC
    gate: Gate
    opens_at: str | None = None  # UTC
    start: str | None = None  # UTC
    rules: Rules = EVENT_DAY


def run(case: GateCase) -> GateResult:
    return check_gate(
        event_date=case.event_date,
        start=utc(case.start) if case.start else None,
        tz=case.tz,
        rules=case.rules,
        now=utc(case.now),
    )


JUNE_15 = date(2026, 6, 15)

EVENT_DAY_CASES = [
    # Los Angeles, PDT (UTC-7): the event day runs 2026-06-15T07:00Z .. 2026-06-16T07:00Z.
    GateCase("la-day-before", LA, JUNE_15, "2026-06-14T19:00:00", Gate.TOO_EARLY, "2026-06-15T07:00:00"),
    GateCase(
        "la-1s-before-midnight",
        LA,
        JUNE_15,
        "2026-06-15T06:59:59",
        Gate.TOO_EARLY,
        "2026-06-15T07:00:00",
    ),
    GateCase("la-at-midnight", LA, JUNE_15, "2026-06-15T07:00:00", Gate.PROCEED),
    GateCase("la-1s-after-midnight", LA, JUNE_15, "2026-06-15T07:00:01", Gate.PROCEED),
    GateCase("la-1s-before-day-ends", LA, JUNE_15, "2026-06-16T06:59:59", Gate.PROCEED),
    GateCase("la-day-ended", LA, JUNE_15, "2026-06-16T07:00:00", Gate.EVENT_DAY_PASSED),
    GateCase("la-utc-date-already-next-day", LA, JUNE_15, "2026-06-16T03:00:00", Gate.PROCEED),
    # New York, EDT (UTC-4).
    GateCase(
        "ny-1s-before-midnight",
        NY,
        JUNE_15,
        "2026-06-15T03:59:59",
        Gate.TOO_EARLY,
        "2026-06-15T04:00:00",
    ),
    GateCase("ny-at-midnight", NY, JUNE_15, "2026-06-15T04:00:00", Gate.PROCEED),
    GateCase("ny-1s-before-day-ends", NY, JUNE_15, "2026-06-16T03:59:59", Gate.PROCEED),
    GateCase("ny-1s-after-day-ends", NY, JUNE_15, "2026-06-16T04:00:01", Gate.EVENT_DAY_PASSED),
    # Auckland, NZST (UTC+12): the event day starts on the previous UTC date.
    GateCase(
        "akl-1s-before-midnight",
        AKL,
        JUNE_15,
        "2026-06-14T11:59:59",
        Gate.TOO_EARLY,
        "2026-06-14T12:00:00",
    ),
    GateCase("akl-at-midnight", AKL, JUNE_15, "2026-06-14T12:00:00", Gate.PROCEED),
    GateCase("akl-1s-before-day-ends", AKL, JUNE_15, "2026-06-15T11:59:59", Gate.PROCEED),
    GateCase("akl-utc-date-same-but-day-over", AKL, JUNE_15, "2026-06-15T12:00:00", Gate.EVENT_DAY_PASSED),
    # London: BST (UTC+1) in June, GMT (UTC+0) in January.
    GateCase(
        "lon-bst-1s-before-midnight",
        LON,
        JUNE_15,
        "2026-06-14T22:59:59",
        Gate.TOO_EARLY,
        "2026-06-14T23:00:00",
    ),
    GateCase("lon-bst-at-midnight", LON, JUNE_15, "2026-06-14T23:00:00", Gate.PROCEED),
    GateCase(
        "lon-gmt-1s-before-midnight",
        LON,
        date(2026, 1, 15),
        "2026-01-14T23:59:59",
        Gate.TOO_EARLY,
        "2026-01-15T00:00:00",
    ),
    GateCase("lon-gmt-1s-before-day-ends", LON, date(2026, 1, 15), "2026-01-15T23:59:59", Gate.PROCEED),
    # US spring-forward 2026-03-08 (LA): 00:00 PST = 08:00Z .. 00:00 PDT = 07:00Z (a 23 h day).
    GateCase(
        "la-spring-1s-before-midnight",
        LA,
        date(2026, 3, 8),
        "2026-03-08T07:59:59",
        Gate.TOO_EARLY,
        "2026-03-08T08:00:00",
    ),
    GateCase("la-spring-at-midnight", LA, date(2026, 3, 8), "2026-03-08T08:00:00", Gate.PROCEED),
    GateCase("la-spring-1s-before-day-ends", LA, date(2026, 3, 8), "2026-03-09T06:59:59", Gate.PROCEED),
    GateCase("la-spring-day-ended", LA, date(2026, 3, 8), "2026-03-09T07:00:00", Gate.EVENT_DAY_PASSED),
    # US fall-back 2026-11-01 (LA): starts at 00:00 PDT = 07:00Z, ends at 00:00 PST = 08:00Z (25 h).
    GateCase(
        "la-fall-1s-before-midnight",
        LA,
        date(2026, 11, 1),
        "2026-11-01T06:59:59",
        Gate.TOO_EARLY,
        "2026-11-01T07:00:00",
    ),
    GateCase("la-fall-at-midnight", LA, date(2026, 11, 1), "2026-11-01T07:00:00", Gate.PROCEED),
    GateCase("la-fall-1s-before-day-ends", LA, date(2026, 11, 1), "2026-11-02T07:59:59", Gate.PROCEED),
    GateCase("la-fall-day-ended", LA, date(2026, 11, 1), "2026-11-02T08:00:00", Gate.EVENT_DAY_PASSED),
    # New York spring-forward (EST -> EDT): the next midnight is EDT.
    GateCase("ny-spring-1s-before-day-ends", NY, date(2026, 3, 8), "2026-03-09T03:59:59", Gate.PROCEED),
    GateCase("ny-spring-day-ended", NY, date(2026, 3, 8), "2026-03-09T04:00:00", Gate.EVENT_DAY_PASSED),
    # Auckland's DST start (2026-09-27, NZST -> NZDT): the next day starts 00:00 NZDT = 11:00Z.
    GateCase(
        "akl-dst-next-day-1s-before",
        AKL,
        date(2026, 9, 28),
        "2026-09-27T10:59:59",
        Gate.TOO_EARLY,
        "2026-09-27T11:00:00",
    ),
]


@pytest.mark.parametrize("case", EVENT_DAY_CASES, ids=[c.id for c in EVENT_DAY_CASES])
def test_event_day_gate(case: GateCase) -> None:
    assert run(case).gate is case.gate


@pytest.mark.parametrize(
    "case",
    [c for c in EVENT_DAY_CASES if c.opens_at],
    ids=[c.id for c in EVENT_DAY_CASES if c.opens_at],
)
def test_event_day_too_early_opens_at_local_midnight(case: GateCase) -> None:
    assert case.opens_at is not None
    assert run(case).opens_at == utc(case.opens_at)


LEAD_CASES = [
    # 6:00 PM PDT 2026-06-15 = 2026-06-16T01:00Z; 4 h before = 21:00Z (2:00 PM PDT).
    GateCase(
        "la-1s-before-lead",
        LA,
        JUNE_15,
        "2026-06-15T20:59:59",
        Gate.TOO_EARLY,
        "2026-06-15T21:00:00",
        "2026-06-16T01:00:00",
        LEAD_4,
    ),
    GateCase(
        "la-at-lead",
        LA,
        JUNE_15,
        "2026-06-15T21:00:00",
        Gate.PROCEED,
        None,
        "2026-06-16T01:00:00",
        LEAD_4,
    ),
    GateCase(
        "la-after-start-same-day",
        LA,
        JUNE_15,
        "2026-06-16T05:00:00",
        Gate.PROCEED,
        None,
        "2026-06-16T01:00:00",
        LEAD_4,
    ),
    GateCase(
        "la-event-day-over",
        LA,
        JUNE_15,
        "2026-06-16T07:00:00",
        Gate.EVENT_DAY_PASSED,
        None,
        "2026-06-16T01:00:00",
        LEAD_4,
    ),
    # Event day but before the lead window: TOO_EARLY even though it is the event's date.
    GateCase(
        "la-event-day-morning",
        LA,
        JUNE_15,
        "2026-06-15T15:00:00",
        Gate.TOO_EARLY,
        "2026-06-15T21:00:00",
        "2026-06-16T01:00:00",
        LEAD_4,
    ),
    # Auckland 7:00 PM NZST = 07:00Z.
    GateCase(
        "akl-1s-before-lead",
        AKL,
        JUNE_15,
        "2026-06-15T02:59:59",
        Gate.TOO_EARLY,
        "2026-06-15T03:00:00",
        "2026-06-15T07:00:00",
        LEAD_4,
    ),
    GateCase(
        "akl-at-lead",
        AKL,
        JUNE_15,
        "2026-06-15T03:00:00",
        Gate.PROCEED,
        None,
        "2026-06-15T07:00:00",
        LEAD_4,
    ),
    # London 1:00 AM BST = 00:00Z: the lead window opens on the previous local day.
    GateCase(
        "lon-window-opens-day-before",
        LON,
        JUNE_15,
        "2026-06-14T20:00:00",
        Gate.PROCEED,
        None,
        "2026-06-15T00:00:00",
        LEAD_4,
    ),
    GateCase(
        "lon-1s-before-window",
        LON,
        JUNE_15,
        "2026-06-14T19:59:59",
        Gate.TOO_EARLY,
        "2026-06-14T20:00:00",
        "2026-06-15T00:00:00",
        LEAD_4,
    ),
    # New York noon EDT = 16:00Z, lead 2.5 h -> 13:30Z.
    GateCase(
        "ny-fractional-lead",
        NY,
        JUNE_15,
        "2026-06-15T13:29:59",
        Gate.TOO_EARLY,
        "2026-06-15T13:30:00",
        "2026-06-15T16:00:00",
        Rules(time_gate="lead_hours", lead_hours=2.5),
    ),
    # Spring-forward: 6:00 AM PDT 2026-03-08 = 13:00Z; 4 real hours before = 09:00Z = 1:00 AM PST
    # (the wall clock says 5 h earlier; 2:00 AM does not exist that day).
    GateCase(
        "la-spring-1s-before-lead",
        LA,
        date(2026, 3, 8),
        "2026-03-08T08:59:59",
        Gate.TOO_EARLY,
        "2026-03-08T09:00:00",
        "2026-03-08T13:00:00",
        LEAD_4,
    ),
    GateCase(
        "la-spring-at-lead",
        LA,
        date(2026, 3, 8),
        "2026-03-08T09:00:00",
        Gate.PROCEED,
        None,
        "2026-03-08T13:00:00",
        LEAD_4,
    ),
    # Fall-back: 3:00 AM PST 2026-11-01 = 11:00Z; 4 real hours before = 07:00Z = 00:00 PDT
    # (the wall clock says 3 h earlier).
    GateCase(
        "la-fall-1s-before-lead",
        LA,
        date(2026, 11, 1),
        "2026-11-01T06:59:59",
        Gate.TOO_EARLY,
        "2026-11-01T07:00:00",
        "2026-11-01T11:00:00",
        LEAD_4,
    ),
    GateCase(
        "la-fall-at-lead",
        LA,
        date(2026, 11, 1),
        "2026-11-01T07:00:00",
        Gate.PROCEED,
        None,
        "2026-11-01T11:00:00",
        LEAD_4,
    ),
    # Fall-back, 1:30 AM happens twice. First (PDT) = 08:30Z -> opens 04:30Z (9:30 PM PDT Oct 31).
    GateCase(
        "la-fall-0130-first-1s-before",
        LA,
        date(2026, 11, 1),
        "2026-11-01T04:29:59",
        Gate.TOO_EARLY,
        "2026-11-01T04:30:00",
        "2026-11-01T08:30:00",
        LEAD_4,
    ),
    GateCase(
        "la-fall-0130-first-at-lead",
        LA,
        date(2026, 11, 1),
        "2026-11-01T04:30:00",
        Gate.PROCEED,
        None,
        "2026-11-01T08:30:00",
        LEAD_4,
    ),
    # Second (PST) = 09:30Z -> opens 05:30Z (10:30 PM PDT Oct 31).
    GateCase(
        "la-fall-0130-second-1s-before",
        LA,
        date(2026, 11, 1),
        "2026-11-01T05:29:59",
        Gate.TOO_EARLY,
        "2026-11-01T05:30:00",
        "2026-11-01T09:30:00",
        LEAD_4,
    ),
    GateCase(
        "la-fall-0130-second-at-lead",
        LA,
        date(2026, 11, 1),
        "2026-11-01T05:30:00",
        Gate.PROCEED,
        None,
        "2026-11-01T09:30:00",
        LEAD_4,
    ),
]


@pytest.mark.parametrize("case", LEAD_CASES, ids=[c.id for c in LEAD_CASES])
def test_lead_hours_gate(case: GateCase) -> None:
    assert run(case).gate is case.gate


@pytest.mark.parametrize(
    "case", [c for c in LEAD_CASES if c.opens_at], ids=[c.id for c in LEAD_CASES if c.opens_at]
)
def test_lead_hours_too_early_opens_at_real_hours_before_start(case: GateCase) -> None:
    assert case.opens_at is not None
    assert run(case).opens_at == utc(case.opens_at)


def test_proceed_has_no_opens_at() -> None:
    result = check_gate(
        event_date=JUNE_15, start=None, tz=LA, rules=EVENT_DAY, now=utc("2026-06-15T19:00:00")
    )
    assert result.opens_at is None


# ---- reasons ---------------------------------------------------------------------------------


def test_event_day_too_early_reason() -> None:
    result = check_gate(
        event_date=JUNE_15, start=None, tz=LA, rules=EVENT_DAY, now=utc("2026-06-14T19:00:00")
    )
    assert result.reason == "due on 2026-06-15"


def test_event_day_proceed_reason() -> None:
    result = check_gate(
        event_date=JUNE_15, start=None, tz=LA, rules=EVENT_DAY, now=utc("2026-06-15T19:00:00")
    )
    assert result.reason == "the event is today"


def test_lead_hours_too_early_reason_is_venue_local_time() -> None:
    result = check_gate(
        event_date=date(2026, 11, 1),
        start=utc("2026-11-01T11:00:00"),
        tz=LA,
        rules=LEAD_4,
        now=utc("2026-11-01T06:00:00"),
    )
    assert result.reason == "due from 2026-11-01 00:00 PDT"


def test_lead_hours_spring_forward_reason_names_standard_time() -> None:
    result = check_gate(
        event_date=date(2026, 3, 8),
        start=utc("2026-03-08T13:00:00"),
        tz=LA,
        rules=LEAD_4,
        now=utc("2026-03-08T08:00:00"),
    )
    assert result.reason == "due from 2026-03-08 01:00 PST"


def test_lead_hours_proceed_reason() -> None:
    result = check_gate(
        event_date=JUNE_15,
        start=utc("2026-06-16T01:00:00"),
        tz=LA,
        rules=Rules(time_gate="lead_hours", lead_hours=2.5),
        now=utc("2026-06-15T23:00:00"),
    )
    assert result.reason == "within 2.5 h of the start"


def test_event_day_passed_reason() -> None:
    result = check_gate(
        event_date=JUNE_15, start=None, tz=LA, rules=EVENT_DAY, now=utc("2026-06-17T19:00:00")
    )
    assert (result.gate, result.reason) == (
        Gate.EVENT_DAY_PASSED,
        "the event day 2026-06-15 has passed",
    )


# ---- missing data ----------------------------------------------------------------------------


def test_no_date_is_missing_data() -> None:
    result = check_gate(event_date=None, start=None, tz=LA, rules=EVENT_DAY, now=utc("2026-06-15T19:00:00"))
    assert (result.gate, result.reason) == (Gate.MISSING_DATA, "the event has no date")


def test_no_date_is_missing_data_under_lead_hours() -> None:
    result = check_gate(
        event_date=None,
        start=utc("2026-06-16T01:00:00"),
        tz=LA,
        rules=LEAD_4,
        now=utc("2026-06-15T19:00:00"),
    )
    assert result.gate is Gate.MISSING_DATA


def test_lead_hours_without_start_is_missing_data() -> None:
    result = check_gate(event_date=JUNE_15, start=None, tz=LA, rules=LEAD_4, now=utc("2026-06-15T19:00:00"))
    assert (result.gate, result.reason) == (
        Gate.MISSING_DATA,
        "the event has no start time (needed by lead_hours)",
    )


def test_event_day_without_start_is_fine() -> None:
    result = check_gate(
        event_date=JUNE_15, start=None, tz=LA, rules=EVENT_DAY, now=utc("2026-06-15T19:00:00")
    )
    assert result.gate is Gate.PROCEED


def test_day_passed_wins_over_missing_start() -> None:
    result = check_gate(event_date=JUNE_15, start=None, tz=LA, rules=LEAD_4, now=utc("2026-06-17T19:00:00"))
    assert result.gate is Gate.EVENT_DAY_PASSED


# ---- helpers -----------------------------------------------------------------------------------


def test_local_midnight_spring_forward_is_standard_time() -> None:
    assert local_midnight(date(2026, 3, 8), LA) == utc("2026-03-08T08:00:00")


def test_local_midnight_fall_back_is_daylight_time() -> None:
    assert local_midnight(date(2026, 11, 1), LA) == utc("2026-11-01T07:00:00")


def test_start_instant_prefers_the_explicit_instant() -> None:
    explicit = utc("2026-11-01T09:30:00")
    wall = datetime(2026, 11, 1, 1, 30)
    assert start_instant(explicit, wall, LA) == explicit


def test_start_instant_from_ambiguous_wall_clock_is_the_first_occurrence() -> None:
    # Without event_start_utc, 1:30 AM on fall-back day is read as 1:30 AM PDT (the earlier one).
    wall = datetime(2026, 11, 1, 1, 30)
    assert start_instant(None, wall, LA) == utc("2026-11-01T08:30:00")


def test_start_instant_from_nonexistent_wall_clock() -> None:
    # 2:30 AM does not exist on spring-forward day; zoneinfo reads it with the PST offset.
    wall = datetime(2026, 3, 8, 2, 30)
    assert start_instant(None, wall, LA) == utc("2026-03-08T10:30:00")


def test_start_instant_none_without_start() -> None:
    assert start_instant(None, None, LA) is None
