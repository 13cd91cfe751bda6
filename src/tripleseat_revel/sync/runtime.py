"""The composition root: settings -> database, vendor clients, caches, notifier.

Built once per process (`serve`, `worker`, a CLI command). Workflows reach it through `runtime()`
because DBOS workflows are module-level functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from tripleseat_revel.config import LocationsConfig, Settings
from tripleseat_revel.db import Database
from tripleseat_revel.integrations.revel.client import RevelClient
from tripleseat_revel.integrations.tripleseat.client import OAuthClient, TripleSeatClient
from tripleseat_revel.kit.http import CallObserver
from tripleseat_revel.kit.ratelimit import SharedRateLimiter
from tripleseat_revel.notify.service import Notifier, transport_from_settings
from tripleseat_revel.sync.catalogue import CatalogueCache
from tripleseat_revel.sync.tokens import DatabaseTokenStore


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    settings: Settings
    config: LocationsConfig
    db: Database
    tripleseat: TripleSeatClient
    revel: RevelClient
    catalogues: CatalogueCache
    notifier: Notifier
    clock: Callable[[], datetime] = utc_now
    observers: list[CallObserver] = field(default_factory=list)

    def close(self) -> None:
        self.tripleseat.close()
        self.revel.close()
        self.db.dispose()


def _observe(observers: list[CallObserver]) -> CallObserver:
    def observer(vendor: str, endpoint: str, status: str, seconds: float) -> None:
        for each in observers:
            each(vendor, endpoint, status, seconds)

    return observer


def build_runtime(
    settings: Settings,
    *,
    db: Database | None = None,
    tripleseat_transport: httpx.BaseTransport | None = None,
    revel_transport: httpx.BaseTransport | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Runtime:
    """Wire everything from `settings` (raises ConfigError on a bad locations file)."""
    config = settings.locations
    db = db or Database(settings.DATABASE_URL)
    observers: list[CallObserver] = []
    secret = settings.TRIPLESEAT_CLIENT_SECRET
    refresh = settings.TRIPLESEAT_REFRESH_TOKEN
    auth = OAuthClient(
        client_id=settings.TRIPLESEAT_CLIENT_ID or "",
        client_secret=secret.get_secret_value() if secret else "",
        refresh_token=refresh.get_secret_value() if refresh else None,
        scope=settings.TRIPLESEAT_OAUTH_SCOPE,
    )
    tripleseat = TripleSeatClient(
        settings.TRIPLESEAT_API_BASE,
        auth,
        token_store=DatabaseTokenStore(db, initial_refresh_token=auth.refresh_token),
        transport=tripleseat_transport,
        limiter=SharedRateLimiter(db.engine, "tripleseat", settings.TRIPLESEAT_RATE_PER_SECOND * 0.95),
        observer=_observe(observers),
        clock=clock,
    )
    api_key, api_secret = settings.REVEL_API_KEY, settings.REVEL_API_SECRET
    revel = RevelClient(
        settings.revel_base_url or "https://revel.invalid",
        api_key.get_secret_value() if api_key else "",
        api_secret.get_secret_value() if api_secret else "",
        transport=revel_transport,
        limiter=SharedRateLimiter(db.engine, "revel", settings.REVEL_RATE_PER_MINUTE / 60 * 0.95),
        observer=_observe(observers),
    )
    notifier = Notifier(
        db,
        transport_from_settings(settings),
        sender=settings.EMAIL_FROM or "tripleseat-revel@localhost",
        recipients=settings.email_recipients,
    )
    return Runtime(
        settings=settings,
        config=config,
        db=db,
        tripleseat=tripleseat,
        revel=revel,
        catalogues=CatalogueCache(revel, settings.REVEL_CATALOGUE_TTL_SECONDS),
        notifier=notifier,
        clock=clock,
        observers=observers,
    )


_current: Runtime | None = None


def set_runtime(rt: Runtime | None) -> None:
    global _current
    _current = rt


def runtime() -> Runtime:
    if _current is None:
        raise RuntimeError("the sync runtime is not initialised (build_runtime + set_runtime)")
    return _current
