"""What `locations init` reads of the accounts: every TripleSeat location with its site's name and
time zone, a site without locations as a whole; only active Revel records."""

from __future__ import annotations

from typing import Any, cast

from tripleseat_revel.integrations.revel.client import RevelClient
from tripleseat_revel.integrations.revel.schemas import Establishment, NamedRecord, User
from tripleseat_revel.integrations.tripleseat.client import TripleSeatClient
from tripleseat_revel.integrations.tripleseat.schemas import LocationInfo, Site
from tripleseat_revel.setup.accounts import Named, TripleSeatLocation, read_accounts


class FakeTripleSeat:
    def list_sites(self) -> list[Site]:
        return [Site(id=1, name="West", timezone="Pacific Time (US & Canada)"), Site(id=2, name="Solo Bar")]

    def list_locations(self) -> list[LocationInfo]:
        return [LocationInfo(id=11, name="Catering", site_id=1)]


class FakeRevel:
    def establishments(self) -> list[Establishment]:
        return [Establishment(id=8, name="Kitchen"), Establishment(id=9, name="Closed Store", active=False)]

    def __getattr__(self, name: str) -> Any:
        records = [NamedRecord(id=4, name="Catering Station"), NamedRecord(id=5, name="Old", active=False)]
        return lambda: records

    def users(self) -> list[User]:
        return [User(id=1, username="api", active=True), User(id=209, username="former", active=False)]


def test_locations_sites_and_active_records() -> None:
    accounts = read_accounts(cast(TripleSeatClient, FakeTripleSeat()), cast(RevelClient, FakeRevel()))
    assert accounts.locations == [
        TripleSeatLocation(11, "Catering", 1, "West", "Pacific Time (US & Canada)"),
        TripleSeatLocation(None, "Solo Bar", 2, "Solo Bar", None),
    ]
    assert accounts.establishments == [Named(8, "Kitchen")]
    assert accounts.options["pos_station"] == [Named(4, "Catering Station")]
    assert accounts.options["user"] == [Named(1, "api")]
