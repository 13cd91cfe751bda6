"""What the live accounts hold, read once through the vendor clients (reads only)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from tripleseat_revel.integrations.revel.client import RevelClient
from tripleseat_revel.integrations.revel.schemas import NamedRecord
from tripleseat_revel.integrations.tripleseat.client import TripleSeatClient

IdKey = Literal["dining_option", "payment_type", "discount", "user", "pos_station"]
ID_KEYS: tuple[IdKey, ...] = ("dining_option", "payment_type", "discount", "user", "pos_station")


@dataclass(frozen=True)
class Named:
    """Anything chosen by its name: a site, a location, an establishment, a Revel record."""

    id: int
    name: str
    establishment: int | None = None  # a Revel record's own establishment (None: shared by all)
    is_open: bool | None = None  # a discount whose amount is entered when applied


@dataclass(frozen=True)
class TripleSeatLocation:
    id: int | None  # None: a whole site (one without locations)
    name: str
    site_id: int
    site_name: str
    timezone: str | None  # as TripleSeat gives it (a Rails zone name, usually)

    @property
    def label(self) -> str:
        where = f"location {self.id}" if self.id is not None else "site (all of it)"
        return f"TripleSeat {where} {self.name!r} of site {self.site_id} {self.site_name!r}"


@dataclass(frozen=True)
class Accounts:
    locations: list[TripleSeatLocation]
    establishments: list[Named]  # active ones
    options: dict[IdKey, list[Named]] = field(default_factory=dict)  # active records per [revel] key


def _active(records: list[Named], flags: list[bool | None]) -> list[Named]:
    return [record for record, active in zip(records, flags, strict=True) if active is not False]


def _tripleseat_locations(ts: TripleSeatClient) -> list[TripleSeatLocation]:
    """Every location, and every site without one as a whole (events then carry its site id)."""
    sites = {site.id: site for site in ts.list_sites()}
    found = []
    for loc in ts.list_locations():
        site = sites.get(loc.site_id) if loc.site_id is not None else None
        found.append(
            TripleSeatLocation(
                id=loc.id,
                name=loc.name or f"location {loc.id}",
                site_id=loc.site_id or 0,
                site_name=(site.name if site else None) or f"site {loc.site_id}",
                timezone=site.timezone if site else None,
            )
        )
    with_locations = {loc.site_id for loc in found}
    for site in sites.values():
        if site.id not in with_locations:
            name = site.name or f"site {site.id}"
            found.append(TripleSeatLocation(None, name, site.id, name, site.timezone))
    return sorted(found, key=lambda loc: (loc.site_id, loc.id or 0))


def _revel_options(revel: RevelClient) -> dict[IdKey, list[Named]]:
    listings: dict[IdKey, Callable[[], list[NamedRecord]]] = {
        "dining_option": revel.dining_options,
        "payment_type": revel.payment_types,
        "discount": revel.discounts,
        "pos_station": revel.pos_stations,
    }
    options: dict[IdKey, list[Named]] = {}
    for key, read in listings.items():
        rows = read()
        named = [Named(r.id, r.name or f"#{r.id}", r.establishment_id, r.is_open) for r in rows]
        options[key] = _active(named, [r.active for r in rows])
    users = revel.users()
    options["user"] = _active([Named(u.id, u.name or f"#{u.id}") for u in users], [u.active for u in users])
    return options


def read_accounts(ts: TripleSeatClient, revel: RevelClient) -> Accounts:
    """TripleSeat's sites and locations; Revel's establishments and the records orders refer to."""
    establishments = revel.establishments()
    return Accounts(
        locations=_tripleseat_locations(ts),
        establishments=_active(
            [Named(e.id, e.name or f"establishment {e.id}") for e in establishments],
            [e.active for e in establishments],
        ),
        options=_revel_options(revel),
    )
