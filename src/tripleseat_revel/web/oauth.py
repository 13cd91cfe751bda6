"""GET /oauth/callback: TripleSeat sends the admin back here with a code after authorising."""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from tripleseat_revel.integrations.tripleseat.onboarding import OnboardingError, complete
from tripleseat_revel.kit.http import VendorError
from tripleseat_revel.logging import get_logger, safe_error

log = get_logger(__name__)
router = APIRouter(tags=["oauth"])

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>TripleSeat connection</title></head>
<body style="font-family:system-ui;max-width:40rem;margin:3rem auto">
<h1>{title}</h1><p>{text}</p></body></html>"""


def _page(title: str, text: str, status: int) -> HTMLResponse:
    return HTMLResponse(PAGE.format(title=escape(title), text=escape(text)), status_code=status)


@router.get("/oauth/callback", response_class=HTMLResponse, include_in_schema=False)
async def oauth_callback(request: Request, code: str = "", state: str = "", error: str = "") -> HTMLResponse:
    """Exchange the authorization code for tokens and store them."""
    if error:
        return _page("TripleSeat did not authorise the connector", f"TripleSeat said: {error}", 400)
    if not code or not state:
        return _page("Missing code", "Open the link printed by `tripleseat-revel auth tripleseat`.", 400)
    base = str(request.base_url).rstrip("/")
    try:
        rt = request.app.state.runtime
        await run_in_threadpool(
            complete, rt.settings, rt.tripleseat, code, state, rt.settings.PUBLIC_URL or base
        )
    except (OnboardingError, VendorError) as exc:
        log.warning("oauth.callback.failed", error=type(exc).__name__)
        return _page("The connection failed", safe_error(exc), 400)
    log.info("oauth.callback.connected")
    return _page(
        "TripleSeat is connected", "The tokens are stored; the connector will use and rotate them.", 200
    )
