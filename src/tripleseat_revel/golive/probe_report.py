"""One probe run (where, its order, what it found, what it left) and its report as Markdown, to
attach to a go-live checklist."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from tripleseat_revel.config import Location, RevelIds
from tripleseat_revel.sync.findings import BEHAVIOURS, Finding, Verdict


@dataclass
class ProbeRun:
    """One probe: where, the order it made, what it found, and what it left behind."""

    location: Location
    establishment: int
    ids: RevelIds
    local_id: str
    applies_to: list[int]
    payment_types: dict[int, int] = field(default_factory=dict)  # establishment -> its payment type
    order_id: int | None = None
    items: list[int] = field(default_factory=list)
    paid: Decimal = Decimal("0.00")
    payments: list[Decimal] = field(default_factory=list)  # each payment Revel accepted, in order
    found: list[Finding] = field(default_factory=list)
    cleanup: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def note(self, behaviour: str, verdict: Verdict, detail: str, tested_id: int | None = None) -> None:
        self.found.append(
            Finding(behaviour, verdict, detail, self.establishment, self.order_id, tested_id=tested_id)
        )

    def findings_for(self, establishment: int) -> list[Finding]:
        """The findings to store for `establishment`: a payment type's only for the type it uses."""
        mine = self.payment_types.get(establishment, self.ids.payment_type)
        return [f for f in self.found if f.behaviour != "payment_type" or f.tested_id in (None, mine)]

    def markdown(self) -> str:
        return markdown(self)


# What the connector does with each verdict (docs/go-live.md, "What the probe changes").
CONSEQUENCE = {
    (
        "payment_type",
        "refuted",
    ): "new orders with a payment are not made (FAILED_CONFIG); amends leave payments to the POS",
    ("local_id_filter", "refuted"): "batch lookups off; each sync filters Revel's answer by local_id itself",
    ("local_id_in", "refuted"): "batch lookups off: each sync looks its order up alone",
    (
        "discount_replaces",
        "refuted",
    ): "a changed discount is a drift (changed at the POS), never PATCHed again",
    ("item_delete", "refuted"): "an amend that removes lines is a drift (lines removed at the POS)",
    (
        "negative_payment",
        "confirmed",
    ): "refunds are written as negative payments only where REVEL_REFUNDS=true",
    ("negative_payment", "refuted"): "refunds are a drift (refunded at the POS)",
    (
        "totals_kept",
        "refuted",
    ): "orders are still verified against TripleSeat; a mismatch names the recompute",
}


def markdown(run: ProbeRun) -> str:
    rows = [
        f"| {f.behaviour} | {BEHAVIOURS.get(f.behaviour, '')} | **{f.verdict}** | {f.detail} | "
        f"{CONSEQUENCE.get((f.behaviour, f.verdict), 'as assumed')} |"
        for f in run.found
    ]
    lines = [
        f"# Revel probe: establishment {run.establishment}",
        "",
        f"- when: {run.at.isoformat(timespec='seconds')}",
        f"- location: {run.location.name} (test establishment {run.establishment})",
        f"- probe order: {run.order_id or '-'} (local_id `{run.local_id}`)",
        f"- findings stored for establishments: {', '.join(map(str, run.applies_to))}",
        "",
        "| behaviour | what the connector relies on | verdict | what Revel did | the connector from now on |",
        "|---|---|---|---|---|",
        *rows,
        "",
        "## Clean-up",
        "",
        *[f"- {line}" for line in run.cleanup or ["nothing to clean up"]],
    ]
    if run.left:
        lines += ["", "## Left behind (remove by hand)", "", *[f"- {line}" for line in run.left]]
    return "\n".join(lines) + "\n"
