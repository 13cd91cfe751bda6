"""The seeded events: the scripted set (scripted.py) plus a random but deterministic spread of
events around each location's today.

Deterministic from (seed, anchor dates): timestamps are measured back from the start of each
location's "today", never from the wall clock, so the same seed and day give the same corpus.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from tripleseat_revel.sandbox.catalog import MENU, MENU_BY_ID, UNMAPPED_ITEMS, MenuItem
from tripleseat_revel.sandbox.tripleseat.models import (
    Contact,
    DocumentSpec,
    ItemSpec,
    Location,
    PaymentPlan,
    Site,
)
from tripleseat_revel.sandbox.tripleseat.scripted import Menu, Scripted
from tripleseat_revel.sandbox.tripleseat.seed import EventPlan, Ids, local_midnight

RANDOM_EVENTS = 200
FIRST_RANDOM_ID = 55_530_001

# fmt: off
FIRST = ["Jane", "Omar", "Priya", "Lucas", "Mei", "Diego", "Hannah", "Kwame", "Sofia", "Ethan",
         "Aisha", "Noah", "Grace", "Mateo", "Chloe", "Ravi", "Isla", "Samuel", "Yuki", "Leah"]
LAST = ["Smith", "Garcia", "Nguyen", "Patel", "Johnson", "Kim", "O'Brien", "Rossi", "Chen",
        "Okafor", "Morgan", "Lee", "Fischer", "Alvarez", "Cohen", "Singh", "Dubois", "Brooks"]
PRIVATE = ["Rehearsal Dinner", "Birthday Dinner", "Anniversary Party", "Engagement Party",
           "Graduation Lunch", "Retirement Party", "Baby Shower", "Wedding Reception"]
COMPANIES = ["Acme Corp", "Bayview Tech", "Northwind Traders", "Summit Legal", "Harbor Bank",
             "Cedar Health", "Blue Ocean Realty", "Lumen Labs", "Pioneer Insurance"]
CORPORATE = ["Holiday Party", "Client Dinner", "Board Lunch", "Team Offsite", "Sales Kickoff",
             "Happy Hour", "Product Launch Reception"]
# fmt: on


def item_spec(item: MenuItem, quantity: Decimal, price: Decimal | None = None) -> ItemSpec:
    return ItemSpec(
        item.menu_item_id,
        item.name,
        quantity,
        item.price if price is None else price,
        item.category,
        item.section,
    )


def menu_specs(menu: Menu) -> tuple[ItemSpec, ...]:
    return tuple(item_spec(MENU_BY_ID[ident], Decimal(qty)) for ident, qty in menu)


def _rate(text: str | None) -> Decimal | None:
    return Decimal(text) if text else None


def scripted_plan(s: Scripted, site: Site, today: date, ids: Ids) -> EventPlan:
    base = local_midnight(today, site)
    created = base - timedelta(days=30 if s.stale else 12, hours=-10)
    updated = created + timedelta(days=9) if s.stale else base - timedelta(hours=5)
    docs = [] if s.no_documents else [_doc("BEO / Invoice", s.menu, s, site)]
    if s.extra_document:
        docs.append(_doc("Bar Tab Addendum", s.extra_document, s, site))
    contact = _contact(ids, *_names(s)) if s.contact else None
    hour, minute = (int(p) for p in s.start.split(":"))
    return EventPlan(
        s.id,
        s.name,
        s.status,
        s.location_id,
        today + timedelta(days=s.day),
        time(hour, minute),
        s.minutes,
        s.guests,
        docs,
        contact,
        created,
        updated,
    )


def _names(s: Scripted) -> tuple[str, str]:
    if s.who:
        first, last = s.who.split(" ", 1)
        return first, last
    return FIRST[s.id % len(FIRST)], s.name.split()[0]


def _doc(title: str, menu: Menu, s: Scripted, site: Site) -> DocumentSpec:
    return DocumentSpec(
        title,
        menu_specs(menu),
        s.discount,
        _rate(s.service),
        _rate(s.gratuity),
        site.tax_rate,
        s.plan,
    )


def _contact(ids: Ids, first: str, last: str) -> Contact:
    email = f"{first}.{last}@example.com".lower().replace("'", "")
    ident = ids.next("contact")
    return Contact(ident, first, last, email, f"555-01{ident % 100:02d}")


# ------------------------------------------------------------------ random events


def random_plans(
    rng: random.Random,
    count: int,
    first_id: int,
    anchors: dict[int, date],
    sites: dict[int, Site],
    locations: dict[int, Location],
    ids: Ids,
) -> list[EventPlan]:
    """`count` events spread over −10..+20 days around each location's today."""
    weights = {20271: 35, 20272: 25, 20281: 30, 20289: 10}
    loc_ids = [lid for lid in weights if lid in locations]
    plans = []
    for n in range(count):
        loc = locations[rng.choices(loc_ids, [weights[i] for i in loc_ids])[0]]
        site = sites[loc.site_id]
        plans.append(_random_plan(rng, first_id + n, loc, site, anchors[loc.id], ids))
    return plans


def _random_plan(
    rng: random.Random, ident: int, loc: Location, site: Site, today: date, ids: Ids
) -> EventPlan:
    offset = rng.randint(-10, 20)
    status = _status(rng, offset)
    guests = rng.choice([12, 18, 24, 30, 40, 50, 60, 75, 90, 120, 150, 200])
    start = time(rng.randint(10, 20), rng.choice([0, 30]))
    minutes = min(rng.choice([120, 150, 180, 240]), (23 * 60 + 30) - (start.hour * 60 + start.minute))
    contact = None if rng.random() < 0.03 else _contact(ids, rng.choice(FIRST), rng.choice(LAST))
    name = _event_name(rng, contact)
    spec = DocumentSpec(
        "BEO / Invoice",
        tuple(random_menu(rng, guests, rng.random() < 0.04)),
        _random_discount(rng),
        rng.choice([None, Decimal("0.18"), Decimal("0.20"), Decimal("0.20"), Decimal("0.22")]),
        Decimal("0.18") if rng.random() < 0.1 else None,
        site.tax_rate,
        _plan(rng, status),
    )
    created, updated = _timestamps(rng, local_midnight(today, site))
    room = rng.choice(loc.rooms).id
    return EventPlan(
        ident,
        name,
        status,
        loc.id,
        today + timedelta(days=offset),
        start,
        minutes,
        guests,
        [spec],
        contact,
        created,
        updated,
        room_id=room,
    )


def _status(rng: random.Random, offset: int) -> str:
    if offset < 0:
        table = {"CLOSED": 60, "LOST": 15, "DEFINITE": 15, "TENTATIVE": 5, "PROSPECT": 5}
    elif offset == 0:
        table = {"CLOSED": 40, "DEFINITE": 40, "TENTATIVE": 10, "LOST": 10}
    else:
        table = {"PROSPECT": 25, "TENTATIVE": 30, "DEFINITE": 35, "CLOSED": 5, "LOST": 5}
    return rng.choices(list(table), list(table.values()))[0]


def _plan(rng: random.Random, status: str) -> PaymentPlan:
    choices: dict[str, list[PaymentPlan]] = {
        "PROSPECT": ["none"],
        "TENTATIVE": ["none", "deposit_scheduled"],
        "DEFINITE": ["deposit", "deposit_only", "partial"],
        "CLOSED": ["full", "full", "deposit", "partial", "deposit_only"],
        "LOST": ["none", "deposit_only"],
    }
    return rng.choice(choices[status])


def _random_discount(rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < 0.15:
        return rng.choice(["5%", "10%", "15%"])
    if roll < 0.25:
        return rng.choice(["50.00", "100.00", "250.00"])
    return None


def _event_name(rng: random.Random, contact: Contact | None) -> str:
    if contact is None or rng.random() < 0.35:
        return f"{rng.choice(COMPANIES)} {rng.choice(CORPORATE)}"
    return f"{contact.last_name} {rng.choice(PRIVATE)}"


def _timestamps(rng: random.Random, base: datetime) -> tuple[datetime, datetime]:
    created = base - timedelta(days=rng.uniform(2, 120))
    if rng.random() < 0.4:
        updated = base - timedelta(hours=rng.uniform(1, 47))
    else:
        latest = base - timedelta(days=7)
        span = max((latest - created).total_seconds(), 3600.0)
        updated = created + timedelta(seconds=rng.uniform(0, span))
    return created, max(created, updated)


def random_menu(rng: random.Random, guests: int, unmapped: bool) -> list[ItemSpec]:
    """A plausible BEO for `guests`: hors d'oeuvres, a salad, entrées, dessert, drinks, extras."""
    by_section: dict[str, list[MenuItem]] = {}
    for item in MENU:
        if item.revel_name is not None:
            by_section.setdefault(item.section, []).append(item)
    picks = rng.sample(by_section["Passed Hors d'Oeuvres"], k=rng.randint(1, 3))
    picks += [rng.choice(by_section["Salads"]), rng.choice(by_section["Desserts"])]
    picks += rng.sample(by_section["Entrées"] + by_section["Stations"], k=rng.randint(1, 2))
    picks += rng.sample(by_section["Non-Alcoholic"] + by_section["Bar"], k=rng.randint(1, 3))
    if rng.random() < 0.3:
        picks.append(rng.choice(by_section["Displays"] + by_section["Rentals & Fees"]))
    if unmapped:
        picks.append(rng.choice(UNMAPPED_ITEMS))
    return [item_spec(item, _quantity(rng, item, guests)) for item in picks]


def _quantity(rng: random.Random, item: MenuItem, guests: int) -> Decimal:
    if item.per == "person":
        return Decimal(guests)
    if item.per == "piece":
        return Decimal(guests * rng.choice([1, 2, 3]))
    if item.per == "bottle":
        return Decimal(max(1, guests // 4))
    if item.per == "gallon":
        return Decimal(max(1, guests // 20)) + rng.choice([Decimal(0), Decimal("0.5")])
    return Decimal(rng.randint(1, 3))
