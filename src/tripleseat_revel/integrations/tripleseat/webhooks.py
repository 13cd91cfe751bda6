"""TripleSeat webhook signatures and payloads. Pure: bytes and strings in, values out.

TripleSeat's exact scheme is not confirmed publicly (reference/tripleseat-api.md §4), so the
verifier accepts each plausible form of the `X-Signature` header:

- `hex`:         HMAC-SHA256(key, raw_body), hex encoded (optionally prefixed `sha256=`)
- `base64`:      the same digest, base64 encoded
- `timestamped`: `t=<unix>,v1=<hex of HMAC(key, "<t>.<raw_body>")>`, within a replay window

Comparison is constant-time, and a second key is accepted during rotation. `sign()` is the one
helper that makes each form: the simulator and the tests use it too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any, Literal

Scheme = Literal["hex", "base64", "timestamped"]
SCHEMES: tuple[Scheme, ...] = ("hex", "base64", "timestamped")

EVENT_TRIGGERS = frozenset(
    {
        "CREATE_EVENT",
        "UPDATE_EVENT",
        "DELETE_EVENT",
        "STATUS_CHANGE_EVENT",
        "CHANGE_EVENT_GUEST_COUNTS",
        "CHANGE_EVENT_DATETIME",
        "REASSIGN_EVENT_LOCATION",
        "REASSIGN_EVENT_AREAS",
        "REASSIGN_EVENT_OWNERSHIP",
        "REASSIGN_EVENT_CONTACT",
        "REASSIGN_EVENT_ACCOUNT",
    }
)
OBJECT_KEYS = ("event", "object", "booking", "lead")
MAX_ID = 2**53 - 1  # the largest id a JSON number holds exactly (TripleSeat ids are far below)


def _digest(key: str, message: bytes) -> bytes:
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).digest()


def sign(body: bytes, key: str, scheme: Scheme = "hex", *, timestamp: int | None = None) -> str:
    """The X-Signature header value for `body` under `scheme`."""
    if scheme == "hex":
        return _digest(key, body).hex()
    if scheme == "base64":
        return base64.b64encode(_digest(key, body)).decode("ascii")
    if timestamp is None:
        raise ValueError("the timestamped scheme needs a timestamp")
    signed = f"{timestamp}.".encode() + body
    return f"t={timestamp},v1={_digest(key, signed).hex()}"


@dataclass(frozen=True)
class Verification:
    ok: bool
    scheme: Scheme | None = None
    reason: str | None = None
    key_index: int | None = None  # 0 = current key, 1 = previous key (rotation)


def header_format(header: str | None) -> str:
    """A description of the header's shape (never its value), for logging the first deliveries."""
    if not header:
        return "missing"
    text = header.strip()
    if "v1=" in text and "t=" in text:
        return "timestamped(t=,v1=)"
    if text.lower().startswith("sha256="):
        return "sha256=<hex>"
    if all(c in "0123456789abcdefABCDEF" for c in text):
        return f"hex({len(text)})"
    return f"other({len(text)} chars)"


def _decode_plain(text: str) -> tuple[Scheme, bytes] | None:
    if text.lower().startswith("sha256="):
        text = text[7:]
    if len(text) == 64:
        try:
            return "hex", bytes.fromhex(text)
        except ValueError:
            pass
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return ("base64", raw) if len(raw) == 32 else None


MAX_TIMESTAMP = 10**12


def _parse_timestamped(text: str) -> tuple[int, list[str]] | None:
    timestamp: int | None = None
    candidates: list[str] = []
    for part in text.replace(" ", ",").split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isascii() and value.isdigit():
            timestamp = int(value)
        elif name == "v1" and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        return None
    return timestamp, candidates


def verify(
    body: bytes,
    header: str | None,
    keys: list[str],
    *,
    now: float,
    tolerance_seconds: int = 300,
) -> Verification:
    """Check `header` against `body` with any of `keys` (current first). Never raises."""
    usable = [(index, key) for index, key in enumerate(keys) if key]
    if not usable:
        return Verification(False, reason="no signing key configured")
    if not header or not header.strip():
        return Verification(False, reason="missing signature")
    if len(header) > 2048 or not header.isascii():
        return Verification(False, reason="malformed signature")
    text = header.strip()
    if "v1=" in text:
        return _verify_timestamped(body, text, usable, now, tolerance_seconds)
    decoded = _decode_plain(text)
    if decoded is None:
        return Verification(False, reason="malformed signature")
    scheme, given = decoded
    for index, key in usable:
        if hmac.compare_digest(_digest(key, body), given):
            return Verification(True, scheme=scheme, key_index=index)
    return Verification(False, scheme=scheme, reason="signature mismatch")


def _verify_timestamped(
    body: bytes, text: str, keys: list[tuple[int, str]], now: float, tolerance: int
) -> Verification:
    parsed = _parse_timestamped(text)
    if parsed is None:
        return Verification(False, scheme="timestamped", reason="malformed signature")
    timestamp, candidates = parsed
    # A timestamp past year 33658 is outside any window; compared as a float it would overflow.
    if timestamp > MAX_TIMESTAMP or abs(now - timestamp) > tolerance:
        return Verification(False, scheme="timestamped", reason="timestamp outside replay window")
    signed = f"{timestamp}.".encode() + body
    for index, key in keys:
        expected = _digest(key, signed).hex().encode()
        if any(hmac.compare_digest(expected, c.lower().encode()) for c in candidates if len(c) == 64):
            return Verification(True, scheme="timestamped", key_index=index)
    return Verification(False, scheme="timestamped", reason="signature mismatch")


@dataclass(frozen=True)
class WebhookPayload:
    """What the connector takes from a delivery: a hint that an event may have changed."""

    trigger: str | None
    event_id: int | None
    object_key: str | None
    updated_at: str | None

    @property
    def actionable(self) -> bool:
        return self.trigger in EVENT_TRIGGERS or (self.trigger is None and self.object_key == "event")


class MalformedPayload(ValueError):
    """The body is not a JSON object."""


def _event_id_of(obj: dict[str, Any], object_key: str | None, data: dict[str, Any]) -> int | None:
    candidates: list[Any] = []
    if object_key in ("event", "object"):
        candidates.append(obj.get("id"))
    candidates.append(obj.get("event_id"))
    event_ids = obj.get("event_ids")
    if object_key == "booking" and isinstance(event_ids, list) and len(event_ids) == 1:
        candidates.append(event_ids[0])
    candidates.append(data.get("event_id"))
    for value in candidates:
        if isinstance(value, bool):
            continue
        if isinstance(value, int) and 0 < value <= MAX_ID:
            return value
        text = value.strip() if isinstance(value, str) else ""
        if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
            return int(text)
    return None


def parse(body: bytes) -> WebhookPayload:
    """Parse a delivery tolerantly; raise MalformedPayload if it is not a JSON object."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise MalformedPayload("body is not valid JSON") from exc
    if not isinstance(data, dict):
        raise MalformedPayload("body is not a JSON object")
    trigger = data.get("webhook_trigger_type") or data.get("trigger")
    trigger = str(trigger).strip().upper() if isinstance(trigger, str | int) else None
    object_key = next((k for k in OBJECT_KEYS if isinstance(data.get(k), dict)), None)
    obj: dict[str, Any] = data[object_key] if object_key else {}
    updated = obj.get("updated_at")
    return WebhookPayload(
        trigger=trigger or None,
        event_id=_event_id_of(obj, object_key, data),
        object_key=object_key,
        updated_at=str(updated) if updated is not None else None,
    )
