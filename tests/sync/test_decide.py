"""What to do with a freshly fetched event, in the business rules' order (SPEC §3).

Order of checks: switches (kill switch), deleted, location (+ LOCATION_OVERRIDE), status,
already injected, then the time gate.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from tests.fixtures.factories import (
    build_contact,
    build_document,
    build_event_model,
    build_line_item,
    build_locations,
    build_payment,
)
from tripleseat_revel.config import LocationsConfig
from tripleseat_revel.integrations.tripleseat.schemas import Event
from tripleseat_revel.sync.decide import (
    Action,
    Decision,
    LedgerView,
    Switches,
    decide,
    event_fingerprint,
    material_fingerprint,
)
from tripleseat_revel.sync.outcomes import EventState, Outcome


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


NOW = utc("2026-06-15T19:00:00")  # noon PDT on the event's day
SEEN = material_fingerprint(build_event_model())  # the event as it was when injected
INJECTED = LedgerView(
    state=EventState.VERIFIED,
    local_id="Triple Seat 55521609",
    ts_fingerprint=SEEN,
    verified_fingerprint="f" * 64,
    verified_ts_fingerprint=SEEN,
    revel_order_id=777,
)


def decide_for(
    event: Event | None,
    *,
    config: LocationsConfig | None = None,
    switches: Switches | None = None,
    ledger: LedgerView | None = None,
    now: datetime = NOW,
    recheck: bool = False,
) -> Decision:
    return decide(
        event,
        config=config or build_locations(),
        switches=switches or Switches(),
        ledger=ledger or LedgerView(),
        now=now,
        recheck=recheck,
    )


def location(**fields: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "tripleseat_site_id": 15691,
        "tripleseat_location_id": 20271,
        "name": "Special Events (Catering)",
        "revel_establishment": 8,
        "timezone": "America/Los_Angeles",
    }
    entry.update(fields)
    return {k: v for k, v in entry.items() if v is not None}


def config_of(*locations: dict[str, Any], **top: Any) -> LocationsConfig:
    return build_locations(location=list(locations), **top)


def wall_clock_only(**kwargs: Any) -> Event:
    """An event carrying only the venue wall-clock start (no UTC / ISO instant)."""
    event = build_event_model(**kwargs)
    return event.model_copy(update={"event_start_utc": None, "event_start_iso8601": None})


# ---- switches and deletion ---------------------------------------------------------------------


def test_disabled_connector_skips() -> None:
    decision = decide_for(build_event_model(), switches=Switches(enabled=False))
    assert (decision.action, decision.outcome, decision.reason) == (
        Action.SKIP,
        Outcome.SKIPPED_DISABLED,
        "the connector is disabled (ENABLE_CONNECTOR)",
    )


def test_disabled_is_checked_before_deletion() -> None:
    decision = decide_for(None, switches=Switches(enabled=False), ledger=INJECTED)
    assert decision.outcome is Outcome.SKIPPED_DISABLED


def test_deleted_never_injected_is_skipped() -> None:
    decision = decide_for(None)
    assert (decision.action, decision.outcome) == (Action.SKIP, Outcome.SKIPPED_DELETED)


def test_soft_deleted_never_injected_is_skipped() -> None:
    decision = decide_for(build_event_model(deleted_at="06/10/2026 09:00 AM"))
    assert (decision.action, decision.outcome) == (Action.SKIP, Outcome.SKIPPED_DELETED)


def test_deleted_after_injection_is_drift() -> None:
    decision = decide_for(None, ledger=INJECTED)
    assert (decision.action, decision.outcome, decision.reason) == (
        Action.CANCELLED,
        Outcome.DRIFT,
        "the event was deleted in TripleSeat",
    )


def test_an_acknowledged_deletion_stays_resolved() -> None:
    resolved = replace(INJECTED, state=EventState.RESOLVED, ts_fingerprint=event_fingerprint(None))
    decision = decide_for(None, ledger=resolved)
    assert (decision.action, decision.outcome) == (Action.SKIP, Outcome.RESOLVED)
    assert decide_for(None, ledger=resolved, recheck=True).outcome is Outcome.DRIFT


def test_a_resolution_of_the_event_as_it_was_does_not_cover_its_deletion() -> None:
    resolved = replace(INJECTED, state=EventState.RESOLVED)  # resolved while the event existed
    decision = decide_for(None, ledger=resolved)
    assert (decision.action, decision.outcome) == (Action.CANCELLED, Outcome.DRIFT)


def test_deleted_is_checked_before_location() -> None:
    event = build_event_model(location_id=1, site_id=2, deleted_at="06/10/2026 09:00 AM")
    assert decide_for(event).outcome is Outcome.SKIPPED_DELETED


# ---- location ------------------------------------------------------------------------------------


def test_unknown_location_is_skipped() -> None:
    decision = decide_for(build_event_model(location_id=99999, site_id=11111))
    assert (decision.action, decision.outcome, decision.reason) == (
        Action.SKIP,
        Outcome.SKIPPED_UNKNOWN_LOCATION,
        "location 99999 / site 11111 is not in the locations file",
    )


def test_an_injected_event_moved_to_an_unknown_location_is_a_drift() -> None:
    decision = decide_for(build_event_model(location_id=99999, site_id=11111), ledger=INJECTED)
    assert (decision.action, decision.outcome) == (Action.CANCELLED, Outcome.DRIFT)
    assert "a location the connector does not know; its order stays" in decision.reason


def test_an_acknowledged_move_to_an_unknown_location_stays_resolved() -> None:
    moved = build_event_model(location_id=99999, site_id=11111)
    drift = decide_for(moved, ledger=INJECTED)
    assert drift.fingerprint is not None  # what the ledger keeps for the event
    resolved = replace(INJECTED, state=EventState.RESOLVED, ts_fingerprint=drift.fingerprint)

    assert decide_for(moved, ledger=resolved).outcome is Outcome.RESOLVED


def test_a_move_to_an_unknown_location_ends_when_the_location_is_known_again() -> None:
    moved = build_event_model(location_id=99999, site_id=11111)
    drift = decide_for(moved, ledger=INJECTED)
    standing = replace(
        INJECTED, state=EventState.DRIFT, ts_fingerprint=drift.fingerprint, reason=drift.reason
    )

    back = decide_for(build_event_model(), ledger=standing)  # the file knows its location again

    assert back.action is Action.PLAN


def test_unknown_location_is_checked_before_status() -> None:
    event = build_event_model(location_id=99999, site_id=11111, status="PROSPECT")
    assert decide_for(event).outcome is Outcome.SKIPPED_UNKNOWN_LOCATION


def test_known_location_targets_its_establishment() -> None:
    decision = decide_for(build_event_model())
    assert decision.target is not None
    assert (decision.action, decision.target.establishment, decision.target.local_id) == (
        Action.PLAN,
        8,
        "Triple Seat 55521609",
    )


def test_site_wide_entry_matches_by_site_id() -> None:
    config = config_of(location(tripleseat_location_id=None, name="Whole site", revel_establishment=12))
    decision = decide_for(build_event_model(location_id=30001), config=config)
    assert decision.target is not None
    assert (decision.target.location.name, decision.target.establishment) == ("Whole site", 12)


def test_site_wide_entry_needs_the_same_site() -> None:
    config = config_of(location(tripleseat_location_id=None))
    decision = decide_for(build_event_model(location_id=30001, site_id=99), config=config)
    assert decision.outcome is Outcome.SKIPPED_UNKNOWN_LOCATION


def test_location_entry_wins_over_site_wide_entry() -> None:
    config = config_of(
        location(tripleseat_location_id=None, name="Whole site", revel_establishment=12),
        location(name="Catering", revel_establishment=8),
    )
    decision = decide_for(build_event_model(), config=config)
    assert decision.target is not None
    assert decision.target.location.name == "Catering"


def test_location_id_from_nested_location_object() -> None:
    event = build_event_model().model_copy(update={"location_id": None, "site_id": None})
    decision = decide_for(event)
    assert decision.target is not None
    assert decision.target.establishment == 8


# ---- LOCATION_OVERRIDE ------------------------------------------------------------------------


def test_override_without_test_establishment_fails_config() -> None:
    config = config_of(location(name="No Test"))
    decision = decide_for(build_event_model(), config=config, switches=Switches(location_override=True))
    assert (decision.action, decision.outcome, decision.reason) == (
        Action.SKIP,
        Outcome.FAILED_CONFIG,
        "LOCATION_OVERRIDE is on but 'No Test' has no test_establishment",
    )


def test_override_targets_the_test_establishment() -> None:
    decision = decide_for(build_event_model(), switches=Switches(location_override=True))
    assert decision.target is not None
    assert (decision.action, decision.target.establishment) == (Action.PLAN, 4)


def test_override_uses_the_test_local_id() -> None:
    decision = decide_for(build_event_model(), switches=Switches(location_override=True))
    assert decision.target is not None
    assert decision.target.local_id == "Triple Seat TEST 55521609"


def test_override_ignores_an_injection_under_the_real_local_id() -> None:
    # The real order exists; the test order does not: it is planned, not "already injected".
    decision = decide_for(build_event_model(), switches=Switches(location_override=True), ledger=INJECTED)
    assert (decision.action, decision.outcome, decision.reason) == (
        Action.PLAN,
        None,
        "the event is today",
    )


# ---- status ----------------------------------------------------------------------------------


def test_status_not_eligible_is_skipped() -> None:
    decision = decide_for(build_event_model(status="DEFINITE"))
    assert (decision.action, decision.outcome, decision.reason) == (
        Action.SKIP,
        Outcome.SKIPPED_STATUS,
        "status DEFINITE (injected: CLOSED)",
    )


def test_status_is_case_insensitive() -> None:
    assert decide_for(build_event_model(status="closed")).action is Action.PLAN


def test_lost_after_injection_is_drift() -> None:
    decision = decide_for(build_event_model(status="LOST"), ledger=INJECTED)
    assert (decision.action, decision.outcome, decision.reason) == (
        Action.CANCELLED,
        Outcome.DRIFT,
        "status changed to LOST after the order was made",
    )


def test_per_location_statuses_allow_definite() -> None:
    config = config_of(
        location(),
        location(tripleseat_location_id=20272, name="Bar", inject_statuses=["DEFINITE", "CLOSED"]),
    )
    decision = decide_for(build_event_model(status="DEFINITE", location_id=20272), config=config)
    assert decision.action is Action.PLAN


def test_per_location_statuses_leave_other_locations_alone() -> None:
    config = config_of(
        location(),
        location(tripleseat_location_id=20272, name="Bar", inject_statuses=["DEFINITE", "CLOSED"]),
    )
    decision = decide_for(build_event_model(status="DEFINITE"), config=config)
    assert decision.outcome is Outcome.SKIPPED_STATUS


def test_default_statuses_come_from_the_defaults_table() -> None:
    config = config_of(location(), defaults={"inject_statuses": ["DEFINITE"]})
    decision = decide_for(build_event_model(status="DEFINITE"), config=config)
    assert decision.action is Action.PLAN


# ---- already injected ------------------------------------------------------------------------


def test_injected_and_unchanged_is_already_injected() -> None:
    decision = decide_for(build_event_model(), ledger=INJECTED)
    assert (decision.action, decision.outcome, decision.reason) == (
        Action.SKIP,
        Outcome.ALREADY_INJECTED,
        "unchanged since injection",
    )


def test_only_updated_at_changed_is_already_injected() -> None:
    # updated_at is minute-granular and moves for changes that do not touch the order.
    event = build_event_model(updated_at="06/14/2026 08:00 AM")
    assert decide_for(event, ledger=INJECTED).outcome is Outcome.ALREADY_INJECTED


def test_only_contact_changed_is_already_injected() -> None:
    event = build_event_model(contact=build_contact(phone="555-0199"))
    assert decide_for(event, ledger=INJECTED).outcome is Outcome.ALREADY_INJECTED


@pytest.mark.parametrize(
    "change",
    [
        {"guest_count": 45},
        {"event_date": date(2026, 6, 16)},
        {"start": "7:00 PM"},
        {"documents": [build_document(lines=[build_line_item(id=1, quantity="45.0")])]},
        {"documents": [build_document(lines=[build_line_item(id=1)], tax_rate="8.75")]},
        {
            "documents": [
                build_document(lines=[build_line_item(id=1)], payments=[build_payment(amount="50.0")])
            ]
        },
    ],
    ids=["guests", "date", "start", "items", "tax", "payment"],
)
def test_injected_and_changed_is_planned_again(change: dict[str, Any]) -> None:
    decision = decide_for(build_event_model(**change), ledger=INJECTED)
    assert (decision.action, decision.outcome, decision.reason) == (
        Action.PLAN,
        None,
        "changed since injection",
    )


def test_injected_and_changed_after_the_day_is_still_compared() -> None:
    # The gate does not apply to an injected order: a late change must still raise drift.
    decision = decide_for(build_event_model(guest_count=45), ledger=INJECTED, now=utc("2026-06-20T19:00:00"))
    assert decision.action is Action.PLAN


def test_injected_without_recorded_fingerprint_is_planned_again() -> None:
    ledger = LedgerView(state=EventState.VERIFIED, local_id="Triple Seat 55521609", revel_order_id=777)
    assert decide_for(build_event_model(), ledger=ledger).action is Action.PLAN


def test_injected_drifted_and_unchanged_stays_drift() -> None:
    # The drift run recorded the changed event's fingerprint; nothing changed since.
    changed = build_event_model(guest_count=45)
    ledger = LedgerView(
        state=EventState.DRIFT,
        local_id="Triple Seat 55521609",
        ts_fingerprint=material_fingerprint(changed),
        verified_fingerprint="f" * 64,
        verified_ts_fingerprint=SEEN,
        revel_order_id=777,
    )
    assert decide_for(changed, ledger=ledger).outcome is Outcome.DRIFT


@pytest.mark.parametrize("state", [EventState.FAILED, EventState.WRITING])
def test_an_order_that_failed_after_injection_is_planned_again_even_unchanged(state: EventState) -> None:
    # Issue 11, finding 1: the failed run stored the event's fingerprint; that is no "unchanged".
    changed = build_event_model(guest_count=45)
    ledger = LedgerView(
        state=state,
        local_id="Triple Seat 55521609",
        ts_fingerprint=material_fingerprint(changed),
        verified_fingerprint="f" * 64,
        verified_ts_fingerprint=SEEN,
        revel_order_id=777,
    )
    assert decide_for(changed, ledger=ledger).action is Action.PLAN


def test_a_resolved_event_stays_resolved_until_it_changes() -> None:
    changed = build_event_model(guest_count=45)
    ledger = LedgerView(
        state=EventState.RESOLVED,
        local_id="Triple Seat 55521609",
        ts_fingerprint=material_fingerprint(changed),
        revel_order_id=777,
    )
    assert decide_for(changed, ledger=ledger).outcome is Outcome.RESOLVED
    assert decide_for(build_event_model(guest_count=50), ledger=ledger).action is Action.PLAN


def test_an_acknowledged_failure_without_an_order_stays_resolved_until_it_changes() -> None:
    # Review finding 9: a resolution stood only for events with an order.
    event = build_event_model()
    ledger = LedgerView(state=EventState.RESOLVED, ts_fingerprint=material_fingerprint(event))

    assert decide_for(event, ledger=ledger).outcome is Outcome.RESOLVED
    assert decide_for(build_event_model(guest_count=50), ledger=ledger).action is Action.PLAN
    assert decide_for(event, ledger=ledger, recheck=True).action is Action.PLAN


def test_a_money_mismatch_found_after_writing_stands_while_the_event_is_unchanged() -> None:
    # Review finding 1: writing again would repeat what Revel did wrong (a stacked discount).
    changed = build_event_model(guest_count=45)
    ledger = LedgerView(
        state=EventState.FAILED,
        outcome=Outcome.FAILED_MONEY_MISMATCH.value,
        reason="Revel's order 777 differs from the plan after the writes: discount ...",
        local_id="Triple Seat 55521609",
        ts_fingerprint=material_fingerprint(changed),
        revel_order_id=777,
    )

    standing = decide_for(changed, ledger=ledger)

    assert (standing.action, standing.outcome) == (Action.SKIP, Outcome.FAILED_MONEY_MISMATCH)
    assert standing.reason == ledger.reason
    assert decide_for(build_event_model(guest_count=50), ledger=ledger).action is Action.PLAN
    assert decide_for(changed, ledger=ledger, recheck=True).action is Action.PLAN


def test_an_operator_recheck_plans_a_verified_unchanged_event() -> None:
    assert decide_for(build_event_model(), ledger=INJECTED).outcome is Outcome.ALREADY_INJECTED
    assert decide_for(build_event_model(), ledger=INJECTED, recheck=True).action is Action.PLAN


# ---- the time gate -------------------------------------------------------------------------------


def test_too_early_is_skipped_with_opens_at() -> None:
    decision = decide_for(build_event_model(), now=utc("2026-06-14T19:00:00"))
    assert (decision.action, decision.outcome, decision.opens_at) == (
        Action.SKIP,
        Outcome.SKIPPED_TOO_EARLY,
        utc("2026-06-15T07:00:00"),
    )


def test_day_passed_never_injected_is_missed() -> None:
    decision = decide_for(build_event_model(), now=utc("2026-06-16T19:00:00"))
    assert (decision.action, decision.outcome, decision.reason) == (
        Action.SKIP,
        Outcome.MISSED,
        "the event day 2026-06-15 has passed and the event was never injected",
    )


def test_event_day_proceeds_to_plan() -> None:
    decision = decide_for(build_event_model())
    assert (decision.action, decision.outcome, decision.reason) == (
        Action.PLAN,
        None,
        "the event is today",
    )


def test_no_date_fails_missing_data() -> None:
    decision = decide_for(build_event_model(event_date=None))
    assert (decision.action, decision.outcome, decision.reason) == (
        Action.SKIP,
        Outcome.FAILED_MISSING_DATA,
        "the event has no date",
    )


def test_gate_uses_the_locations_time_zone() -> None:
    # 2026-06-15T05:00Z is still June 14 in Los Angeles but already June 15 in New York.
    config = config_of(location(timezone="America/New_York"))
    decision = decide_for(build_event_model(), config=config, now=utc("2026-06-15T05:00:00"))
    assert decision.action is Action.PLAN


def test_rails_zone_name_in_locations_file_works_for_the_gate() -> None:
    config = config_of(location(timezone="Eastern Time (US & Canada)"))
    decision = decide_for(build_event_model(), config=config, now=utc("2026-06-15T05:00:00"))
    assert decision.action is Action.PLAN


LEAD_4 = {"time_gate": "lead_hours", "lead_hours": 4}


def test_lead_hours_from_wall_clock_start_in_the_locations_zone() -> None:
    # 6:00 PM PDT = 01:00Z next day; 4 h before = 21:00Z.
    config = config_of(location(**LEAD_4))
    decision = decide_for(wall_clock_only(), config=config, now=utc("2026-06-15T20:00:00"))
    assert (decision.outcome, decision.opens_at) == (
        Outcome.SKIPPED_TOO_EARLY,
        utc("2026-06-15T21:00:00"),
    )


def test_lead_hours_ambiguous_wall_clock_reads_the_first_occurrence() -> None:
    # 1:30 AM on 2026-11-01 (fall-back) without an instant: 1:30 AM PDT = 08:30Z, opens 04:30Z.
    config = config_of(location(**LEAD_4))
    event = wall_clock_only(event_date=date(2026, 11, 1), start="1:30 AM", end="3:00 AM")
    decision = decide_for(event, config=config, now=utc("2026-11-01T04:00:00"))
    assert decision.opens_at == utc("2026-11-01T04:30:00")


def test_lead_hours_explicit_instant_wins_over_wall_clock() -> None:
    # TripleSeat says the second 1:30 AM (PST) = 09:30Z: opens 05:30Z.
    config = config_of(location(**LEAD_4))
    event = build_event_model(event_date=date(2026, 11, 1), start="1:30 AM", end="3:00 AM", fold=1)
    decision = decide_for(event, config=config, now=utc("2026-11-01T05:00:00"))
    assert decision.opens_at == utc("2026-11-01T05:30:00")


def test_lead_hours_without_start_fails_missing_data() -> None:
    config = config_of(location(**LEAD_4))
    decision = decide_for(build_event_model(start=None), config=config)
    assert (decision.outcome, decision.reason) == (
        Outcome.FAILED_MISSING_DATA,
        "the event has no start time (needed by lead_hours)",
    )
