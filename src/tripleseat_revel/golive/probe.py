"""`tripleseat-revel doctor --probe`: Revel's behaviour where its documentation is silent, tested
with one probe order on a location's `test_establishment` (never elsewhere), then cleaned up.

Each behaviour the connector relies on (sync/findings.py: BEHAVIOURS) comes out confirmed,
refuted or unknown. The findings are stored for the test establishment and for every
establishment whose location names it as its test establishment (they share the Revel instance
and its set-up), and the connector follows them from its next sync.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tripleseat_revel.config import Location, RevelIds
from tripleseat_revel.golive.probe_report import ProbeRun as ProbeRun
from tripleseat_revel.integrations.revel.errors import RevelError, RevelNotFound
from tripleseat_revel.integrations.revel.schemas import Order, uri
from tripleseat_revel.kit.money import fmt
from tripleseat_revel.sync import findings
from tripleseat_revel.sync.context import Runtime

PRICE = Decimal("10.00")
FIRST_DISCOUNT, SECOND_DISCOUNT = Decimal("1.00"), Decimal("2.00")
ODD_TAX = Decimal("0.37")  # no tax rate gives this on 8.00: a Revel that recomputes changes it
REFUSED = (400, 403, 405, 501)


class ProbeRefused(Exception):
    """The probe will not run (no test establishment, no product to order)."""


def plan_probe(rt: Runtime, location: Location) -> ProbeRun:
    """What a probe of `location` would do (nothing is written yet)."""
    if location.test_establishment is None:
        raise ProbeRefused(
            f"location {location.name!r} has no test_establishment: the probe only writes there"
        )
    est = location.test_establishment
    owner = rt.config.production_owner(est)
    if owner is not None:  # the locations file refuses this too: never write a probe to real orders
        raise ProbeRefused(
            f"establishment {est} takes the real orders of location {owner!r}: the probe only writes "
            "to a test establishment that takes no real orders"
        )
    applies = sorted(
        {est} | {loc.revel_establishment for loc in rt.config.location if loc.test_establishment == est}
    )
    local_id = f"tripleseat-revel probe {uuid.uuid4().hex[:12]}"
    ids = rt.config.revel_for(location)
    types = {est: ids.payment_type}  # each establishment's own payment type is tried
    for loc in rt.config.location:
        if loc.test_establishment == est:
            types.setdefault(loc.revel_establishment, rt.config.revel_for(loc).payment_type)
    return ProbeRun(location, est, ids, local_id, applies, payment_types=types)


def run_probe(rt: Runtime, run: ProbeRun) -> ProbeRun:
    """Make the probe order, test each behaviour on it, clean up, and store the findings."""
    products = [p for p in rt.catalogues.get(run.establishment).products.values() if p.active]
    if not products:
        raise ProbeRefused(f"establishment {run.establishment} has no active product to put on a probe order")
    try:
        _create(rt, run, products[0].id)
        _filters(rt, run)
        _payments(rt, run)
        _discount(rt, run)
        _item_delete(rt, run)
        _totals(rt, run)
    finally:
        _clean_up(rt, run)
    tested = {f.behaviour for f in run.found}
    for behaviour in findings.BEHAVIOURS:
        if behaviour not in tested:
            run.note(behaviour, "unknown", "not tested: the probe stopped before it")
    for est in run.applies_to:
        findings.store(rt.db, est, run.findings_for(est), run.order_id)
    return run


def _who(run: RevelIds) -> dict[str, Any]:
    user = uri("enterprise/User", run.user)
    return {"created_by": user, "updated_by": user, "station": uri("resources/PosStation", run.pos_station)}


def _create(rt: Runtime, run: ProbeRun, product: int) -> None:
    station = uri("resources/PosStation", run.ids.pos_station)
    order = rt.revel.create_order(
        {
            "establishment": uri("enterprise/Establishment", run.establishment),
            "local_id": run.local_id,
            "notes": "tripleseat-revel doctor --probe: a test order; safe to delete",
            "call_name": "PROBE (test order)",
            "web_order": True,
            "dining_option": run.ids.dining_option,
            **_who(run.ids),
            "created_at": station,
            "last_updated_at": station,
        }
    )
    run.order_id = order.id
    for _ in range(2):
        item = rt.revel.create_order_item(
            {
                "order": uri("resources/Order", order.id),
                "product": uri("resources/Product", product),
                "quantity": 1,
                "price": fmt(PRICE),
                "dining_option": run.ids.dining_option,
                **_who(run.ids),
            }
        )
        run.items.append(item.id)


def _filters(rt: Runtime, run: ProbeRun) -> None:
    absent = f"{run.local_id} absent"
    mine = [o.id for o in rt.revel.orders_page(run.establishment, run.local_id)]
    none = [o.id for o in rt.revel.orders_page(run.establishment, absent)]
    if mine == [run.order_id] and not none:
        run.note("local_id_filter", "confirmed", "only the probe order carries its local_id; none another")
    else:
        run.note(
            "local_id_filter",
            "refuted",
            f"asked for the probe's local_id: {_count(mine)}; for an unused one: {_count(none)}",
        )
    try:
        found = rt.revel.orders_by_local_ids([run.local_id, absent], known=run.local_id, raise_transient=True)
    except RevelError as exc:  # busy or down: says nothing of the filter
        run.note("local_id_in", "unknown", f"Revel did not answer the lookup ({exc}); probe again later")
        return
    if found is not None and [o.id for o in found[run.local_id]] == [run.order_id] and not found[absent]:
        run.note("local_id_in", "confirmed", "one call returned exactly the probe order")
    else:
        run.note("local_id_in", "refuted", "refused, or answered orders it was not asked for")


def _count(ids: list[int]) -> str:
    return f"{len(ids)}{'+' if len(ids) >= 5 else ''} order(s)"


def _payment(rt: Runtime, run: ProbeRun, amount: Decimal, payment_type: int | None = None) -> str | None:
    """Write a payment; None if Revel took it, else why it did not."""
    assert run.order_id is not None
    try:
        rt.revel.create_payment(
            {
                "order": uri("resources/Order", run.order_id),
                "establishment": uri("enterprise/Establishment", run.establishment),
                "payment_type": run.ids.payment_type if payment_type is None else payment_type,
                "amount": fmt(amount),
                "tip": "0.00",
                "payment_date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                **_who(run.ids),
            }
        )
    except RevelError as exc:
        if exc.status not in REFUSED:
            raise
        return f"{exc.status}: {exc}"
    run.paid += amount
    run.payments.append(amount)
    return None


def _payment_type(rt: Runtime, run: ProbeRun, payment_type: int) -> bool:
    """Try a payment of 1.00 of `payment_type`; note the verdict; whether Revel took it."""
    refused = _payment(rt, run, Decimal("1.00"), payment_type)
    if refused:
        run.note(
            "payment_type",
            "refuted",
            f"a payment of type {payment_type} was refused ({refused})",
            payment_type,
        )
        return False
    run.note(
        "payment_type", "confirmed", f"a payment of 1.00 of type {payment_type} was accepted", payment_type
    )
    return True


def _payments(rt: Runtime, run: ProbeRun) -> None:
    for other in sorted(set(run.payment_types.values()) - {run.ids.payment_type}):
        _payment_type(rt, run, other)  # a neighbour's own type, tried before the configured one
    if not _payment_type(rt, run, run.ids.payment_type):
        run.note("negative_payment", "unknown", "not tested: the payment type is refused")
        return
    refused = _payment(rt, run, Decimal("-1.00"))
    if refused:
        run.note("negative_payment", "refuted", f"a payment of -1.00 was refused ({refused})")
    else:
        run.note(
            "negative_payment", "confirmed", "a payment of -1.00 was accepted (the probe's 1.00 is refunded)"
        )


def _discount_body(run: ProbeRun, amount: Decimal) -> dict[str, Any]:
    return {
        "discount": uri("resources/Discount", run.ids.discount),
        "discount_amount": fmt(amount),
        "discount_rule_amount": fmt(amount),
        "discount_reason": "probe",
        "discounted_by": uri("enterprise/User", run.ids.user),
    }


def _discount(rt: Runtime, run: ProbeRun) -> None:
    assert run.order_id is not None
    rt.revel.patch_order(run.order_id, _discount_body(run, FIRST_DISCOUNT))
    rt.revel.patch_order(run.order_id, _discount_body(run, SECOND_DISCOUNT))
    order = rt.revel.get_order(run.order_id)
    applied = order.applied_discounts
    if applied is None:
        run.note("discount_replaces", "unknown", "Revel's order does not show its applied discounts")
        return
    total = sum((a.discount_amount for a in applied), Decimal("0.00"))
    held = f"{len(applied)} applied discount(s) adding up to {total:.2f}"
    held += f"; its discount says {order.discount_amount}"
    if len(applied) == 1 and total == SECOND_DISCOUNT and order.discount_amount == SECOND_DISCOUNT:
        run.note("discount_replaces", "confirmed", f"after 1.00 then 2.00: {held}")
    else:
        run.note("discount_replaces", "refuted", f"after 1.00 then 2.00: {held}")


def _item_delete(rt: Runtime, run: ProbeRun) -> None:
    assert run.order_id is not None
    victim = run.items[-1]
    try:
        rt.revel.delete_order_item(victim)
    except RevelError as exc:
        if exc.status not in REFUSED:
            raise
        run.note("item_delete", "refuted", f"DELETE of OrderItem {victim} was refused ({exc.status})")
        return
    live = {i.id for i in rt.revel.order_items(run.order_id) if not i.voided_date}
    if victim in live:
        run.note(
            "item_delete", "refuted", f"DELETE of OrderItem {victim} answered, but the line is still there"
        )
        return
    run.items.remove(victim)
    run.note("item_delete", "confirmed", f"OrderItem {victim} was deleted")


def _sent_totals(run: ProbeRun) -> dict[str, Decimal]:
    subtotal = PRICE * len(run.items)
    final = subtotal - SECOND_DISCOUNT + ODD_TAX
    return {
        "subtotal": subtotal,
        "tax": ODD_TAX,
        "service_charge": Decimal("0.00"),
        "gratuity": Decimal("0.00"),
        "final_total": final,
        "remaining_due": final - run.paid,  # above 0: the order stays open (so it can be cleaned up)
    }


def _totals(rt: Runtime, run: ProbeRun) -> None:
    assert run.order_id is not None
    sent = _sent_totals(run)
    rt.revel.patch_order(run.order_id, {k: fmt(v) for k, v in sent.items()})
    order = rt.revel.get_order(run.order_id)
    held = _held(order)
    changed = [f"{k} sent {v:.2f}, Revel holds {held[k]:.2f}" for k, v in sent.items() if held[k] != v]
    if changed:
        run.note("totals_kept", "refuted", "Revel recomputed the totals: " + "; ".join(changed))
    else:
        run.note("totals_kept", "confirmed", f"every total kept as sent (final {sent['final_total']:.2f})")


def _held(order: Order) -> dict[str, Decimal]:
    zero = Decimal("0.00")
    return {
        "subtotal": order.subtotal,
        "tax": order.tax,
        "service_charge": order.service_charge or zero,
        "gratuity": order.gratuity or zero,
        "final_total": order.final_total,
        "remaining_due": order.remaining_due,
    }


def _clean_up(rt: Runtime, run: ProbeRun) -> None:
    """Delete the probe order where Revel allows it, else mark it deleted; say what stays. An order
    whose creation went unanswered is looked up by the probe's own local_id."""
    if run.order_id is not None:
        _remove(rt, run, run.order_id)
        return
    try:
        made = [
            o for o in rt.revel.orders_page(run.establishment, run.local_id, 20) if o.local_id == run.local_id
        ]
    except RevelError as exc:
        run.left.append(
            f"could not look for a probe order (local_id {run.local_id!r}) in establishment "
            f"{run.establishment} ({exc}); search that local_id at the POS and void it"
        )
        return
    for order in made:
        run.cleanup.append(f"found order {order.id} by the probe's local_id (its creation went unanswered)")
        _remove(rt, run, order.id)


def _remove(rt: Runtime, run: ProbeRun, order_id: int) -> None:
    where = f"order {order_id} (local_id {run.local_id!r}) in establishment {run.establishment}"
    try:
        rt.revel.delete_order(order_id)
        run.cleanup.append(f"deleted {where}")
        return
    except RevelNotFound:
        run.cleanup.append(f"{where} is gone")
        return
    except RevelError as exc:
        run.cleanup.append(f"Revel refused to delete the order ({exc.status}); marking it deleted instead")
    try:
        order = rt.revel.patch_order(order_id, {"deleted": True})
    except RevelError as exc:
        run.left.append(f"{where}: Revel refused to mark it deleted ({exc.status}); void it at the POS")
        return
    if not order.deleted:
        run.left.append(f"{where}: still live after marking it deleted; void it at the POS")
        return
    run.cleanup.append(f"marked {where} deleted")
    if run.payments:
        amounts = ", ".join(f"{p:.2f}" for p in run.payments)
        run.left.append(f"payments of {amounts} (net {run.paid:.2f}) stay on the deleted {where}")
