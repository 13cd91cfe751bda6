"""The simulated TripleSeat account: sites, locations, events, OAuth and webhooks. No HTTP here:
routes.py and control.py translate requests into these business methods."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field

from tripleseat_revel.kit.timezones import zone
from tripleseat_revel.sandbox.clock import ClockLike
from tripleseat_revel.sandbox.tripleseat import corpus, render, search
from tripleseat_revel.sandbox.tripleseat.models import (
    Contact,
    DocumentSpec,
    EventRec,
    Location,
    Site,
    StatusChange,
)
from tripleseat_revel.sandbox.tripleseat.oauth import OAuthServer, OAuthVariant
from tripleseat_revel.sandbox.tripleseat.scripted import SCRIPTED
from tripleseat_revel.sandbox.tripleseat.seed import (
    EventPlan,
    Ids,
    build_event,
    build_locations,
    build_sites,
    price_documents,
)
from tripleseat_revel.sandbox.tripleseat.webhooks import WebhookDispatcher


class TripleSeatSettings(BaseModel):
    """Behaviours the sources disagree on; each variant can be played (defaults: most likely)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    money_format: render.MoneyFormat = "string"
    oauth_variant: OAuthVariant = "client_credentials"
    expires_in: int = Field(default=7200, ge=1)
    auth_failure_style: Literal["json", "html"] = "json"
    per_page: int = Field(default=50, ge=1)
    locations_wrapped: bool = True
    sites_wrapped: bool = False
    status_filter_case: search.StatusCase = "lowercase_only"


class EventNotFound(Exception):
    """No event with that id (or it was deleted)."""


@dataclass
class TripleSeatCredentials:
    client_id: str = "sandbox-client"
    client_secret: str = "sandbox-secret"
    refresh_token: str = "sandbox-refresh-token"


_UNSET: Any = object()


class TripleSeatState:
    """In-memory TripleSeat backend."""

    def __init__(
        self,
        clock: ClockLike,
        credentials: TripleSeatCredentials,
        settings: TripleSeatSettings,
        webhook_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.clock = clock
        self.credentials = credentials
        self.settings = settings
        self.sites: dict[int, Site] = build_sites()
        self.locations: dict[int, Location] = build_locations()
        self.events: dict[int, EventRec] = {}
        self.deleted: dict[int, EventRec] = {}
        self.pinned_today: date | None = None
        self.ids = Ids()
        self.oauth = OAuthServer(credentials.client_id, credentials.client_secret, clock, settings.expires_in)
        self.oauth.mint_refresh_token(credentials.client_id, credentials.refresh_token)
        self.webhooks = WebhookDispatcher(clock, webhook_transport)

    # ------------------------------------------------------------------ seeding

    def anchors(self, today: date | None = None) -> dict[int, date]:
        """Each location's "today": the given date, else the date the seed was pinned to, else
        the local date on the world clock."""
        now, pinned = self.clock.now(), today or self.pinned_today
        return {
            lid: pinned or now.astimezone(zone(self.sites[loc.site_id].timezone)).date()
            for lid, loc in self.locations.items()
        }

    def seed(self, seed: int, today: date | None = None, random_events: int = corpus.RANDOM_EVENTS) -> int:
        """Replace the events with the deterministic corpus for (seed, today); return the count."""
        self.events.clear()
        self.deleted.clear()
        self.ids = Ids()
        self.pinned_today = today
        anchors = self.anchors(today)
        for s in SCRIPTED:
            site = self.sites[self.locations[s.location_id].site_id]
            self._add(corpus.scripted_plan(s, site, anchors[s.location_id], self.ids))
        self.add_random(random.Random(seed), random_events, anchors)
        return len(self.events)

    def add_random(self, rng: random.Random, count: int, anchors: dict[int, date] | None = None) -> list[int]:
        first = max([corpus.FIRST_RANDOM_ID - 1, *self.events, *self.deleted]) + 1
        plans = corpus.random_plans(
            rng, count, first, anchors or self.anchors(), self.sites, self.locations, self.ids
        )
        return [self._add(plan).id for plan in plans]

    def _add(self, plan: EventPlan) -> EventRec:
        loc = self.locations[plan.location_id]
        ev = build_event(plan, self.sites[loc.site_id], loc, self.ids)
        self.events[ev.id] = ev
        return ev

    # ------------------------------------------------------------------ reading

    def site_of(self, ev: EventRec) -> Site:
        return self.sites[self.locations[ev.location_id].site_id]

    def get(self, event_id: int) -> EventRec:
        ev = self.events.get(event_id)
        if ev is None:
            raise EventNotFound(event_id)
        return ev

    def render(self, ev: EventRec, *, financial: bool) -> dict[str, Any]:
        loc = self.locations[ev.location_id]
        return render.render_event(
            ev, self.site_of(ev), loc, financial=financial, fmt=self.settings.money_format
        )

    def search(self, get_all: search.Params) -> tuple[int, list[EventRec]]:
        """Raises search.SearchError (422) for bad filters."""
        query = search.parse_query(get_all, self.settings.status_filter_case)
        return search.run(list(self.events.values()), query, self.site_of, self.settings.per_page)

    def page(self, page: int) -> tuple[int, list[EventRec]]:
        """`GET /v1/events.json?page=N`: every event by id, 50 per page."""
        query = search.SearchQuery(page=max(1, page))
        return search.run(list(self.events.values()), query, self.site_of, self.settings.per_page)

    def webhook_object(self, ev: EventRec) -> dict[str, Any]:
        return render.webhook_object(ev, self.site_of(ev), self.locations[ev.location_id])

    def events_on(self, day_of: Callable[[int], date], statuses: set[str] | None = None) -> list[EventRec]:
        """Events dated on `day_of(location_id)` (e.g. each location's today), by id."""
        return [
            ev
            for ev in sorted(self.events.values(), key=lambda e: e.id)
            if ev.event_date == day_of(ev.location_id) and (statuses is None or ev.status in statuses)
        ]

    # ------------------------------------------------------------------ writing

    def create(self, plan: EventPlan) -> EventRec:
        if plan.id in self.events or plan.id in self.deleted:
            raise ValueError(f"event {plan.id} already exists")
        if plan.location_id not in self.locations:
            raise ValueError(f"unknown location_id {plan.location_id}")
        return self._add(plan)

    def next_event_id(self) -> int:
        return max([corpus.FIRST_RANDOM_ID - 1, *self.events, *self.deleted]) + 1

    def update(
        self,
        event_id: int,
        *,
        status: str | None = None,
        name: str | None = None,
        guest_count: int | None = None,
        event_date: date | None = None,
        start: time | None = None,
        minutes: int | None = None,
        location_id: int | None = None,
        documents: list[DocumentSpec] | None = None,
        contact: Contact | None = _UNSET,
        updated_at: datetime | None = None,
    ) -> EventRec:
        """Change an event like a user editing it in TripleSeat; `updated_at` moves to now."""
        ev = self.get(event_id)
        now = self.clock.now()
        if status is not None and status != ev.status:
            ev.status_changes.append(StatusChange(status, ev.status, now))
            ev.status = status
        ev.name = name if name is not None else ev.name
        ev.guest_count = guest_count if guest_count is not None else ev.guest_count
        if location_id is not None:
            self._move(ev, location_id)
        self._reschedule(ev, event_date, start, minutes)
        if contact is not _UNSET:
            ev.contact = contact
        if documents is not None:
            doc_ids = [d.id for d in ev.documents]
            ev.documents = price_documents(
                documents, self.site_of(ev), self.ids, ev.created_at, ev.event_date, doc_ids
            )
        ev.updated_at = updated_at or now
        return ev

    def _move(self, ev: EventRec, location_id: int) -> None:
        if location_id not in self.locations:
            raise ValueError(f"unknown location_id {location_id}")
        ev.location_id = location_id
        ev.room_id = self.locations[location_id].rooms[0].id

    def _reschedule(self, ev: EventRec, day: date | None, start: time | None, minutes: int | None) -> None:
        length = (
            minutes if minutes is not None else int((ev.end_local - ev.start_local).total_seconds() // 60)
        )
        begin = datetime.combine(day or ev.event_date, start or ev.start_local.time())
        ev.start_local, ev.end_local = begin, begin + timedelta(minutes=length)

    def delete(self, event_id: int) -> EventRec:
        ev = self.get(event_id)
        self.deleted[event_id] = self.events.pop(event_id)
        ev.updated_at = self.clock.now()
        return ev
