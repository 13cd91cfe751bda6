"""Make Revel's order equal a plan, idempotently, verified from Revel's answers. The one place
where Revel is written.

1. `order`: the order's id: the ledger's, else found by `local_id` (only orders that carry ours),
   else created once (an absent-hint from a reconcile's batch lookup may stand for the lookup).
2. `plan_writes`: what the order holds (known empty when we just made it; else read: the order,
   its lines, payments and history) and the writes that make it equal the plan (order_diff.py):
   lines removed and added, the payment difference, the history record, the final PATCH. A
   complete order someone else made is compared, never rewritten.
3. `write`: one write, recorded ahead in `revel_ops` under a key that says what it writes (intent,
   then done with Revel's answer). A write found in `intent` may or may not have landed (a crash,
   a timeout, a lost response): it is checked against Revel before it is ever repeated.

The workflow then builds the order from the answers (`order_diff.after`) and compares it with
the plan: equal is verified, anything else is FAILED_MONEY_MISMATCH with the difference.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from tripleseat_revel.db import Database
from tripleseat_revel.integrations.revel.client import RevelClient
from tripleseat_revel.integrations.revel.errors import RevelError, RevelNotFound
from tripleseat_revel.integrations.revel.schemas import Order
from tripleseat_revel.logging import get_logger
from tripleseat_revel.sync import ledger
from tripleseat_revel.sync import revel_bodies as bodies
from tripleseat_revel.sync.order_diff import (
    AddHistory,
    AddLine,
    Answer,
    AnyWrite,
    Finalize,
    OrderSnapshot,
    OrderTotals,
    Pay,
    RemoveLine,
    RevelBehaviour,
    RevelLine,
    Write,
    differences,
    totals_differ,
    writes_for,
)
from tripleseat_revel.sync.plan import OrderPlan

log = get_logger(__name__)
# Line POSTs of one order in flight at once (a 100-line event does not open 100 sessions).
LINE_WRITERS = 8
ORDER_OP = "order"
REFUSED = (400, 403, 405, 501)
# The audit trail's name of each write (a write found to have landed says "found").
AUDIT_KIND = {
    "add": "revel.item.created",
    "remove": "revel.item.removed",
    "pay": "revel.payment.created",
    "history": "revel.history.created",
    "final": "revel.order.finalized",
}  # Revel will not do this write (as opposed to failing at it)

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


@dataclass(frozen=True)
class OrderRef:
    order_id: int
    ours: bool  # made by this connector (its creation is in revel_ops)
    fresh: bool = False  # made by us with nothing written to it since: known empty, no need to read


@dataclass(frozen=True)
class WritePlan:
    """The writes of one sync run (`key` scopes their ops), and the order they start from."""

    key: str
    before: OrderSnapshot
    writes: tuple[AnyWrite, ...]
    refusal: str | None = None
    note: str | None = None  # what a mismatch should be read with (a finding of `doctor --probe`)


class OrderWriter:
    """Writes one plan's order. Each public method is safe to repeat (a DBOS step each)."""

    def __init__(
        self,
        db: Database,
        revel: RevelClient,
        *,
        tz: ZoneInfo,
        clock: Callable[[], datetime],
        behaviour: RevelBehaviour | None = None,
        correlation_id: str | None = None,
        workflow_id: str | None = None,
    ) -> None:
        self.db, self.revel, self.tz, self.clock = db, revel, tz, clock
        self._behaviour = behaviour
        self.correlation_id, self.workflow_id = correlation_id, workflow_id

    @property
    def behaviour(self) -> RevelBehaviour:
        """What Revel is assumed to do here (given to the writer that plans the writes)."""
        if self._behaviour is None:
            raise RuntimeError("this OrderWriter was made without Revel's behaviour")
        return self._behaviour

    def _local_now(self) -> datetime:
        return self.clock().astimezone(self.tz)

    def _audit(self, plan: OrderPlan, kind: str, message: str, **data: object) -> None:
        with self.db.session() as session:
            self._audit_in(session, plan, kind, message, **data)

    def _audit_in(self, session: Session, plan: OrderPlan, kind: str, message: str, **data: object) -> None:
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

    def _done(
        self,
        plan: OrderPlan,
        op: str,
        revel_id: int | None,
        message: str,
        answer: Answer,
        *,
        kind: str,
        note: int | None = None,
    ) -> None:
        """The op recorded done with its audit line and, with `note`, the order noted on the event's
        ledger row: in one transaction."""
        with self.db.session() as session:
            ledger.op_done(
                session, plan.local_id, op, plan.event_id, revel_id, answer.model_dump(mode="json")
            )
            self._audit_in(session, plan, kind, message, op=op, revel_id=revel_id)
            if note is not None:
                self._note_in(session, plan, note)

    def _claim(self, plan: OrderPlan, op: str) -> tuple[str, Answer | None]:
        """The op's state and answer as recorded, and its intent recorded (unless it is done), in
        one transaction: whatever follows (a check that it landed, the write) comes after it."""
        with self.db.session() as session:
            state, answer = ledger.claim_op(session, plan.local_id, op, plan.event_id)
        return state, Answer.model_validate(answer) if answer is not None else None

    def _op(self, plan: OrderPlan, op: str) -> tuple[str, int | None, Answer | None]:
        with self.db.session() as session:
            row = ledger.op_state(session, plan.local_id, op)
            if row is None:
                return "", None, None
            answer = Answer.model_validate(row.answer) if row.answer else None
            return row.state, row.revel_id, answer

    # ---- 1. the order -----------------------------------------------------------------------------

    def _lookup(self, plan: OrderPlan) -> Order | None:
        """The order carrying our local_id (a Revel that ignores the filter answers others too)."""
        found = [
            o
            for o in self.revel.find_orders(plan.establishment, plan.local_id)
            if not o.deleted and o.local_id == plan.local_id
        ]
        if len(found) > 1:
            ids = sorted(o.id for o in found)
            log.warning("revel.order.duplicates", event_id=plan.event_id, order_ids=ids)
            self._audit(plan, "revel.order.duplicates", f"several Revel orders carry {plan.local_id}: {ids}")
        return min(found, key=lambda o: o.id) if found else None

    def _note(self, plan: OrderPlan, order_id: int) -> None:
        with self.db.session() as session:
            self._note_in(session, plan, order_id)

    @staticmethod
    def _note_in(session: Session, plan: OrderPlan, order_id: int) -> None:
        ledger.note_order(
            session,
            plan.event_id,
            local_id=plan.local_id,
            order_id=order_id,
            establishment=plan.establishment,
            date=plan.event_date,
        )

    def order(
        self, plan: OrderPlan, *, known: int | None = None, absent: dict[str, str] | None = None
    ) -> OrderRef:
        """The order's id: ours on record, else `known` (the ledger's), else found by local_id,
        else created once. `absent`: a reconcile's fresh "no such order" (see absent_hint_holds)."""
        state, revel_id, _ = self._op(plan, ORDER_OP)
        if state == "done" and revel_id is not None:
            with self.db.session() as session:
                fresh = not ledger.has_ops(session, plan.local_id, besides=ORDER_OP)
            self._note(plan, revel_id)  # the ledger may not name it (an order made by an older version)
            return OrderRef(revel_id, ours=True, fresh=fresh)
        if known is not None:  # the ledger's (found by local_id, or made by someone else)
            self._note(plan, known)
            return OrderRef(known, ours=False)
        checked = self._absent(plan, state, absent)
        existing = None if checked else self._lookup(plan)
        if existing is not None:
            return self._found(plan, existing, ours=bool(state))
        return self._create(plan, checked=checked)

    def _absent(self, plan: OrderPlan, state: str, hint: dict[str, str] | None) -> str:
        """Why no order carries our local_id without a lookup of our own ("": look it up): a fresh
        finding of a reconcile's batch lookup, or of one shared with the webhook syncs that started
        at the same time (sync/lookups.py). Never once an op is on record (an earlier attempt
        may have created it)."""
        if state or not absent_hint_holds(hint, plan.local_id, self.clock()):
            return ""
        assert hint is not None
        where = "a lookup shared by syncs" if hint.get("by") == "shared" else "the reconcile's lookup"
        return f" (no order carried it at {where})"

    def _found(self, plan: OrderPlan, order: Order, *, ours: bool) -> OrderRef:
        verb = "found (created by an earlier attempt)" if ours else "found by local_id"
        answer = Answer(totals=OrderTotals.of(order))
        message = f"Revel order {order.id} {verb}"
        if ours:
            self._done(plan, ORDER_OP, order.id, message, answer, kind="revel.order.found", note=order.id)
        else:
            with self.db.session() as session:  # the audit line with the note, as for our own
                self._audit_in(session, plan, "revel.order.found", message, order_id=order.id)
                self._note_in(session, plan, order.id)
        return OrderRef(order.id, ours=ours)

    def _create(self, plan: OrderPlan, *, checked: str) -> OrderRef:
        self._intent(plan, ORDER_OP)
        try:
            order = self.revel.create_order(bodies.order_body(plan, self._local_now()))
        except RevelError as exc:
            existing = self._lookup(plan) if exc.ambiguous else None
            if existing is None:
                raise
            order = existing  # created: the response was lost
        message = f"Revel order {order.id} created{checked}"
        self._done(
            plan,
            ORDER_OP,
            order.id,
            message,
            Answer(totals=OrderTotals.of(order)),
            kind="revel.order.created",
            note=order.id,
        )
        log.info("revel.order.created", event_id=plan.event_id, order_id=order.id)
        return OrderRef(order.id, ours=True, fresh=True)

    # ---- 2. what it holds, and what to write -----------------------------------------------------

    def snapshot(self, order_id: int) -> OrderSnapshot:
        """The order as Revel holds it now (four reads)."""
        order = self.revel.get_order(order_id)
        lines = tuple(RevelLine.of(i) for i in self.revel.order_items(order_id) if not i.voided_date)
        paid = sum((p.amount for p in self.revel.order_payments(order_id)), Decimal("0.00"))
        history = bool(self.revel.order_history(order_id))
        return OrderSnapshot(
            order_id=order_id, totals=OrderTotals.of(order), lines=lines, paid=paid, has_history=history
        )

    def _before(self, plan: OrderPlan, ref: OrderRef) -> OrderSnapshot:
        if ref.fresh:  # just made by us: what the creation answered, and nothing since
            _, _, answer = self._op(plan, ORDER_OP)
            totals = answer.totals if answer is not None and answer.totals is not None else OrderTotals()
            return OrderSnapshot(order_id=ref.order_id, totals=totals)
        return self.snapshot(ref.order_id)

    def plan_writes(self, plan: OrderPlan, ref: OrderRef, *, mode: str) -> WritePlan:
        """The writes that make the order equal the plan, or why none will be made."""
        try:
            before = self._before(plan, ref)
        except RevelNotFound:
            empty = OrderSnapshot(order_id=ref.order_id, totals=OrderTotals())
            return WritePlan(
                "", empty, (), f"Revel order {ref.order_id} no longer exists; re-enter it at the POS"
            )
        key = uuid.uuid4().hex[:12]
        if mode == "check" or (not ref.ours and before.complete and mode != "amend"):
            # Compared, never rewritten: someone else's finished order, or one whose event is to be
            # checked against it (an operator's re-sync, a drift the event left, an order the ledger
            # had lost track of).
            found = differences(plan, before)
            whose = "" if ref.ours else " (not made by this connector)"
            refusal = f"Revel order {ref.order_id}{whose} differs from TripleSeat"
            return WritePlan(key, before, (), refusal if found else None)
        planned = writes_for(plan, before, self.behaviour)
        if planned.writes:
            message = f"{len(planned.writes)} write(s) to order {ref.order_id}"
            with self.db.session() as session:
                ledger.begin_writes(session, plan.event_id)
                self._audit_in(
                    session, plan, "revel.writes.planned", message, writes=[w.key for w in planned.writes]
                )
        return WritePlan(key, before, tuple(planned.writes), planned.refusal, self._note_totals(plan))

    def _note_totals(self, plan: OrderPlan) -> str | None:
        if self.behaviour.totals_kept:
            return None
        # Safe: the order is still verified against TripleSeat's figures, never Revel's own, so a
        # recomputed total that differs is a failure to look at, not a silent new truth.
        return (
            f"Revel recomputes order totals in establishment {plan.establishment} (found by "
            "`doctor --probe`) instead of keeping those the connector writes; check the "
            "establishment's tax and discount set-up in Revel"
        )

    # ---- 3. one write -----------------------------------------------------------------------------

    def write(self, plan: OrderPlan, order_id: int, scope: str, write: Write) -> Answer:
        """Perform one write (or recognise that it landed already) and return Revel's answer."""
        op = f"{scope}:{write.key}"
        state, answer = self._claim(plan, op)
        if state == "done" and answer is not None:
            return answer
        if state == "intent":
            landed = self._landed(plan, order_id, scope, write)
            if landed is not None:
                message = f"{_what(write)}: it had landed (verified)"
                self._done(
                    plan, op, None, message, landed, kind=AUDIT_KIND[write.kind].replace("created", "found")
                )
                return landed
            write = self._repeat(plan, order_id, write)
        try:
            revel_id, answer, message = self._perform(plan, order_id, write, op)
        except RevelError as exc:
            if exc.status in REFUSED and isinstance(write, RemoveLine | Pay):
                refused = Answer(refused=f"Revel refused to {_what(write)} ({exc.status})")
                self._done(plan, op, None, refused.refused or "", refused, kind="revel.write.refused")
                return refused
            raise
        self._done(plan, op, revel_id, message, answer, kind=AUDIT_KIND[write.kind])
        return answer

    def write_many(self, plan: OrderPlan, order_id: int, scope: str, writes: Sequence[Write]) -> list[Answer]:
        """`write` for each of `writes` at once (independent line adds: see order_diff.write_batches),
        their answers in the same order. Each is recorded ahead on its own, so a repeat after a crash
        or an error finds the ones that landed; the first error is raised once all have ended."""
        if len(writes) == 1:
            return [self.write(plan, order_id, scope, writes[0])]
        with ThreadPoolExecutor(
            max_workers=min(len(writes), LINE_WRITERS), thread_name_prefix="revel-write"
        ) as pool:
            futures = [
                pool.submit(contextvars.copy_context().run, self.write, plan, order_id, scope, write)
                for write in writes
            ]
            wait(futures)
        return [future.result() for future in futures]

    def _perform(
        self, plan: OrderPlan, order_id: int, write: Write, op: str
    ) -> tuple[int | None, Answer, str]:
        now = self._local_now()
        if isinstance(write, AddLine):
            item = plan.items[write.index]
            created = self.revel.create_order_item(
                bodies.item_body(plan, order_id, write.index, item, now, op=op)
            )
            line = RevelLine(
                id=created.id,
                product_id=created.product_id,
                quantity=int(created.quantity),
                price=created.price,
            )
            return (
                created.id,
                Answer(line=line),
                f"line {write.index + 1}: {item.quantity} x {item.name} @ {item.unit_price:.2f}",
            )
        if isinstance(write, RemoveLine):
            self._delete(write.line)
            return write.line.id, Answer(removed=write.line.id), f"removed line {write.line.id}"
        if isinstance(write, Pay):
            body = bodies.payment_body(plan, order_id, now, amount=write.amount, op=op)
            payment = self.revel.create_payment(body)
            return (
                payment.id,
                Answer(paid=payment.amount),
                f"payment of {payment.amount:.2f} recorded (type {plan.revel.payment_type})",
            )
        if isinstance(write, AddHistory):
            history = self.revel.create_order_history(bodies.history_body(plan, order_id, now))
            return history.id, Answer(history=True), "order history recorded"
        return self._finalize(plan, order_id, write)

    def _delete(self, line: RevelLine) -> None:
        assert line.id is not None
        try:
            self.revel.delete_order_item(line.id)
        except RevelNotFound:
            return  # a repeat after a lost answer: it is gone, as wanted

    def _finalize(self, plan: OrderPlan, order_id: int, write: Finalize) -> tuple[int | None, Answer, str]:
        try:
            order = self.revel.patch_order(
                order_id, bodies.final_patch(plan, set_discount=write.set_discount)
            )
        except RevelError as exc:
            if not exc.ambiguous:
                raise
            order = self.revel.get_order(order_id)  # did the lost PATCH land?
            if totals_differ(plan, OrderTotals.of(order)):
                raise  # not (or not as sent): the step is retried, and its repeat checked (_repeat)
        if write.set_discount and order.applied_discounts is None:
            order = self.revel.get_order(order_id)  # an answer that hides a stacked discount: read it
        totals = OrderTotals.of(order)
        message = f"totals written: final {plan.totals.final_total:.2f}, due {plan.totals.remaining_due:.2f}"
        return order_id, Answer(totals=totals), message

    def _landed(self, plan: OrderPlan, order_id: int, scope: str, write: Write) -> Answer | None:
        """The answer of an ambiguous write that did land (None: it did not, write it). A write is
        found by the uuid it carried when Revel kept it; else by what it leaves behind (copies of
        the line, the amount paid), since not every Revel is known to keep client uuids."""
        op = f"{scope}:{write.key}"
        if isinstance(write, AddLine):
            items = [i for i in self.revel.order_items(order_id) if not i.voided_date]
            mine = [i for i in items if i.uuid == bodies.item_uuid(plan, write.index, op)]
            if mine:
                return Answer(line=RevelLine.of(mine[0]))
            sig = (write.product_id, write.quantity, write.price)
            twins = sorted((RevelLine.of(i) for i in items), key=lambda t: t.id or 0)
            twins = [t for t in twins if t.signature == sig]
            return Answer(line=twins[-1]) if len(twins) >= write.copies_after else None
        if isinstance(write, RemoveLine):
            live = {i.id for i in self.revel.order_items(order_id) if not i.voided_date}
            return Answer(removed=write.line.id) if write.line.id not in live else None
        if isinstance(write, Pay):
            payments = self.revel.order_payments(order_id)
            if any(p.uuid == bodies.payment_uuid(plan, op) for p in payments):
                return Answer(paid=write.amount)
            paid = sum((p.amount for p in payments), Decimal("0.00"))
            reached = paid >= write.paid_after if write.amount > 0 else paid <= write.paid_after
            return Answer(paid=write.amount) if reached else None
        if isinstance(write, AddHistory):
            return Answer(history=True) if self.revel.order_history(order_id) else None
        return None  # the final PATCH sets absolute values: it is repeated (see _repeat)

    def _repeat(self, plan: OrderPlan, order_id: int, write: Write) -> Write:
        """A write to repeat after an ambiguous attempt. The final PATCH leaves its discount out when
        the order already carries the planned one: some Revels stack a repeated discount."""
        if not isinstance(write, Finalize) or not write.set_discount:
            return write
        held = OrderTotals.of(self.revel.get_order(order_id))
        applied = held.applied_discounts
        if held.discount == plan.totals.discount and (applied is None or applied == plan.totals.discount):
            return write.model_copy(update={"set_discount": False})
        return write


def _what(write: AnyWrite) -> str:
    if isinstance(write, RemoveLine):
        return f"remove line {write.line.quantity} x product {write.line.product_id} @ {write.line.price:.2f}"
    if isinstance(write, AddLine):
        return f"add line {write.quantity} x product {write.product_id} @ {write.price:.2f}"
    if isinstance(write, Pay):
        return f"record a payment of {write.amount:.2f}"
    return {"history": "record the order history", "final": "write the totals"}[write.kind]
