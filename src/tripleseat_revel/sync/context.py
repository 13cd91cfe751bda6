"""What the domain works with: the running connector's parts, and the port it requests syncs by.

`Runtime` is built once per process by the composition root (`tripleseat_revel.runtime`) and passed
to every function that needs it; nothing here knows how a sync is executed. `SyncRequester` is the
one thing the domain (and the webhook inbox) asks of the worker: "sync this event", inside a
database transaction of the caller's, so the request is stored if and only if the caller commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol

import sqlalchemy as sa

from tripleseat_revel.config import LocationsConfig, Settings
from tripleseat_revel.db import Database
from tripleseat_revel.integrations.revel.client import RevelClient
from tripleseat_revel.integrations.tripleseat.client import TripleSeatClient
from tripleseat_revel.kit.concurrency import AdaptiveLimit
from tripleseat_revel.notify.service import Notifier
from tripleseat_revel.sync.catalogue import CatalogueCache
from tripleseat_revel.sync.lookups import SharedLookup


def utc_now() -> datetime:
    return datetime.now(UTC)


# What an operator asks of one event's sync: "recheck" (compare the order with the event again,
# whatever stands: a drift, a resolution, a verified order) or "amend" (make the order follow the
# event now, whatever the location's `on_change`).
Ask = Literal["recheck", "amend"]


@dataclass(frozen=True)
class SyncRequest:
    event_id: int
    workflow_id: str
    collapsed: bool  # joined a run that was already queued


class SyncRequester(Protocol):
    """Requests the sync of one event (implemented by the worker, on the durable queue)."""

    def request_in(
        self,
        conn: sa.Connection,
        event_id: int,
        *,
        source: str,
        correlation_id: str | None = None,
        revel_absent: dict[str, str] | None = None,
    ) -> SyncRequest:
        """Inside the caller's transaction: it is queued if and only if the caller commits."""
        ...

    def request(
        self,
        event_id: int,
        *,
        source: str,
        correlation_id: str | None = None,
        revel_absent: dict[str, str] | None = None,
        ask: Ask | None = None,
    ) -> SyncRequest:
        """In a transaction of its own. `ask`: an operator's request (see `Ask`); such a run never
        joins one already queued."""
        ...


@dataclass
class Runtime:
    """Settings, database, vendor clients, caches, notifier and the sync port of one process."""

    settings: Settings
    config: LocationsConfig
    db: Database
    tripleseat: TripleSeatClient
    revel: RevelClient
    catalogues: CatalogueCache
    notifier: Notifier
    syncs: SyncRequester
    clock: Callable[[], datetime] = utc_now
    lookups: SharedLookup | None = None  # order lookups shared by syncs starting together
    slots: AdaptiveLimit | None = None  # how many syncs run at once here (AIMD under SYNC_CONCURRENCY)

    def close(self) -> None:
        self.tripleseat.close()
        self.revel.close()
        self.db.dispose()
