"""Fault injection, rate limiting and request counting, shared by both simulated vendors.

One `VendorGuard` per vendor holds the settings; `GuardMiddleware` applies them to every request
outside `/_sandbox/`: first the vendor's rate limit (429 + Retry-After), then latency, then at most
one fault (timeout, 5xx, 429, or a write whose response is lost), and counts what was answered.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
from collections import deque
from collections.abc import Callable, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tripleseat_revel.sandbox.clock import ClockLike
from tripleseat_revel.sandbox.stats import VendorStats, clean_template

Vendor = Literal["tripleseat", "revel"]
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
CLIENT_CLOSED = 499  # recorded when a client gives up on a hanging request (nginx's code)


class FaultSettings(BaseModel):
    """What goes wrong, and how often (rates are probabilities per request, 0..1)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    latency_ms: float = Field(default=0.0, ge=0)
    jitter_ms: float = Field(default=0.0, ge=0)
    error_rate: float = Field(default=0.0, ge=0, le=1)
    error_statuses: list[int] = Field(default_factory=lambda: [500, 502, 503])
    rate_429: float = Field(default=0.0, ge=0, le=1)
    retry_after_seconds: int = Field(default=1, ge=0)
    timeout_rate: float = Field(default=0.0, ge=0, le=1)
    timeout_seconds: float = Field(default=30.0, ge=0)
    lost_response_rate: float = Field(default=0.0, ge=0, le=1)
    lost_response_mode: Literal["502", "timeout"] = "502"
    fault_seed: int | None = None
    # At most this many faults, then none (None: no limit): "the next PATCH fails once".
    max_faults: int | None = Field(default=None, ge=0)
    # Narrow the faults to some requests (None: all of the vendor's API requests).
    methods: list[str] | None = None
    path_prefixes: list[str] | None = None

    def applies(self, method: str, path: str) -> bool:
        if self.methods is not None and method.upper() not in {m.upper() for m in self.methods}:
            return False
        return self.path_prefixes is None or any(path.startswith(p) for p in self.path_prefixes)


class RateLimitSettings(BaseModel):
    """`limit` requests per `window_seconds` per credential (sliding window)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    enabled: bool = True
    limit: int = Field(ge=1)
    window_seconds: float = Field(gt=0)


class SlidingWindowLimiter:
    """A sliding-window log per key: a request is allowed when fewer than `limit` were allowed in
    the last `window` seconds. Time comes from the caller, so a pinned clock makes it exact."""

    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = {}

    def reset(self) -> None:
        self._hits.clear()

    def hit(self, key: str, now: float, limit: int, window: float) -> int | None:
        """Record a request; None if allowed, else the Retry-After in whole seconds (>= 1)."""
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - window:
            hits.popleft()
        if len(hits) >= limit:
            return max(1, math.ceil(hits[0] + window - now))
        hits.append(now)
        return None


class VendorGuard:
    """Faults, rate limit and stats of one simulated vendor."""

    def __init__(
        self,
        vendor: str,
        clock: ClockLike,
        limits: RateLimitSettings,
        faults: FaultSettings | None = None,
        limited_prefixes: tuple[str, ...] = ("/",),
    ) -> None:
        self.vendor = vendor
        self.clock = clock
        self.limits = limits
        self.limited_prefixes = limited_prefixes
        self.limiter = SlidingWindowLimiter()
        self.stats = VendorStats()
        self.faults = FaultSettings()
        self.rng = random.Random()
        self.faults_left: int | None = None
        self.set_faults(faults or FaultSettings())

    def set_faults(self, faults: FaultSettings) -> None:
        self.faults = faults
        self.rng = random.Random(faults.fault_seed)
        self.faults_left = faults.max_faults

    def rate_limited(self, key: str, path: str) -> int | None:
        """None if the request may proceed, else its Retry-After seconds."""
        if not self.limits.enabled or not path.startswith(self.limited_prefixes):
            return None
        now = self.clock.now().timestamp()
        return self.limiter.hit(key, now, self.limits.limit, self.limits.window_seconds)

    def delay_seconds(self) -> float:
        f = self.faults
        jitter = self.rng.uniform(0, f.jitter_ms) if f.jitter_ms else 0.0
        return (f.latency_ms + jitter) / 1000

    def roll(self, method: str) -> str | None:
        """Pick at most one fault for this request; draws are made in a fixed order so a
        `fault_seed` replays the same sequence."""
        f = self.faults
        draws = [self.rng.random() for _ in range(4)]
        fault = None
        if draws[0] < f.timeout_rate:
            fault = "timeout"
        elif draws[1] < f.error_rate:
            fault = "error"
        elif draws[2] < f.rate_429:
            fault = "rate_429"
        elif method in WRITE_METHODS and draws[3] < f.lost_response_rate:
            fault = "lost_response"
        if fault is None or self.faults_left is None:
            return fault
        if self.faults_left <= 0:
            return None
        self.faults_left -= 1
        return fault


KeyFunc = Callable[[Scope], str]


def route_template(routes: Sequence[BaseRoute], scope: Scope) -> str:
    """The route template a request matches (its raw path when none does)."""
    partial: str | None = None
    for route in routes:
        match, _ = route.matches(scope)
        template = getattr(route, "path", None)
        if match == Match.FULL and template:
            return clean_template(template)
        if match == Match.PARTIAL and template and partial is None:
            partial = clean_template(template)  # right path, other method
    path: str = scope["path"]
    return partial or path


async def send_json(send: Send, status: int, body: object, headers: dict[str, str] | None = None) -> None:
    raw = json.dumps(body, separators=(",", ":")).encode()
    pairs = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    pairs += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": pairs})
    await send({"type": "http.response.body", "body": raw})


class _Recorder:
    """Wraps `send` to learn the status; when `swallow` is set nothing reaches the client."""

    def __init__(self, send: Send, swallow: bool = False) -> None:
        self._send = send
        self.swallow = swallow
        self.status = 0

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
        if not self.swallow:
            await self._send(message)


class GuardMiddleware:
    """Pure ASGI middleware applying a VendorGuard (see the module docstring)."""

    def __init__(
        self, app: ASGIApp, guard: VendorGuard, key_func: KeyFunc, routes: Sequence[BaseRoute]
    ) -> None:
        self.app = app
        self.guard = guard
        self.key_func = key_func
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sandbox"):
            await self.app(scope, receive, send)
            return
        recorder = _Recorder(send)
        try:
            await self._guarded(scope, receive, recorder)
        finally:
            template = route_template(self.routes, scope)
            self.guard.stats.record(scope["method"], template, recorder.status)

    async def _guarded(self, scope: Scope, receive: Receive, send: _Recorder) -> None:
        guard, method, path = self.guard, scope["method"], scope["path"]
        retry_after = guard.rate_limited(self.key_func(scope), path)
        if retry_after is not None:
            guard.stats.rate_limited += 1
            body = {"error": "Rate limit exceeded", "retry_after": retry_after}
            await send_json(send, 429, body, {"Retry-After": str(retry_after)})
            return
        if not guard.faults.applies(method, path):
            await self.app(scope, receive, send)
            return
        await self._with_faults(scope, receive, send)

    async def _with_faults(self, scope: Scope, receive: Receive, send: _Recorder) -> None:
        guard, faults = self.guard, self.guard.faults
        delay = guard.delay_seconds()
        if delay > 0:
            guard.stats.faults["latency"] += 1
            await asyncio.sleep(delay)
        fault = guard.roll(scope["method"])
        if fault is not None:
            guard.stats.faults[fault] += 1
        if fault == "timeout":
            # The request is never processed; the client's read timeout should fire first.
            await self._hang(receive, send)
        elif fault == "error":
            status = guard.rng.choice(faults.error_statuses or [500])
            await send_json(send, status, {"error": f"Simulated server error {status}"})
        elif fault == "rate_429":
            seconds = faults.retry_after_seconds
            body = {"error": "Too Many Requests (simulated)", "retry_after": seconds}
            await send_json(send, 429, body, {"Retry-After": str(seconds)})
        elif fault == "lost_response":
            await self._lose_response(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _lose_response(self, scope: Scope, receive: Receive, send: _Recorder) -> None:
        """Perform the write, then withhold its answer: the client cannot know it succeeded."""
        inner = _Recorder(send, swallow=True)
        await self.app(scope, receive, inner)
        self.guard.stats.lost_responses.append(
            {"method": scope["method"], "path": scope["path"], "status": inner.status}
        )
        if self.guard.faults.lost_response_mode == "timeout":
            await self._hang(receive, send)
        else:
            await send_json(send, 502, {"error": "Bad Gateway (simulated)"})

    async def _hang(self, receive: Receive, send: _Recorder) -> None:
        """Answer nothing for `timeout_seconds` (504 after that), or stop when the client leaves."""
        if await _client_left_within(receive, self.guard.faults.timeout_seconds):
            send.status = CLIENT_CLOSED
            return
        await send_json(send, 504, {"error": "Gateway Timeout (simulated)"})


async def _client_left_within(receive: Receive, seconds: float) -> bool:
    async def disconnect() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    try:
        await asyncio.wait_for(disconnect(), timeout=seconds)
    except TimeoutError:
        return False
    return True
