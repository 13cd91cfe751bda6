"""The composition root: settings -> database, vendor clients, caches, notifier, the sync port;
and, for the processes that run syncs, the durable-execution engine with its workflows.

Built once per process (`serve`, `worker`, a CLI command) and passed down; nothing below reaches
for a global. The vendor clients get their rate limiters and metrics when they are built.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import httpx

from tripleseat_revel import metrics
from tripleseat_revel.config import Settings
from tripleseat_revel.db import Database
from tripleseat_revel.integrations.revel.client import RevelClient
from tripleseat_revel.integrations.tripleseat.client import OAuthClient, TripleSeatClient
from tripleseat_revel.integrations.tripleseat.tokens import DatabaseTokenStore
from tripleseat_revel.kit.concurrency import AdaptiveLimit
from tripleseat_revel.kit.http import CallObserver, RetryPolicy
from tripleseat_revel.kit.ratelimit import SharedRateLimiter
from tripleseat_revel.logging import register_secrets
from tripleseat_revel.notify.service import Notifier, transport_from_settings
from tripleseat_revel.sync.catalogue import CatalogueCache
from tripleseat_revel.sync.context import Runtime, utc_now
from tripleseat_revel.sync.lookups import SharedLookup
from tripleseat_revel.worker import engine as engine_mod
from tripleseat_revel.worker.engine import Engine
from tripleseat_revel.worker.trigger import DbosSyncRequester
from tripleseat_revel.worker.workflows import register_workflows

__all__ = ["Engine", "Runtime", "build_runtime", "build_vendor_clients", "start_engine", "stop_engine"]


def _observer(slots: AdaptiveLimit) -> CallObserver:
    """Each vendor call is metered; a refusal for rate (429) also narrows the syncs in flight."""

    def observe(vendor: str, endpoint: str, status: str, seconds: float) -> None:
        metrics.observe_call(vendor, endpoint, status, seconds)
        if status == "429":
            slots.refused()

    return observe


def _tripleseat(
    settings: Settings,
    db: Database,
    transport: httpx.BaseTransport | None,
    clock: Callable[[], datetime],
    observer: CallObserver,
) -> TripleSeatClient:
    secret, refresh = settings.TRIPLESEAT_CLIENT_SECRET, settings.TRIPLESEAT_REFRESH_TOKEN
    auth = OAuthClient(
        client_id=settings.TRIPLESEAT_CLIENT_ID or "",
        client_secret=secret.get_secret_value() if secret else "",
        refresh_token=refresh.get_secret_value() if refresh else None,
        scope=settings.TRIPLESEAT_OAUTH_SCOPE,
    )
    limiter = SharedRateLimiter(db.engine, "tripleseat", settings.TRIPLESEAT_RATE_PER_SECOND * 0.95)
    return TripleSeatClient(
        settings.TRIPLESEAT_API_BASE,
        auth,
        token_store=DatabaseTokenStore(
            db, initial_refresh_token=auth.refresh_token, cipher=settings.token_cipher()
        ),
        transport=transport,
        limiter=metrics.MeteredLimiter(limiter, "tripleseat"),
        retry=RetryPolicy(base_delay=settings.RETRY_BASE_SECONDS / 2),
        observer=observer,
        clock=clock,
        max_pages=settings.TRIPLESEAT_MAX_PAGES,
    )


def _revel(
    settings: Settings, db: Database, transport: httpx.BaseTransport | None, observer: CallObserver
) -> RevelClient:
    api_key, api_secret = settings.REVEL_API_KEY, settings.REVEL_API_SECRET
    limiter = SharedRateLimiter(db.engine, "revel", settings.REVEL_RATE_PER_MINUTE / 60 * 0.95)
    return RevelClient(
        settings.revel_base_url or "https://revel.invalid",
        api_key.get_secret_value() if api_key else "",
        api_secret.get_secret_value() if api_secret else "",
        transport=transport,
        limiter=metrics.MeteredLimiter(limiter, "revel"),
        retry=RetryPolicy(base_delay=settings.RETRY_BASE_SECONDS / 2),
        observer=observer,
        max_pages=settings.REVEL_MAX_PAGES,
    )


def build_vendor_clients(
    settings: Settings,
    db: Database,
    *,
    tripleseat_transport: httpx.BaseTransport | None = None,
    revel_transport: httpx.BaseTransport | None = None,
) -> tuple[TripleSeatClient, RevelClient]:
    """The two vendor clients alone, for commands that run without a locations file."""
    observe = metrics.observe_call
    return (
        _tripleseat(settings, db, tripleseat_transport, utc_now, observe),
        _revel(settings, db, revel_transport, observe),
    )


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
    register_secrets(settings.secret_values())  # scrubbed from logs and from stored error text
    db = db or Database(settings.DATABASE_URL)
    slots = AdaptiveLimit(settings.SYNC_CONCURRENCY)
    revel = _revel(settings, db, revel_transport, _observer(slots))
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
        tripleseat=_tripleseat(settings, db, tripleseat_transport, clock, _observer(slots)),
        revel=revel,
        catalogues=CatalogueCache(revel, settings.REVEL_CATALOGUE_TTL_SECONDS),
        notifier=notifier,
        syncs=DbosSyncRequester(db),
        clock=clock,
        lookups=_lookups(settings, db, revel, slots, clock),
        slots=slots,
    )


def _lookups(
    settings: Settings,
    db: Database,
    revel: RevelClient,
    slots: AdaptiveLimit,
    clock: Callable[[], datetime],
) -> SharedLookup | None:
    """Shared order lookups, under the same switch as the reconcile's batch lookup; a sync running
    alone does not wait for others."""
    if not settings.REVEL_BATCH_LOOKUP or settings.REVEL_LOOKUP_COALESCE_MS <= 0:
        return None
    window = settings.REVEL_LOOKUP_COALESCE_MS / 1000
    return SharedLookup(revel, db, window, now=clock, others=lambda: slots.active > 1)


def start_engine(rt: Runtime, *, role: str = "serve", schedules: bool = True, work: bool = True) -> Engine:
    """Register the workflows over `rt`, then launch the engine for this process.

    `role`: serve | worker | cli. `work=False` only enqueues (the process takes no sync from the
    queue); `schedules=False` leaves the periodic reconcile and janitor to other processes."""
    metrics.watch_queue(rt.db)
    executor_id = engine_mod.executor_id_for(rt, role)
    workflows = register_workflows(rt, executor_id=executor_id)
    return engine_mod.launch(
        rt, workflows, executor_id=executor_id, role=role, schedules=schedules, work=work
    )


def stop_engine(engine: Engine, timeout_seconds: int = 10) -> None:
    engine_mod.shutdown(engine, timeout_seconds)
