"""`SandboxWorld`: both simulated vendors, the shared menu and clock, seeded together.

    world = SandboxWorld(seed=42, clock=Clock(datetime(2026, 11, 25, 20, tzinfo=UTC)))
    tripleseat_app, revel_app = create_tripleseat_app(world), create_revel_app(world)

Everything is in memory; `reset()` starts over (faults, limits and settings are kept).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import httpx
from pydantic import BaseModel

from tripleseat_revel.sandbox import catalog
from tripleseat_revel.sandbox.clock import Clock, ClockLike
from tripleseat_revel.sandbox.faults import FaultSettings, RateLimitSettings, Vendor, VendorGuard
from tripleseat_revel.sandbox.revel.seed import est_uri, seed_revel
from tripleseat_revel.sandbox.revel.state import RevelCredentials, RevelSettings, RevelState
from tripleseat_revel.sandbox.tripleseat.state import (
    TripleSeatCredentials,
    TripleSeatSettings,
    TripleSeatState,
)

LOCATIONS_FILE = Path(__file__).with_name("locations.toml")
LEGACY_EVENT = 55521625  # injected by the replaced system yesterday: its order already exists
TRIPLESEAT_LIMIT = RateLimitSettings(limit=10, window_seconds=1)
REVEL_LIMIT = RateLimitSettings(limit=300, window_seconds=60)


class SandboxWorld:
    """The simulated TripleSeat account and Revel instance of one catering business."""

    def __init__(
        self,
        *,
        seed: int = 42,
        today: date | None = None,
        clock: ClockLike | None = None,
        empty: bool = False,
        tripleseat_client_id: str = "sandbox-client",
        tripleseat_client_secret: str = "sandbox-secret",
        tripleseat_refresh_token: str = "sandbox-refresh-token",
        webhook_signing_key: str = "sandbox-signing-key",
        webhook_target_url: str | None = None,
        revel_api_key: str = "sandbox-key",
        revel_api_secret: str = "sandbox-secret",
        tripleseat_settings: TripleSeatSettings | None = None,
        revel_settings: RevelSettings | None = None,
        tripleseat_faults: FaultSettings | None = None,
        revel_faults: FaultSettings | None = None,
        tripleseat_rate_limit: RateLimitSettings | None = None,
        revel_rate_limit: RateLimitSettings | None = None,
        webhook_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.clock: ClockLike = clock or Clock()
        self.seed, self.today, self.empty = seed, today, empty
        self.tripleseat_credentials = TripleSeatCredentials(
            tripleseat_client_id, tripleseat_client_secret, tripleseat_refresh_token
        )
        self.revel_credentials = RevelCredentials(revel_api_key, revel_api_secret)
        self._ts_settings = tripleseat_settings or TripleSeatSettings()
        self._revel_settings = revel_settings or RevelSettings()
        self._webhook_transport = webhook_transport
        self.tripleseat_guard = VendorGuard(
            "tripleseat",
            self.clock,
            tripleseat_rate_limit or TRIPLESEAT_LIMIT,
            tripleseat_faults,
            limited_prefixes=("/v1/",),
        )
        self.revel_guard = VendorGuard("revel", self.clock, revel_rate_limit or REVEL_LIMIT, revel_faults)
        self.tripleseat = self._new_tripleseat()
        hooks = self.tripleseat.webhooks.settings
        self.tripleseat.webhooks.settings = hooks.model_copy(
            update={"signing_key": webhook_signing_key, "target_url": webhook_target_url}
        )
        self.revel = RevelState(self.clock, self.revel_credentials, self._revel_settings)
        self._populate()

    def _new_tripleseat(self) -> TripleSeatState:
        return TripleSeatState(
            self.clock, self.tripleseat_credentials, self._ts_settings, self._webhook_transport
        )

    def _populate(self) -> None:
        seed_revel(self.revel, self.seed)
        if not self.empty:
            self.tripleseat.seed(self.seed, self.today)
            self._legacy_order()

    def reset(
        self,
        *,
        seed: int | None = None,
        today: date | None = None,
        empty: bool = False,
        clear_faults: bool = False,
    ) -> None:
        """Start over with fresh data (same credentials, settings, faults and limits)."""
        self.seed = seed if seed is not None else self.seed
        self.today = today if today is not None else self.today
        self.empty = empty
        webhooks = self.tripleseat.webhooks
        webhooks.reset()
        self.tripleseat = self._new_tripleseat()
        self.tripleseat.webhooks = webhooks  # keeps in-flight deliveries and the webhook config
        self.revel = RevelState(self.clock, self.revel_credentials, self._revel_settings)
        for guard in (self.tripleseat_guard, self.revel_guard):
            guard.stats.reset()
            guard.limiter.reset()
            guard.set_faults(FaultSettings() if clear_faults else guard.faults)
        self._populate()

    def _legacy_order(self) -> None:
        """The order the replaced system made for yesterday's event (found by local_id), made as it
        made them: its lines, a "discount" of items subtotal - invoice total, and a payment of the
        grand total whatever was paid (replaced-system.md), so the order reads as paid in full."""
        ev = self.tripleseat.events.get(LEGACY_EVENT)
        location = self.tripleseat.locations.get(ev.location_id) if ev else None
        if ev is None or location is None or not ev.documents:
            return
        est = {20271: 8, 20272: 9, 20281: 12}[location.id]
        doc = ev.documents[0]
        order = self.revel.insert(
            "Order",
            {
                "establishment": est_uri(est),
                "created_by": "/enterprise/User/1/",
                "updated_by": "/enterprise/User/1/",
                "created_at": "/resources/PosStation/4/",
                "local_id": f"Triple Seat {ev.id}",
                "notes": f"Triple Seat Event #{ev.id}",
                "dining_option": 113,
                "web_order": True,
                "subtotal": float(doc.subtotal),
                "discount_amount": max(0.0, float(doc.subtotal - doc.grand_total)),
                "final_total": float(doc.grand_total),
                "remaining_due": 0.0,
                "printed": True,
            },
        )
        self.revel.insert(
            "Payment",
            {
                "order": order["resource_uri"],
                "amount": float(doc.grand_total),
                "payment_type": 236,
                "establishment": est_uri(est),
                "created_by": "/enterprise/User/1/",
            },
        )
        for line in doc.line_items:
            item = catalog.MENU_BY_ID.get(line.menu_item_id or 0)
            if item is not None and item.revel_name is not None:
                self.revel.insert(
                    "OrderItem",
                    {
                        "order": order["resource_uri"],
                        "quantity": float(line.quantity),
                        "product": f"/resources/Product/{catalog.product_id(est, item)}/",
                        "price": float(line.price),
                        "created_by": "/enterprise/User/1/",
                    },
                )

    # ------------------------------------------------------------------ per vendor

    def guard(self, vendor: Vendor) -> VendorGuard:
        return self.tripleseat_guard if vendor == "tripleseat" else self.revel_guard

    def vendor_settings(self, vendor: Vendor) -> BaseModel:
        return self.tripleseat.settings if vendor == "tripleseat" else self.revel.settings

    def set_vendor_settings(self, vendor: Vendor, settings: BaseModel) -> None:
        if isinstance(settings, TripleSeatSettings):
            self._ts_settings = self.tripleseat.settings = settings
            self.tripleseat.oauth.expires_in = settings.expires_in
        elif isinstance(settings, RevelSettings):
            self._revel_settings = self.revel.settings = settings

    # ------------------------------------------------------------------ reporting

    def stats(self) -> dict[str, Any]:
        """Request counts per vendor (see VendorStats.snapshot)."""
        return {
            "tripleseat": self.tripleseat_guard.stats.snapshot(),
            "revel": self.revel_guard.stats.snapshot(),
        }

    def credentials(self) -> dict[str, str]:
        ts, rv = self.tripleseat_credentials, self.revel_credentials
        return {
            "tripleseat_client_id": ts.client_id,
            "tripleseat_client_secret": ts.client_secret,
            "tripleseat_refresh_token": ts.refresh_token,
            "webhook_signing_key": self.tripleseat.webhooks.settings.signing_key,
            "revel_api_key": rv.api_key,
            "revel_api_secret": rv.api_secret,
        }

    def env(self, tripleseat_url: str, revel_url: str) -> dict[str, str]:
        """The connector's environment for this world (a ready `.env`)."""
        c = self.credentials()
        return {
            "TRIPLESEAT_API_BASE": tripleseat_url,
            "TRIPLESEAT_CLIENT_ID": c["tripleseat_client_id"],
            "TRIPLESEAT_CLIENT_SECRET": c["tripleseat_client_secret"],
            "TRIPLESEAT_WEBHOOK_SIGNING_KEY": c["webhook_signing_key"],
            "REVEL_BASE_URL": revel_url,
            "REVEL_API_KEY": c["revel_api_key"],
            "REVEL_API_SECRET": c["revel_api_secret"],
            "LOCATIONS_FILE": str(LOCATIONS_FILE),
        }

    def info(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "now": self.clock.now().isoformat(),
            "today": {str(k): v.isoformat() for k, v in self.tripleseat.anchors().items()},
            "events": len(self.tripleseat.events),
            "orders": len(self.revel.records["Order"]),
            "credentials": self.credentials(),
            "locations_file": str(LOCATIONS_FILE),
        }
