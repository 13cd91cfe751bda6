"""POST /webhooks/tripleseat: verify, store durably, enqueue, answer 200 in milliseconds.

No vendor API is called while the request is open: the delivery is a hint, and the sync
re-fetches the event. Bad input gets a clear error and nothing is processed.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from tripleseat_revel.inbox.service import Accepted, Delivery, InboxWriter
from tripleseat_revel.integrations.tripleseat.webhooks import (
    MalformedPayload,
    WebhookPayload,
    header_format,
    parse,
    verify,
)
from tripleseat_revel.logging import correlation, get_logger
from tripleseat_revel.metrics import WEBHOOKS_RECEIVED, WEBHOOKS_REJECTED
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.web.errors import AppError, ErrorBody

log = get_logger(__name__)
router = APIRouter(tags=["webhooks"])
MAX_BODY = 1024 * 1024
_formats_logged = 0


class WebhookAck(BaseModel):
    ok: bool = True
    processed: bool
    reason: str | None = None
    event_id: int | None = None
    trigger: str | None = None
    duplicate: bool = False
    workflow_id: str | None = None
    correlation_id: str


def _reject(reason: str, status: int, message: str) -> AppError:
    WEBHOOKS_REJECTED.labels(reason).inc()
    log.warning("webhook.rejected", reason=reason, status=status)
    return AppError(message, status)


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise _reject("too_large", 413, "body over 1 MiB")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise _reject("too_large", 413, "body over 1 MiB")
        chunks.append(chunk)
    return b"".join(chunks)


def _writer(request: Request, rt: Runtime) -> InboxWriter:
    """The app's inbox writer (group commit), made on first use; one per app and database."""
    writer: InboxWriter | None = getattr(request.app.state, "inbox_writer", None)
    if writer is None or writer.db is not rt.db:
        writer = InboxWriter(rt.db, rt.syncs)
        request.app.state.inbox_writer = writer
    return writer


def _keys(rt: Runtime) -> list[str]:
    s = rt.settings
    keys = [s.TRIPLESEAT_WEBHOOK_SIGNING_KEY, s.TRIPLESEAT_WEBHOOK_SIGNING_KEY_PREVIOUS]
    return [k.get_secret_value() for k in keys if k is not None]


def _log_first_formats(header: str | None, scheme: str | None) -> None:
    # TripleSeat's scheme is not documented publicly: record the shape of the first deliveries.
    global _formats_logged
    if _formats_logged < 5:
        _formats_logged += 1
        log.info("webhook.signature_format", header=header_format(header), scheme=scheme)


@router.post(
    "/webhooks/tripleseat",
    response_model=WebhookAck,
    responses={
        400: {"model": ErrorBody, "description": "malformed JSON"},
        401: {"model": ErrorBody, "description": "bad or missing signature"},
        413: {"model": ErrorBody, "description": "body over 1 MiB"},
        503: {"model": ErrorBody, "description": "no signing key configured"},
    },
)
async def tripleseat_webhook(request: Request) -> Any:
    """Verify, store durably (with the sync request, in one transaction), answer."""
    rt: Runtime = request.app.state.runtime
    body = await _read_body(request)
    scheme = _verified_scheme(rt, body, request.headers.get("x-signature"))
    try:
        payload = parse(body)
    except MalformedPayload as exc:
        raise _reject("malformed", 400, str(exc)) from exc
    with correlation() as cid:
        delivery = _delivery(body, payload, scheme, cid)
        accepted = await _writer(request, rt).accept(delivery)
        return _ack(delivery, accepted)


def _verified_scheme(rt: Runtime, body: bytes, header: str | None) -> str | None:
    """The signature scheme of a delivery signed with one of our keys (else 401/503)."""
    keys = _keys(rt)
    if not keys:
        raise _reject("not_configured", 503, "TRIPLESEAT_WEBHOOK_SIGNING_KEY is not configured")
    check = verify(
        body, header, keys, now=time.time(), tolerance_seconds=rt.settings.WEBHOOK_REPLAY_WINDOW_SECONDS
    )
    _log_first_formats(header, check.scheme)
    if not check.ok:
        reason = check.reason or "bad signature"
        raise _reject(reason.replace(" ", "_"), 401, f"invalid signature: {check.reason}")
    return check.scheme


def _delivery(body: bytes, payload: WebhookPayload, scheme: str | None, correlation_id: str) -> Delivery:
    reason = None
    if not payload.actionable:
        reason = f"trigger {payload.trigger} is not an event change"
    elif payload.event_id is None:
        reason = "no event id in the payload"
    return Delivery(
        body=body,
        trigger=payload.trigger,
        event_id=payload.event_id,
        actionable=reason is None,
        reason=reason,
        scheme=scheme,
        correlation_id=correlation_id,
    )


def _ack(delivery: Delivery, accepted: Accepted) -> JSONResponse:
    queued = "queued" if delivery.actionable else "not_actionable"
    result = "duplicate" if accepted.duplicate else queued
    WEBHOOKS_RECEIVED.labels(delivery.trigger or "none", result).inc()
    log.info(
        "webhook.accepted",
        event_id=delivery.event_id,
        trigger=delivery.trigger,
        result=result,
        workflow_id=accepted.workflow_id,
        collapsed=accepted.collapsed,
    )
    # The WebhookAck document, rendered directly (as FastAPI would render the model, without
    # validating our own output on every delivery).
    return JSONResponse(
        {
            "ok": True,
            "processed": delivery.actionable,
            "reason": delivery.reason,
            "event_id": delivery.event_id,
            "trigger": delivery.trigger,
            "duplicate": accepted.duplicate,
            "workflow_id": accepted.workflow_id,
            "correlation_id": delivery.correlation_id,
        }
    )
