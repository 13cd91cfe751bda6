"""Make Revel match the plan, idempotently. The one place where Revel is written.

Every write is recorded ahead in `revel_ops` (intent), then done. An op found in `intent` may or may
not have landed (crash, timeout, lost response), so it is verified against Revel before it is ever
repeated; an order found by `local_id` that our ledger did not create is adopted and completed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from tripleseat_revel.db import Database
from tripleseat_revel.integrations.revel.client import RevelClient
from tripleseat_revel.integrations.revel.errors import RevelError
from tripleseat_revel.integrations.revel.schemas import Order, OrderItem
from tripleseat_revel.logging import get_logger
from tripleseat_revel.sync import ledger
from tripleseat_revel.sync import revel_bodies as bodies
from tripleseat_revel.sync.plan import OrderPlan, PlannedItem

log = get_logger(__name__)


@dataclass(frozen=True)
class OrderRef:
    order_id: int
    adopted: bool  # found in Revel without our ledger having created it
    complete: bool = False  # adopted and already carries items and totals


def _signature(
    product_id: int | None, quantity: Decimal | int, price: Decimal
) -> tuple[int | None, int, str]:
    return (product_id, int(quantity), f"{price:.2f}")


# How long "Revel had no order with this local_id" spares a sync its own lookup. Only something
# other than this connector could have created one since (our own creations are in revel_ops
# first, and a sync with any op on record always looks up), such as the replaced system left
# running beside it; the hint's age bounds that window.
ABSENT_FOR = timedelta(minutes=30)


def absent_hint_holds(hint: dict[str, str] | None, local_id: str, now: datetime) -> bool:
    """Whether a reconcile's "no such order" for `local_id` is fresh enough to skip the lookup."""
    if not hint or hint.get("local_id") != local_id:
        return False
    try:
        age = now - datetime.fromisoformat(hint["checked_at"])
    except (KeyError, ValueError, TypeError):  # TypeError: naive against aware
        return False
    return timedelta(0) <= age <= ABSENT_FOR


class OrderWriter:
    """Writes one plan's order. Each public method is safe to repeat (a DBOS step each)."""

    def __init__(
        self,
        db: Database,
        revel: RevelClient,
        *,
        tz: ZoneInfo,
        clock: Callable[[], datetime],
        correlation_id: str | None = None,
        workflow_id: str | None = None,
    ) -> None:
        self.db = db
        self.revel = revel
        self.tz = tz
        self.clock = clock
        self.correlation_id = correlation_id
        self.workflow_id = workflow_id

    def _local_now(self) -> datetime:
        return self.clock().astimezone(self.tz)

    def _audit(self, plan: OrderPlan, kind: str, message: str, **data: object) -> None:
        with self.db.session() as session:
            ledger.audit(
                session,
                plan.event_id,
                kind,
                message,
                correlation_id=self.correlation_id,
                workflow_id=self.workflow_id,
                data=dict(data) or None,
            )

    def _intent(self, plan: OrderPlan, op: str) -> None:
        with self.db.session() as session:
            ledger.op_intent(session, plan.local_id, op, plan.event_id)

    def _done(self, plan: OrderPlan, op: str, revel_id: int | None, kind: str, message: str) -> None:
        with self.db.session() as session:
            ledger.op_done(session, plan.local_id, op, plan.event_id, revel_id)
            ledger.audit(
                session,
                plan.event_id,
                kind,
                message,
                correlation_id=self.correlation_id,
                workflow_id=self.workflow_id,
                data={"op": op, "revel_id": revel_id},
            )

    def _ops(self, plan: OrderPlan) -> dict[str, tuple[str, int | None]]:
        with self.db.session() as session:
            return {
                op: (row.state, row.revel_id) for op, row in ledger.ops_of(session, plan.local_id).items()
            }

    # ---- the order ---------------------------------------------------------------------------

    def _lookup(self, plan: OrderPlan) -> Order | None:
        found = [o for o in self.revel.find_orders(plan.establishment, plan.local_id) if not o.deleted]
        if len(found) > 1:
            ids = sorted(o.id for o in found)
            log.warning("revel.order.duplicates", event_id=plan.event_id, order_ids=ids)
            self._audit(
                plan,
                "revel.order.duplicates",
                f"several Revel orders carry {plan.local_id}: {ids}",
                order_ids=ids,
            )
        return min(found, key=lambda o: o.id) if found else None

    def ensure_order(self, plan: OrderPlan, *, absent: dict[str, str] | None = None) -> OrderRef:
        """The order's id: from the ledger, else found by local_id, else created once.

        `absent`: a reconcile's batch lookup found no order with this local_id a moment ago; if we
        never started this order (no op on record) and the finding is fresh, it stands in for
        the lookup (see reconcile.absent_orders)."""
        state, revel_id = self._ops(plan).get("order", ("", None))
        if state == "done" and revel_id is not None:
            return OrderRef(revel_id, adopted=False)
        skip_lookup = not state and absent_hint_holds(absent, plan.local_id, self.clock())
        existing = None if skip_lookup else self._lookup(plan)
        if existing is not None:
            return self._adopt(plan, existing, ours=bool(state))
        self._intent(plan, "order")
        try:
            order = self.revel.create_order(bodies.order_body(plan, self._local_now()))
        except RevelError as exc:
            if exc.ambiguous:
                existing = self._lookup(plan)
                if existing is not None:
                    self._done(
                        plan,
                        "order",
                        existing.id,
                        "revel.order.created",
                        f"order {existing.id} was created (the response was lost)",
                    )
                    return OrderRef(existing.id, adopted=False)
            raise
        checked = f" (no order carried {plan.local_id} at the reconcile's lookup)" if skip_lookup else ""
        self._done(plan, "order", order.id, "revel.order.created", f"Revel order {order.id} created{checked}")
        log.info("revel.order.created", event_id=plan.event_id, order_id=order.id)
        return OrderRef(order.id, adopted=False)

    def _adopt(self, plan: OrderPlan, order: Order, *, ours: bool) -> OrderRef:
        items = [] if ours else self._live_items(order.id)
        complete = not ours and bool(items) and order.final_total > 0
        verb = "found (created by an earlier attempt)" if ours else "found by local_id"
        self._done(plan, "order", order.id, "revel.order.found", f"Revel order {order.id} {verb}")
        if not ours and not complete:
            self._claim_existing_items(plan, order.id, items)
        return OrderRef(order.id, adopted=not ours, complete=complete)

    # ---- items -------------------------------------------------------------------------------

    def _live_items(self, order_id: int) -> list[OrderItem]:
        return [i for i in self.revel.order_items(order_id) if not i.voided_date]

    def _claim_existing_items(self, plan: OrderPlan, order_id: int, items: list[OrderItem]) -> None:
        """Mark the plan lines an adopted (partial) order already has as done."""
        available = Counter(_signature(i.product_id, i.quantity, i.price) for i in items)
        for index, item in enumerate(plan.items):
            sig = _signature(item.product_id, item.quantity, item.unit_price)
            if available[sig] > 0:
                available[sig] -= 1
                self._done(
                    plan,
                    f"item:{index}",
                    None,
                    "revel.item.found",
                    f"line {index + 1} ({item.name}) already on order {order_id}",
                )

    def _landed(
        self, plan: OrderPlan, order_id: int, index: int, ops: dict[str, tuple[str, int | None]]
    ) -> bool:
        """Did the ambiguous write of line `index` land? Count its twins on the order."""
        item = plan.items[index]
        sig = _signature(item.product_id, item.quantity, item.unit_price)
        present = sum(
            1 for i in self._live_items(order_id) if _signature(i.product_id, i.quantity, i.price) == sig
        )
        known = sum(
            1
            for k, other in enumerate(plan.items)
            if k != index
            and ops.get(f"item:{k}", ("", None))[0] == "done"
            and _signature(other.product_id, other.quantity, other.unit_price) == sig
        )
        return present > known

    def ensure_item(self, plan: OrderPlan, order_id: int, index: int) -> None:
        op = f"item:{index}"
        ops = self._ops(plan)
        state = ops.get(op, ("", None))[0]
        if state == "done":
            return
        item: PlannedItem = plan.items[index]
        if state == "intent" and self._landed(plan, order_id, index, ops):
            self._done(plan, op, None, "revel.item.created", f"line {index + 1} was added (verified)")
            return
        self._intent(plan, op)
        created = self.revel.create_order_item(
            bodies.item_body(plan, order_id, index, item, self._local_now())
        )
        self._done(
            plan,
            op,
            created.id,
            "revel.item.created",
            f"line {index + 1}: {item.quantity} x {item.name} @ {item.unit_price:.2f}",
        )

    # ---- payment, history, totals ------------------------------------------------------------

    def ensure_payment(self, plan: OrderPlan, order_id: int, *, adopted: bool = False) -> None:
        if plan.totals.paid <= 0:
            return
        state = self._ops(plan).get("payment", ("", None))[0]
        if state == "done":
            return
        if state == "intent" or adopted:
            paid = sum((p.amount for p in self.revel.order_payments(order_id)), Decimal("0.00"))
            if paid >= plan.totals.paid:
                self._done(
                    plan,
                    "payment",
                    None,
                    "revel.payment.found",
                    f"payment of {paid:.2f} is on the order",
                )
                return
        self._intent(plan, "payment")
        payment = self.revel.create_payment(bodies.payment_body(plan, order_id, self._local_now()))
        self._done(
            plan,
            "payment",
            payment.id,
            "revel.payment.created",
            f"payment of {plan.totals.paid:.2f} recorded (type {plan.revel.payment_type})",
        )

    def ensure_history(self, plan: OrderPlan, order_id: int, *, adopted: bool = False) -> None:
        state = self._ops(plan).get("history", ("", None))[0]
        if state == "done":
            return
        if (state == "intent" or adopted) and self.revel.order_history(order_id):
            self._done(plan, "history", None, "revel.history.found", "order history already present")
            return
        self._intent(plan, "history")
        history = self.revel.create_order_history(bodies.history_body(plan, order_id, self._local_now()))
        self._done(plan, "history", history.id, "revel.history.created", "order history recorded")

    def finalize(self, plan: OrderPlan, order_id: int) -> Order:
        """Write the totals and discount (a repeatable PATCH); the order is then complete."""
        try:
            order = self.revel.patch_order(order_id, bodies.final_patch(plan))
        except RevelError as exc:
            if not exc.ambiguous:
                raise
            order = self.revel.get_order(order_id)  # did the lost PATCH land?
            totals = (order.subtotal, order.final_total, order.remaining_due)
            if totals != (plan.totals.subtotal, plan.totals.final_total, plan.totals.remaining_due):
                raise
        self._done(
            plan,
            "final",
            order_id,
            "revel.order.finalized",
            f"totals written: final {plan.totals.final_total:.2f}, due {plan.totals.remaining_due:.2f}",
        )
        return order

    # ---- amend (on_change = amend) -----------------------------------------------------------

    def amend(self, plan: OrderPlan, order_id: int) -> str | None:
        """Make an open order match a changed plan; state-based, so repeating it is safe.

        Returns why it could not be amended (None when it was)."""
        order = self.revel.get_order(order_id)
        if order.closed:
            return f"Revel order {order_id} is closed; change it at the POS"
        items = self._live_items(order_id)
        want = Counter(_signature(i.product_id, i.quantity, i.unit_price) for i in plan.items)
        for existing in items:
            sig = _signature(existing.product_id, existing.quantity, existing.price)
            if want[sig] > 0:
                want[sig] -= 1
            else:
                self.revel.delete_order_item(existing.id)
                self._audit(plan, "revel.item.removed", f"removed item {existing.id} from order {order_id}")
        for index, item in enumerate(plan.items):
            sig = _signature(item.product_id, item.quantity, item.unit_price)
            if want[sig] > 0:
                want[sig] -= 1
                body = bodies.item_body(plan, order_id, index, item, self._local_now())
                body["uuid"] = bodies.stable_uuid(plan.local_id, "amend", plan.fingerprint, index)
                created = self.revel.create_order_item(body)
                self._audit(
                    plan,
                    "revel.item.created",
                    f"added {item.quantity} x {item.name}",
                    item_id=created.id,
                )
        paid = sum((p.amount for p in self.revel.order_payments(order_id)), Decimal("0.00"))
        if plan.totals.paid > paid:
            body = bodies.payment_body(plan, order_id, self._local_now())
            body.update(
                amount=f"{plan.totals.paid - paid:.2f}",
                uuid=bodies.stable_uuid(plan.local_id, "payment", plan.fingerprint),
            )
            self.revel.create_payment(body)
            self._audit(
                plan,
                "revel.payment.created",
                f"additional payment of {plan.totals.paid - paid:.2f}",
            )
        self.finalize(plan, order_id)
        return None
