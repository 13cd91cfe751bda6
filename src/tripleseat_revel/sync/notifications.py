"""Which email a sync outcome deserves, and its content (one per outcome change: see notify/)."""

from __future__ import annotations

from tripleseat_revel.notify.emails import OutcomeFacts, compose
from tripleseat_revel.sync import ledger
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.sync.outcomes import Outcome
from tripleseat_revel.sync.prepare import AnyPrepared, Problem
from tripleseat_revel.sync.results import EventResult

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


def outcome_facts(result: EventResult, prepared: AnyPrepared | None, *, episode: int = 0) -> OutcomeFacts:
    """What the email of `result` says: the ledger's result, completed by what the sync saw, in the
    event's alert `episode`."""
    event = prepared.event if prepared is not None else None
    plan = getattr(prepared, "plan", None)
    return OutcomeFacts(
        event_id=result.id,
        outcome=result.outcome or "",
        reason=result.reason or "",
        error=result.error,
        name=result.name or (event.name if event else None),
        date=result.date or (event.date if event else None),
        location=event.location if event else None,
        revel_order_id=result.revel_order_id,
        plan=plan.to_json() if plan is not None else None,
        unmapped=[u.model_dump(mode="json") for u in prepared.unmapped]
        if isinstance(prepared, Problem)
        else [],
        changes=getattr(prepared, "changes", None) or [],
        ts_fingerprint=prepared.ts_fingerprint if prepared is not None else None,
        episode=episode,
    )


ALERTS = ("failure", "drift", "missed")


def notify_outcome(rt: Runtime, result: EventResult, prepared: AnyPrepared | None) -> bool:
    """Send the outcome's email if it deserves one and it was not sent before (True if it went out
    now), and keep the event's open alert: the email of its drift or failure, none after a success.
    The email is in the outbox before the ledger points at it."""
    kind = EMAIL_KIND.get(result.outcome or "")
    email = None
    if kind:
        with rt.db.session() as session:
            episode = ledger.alert_episode(session, result.id)
        facts = outcome_facts(result, prepared, episode=episode)
        email = compose(kind, facts, public_url=rt.settings.PUBLIC_URL)
    sent = rt.notifier.send(email) if email is not None else False
    outcome = Outcome(result.outcome) if result.outcome else None
    if outcome is not None and (outcome.on_the_pos or kind in ALERTS):
        with rt.db.session() as session:
            ledger.set_alert(session, result.id, email.key if email is not None and kind in ALERTS else None)
    return sent
