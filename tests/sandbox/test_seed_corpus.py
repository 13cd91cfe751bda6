"""Invariants of the seeded TripleSeat corpus, read through the API and the connector's schemas:
its spread, its edge cases, and the money of EVERY document to the cent."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tripleseat_revel.integrations.tripleseat.schemas import Document, Event, SearchPage
from tripleseat_revel.sandbox.clock import Clock
from tripleseat_revel.sandbox.world import SandboxWorld

from .conftest import NOW, Api

TODAY = date(2026, 11, 25)
CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@pytest.fixture
def corpus(ts_api: Api) -> list[Event]:
    events: list[Event] = []
    page, total = 1, 1
    while page <= total:
        body = ts_api.get("/v1/events/search.json", params={"page": page, "show_financial": "true"})
        parsed = SearchPage.model_validate(body.json())
        events += parsed.results
        total, page = parsed.total_pages, page + 1
    return events


def rate(value: str | None) -> Decimal:
    return Decimal((value or "0%").rstrip("%")) / 100


def check_document(doc: Document) -> None:
    subtotal = sum((line.total_price or Decimal(0) for line in doc.line_items), Decimal(0))
    for line in doc.line_items:
        assert line.total_price == cents(line.quantity * line.price), line
    assert doc.financials is not None
    assert doc.payment_set is not None
    discount = doc.financials.discounts_total or Decimal(0)
    billing = {b.description: b for b in doc.billing_totals}
    service = billing["Service Charge"].total_price if "Service Charge" in billing else Decimal(0)
    for name, base in (
        ("Service Charge", subtotal - discount),
        ("Gratuity", subtotal - discount),
        ("Sales Tax", subtotal - discount + service),
    ):
        if name in billing:
            assert billing[name].total_price == cents(base * rate(billing[name].value)), name
    grand_total = subtotal - discount + sum((b.total_price for b in doc.billing_totals), Decimal(0))
    assert doc.financials.grand_total == grand_total
    paid = sum((p.amount for p in doc.payment_set.payments if p.is_paid), Decimal(0))
    assert doc.financials.amount_due == grand_total - paid == doc.payment_set.amount_due
    assert paid <= grand_total


def grand_total_and_amount_due(doc: Document) -> tuple[Decimal, Decimal]:
    assert doc.financials is not None, doc.id
    grand_total, amount_due = doc.financials.grand_total, doc.financials.amount_due
    assert grand_total is not None and amount_due is not None, doc.id
    return grand_total, amount_due


def test_every_document_adds_up_to_the_cent(corpus: list[Event]) -> None:
    documents = [d for e in corpus for d in e.documents]
    assert len(documents) >= 200
    for doc in documents:
        check_document(doc)
    for event in corpus:
        if event.documents:
            money = [grand_total_and_amount_due(d) for d in event.documents]
            assert event.grand_total == sum(grand_total for grand_total, _ in money)
            assert event.amount_due == sum(amount_due for _, amount_due in money)


def test_size_statuses_and_dates(corpus: list[Event]) -> None:
    assert len(corpus) >= 200
    assert set(Counter(e.status for e in corpus)) == {"PROSPECT", "TENTATIVE", "DEFINITE", "CLOSED", "LOST"}
    offsets = {(e.local_date - TODAY).days for e in corpus if e.local_date}
    assert min(offsets) == -10
    assert max(offsets) == 20
    hours = {e.start_local.hour for e in corpus if e.start_local}
    assert min(hours) == 10
    assert max(hours) == 20


def test_several_closed_events_today_in_every_location(corpus: list[Event]) -> None:
    closed_today = Counter(e.location_id for e in corpus if e.status == "CLOSED" and e.local_date == TODAY)
    assert all(closed_today[loc] >= 4 for loc in (20271, 20272, 20281)), closed_today
    assert closed_today[20289] >= 1


def test_updates_are_recent_for_some_and_weeks_old_for_others(world: SandboxWorld) -> None:
    events = list(world.tripleseat.events.values())
    recent = [e for e in events if NOW - e.updated_at < timedelta(days=2)]
    old = [e for e in events if NOW - e.updated_at > timedelta(days=14)]
    assert len(recent) >= 40
    assert len(old) >= 40
    stale_today = world.tripleseat.events[55521610]
    assert stale_today.event_date == TODAY
    assert NOW - stale_today.updated_at > timedelta(days=14)
    assert all(e.created_at <= e.updated_at <= NOW for e in events)


def test_the_edge_cases_are_all_there(corpus: list[Event]) -> None:
    lines = [(e, d, line) for e in corpus for d in e.documents for line in d.line_items]
    assert any(line.price == 0 for _, _, line in lines)
    assert any(line.quantity == Decimal("2.5") for _, _, line in lines)
    assert any(line.quantity >= 250 for _, _, line in lines)
    assert any(line.menu_item_id in (5073, 5074, 5075) for _, _, line in lines)
    assert any(not e.documents for e in corpus)
    assert any(e.contact is None for e in corpus)
    assert any(len(e.documents) == 2 for e in corpus)
    assert any(len(d.line_items) >= 30 for e in corpus for d in e.documents)
    docs = [d for e in corpus for d in e.documents]
    discounts = {d.financials.discounts_total for d in docs if d.financials}
    assert Decimal("150.00") in discounts
    assert len(discounts) > 10
    billing = Counter(b.description for d in docs for b in d.billing_totals)
    assert billing["Gratuity"] >= 5
    assert billing["Service Charge"] > 100
    assert billing["Sales Tax"] == len(docs)
    states = Counter(
        (p.custom_title, p.state) for d in docs for p in (d.payment_set.payments if d.payment_set else [])
    )
    assert {
        ("Deposit", "paid"),
        ("Balance", "paid"),
        ("Balance", "scheduled"),
        ("Payment", "paid"),
        ("Deposit", "scheduled"),
    } <= set(states)
    fully_paid = [
        d
        for d in docs
        if d.financials and d.financials.amount_due == 0 and d.payment_set and d.payment_set.payments
    ]
    assert len(fully_paid) >= 20


def test_tax_rates_follow_the_site(corpus: list[Event]) -> None:
    values = {
        (e.site_id, b.value)
        for e in corpus
        for d in e.documents
        for b in d.billing_totals
        if b.description == "Sales Tax"
    }
    assert values == {(15691, "8.75%"), (15692, "6.625%")}


def test_same_seed_and_day_same_corpus_any_time_of_day() -> None:
    morning = SandboxWorld(clock=Clock(datetime(2026, 11, 25, 16, tzinfo=UTC)))
    evening = SandboxWorld(clock=Clock(datetime(2026, 11, 26, 4, tzinfo=UTC)))
    other_seed = SandboxWorld(seed=7, clock=Clock(datetime(2026, 11, 25, 16, tzinfo=UTC)))

    def dump(w: SandboxWorld) -> str:
        return json.dumps([w.tripleseat.render(e, financial=True) for e in w.tripleseat.events.values()])

    assert dump(morning) == dump(evening)
    assert dump(morning) != dump(other_seed)


def test_today_can_be_pinned_by_date() -> None:
    world = SandboxWorld(today=date(2027, 3, 1))
    assert world.tripleseat.events[55521609].event_date == date(2027, 3, 1)
