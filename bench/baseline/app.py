"""The replaced system's web app: the webhook, which calls the app's own sync endpoint and waits.

The webhook handler runs in FastAPI's thread pool, as a plain `def` handler would: a handler on
the event loop that blocked in `requests` could never be answered by its own sync endpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import uuid
from typing import Any

import requests
from fastapi import FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from bench.baseline.sync import TripleSeatSync

logger = logging.getLogger("baseline.app")
app = FastAPI(title="TripleSeat-Revel Connector (replaced system)")


def _verified(body: bytes, signature: str | None) -> bool:
    key = os.getenv("TRIPLESEAT_WEBHOOK_SECRET", "")
    expected = hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
    return bool(signature) and hmac.compare_digest(expected, str(signature))


def handle_webhook(payload: dict[str, Any], correlation_id: str) -> dict[str, Any]:
    """STEP 5c of the replaced handler: call the sync endpoint and wait for it (30 s)."""
    trigger_type = payload.get("webhook_trigger_type")
    event = payload.get("event") or {}
    event_id = event.get("id")
    if not event_id:
        return {"ok": True, "processed": False, "reason": "NO_EVENT_ID", "trigger": trigger_type}
    sync_url = os.getenv("SYNC_ENDPOINT_URL", "http://127.0.0.1:8000/api/sync/tripleseat")
    try:
        response = requests.get(sync_url, params={"event_id": event_id}, timeout=30)
        if response.status_code != 200:
            return {
                "ok": False,
                "processed": False,
                "reason": f"SYNC_ENDPOINT_ERROR_{response.status_code}",
                "trigger": trigger_type,
            }
        sync_result = response.json()
        if not sync_result.get("success"):
            return {
                "ok": False,
                "processed": False,
                "reason": f"SYNC_FAILED_{sync_result.get('error', 'UNKNOWN')}",
                "trigger": trigger_type,
            }
        events = sync_result.get("events", [])
        order_id = events[0].get("revel_order_id") if events else None
        logger.info("[req-%s] Event %s synced - Revel Order: %s", correlation_id, event_id, order_id)
        return {"ok": True, "processed": True, "revel_order_id": order_id, "trigger": trigger_type}
    except requests.exceptions.Timeout:
        return {"ok": False, "processed": False, "reason": "SYNC_ENDPOINT_TIMEOUT", "trigger": trigger_type}
    except Exception as exc:
        return {
            "ok": False,
            "processed": False,
            "reason": f"SYNC_CALL_FAILED_{type(exc).__name__}",
            "trigger": trigger_type,
        }


@app.post("/webhooks/tripleseat", response_model=None)
async def tripleseat_webhook(request: Request) -> Any:
    body = await request.body()
    if not _verified(body, request.headers.get("x-signature")):
        return JSONResponse({"ok": False, "reason": "INVALID_SIGNATURE"}, status_code=401)
    try:
        payload = json.loads(body)
    except ValueError:
        return JSONResponse({"ok": False, "reason": "INVALID_JSON"}, status_code=400)
    correlation_id = str(uuid.uuid4())[:8]
    return await run_in_threadpool(handle_webhook, payload, correlation_id)


@app.get("/api/sync/tripleseat")
def sync_tripleseat(event_id: str | None = Query(None), hours_back: int = Query(48)) -> dict[str, Any]:
    """Reconciliation endpoint - sync TripleSeat events to Revel (the replaced system's shape)."""
    correlation_id = str(uuid.uuid4())[:8]
    sync = TripleSeatSync(
        int(os.getenv("TRIPLESEAT_SITE_ID", "15691")),
        os.getenv("REVEL_ESTABLISHMENT_ID", "4"),
        os.getenv("REVEL_LOCATION_ID", "1"),
    )
    try:
        if event_id:
            result = sync.sync_event(event_id, correlation_id=correlation_id)
            return {
                "success": result.get("success", False),
                "mode": "single",
                "summary": {
                    "queried": 1,
                    "injected": 1 if result.get("success") else 0,
                    "skipped": 0 if result.get("success") else 1,
                    "failed": 0,
                },
                "events": [
                    {
                        "id": event_id,
                        "name": result.get("event_name", "unknown"),
                        "date": result.get("event_date", "unknown"),
                        "status": "injected" if result.get("success") else result.get("status", "failed"),
                        "revel_order_id": result.get("revel_order_id"),
                        "reason": result.get("reason"),
                        "error": result.get("error"),
                    }
                ],
            }
        bulk = sync.sync_recent_events(hours_back=hours_back, correlation_id=correlation_id)
        return {
            "success": bulk.get("failed", 0) == 0,
            "mode": "bulk",
            "summary": {k: bulk.get(k, 0) for k in ("queried", "injected", "skipped", "failed")},
            "events": bulk.get("events", []),
        }
    except Exception as exc:
        logger.error("[sync-%s] Sync failed: %s", correlation_id, exc)
        return {
            "success": False,
            "mode": "error",
            "summary": {"queried": 0, "injected": 0, "skipped": 0, "failed": 0},
            "error": str(exc),
        }


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
