"""Webhook delivery as TripleSeat does it: a signed JSON POST to the target URL; anything but HTTP
200 is re-sent up to `max_resends` more times (reference/tripleseat-api.md §4). Every attempt is
recorded so tests can see duplicates, order, signatures and retries."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field

from tripleseat_revel.integrations.tripleseat.webhooks import Scheme, sign
from tripleseat_revel.sandbox.clock import ClockLike

SignatureMode = Literal["valid", "bad", "missing", "stale"]
MESSAGES = {
    "CREATE_EVENT": "Event was created",
    "UPDATE_EVENT": "Event was updated",
    "STATUS_CHANGE_EVENT": "Event status was changed",
    "DELETE_EVENT": "Event was deleted",
}


class WebhookSettings(BaseModel):
    """Where and how deliveries go (a TripleSeat webhook endpoint's settings)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    target_url: str | None = None
    signing_key: str = "sandbox-signing-key"
    scheme: Scheme = "hex"
    object_key: Literal["event", "object"] = "event"
    header_name: str = "X-Signature"
    max_resends: int = Field(default=5, ge=0)
    backoff_seconds: float = Field(default=0.05, ge=0)
    request_timeout_seconds: float = Field(default=5, gt=0)


@dataclass
class Attempt:
    attempt: int
    status_code: int | None
    latency_ms: float
    error: str | None
    at: datetime


@dataclass
class Delivery:
    id: int
    event_id: int | None
    trigger: str
    copy: int
    signature: SignatureMode
    target_url: str
    body: bytes
    headers: dict[str, str]
    attempts: list[Attempt] = field(default_factory=list)
    done: bool = False

    @property
    def delivered(self) -> bool:
        return any(a.status_code == 200 for a in self.attempts)

    def as_json(self) -> dict[str, Any]:
        return {
            "delivery_id": self.id,
            "event_id": self.event_id,
            "trigger": self.trigger,
            "copy": self.copy,
            "signature": self.signature,
            "target_url": self.target_url,
            "delivered": self.delivered,
            "done": self.done,
            "attempts": [_attempt_json(self, a) for a in self.attempts],
        }


def _attempt_json(d: Delivery, a: Attempt) -> dict[str, Any]:
    return {
        "delivery_id": d.id,
        "event_id": d.event_id,
        "attempt": a.attempt,
        "status_code": a.status_code,
        "latency_ms": round(a.latency_ms, 2),
        "error": a.error,
        "at": a.at.isoformat(),
    }


def payload(trigger: str, obj: dict[str, Any], object_key: str) -> dict[str, Any]:
    message = MESSAGES.get(trigger, f"{trigger.replace('_', ' ').capitalize()}")
    return {"webhook_trigger_type": trigger, "message": message, object_key: obj}


class WebhookDispatcher:
    """Prepares signed deliveries and sends them in the background on the running event loop."""

    def __init__(self, clock: ClockLike, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.clock = clock
        self.transport = transport
        self.settings = WebhookSettings()
        self.deliveries: list[Delivery] = []
        self.inbox: list[dict[str, Any]] = []  # what /_sandbox/webhooks/inbox received
        self._tasks: set[asyncio.Task[None]] = set()

    def reset(self) -> None:
        self.deliveries.clear()
        self.inbox.clear()

    def prepare(
        self,
        items: Sequence[tuple[int | None, str, dict[str, Any]]],
        *,
        copies: int = 1,
        shuffle: bool = False,
        signature: SignatureMode = "valid",
        rng: random.Random | None = None,
        target_url: str | None = None,
    ) -> list[Delivery]:
        """One delivery per (event id, trigger, object) and copy, in sending order."""
        url = target_url or self.settings.target_url
        if not url:
            raise ValueError("no webhook target_url configured (PUT /_sandbox/webhooks/config)")
        batch = [
            self._delivery(ev, trig, obj, c, signature, url)
            for ev, trig, obj in items
            for c in range(1, copies + 1)
        ]
        for n, delivery in enumerate(batch, start=len(self.deliveries) + 1):
            delivery.id = n
        if shuffle:
            (rng or random.Random(0)).shuffle(batch)
        self.deliveries.extend(batch)
        return batch

    def _delivery(
        self,
        event_id: int | None,
        trigger: str,
        obj: dict[str, Any],
        copy: int,
        mode: SignatureMode,
        url: str,
    ) -> Delivery:
        s = self.settings
        body = json.dumps(payload(trigger, obj, s.object_key), separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", "User-Agent": "Tripleseat-Webhooks/1.0"}
        if mode != "missing":
            headers[s.header_name] = self._signature(body, mode)
        return Delivery(0, event_id, trigger, copy, mode, url, body, headers)

    def _signature(self, body: bytes, mode: SignatureMode) -> str:
        s = self.settings
        now = int(self.clock.now().timestamp())
        key = s.signing_key if mode != "bad" else s.signing_key + "-not-the-key"
        stamp = now - 3600 if mode == "stale" else now
        return sign(body, key, s.scheme, timestamp=stamp)

    def dispatch(self, batch: list[Delivery]) -> None:
        """Send `batch` in the background (call from inside the running event loop)."""
        task = asyncio.get_running_loop().create_task(self._send_batch(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wait(self, timeout: float) -> bool:
        """Wait until every delivery (with its re-sends) is done; False on timeout."""
        deadline = time.monotonic() + timeout
        while self._tasks:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            await asyncio.wait(set(self._tasks), timeout=remaining)
        return True

    async def _send_batch(self, batch: list[Delivery]) -> None:
        timeout = self.settings.request_timeout_seconds
        async with httpx.AsyncClient(transport=self.transport, timeout=timeout) as client:
            retries = []
            # First attempts go out one by one, so the receiver sees the batch's order.
            for delivery in batch:
                if not await self._attempt(client, delivery):
                    retries.append(asyncio.create_task(self._resend(client, delivery)))
                else:
                    delivery.done = True
            await asyncio.gather(*retries)

    async def _resend(self, client: httpx.AsyncClient, delivery: Delivery) -> None:
        s = self.settings
        for n in range(1, s.max_resends + 1):
            await asyncio.sleep(s.backoff_seconds * 2 ** (n - 1))
            if await self._attempt(client, delivery):
                break
        delivery.done = True

    async def _attempt(self, client: httpx.AsyncClient, delivery: Delivery) -> bool:
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        try:
            response = await client.post(delivery.target_url, content=delivery.body, headers=delivery.headers)
            status = response.status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        latency = (time.perf_counter() - started) * 1000
        attempt = Attempt(len(delivery.attempts) + 1, status, latency, error, self.clock.now())
        delivery.attempts.append(attempt)
        # TripleSeat wants exactly 200; anything else (even 202) is re-sent.
        return status == 200
