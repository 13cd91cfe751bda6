"""Email content for each kind of outcome (plain text; the dedup key makes one per change)."""

from __future__ import annotations

from typing import Any

from tripleseat_revel.notify.service import Email

WHAT_TO_DO = {
    "FAILED_UNMAPPED": "Map each item to a Revel product (dashboard: Unmapped items), then Retry.",
    "FAILED_MISSING_DATA": "Complete the event in TripleSeat (date, menu document), then Retry.",
    "FAILED_MONEY_MISMATCH": "Check the event's document totals in TripleSeat, then Retry.",
    "FAILED_CONFIG": "Fix the locations file (see the reason), restart, then Retry.",
    "FAILED": "It retries by itself; if this persists, check the vendor status, then Retry.",
    "MISSED": "The event day passed without an order: enter it in Revel by hand if still needed.",
}


def _plan_lines(plan: dict[str, Any] | None) -> list[str]:
    if not plan:
        return []
    lines = [f"  {i['quantity']} x {i['name']} @ {i['unit_price']} = {i['total']}" for i in plan["items"]]
    t = plan["totals"]
    lines += [
        f"  Subtotal {t['subtotal']}  Discount {t['discount']}  Service {t['service_charge']}  "
        f"Gratuity {t['gratuity']}  Tax {t['tax']}",
        f"  Total {t['final_total']}  Paid {t['paid']}  Due {t['remaining_due']}",
    ]
    return lines


def compose(
    kind: str,
    event_id: int,
    result: dict[str, Any],
    prepared: dict[str, Any],
    *,
    public_url: str | None = None,
) -> Email:
    name = result.get("name") or f"event {event_id}"
    date = result.get("date") or ""
    outcome = result.get("outcome") or ""
    reason = result.get("reason") or ""
    plan = prepared.get("plan")
    link = f"{public_url}/events/{event_id}" if public_url else f"/events/{event_id}"
    body = [
        f"TripleSeat event #{event_id}: {name} ({date})",
        f"Outcome: {outcome}",
        f"Reason: {reason}",
    ]
    if kind == "success":
        subject = f"Order on the POS: {name} ({date}) -> Revel #{result.get('revel_order_id')}"
        body += ["", "Items and totals:", *_plan_lines(plan)]
        dedup = f"{outcome}:{(plan or {}).get('fingerprint')}"
    elif kind == "drift":
        subject = f"Changed after injection: {name} ({date})"
        body += ["", "Changes:", *[f"  - {c}" for c in prepared.get("changes") or [reason]]]
        dedup = f"{reason}:{prepared.get('changes')}"
    elif kind == "missed":
        subject = f"MISSED: {name} ({date}) never reached the POS"
        body += ["", WHAT_TO_DO["MISSED"]]
        dedup = outcome
    else:
        subject = f"Not on the POS: {name} ({date}): {outcome}"
        for item in prepared.get("unmapped") or []:
            hints = ", ".join(f"{s['name']} (#{s['product_id']})" for s in item.get("suggestions", []))
            body.append(f"  - {item['name']} (menu item {item['menu_item_id']}): {hints or 'no suggestion'}")
        body += ["", "What to do: " + WHAT_TO_DO.get(outcome, WHAT_TO_DO["FAILED"])]
        dedup = f"{outcome}:{reason}"
    body += ["", f"Details and audit trail: {link}"]
    return Email(kind=kind, event_id=event_id, subject=subject, text="\n".join(body), dedup=dedup)
