"""`tripleseat-revel demo`: the whole main job on the embedded default, against the simulators.

Starts both simulators and the connector (SQLite under ./var/demo), fires signed webhooks for
today's events (each twice, shuffled), runs a reconcile, and prints today's events with the Revel
orders made (TripleSeat's total beside Revel's), then a count per other outcome (demo_report).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import httpx
import typer

from tripleseat_revel import migrate
from tripleseat_revel.cli.demo_report import WIDTH, DemoRow, print_report
from tripleseat_revel.cli.render import console
from tripleseat_revel.config import load_settings
from tripleseat_revel.db import Database
from tripleseat_revel.kit.crypto import generate_key
from tripleseat_revel.logging import configure_logging
from tripleseat_revel.runtime import Runtime, build_runtime, start_engine, stop_engine

DEMO_DIR = Path("var/demo")
ADMIN_TOKEN = "demo-admin-token-for-localhost-only"  # noqa: S105 - a throwaway token for the local demo only


def _settings(env: dict[str, str], db_path: Path) -> Any:
    # Everything that could reach a real system is set here, so a developer's .env never leaks in.
    return load_settings(
        _env_file=None,
        DATABASE_URL=f"sqlite:///{db_path}",
        ADMIN_TOKEN=ADMIN_TOKEN,
        # The demo's database is made afresh each run: a fresh key encrypts its tokens.
        TOKEN_ENCRYPTION_KEY=generate_key(),
        OUTBOX_DIR=DEMO_DIR / "outbox",
        SENDGRID_API_KEY=None,
        SMTP_URL=None,
        EMAIL_TO="events-team@example.com",
        EMAIL_FROM="tripleseat-revel@example.com",
        DRY_RUN=False,
        ENABLE_CONNECTOR=True,
        LOCATION_OVERRIDE=False,
        LOG_LEVEL="WARNING",
        EXECUTOR_ID="demo",
        **env,
    )


def _wait_idle(rt: Runtime, timeout: float) -> None:
    """Until no sync is queued or running (the demo's own process does them all)."""
    from dbos import DBOS

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = DBOS.list_workflows(status=["ENQUEUED", "PENDING"], name="sync_event")
        if not busy:
            return
        time.sleep(0.25)


def _orders_by_local_id(revel_url: str) -> dict[str, dict[str, Any]]:
    data = httpx.get(f"{revel_url}/_sandbox/orders", timeout=30).json()
    return {o.get("local_id"): o for o in data["orders"] if o.get("local_id")}


def _today(rt: Runtime) -> set[str]:
    """Today's date at each location (the venue's day, as the ledger keeps event dates)."""
    now = rt.clock()
    return {now.astimezone(ZoneInfo(loc.timezone)).date().isoformat() for loc in rt.config.location}


def _rows(rt: Runtime, orders: dict[str, dict[str, Any]], world: Any) -> list[DemoRow]:
    from tripleseat_revel.models import EventRecord

    rows = []
    with rt.db.session() as session:
        records = session.query(EventRecord).order_by(EventRecord.event_date, EventRecord.event_id).all()
        for r in records:
            order = orders.get(r.local_id or f"Triple Seat {r.event_id}")
            planned = (r.verified_plan or r.plan or {}).get("totals", {}).get("final_total")
            rows.append(
                DemoRow(
                    event_id=r.event_id,
                    name=r.name or "",
                    date=r.event_date or "",
                    location=r.location_name or "",
                    outcome=r.outcome or "-",
                    state=r.state,
                    reason=r.reason or "",
                    order_id=order["id"] if order else None,
                    tripleseat_total=planned or (_tripleseat_total(world, r.event_id) if order else None),
                    revel_total=f"{float(order.get('final_total') or 0):.2f}" if order else None,
                )
            )
    return rows


def _tripleseat_total(world: Any, event_id: int) -> str | None:
    """TripleSeat's own grand total of an event (when no plan was kept for it)."""
    event = world.tripleseat.events.get(event_id)
    return f"{sum(d.grand_total for d in event.documents):.2f}" if event and event.documents else None


def demo(
    serve: Annotated[bool, typer.Option("--serve", help="Keep everything running afterwards")] = False,
) -> None:
    """The whole main job against the simulators on the embedded default (SQLite)."""
    from tripleseat_revel.sandbox.server import serve_in_thread as serve_sandbox
    from tripleseat_revel.sandbox.world import SandboxWorld
    from tripleseat_revel.web.app import create_app
    from tripleseat_revel.web.serving import serve_in_thread

    started = time.monotonic()
    console.width = min(console.width, WIDTH) if console.is_terminal else WIDTH
    shutil.rmtree(DEMO_DIR, ignore_errors=True)
    DEMO_DIR.mkdir(parents=True)
    configure_logging(level="WARNING")
    world = SandboxWorld(seed=42)
    sandbox = serve_sandbox(world)
    settings = _settings(world.env(sandbox.tripleseat_url, sandbox.revel_url), DEMO_DIR / "demo.db")
    configure_logging(level="WARNING", secrets=settings.secret_values())
    db = Database(settings.DATABASE_URL)
    migrate.upgrade(db.engine)
    rt = build_runtime(settings, db=db)
    engine = start_engine(rt, role="serve", schedules=False)
    web = serve_in_thread(create_app(rt, engine))
    console.print(f"simulators: TripleSeat {sandbox.tripleseat_url}  Revel {sandbox.revel_url}")
    console.print(f"connector:  {web.url}  (SQLite {DEMO_DIR / 'demo.db'})")
    try:
        _the_day(rt, engine, sandbox.tripleseat_url, web.url)
        print_report(console, _rows(rt, _orders_by_local_id(sandbox.revel_url), world), _today(rt))
        outbox = len(list((DEMO_DIR / "outbox").glob("*.eml")))
        took = time.monotonic() - started
        console.print(f"{outbox} emails written to {DEMO_DIR / 'outbox'}; done in {took:.0f}s.")
        if serve:
            console.print(f"Dashboard: {web.url}/  (admin token: {ADMIN_TOKEN}); Ctrl-C to stop")
            _block()
        else:
            console.print("Next: `tripleseat-revel demo --serve`, then open the dashboard URL it prints.")
    finally:
        web.stop()
        stop_engine(engine)
        sandbox.stop()
        rt.close()


def _the_day(rt: Any, engine: Any, tripleseat_url: str, web_url: str) -> None:
    """Today's webhooks, each sent twice and shuffled, then a reconcile: the main job."""
    ts = httpx.Client(base_url=tripleseat_url, timeout=60)
    ts.put("/_sandbox/webhooks/config", json={"target_url": f"{web_url}/webhooks/tripleseat"})
    fired = ts.post("/_sandbox/webhooks/fire", json={"today": True, "copies": 2, "shuffle": True}).json()
    console.print(f"1. fired {fired['queued']} signed webhooks for today's events (each twice, shuffled)")
    ts.post("/_sandbox/webhooks/wait", params={"timeout": 60})
    with console.status("2. syncing the webhooks' events (vendor rate limits apply)"):
        _wait_idle(rt, 120)
    console.print("2. synced the webhooks' events (duplicates collapse into one sync each)")
    with console.status("3. running a reconcile (catches events without a webhook)"):
        engine.workflows.reconcile({"source": "demo", "hours_back": rt.settings.SYNC_HOURS_BACK})
        _wait_idle(rt, 180)
    console.print("3. ran a reconcile (it catches events without a webhook)\n")


def _block() -> None:
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return
