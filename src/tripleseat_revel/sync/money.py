"""An event's money (pure): TripleSeat's figures, checked against themselves before anything is
planned. docs/money.md says where each amount lands in Revel and why a document is refused.

Checks, each a refusal rather than an order with money known to be wrong:
- a document with lines but no financials (grand total) is missing data: nothing to check against;
- per document: lines - discount + charges + tax = its grand total; its `amount_due` (financials
  and payment set, when given) = grand total - what was paid on it;
- per event: its `grand_total` and `amount_due` (when given) agree with the documents' sums;
- payments never exceed the total;
- two documents that carry the same line items (a BEO and its invoice) count once, but a payment
  listed only on the copy is paid all the same; two that share only some lines cannot be added
  up, and are refused.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from tripleseat_revel.config import MoneyRules
from tripleseat_revel.integrations.tripleseat.schemas import Document, Event, LineItem, Payment
from tripleseat_revel.kit.money import ZERO, cents


class MoneyProblem(Exception):
    """TripleSeat's figures cannot be turned into an order: `missing` data, or they disagree."""

    def __init__(self, reason: str, *, missing: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.missing = missing


@dataclass(frozen=True)
class EventMoney:
    """The event's money as TripleSeat states it, summed over the documents that count."""

    documents: tuple[Document, ...]  # the live documents that count (copies left out)
    subtotal: Decimal
    discount: Decimal
    service_charge: Decimal
    gratuity: Decimal
    tax: Decimal
    final_total: Decimal
    paid: Decimal

    @property
    def lines(self) -> list[LineItem]:
        return [li for doc in self.documents for li in doc.line_items]


# Words that say what a billing line is *not*, or what it is counted before or without: the name
# they qualify is no name of the line ("Service Charge - not a gratuity", "Tax-exempt Service
# Charge", "Service Charge (pre-tax)", "Admin fee in lieu of gratuity"). They are removed first.
_QUALIFIED = re.compile(
    r"""
      \bnot\s+(?:(?:a|an|the|subject|to|part|of|considered|counted|treated|as|included|in|for)\s+)*[\w-]+
    | \bnon[\s-]*\w+
    | \b(?:pre|before|after|excluding|excl|without|net\s+of|in\s+lieu\s+of|instead\s+of)[\s.-]+\w+
    | \b\w+[\s-]+(?:exempt|free)\b(?!\s+(?:of|from)\b)
    | \bexempt\s+(?:from\s+)?\w+
    | \bfree\s+of\s+\w+
    """,
    re.VERBOSE,
)


# Words that name a service charge; only used to see which name a line's own name ends with.
_SERVICE_NAMES = ["service", "charge", "surcharge", "fee", "admin", "administrative"]

# Where a line's own name ends and a clause describing it begins ("Service Charge, subject to
# sales tax", "Sales Tax on Service Charge", "Gratuity (not taxable)", "Service Charge plus tax").
_CLAUSE = re.compile(
    r"[,;:()\[\]/]|\s[-–—]\s|\b(?:on|is|are|subject|taxed|plus|incl|including|included|with|for|applied|"
    r"added|per|and|or|at)\b"
)


def _last_mention(text: str, names: list[str]) -> int | None:
    """Where the last of `names` appears in `text` as a whole word ("Taxable Service Charge" holds
    no "tax", "Multiple" no "tip"), or None."""
    found = [m.start() for name in names for m in re.finditer(rf"\b{re.escape(name.casefold())}\b", text)]
    return max(found) if found else None


def _named(text: str, money: MoneyRules) -> str | None:
    """What `text` names, by its last noun ("Service Charge Tax" is a tax, "Service Gratuity" a
    gratuity), or None when it names nothing."""
    candidates = {
        kind: at
        for kind, at in (
            ("tax", _last_mention(text, money.tax_names)),
            ("gratuity", _last_mention(text, money.gratuity_names)),
            ("service_charge", _last_mention(text, _SERVICE_NAMES)),
        )
        if at is not None
    }
    return max(candidates, key=lambda kind: candidates[kind]) if candidates else None


def classify(description: str, money: MoneyRules) -> str:
    """tax | gratuity | service_charge, for a billing line's free-text name (docs/money.md). The
    qualifiers are removed ("not a tip", "tax-exempt"); then the line is what its own name (the
    words before a describing clause) names by its last noun: "Service Charge Tax" is a tax,
    "Service Charge, subject to sales tax" a service charge, "Sales Tax on Service Charge" a tax.
    A name with none of the words is read whole, and a line naming nothing is a service charge."""
    text = _QUALIFIED.sub(" ", description.casefold())
    own = _CLAUSE.split(text, maxsplit=1)[0]
    return _named(own, money) or _named(text, money) or "service_charge"


def line_total(line: LineItem) -> Decimal:
    return line.total_price if line.total_price is not None else cents(line.quantity * line.price)


def _paid(payments: Iterable[Payment]) -> Decimal:
    return sum((p.net_paid for p in payments), ZERO)


@dataclass
class _Figures:
    subtotal: Decimal = ZERO
    discount: Decimal = ZERO
    service_charge: Decimal = ZERO
    gratuity: Decimal = ZERO
    tax: Decimal = ZERO
    grand_total: Decimal = ZERO


def _document_figures(doc: Document, money: MoneyRules) -> _Figures:
    """One document's figures, checked against its own grand total and amounts due."""
    fin = doc.financials
    if fin is None or fin.grand_total is None:
        raise MoneyProblem(
            f"document {doc.id} has no financials (grand total) to check against", missing=True
        )
    figures = _Figures(
        subtotal=sum((line_total(li) for li in doc.line_items), ZERO), grand_total=fin.grand_total
    )
    if fin.discounts_total is not None:
        figures.discount = fin.discounts_total
    else:
        figures.discount = sum((li.discount or ZERO for li in doc.line_items), ZERO)
    for billing in doc.billing_totals:
        kind = classify(billing.description or "", money)
        setattr(figures, kind, getattr(figures, kind) + billing.total_price)
    computed = figures.subtotal - figures.discount + figures.service_charge + figures.gratuity + figures.tax
    if computed != figures.grand_total:
        raise MoneyProblem(
            f"document {doc.id}: items {figures.subtotal} - discount {figures.discount} + charges "
            f"{figures.service_charge + figures.gratuity} + tax {figures.tax} = {computed}, "
            f"but TripleSeat's grand total is {figures.grand_total}"
        )
    if money.check_amount_due:
        _check_amount_due(doc, figures.grand_total)
    return figures


def _check_amount_due(doc: Document, grand_total: Decimal) -> None:
    payments = doc.payment_set.payments if doc.payment_set is not None else []
    due = grand_total - _paid(payments)
    stated = [
        ("financials", doc.financials.amount_due if doc.financials else None),
        ("payment set", doc.payment_set.amount_due if doc.payment_set else None),
    ]
    for where, amount in stated:
        if amount is not None and amount != due:
            raise MoneyProblem(
                f"document {doc.id}: TripleSeat's amount due ({where}) is {amount}, but its grand "
                f"total {grand_total} less {grand_total - due} paid is {due}"
            )


def counted_documents(docs: list[Document]) -> list[Document]:
    """The documents whose lines and money count (see `split_copies`)."""
    return split_copies(docs)[0]


def split_copies(docs: list[Document]) -> tuple[list[Document], list[Document]]:
    """(counted, copies): a document that repeats every line of an earlier one (same line ids) is
    a copy, whose lines and money are not added again (a BEO and the invoice made from it); one
    that shares only some is refused. A copy may still list a payment the original does not."""
    counted: list[Document] = []
    copies: list[Document] = []
    owner: dict[int, Document] = {}
    for doc in docs:
        ids = {li.id for li in doc.line_items if li.id is not None}
        shared = ids & owner.keys()
        if shared and shared == ids and len(ids) == len(doc.line_items):
            _check_copy(owner[min(shared)], doc)
            copies.append(doc)
            continue
        if shared:
            other = owner[min(shared)]
            raise MoneyProblem(
                f"documents {other.id} and {doc.id} share line items {sorted(shared)} but are not "
                "copies of each other: their money cannot be added up"
            )
        counted.append(doc)
        owner.update({i: doc for i in ids})
    return counted, copies


def _check_copy(original: Document, copy: Document) -> None:
    """A copy (the invoice of a BEO) that totals otherwise than its original adds something of its
    own (a gratuity, a fee): which one is right is for a person to say."""
    mine, theirs = _grand_total(copy), _grand_total(original)
    if mine is not None and theirs is not None and mine != theirs:
        raise MoneyProblem(
            f"document {copy.id} repeats the lines of document {original.id} but totals {mine:.2f}, "
            f"not {theirs:.2f}: which one counts?"
        )


def _grand_total(doc: Document) -> Decimal | None:
    return doc.financials.grand_total if doc.financials is not None else None


def _payments(doc: Document) -> list[Payment]:
    return list(doc.payment_set.payments) if doc.payment_set else []


def _unique_payments(counted: list[Document], copies: list[Document]) -> list[Payment]:
    """Every payment the documents list, once each: a payment on two documents has one id, and a
    copy's payment without an id counts only if no payment counted before it is the same in all but
    its id (an original's, with or without an id, or an earlier copy's)."""
    unique: list[Payment] = []
    seen: set[int] = set()

    def by_id(payment: Payment) -> bool:
        """Counts `payment` unless its id was counted; answers whether it had an id."""
        if payment.id is None:
            return False
        if payment.id not in seen:
            seen.add(payment.id)
            unique.append(payment)
        return True

    for doc in counted:
        for payment in _payments(doc):
            if not by_id(payment):
                unique.append(payment)
    for copy in copies:
        before = Counter(_same_but_id(p) for p in unique)  # what this copy may repeat
        for payment in _payments(copy):
            if by_id(payment):
                continue
            if before[_same_but_id(payment)] > 0:
                before[_same_but_id(payment)] -= 1  # listed before: the same deposit again
                continue
            unique.append(payment)
    return unique


def _same_but_id(payment: Payment) -> str:
    return payment.model_dump_json(exclude={"id"})


def _check_event(event: Event, total: Decimal, paid: Decimal, money: MoneyRules) -> None:
    if paid > total:
        raise MoneyProblem(f"payments {paid} exceed the grand total {total}")
    if not money.check_event_totals:
        return
    if event.grand_total is not None and event.grand_total != total:
        raise MoneyProblem(
            f"the event's grand total is {event.grand_total}, but its documents add up to {total}"
        )
    if event.amount_due is not None and event.amount_due != total - paid:
        raise MoneyProblem(
            f"the event's amount due is {event.amount_due}, but its total {total} less {paid} paid "
            f"is {total - paid}"
        )


def event_money(event: Event, money: MoneyRules) -> EventMoney:
    """The event's checked money (raises MoneyProblem)."""
    docs, copies = split_copies(event.live_documents)
    relevant = [
        d for d in docs if d.line_items or d.billing_totals or (d.payment_set and d.payment_set.payments)
    ]
    parts = [_document_figures(doc, money) for doc in relevant]
    paid = _paid(_unique_payments(relevant, copies))
    total = sum((p.grand_total for p in parts), ZERO)
    _check_event(event, total, paid, money)
    return EventMoney(
        documents=tuple(docs),
        subtotal=sum((p.subtotal for p in parts), ZERO),
        discount=sum((p.discount for p in parts), ZERO),
        service_charge=sum((p.service_charge for p in parts), ZERO),
        gratuity=sum((p.gratuity for p in parts), ZERO),
        tax=sum((p.tax for p in parts), ZERO),
        final_total=total,
        paid=paid,
    )
