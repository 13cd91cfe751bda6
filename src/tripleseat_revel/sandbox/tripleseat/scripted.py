"""The hand-written events of the seed: today's CLOSED events in every location (three configured,
one not), and each edge case the connector must handle.

| id       | what it exercises                                                            |
|----------|------------------------------------------------------------------------------|
| 55521609 | the showcase: a plain CLOSED dinner today, deposit paid, balance scheduled   |
| 55521610 | 250-piece lines, 2.5 gallons, a zero-price line, 10% discount, gratuity, paid |
|          | in full; booked and last updated weeks ago                                   |
| 55521611 | no contact, fixed $150 discount, partial payments                            |
| 55521612 | an item with no Revel product (Dance Floor Rental)                           |
| 55521613 | two documents (BEO + bar tab)                                                |
| 55521614 | items that need explicit [[product]] mappings                                |
| 55521615 | no payments, no service charge                                               |
| 55521616 | a two-page document (every mapped item)                                      |
| 55521617 | 22% service charge plus gratuity (Eastern site)                              |
| 55521621-2 | CLOSED today at the location missing from locations.toml                   |
| 55521623 | CLOSED today with no documents                                               |
| 55521624 | CLOSED tomorrow (too early)                                                  |
| 55521625 | CLOSED yesterday; the replaced system's Revel order for it exists            |
| 55521626 | LOST today (cancelled)                                                       |
| 55521627 | DEFINITE today (not eligible by status)                                      |
"""

from __future__ import annotations

from dataclasses import dataclass

from tripleseat_revel.sandbox.catalog import MENU
from tripleseat_revel.sandbox.tripleseat.models import PaymentPlan

Menu = list[tuple[int, str]]  # (menu_item_id, quantity)


@dataclass(frozen=True)
class Scripted:
    """A hand-written event."""

    id: int
    name: str
    location_id: int
    day: int  # offset from the location's today
    start: str
    minutes: int
    guests: int
    status: str
    plan: PaymentPlan
    menu: Menu
    discount: str | None = None
    service: str | None = "0.20"
    gratuity: str | None = None
    contact: bool = True
    stale: bool = False  # booked and last updated weeks ago
    extra_document: Menu | None = None
    no_documents: bool = False
    who: str | None = None  # the contact's name when the event name does not start with it


def long_menu() -> Menu:
    """Two pages of a BEO: every mapped menu item on one document."""
    return [
        (i.menu_item_id, "1" if i.per in ("each", "bottle") else "45")
        for i in MENU
        if i.revel_name is not None
    ]


S = Scripted
# fmt: off
SCRIPTED: tuple[Scripted, ...] = (
    S(55521609, "Smith Rehearsal Dinner", 20271, 0, "18:00", 180, 40, "CLOSED", "deposit",
      [(5001, "80"), (5010, "40"), (5025, "40"), (5041, "40"), (5050, "40"), (5056, "10")]),
    S(55521610, "Garcia Quinceañera", 20271, 0, "17:00", 300, 120, "CLOSED", "full",
      [(5002, "250"), (5005, "250"), (5020, "120"), (5043, "120"), (5042, "120"),
       (5051, "2.5"), (5054, "120"), (5070, "12")],
      discount="10%", gratuity="0.18", stale=True),
    S(55521611, "Bayview Tech Offsite Lunch", 20271, 0, "11:30", 120, 35, "CLOSED", "partial",
      [(5011, "35"), (5023, "35"), (5030, "35"), (5053, "35"), (5071, "1")],
      discount="150.00", contact=False),
    S(55521612, "Lee Anniversary Party", 20271, 0, "19:00", 240, 60, "CLOSED", "deposit",
      [(5004, "120"), (5007, "2"), (5021, "60"), (5040, "120"), (5057, "60"), (5073, "1")]),
    S(55521613, "Patel Engagement Dinner", 20272, 0, "19:30", 180, 24, "CLOSED", "full",
      [(5003, "48"), (5012, "24"), (5024, "24"), (5041, "24"), (5050, "24")],
      extra_document=[(5055, "6"), (5059, "30"), (5072, "1")]),
    S(55521614, "Morgan & Co. Client Dinner", 20272, 0, "18:30", 150, 16, "CLOSED", "deposit_only",
      [(5006, "1"), (5008, "2"), (5022, "16"), (5055, "4"), (5052, "16")], who="Avery Morgan"),
    S(55521615, "Book Club Brunch", 20272, 0, "10:00", 120, 12, "CLOSED", "none",
      [(5011, "12"), (5023, "12"), (5050, "12")], service=None, who="Mei Tanaka"),
    S(55521616, "Harrison Retirement Toast", 20272, 0, "20:30", 150, 45, "CLOSED", "deposit",
      long_menu()),
    S(55521617, "Atlantic Sailing Club Gala", 20281, 0, "19:00", 240, 150, "CLOSED", "full",
      [(5002, "300"), (5006, "3"), (5031, "150"), (5022, "150"), (5041, "150"),
       (5056, "30"), (5060, "150")], service="0.22", gratuity="0.15", who="Ethan Brooks"),
    S(55521618, "O'Brien Wake Reception", 20281, 0, "14:00", 180, 60, "CLOSED", "deposit",
      [(5001, "120"), (5007, "2"), (5032, "60"), (5050, "60")], discount="5%"),
    S(55521619, "Harbor Room Wine Dinner", 20281, 0, "18:00", 180, 30, "CLOSED", "partial",
      [(5007, "1"), (5024, "30"), (5055, "12"), (5056, "12"), (5058, "2")], who="Sofia Rossi"),
    S(55521620, "Kim Baby Shower", 20281, 0, "12:00", 150, 25, "CLOSED", "full",
      [(5005, "50"), (5010, "25"), (5043, "25"), (5042, "25"), (5054, "25")]),
    S(55521621, "Rooftop Sunset Mixer", 20289, 0, "18:00", 180, 80, "CLOSED", "full",
      [(5001, "160"), (5032, "80"), (5058, "6")], who="Kwame Okafor"),
    S(55521622, "Rooftop Yoga Brunch", 20289, 0, "10:30", 120, 20, "CLOSED", "deposit",
      [(5011, "20"), (5053, "20")], who="Isla Dubois"),
    S(55521623, "Chen Tasting (no documents)", 20272, 0, "16:00", 90, 8, "CLOSED", "none",
      [], no_documents=True, who="Yuki Chen"),
    S(55521624, "Okafor Birthday Dinner", 20271, 1, "19:00", 180, 30, "CLOSED", "full",
      [(5010, "30"), (5020, "30"), (5041, "30")]),
    S(55521625, "Summit Legal Client Dinner", 20281, -1, "19:00", 180, 20, "CLOSED", "full",
      [(5012, "20"), (5024, "20"), (5056, "5")], who="Grace Cohen"),
    S(55521626, "Rossi Engagement Party (cancelled)", 20271, 0, "18:00", 180, 50, "LOST",
      "deposit_only", [(5001, "100"), (5030, "50")]),
    S(55521627, "Fischer Birthday Lunch", 20281, 0, "12:30", 120, 18, "DEFINITE", "deposit",
      [(5011, "18"), (5023, "18"), (5053, "18")]),
)
# fmt: on
