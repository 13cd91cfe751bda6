"""What the connector assumes of Revel where its documentation is silent: the settings
(REVEL_ITEM_DELETE, REVEL_REFUNDS, REVEL_DISCOUNTS_STACK, REVEL_BATCH_LOOKUP) stand, and a
finding of `doctor --probe` for an establishment can only switch one off there (a refuted
behaviour is not relied on); a confirmed one never switches a write on (docs/go-live.md).

A finding is `confirmed` (Revel does what the connector relies on), `refuted` (it does not) or
`unknown` (the probe could not tell; the setting stands)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

import sqlalchemy as sa

from tripleseat_revel.config import Settings
from tripleseat_revel.db import Database
from tripleseat_revel.models import RevelFinding, utcnow
from tripleseat_revel.sync.order_diff import RevelBehaviour

Verdict = Literal["confirmed", "refuted", "unknown"]

# The behaviours the probe tests, in the order it tests them, each with what "confirmed" means.
BEHAVIOURS: dict[str, str] = {
    "payment_type": "the configured payment type is accepted for a payment",
    "local_id_filter": "`local_id` filters orders exactly",
    "local_id_in": "`local_id__in` filters orders exactly",
    "discount_replaces": "a repeated discount PATCH replaces the discount (does not stack)",
    "item_delete": "an OrderItem can be deleted",
    "negative_payment": "a negative payment (a refund) is accepted",
    "totals_kept": "the totals of the final PATCH are kept as sent (not recomputed)",
}


@dataclass(frozen=True)
class Finding:
    behaviour: str
    verdict: Verdict
    detail: str = ""
    establishment: int = 0
    probe_order_id: int | None = None
    probed_at: datetime | None = None
    tested_id: int | None = None  # payment_type: the payment type id the probe tried


def store(db: Database, establishment: int, found: Iterable[Finding], probe_order_id: int | None) -> None:
    """Keep the probe's findings for `establishment` (replacing earlier ones of the same behaviour)."""
    now = utcnow()
    with db.session() as session:
        for finding in found:
            row = session.get(RevelFinding, (establishment, finding.behaviour))
            if row is None:
                row = RevelFinding(establishment_id=establishment, behaviour=finding.behaviour)
                session.add(row)
            row.verdict, row.detail = finding.verdict, finding.detail
            row.probe_order_id, row.probed_at = probe_order_id, now
            row.tested_id = finding.tested_id


def load(db: Database, establishment: int | None = None) -> list[Finding]:
    """The stored findings (of one establishment, or all), by establishment and behaviour."""
    query = sa.select(RevelFinding).order_by(RevelFinding.establishment_id, RevelFinding.behaviour)
    if establishment is not None:
        query = query.where(RevelFinding.establishment_id == establishment)
    with db.session() as session:
        return [
            Finding(
                r.behaviour,
                as_verdict(r.verdict),
                r.detail,
                r.establishment_id,
                r.probe_order_id,
                r.probed_at,
                r.tested_id,
            )
            for r in session.scalars(query)
        ]


def as_verdict(value: str) -> Verdict:
    """A stored verdict (anything unexpected reads as unknown)."""
    return "confirmed" if value == "confirmed" else "refuted" if value == "refuted" else "unknown"


def defaults(settings: Settings) -> RevelBehaviour:
    """The settings' assumptions (where no finding says otherwise)."""
    return RevelBehaviour(
        item_delete=settings.REVEL_ITEM_DELETE,
        refunds=settings.REVEL_REFUNDS,
        discounts_stack=settings.REVEL_DISCOUNTS_STACK,
    )


def behaviour_for(
    db: Database, settings: Settings, establishment: int, payment_type: int | None = None
) -> RevelBehaviour:
    """What the connector assumes of `establishment`: the settings, each switched off (to the
    cautious side) where a finding refutes it. A confirmed finding never switches a write on: that
    Revel accepts a refund does not mean the operator wants refunds written (REVEL_REFUNDS). A
    finding about another payment type than `payment_type` (the one configured now) is ignored."""
    refuted = {
        f.behaviour
        for f in load(db, establishment)
        if f.verdict == "refuted" and not _other_type(f, payment_type)
    }
    base = defaults(settings)
    return replace(
        base,
        item_delete=base.item_delete and "item_delete" not in refuted,
        refunds=base.refunds and "negative_payment" not in refuted,
        discounts_stack=base.discounts_stack or "discount_replaces" in refuted,
        payment_type=base.payment_type and "payment_type" not in refuted,
        totals_kept=base.totals_kept and "totals_kept" not in refuted,
    )


def _other_type(finding: Finding, payment_type: int | None) -> bool:
    """Whether `finding` was tested with another payment type than the one configured now."""
    tested = finding.tested_id
    return (
        finding.behaviour == "payment_type" and None not in (tested, payment_type) and tested != payment_type
    )


def batch_lookup(db: Database, settings: Settings) -> bool:
    """Whether a reconcile looks orders up in batches (`local_id__in`): the setting, off once a
    probe found `local_id` or `local_id__in` not filtering exactly in any establishment."""
    if not settings.REVEL_BATCH_LOOKUP:
        return False
    with db.session() as session:
        refuted = session.scalars(
            sa.select(RevelFinding.establishment_id).where(
                RevelFinding.behaviour.in_(("local_id_in", "local_id_filter")),
                RevelFinding.verdict == "refuted",
            )
        ).first()
    return refuted is None
