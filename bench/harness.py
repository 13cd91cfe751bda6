"""Plumbing shared by the benchmarks: machine facts, the simulators, the connector and the baseline.

The simulators run in this process (a background thread, as in the tests). The connector
(`tripleseat-revel serve`) and the baseline each run as a child process, so each has its own
interpreter and its memory can be measured alone.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import os
import platform
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil  # type: ignore[import-untyped]
import sqlalchemy as sa
import uvicorn
from cryptography.fernet import Fernet

from tripleseat_revel.sandbox.apps import create_revel_app, create_tripleseat_app
from tripleseat_revel.sandbox.faults import RateLimitSettings
from tripleseat_revel.sandbox.server import SandboxServer
from tripleseat_revel.sandbox.totals import revel_totals, ts_totals
from tripleseat_revel.sandbox.world import SandboxWorld

ROOT = Path(__file__).resolve().parent.parent
ADMIN_TOKEN = "bench-admin-token-0123456789abcdef"  # a throwaway token (32+ characters, as serve requires)
# A throwaway key for the OAuth tokens the benchmark's database holds (serve refuses plain text).
TOKEN_ENCRYPTION_KEY = Fernet.generate_key().decode()
SIGNING_KEY = "sandbox-signing-key"
EST = 8  # Revel establishment of TripleSeat location 20271 (site 15691)
LOCATION = 20271
SITE = 15691
TIMEZONE = "America/Los_Angeles"
RAISED = 1_000_000  # a vendor limit that does not bind
# Child processes run this checkout's code (src/ first), not whichever copy the venv installed.
CHILD_PYTHONPATH = os.pathsep.join([str(ROOT / "src"), str(ROOT)])


# ---- machine ---------------------------------------------------------------------------------


def machine_facts() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "cpu": model or platform.processor(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "os": f"{platform.system()} {platform.release()}",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def cpus() -> list[int]:
    return sorted(os.sched_getaffinity(0))


def run_loadgen(
    url: str,
    hooks: list[dict[str, str]],
    workdir: Path,
    name: str,
    *,
    concurrency: int,
    options: list[str] | None = None,
    cores: Iterable[int] | None = None,
) -> dict[str, Any]:
    """Send the signed `hooks` to the connector at `url` with bench.loadgen (its own process,
    pinned to `cores` when given; `options`: more of its flags); its timings and answers."""
    workdir.mkdir(parents=True, exist_ok=True)
    source, out = workdir / f"{name}.jsonl", workdir / f"{name}.out.json"
    source.write_text("\n".join(json.dumps(h) for h in hooks))
    command = [
        sys.executable,
        "-m",
        "bench.loadgen",
        "--url",
        url + "/webhooks/tripleseat",
        "--input",
        str(source),
        "--out",
        str(out),
        "--concurrency",
        str(concurrency),
        *(options or []),
    ]
    env = {**os.environ, "PYTHONPATH": CHILD_PYTHONPATH}
    subprocess.run(command, check=True, env=env, preexec_fn=pinner(cores))
    return dict(json.loads(out.read_text()))


def pinner(cores: Iterable[int] | None) -> Callable[[], None] | None:
    """A `preexec_fn` pinning a child process (and so all its threads) to `cores`."""
    chosen = set(cores or ())
    if not chosen or not chosen <= set(cpus()) or len(cpus()) < 2:
        return None

    def pin() -> None:
        os.sched_setaffinity(0, chosen)

    return pin


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def wait_until(check: Any, timeout: float, poll: float = 0.2, what: str = "condition") -> float:
    """Poll `check()` until truthy; returns the seconds it took. Raises TimeoutError."""
    started = time.monotonic()
    while True:
        if check():
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(poll)


# ---- memory ----------------------------------------------------------------------------------


def peak_rss_mib(pid: int) -> float:
    """The kernel's high-water mark of the process's resident set (VmHWM), in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class RssSampler:
    """Samples a process's RSS with psutil every `interval` s; `peak` is the largest seen."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak_bytes = max(self.peak_bytes, self._rss())
            except psutil.Error:
                return
            self._stop.wait(self.interval)

    def _rss(self) -> int:
        """The process's resident set and its children's (`serve` runs its syncs in workers)."""
        total = int(self.process.memory_info().rss)
        for child in self.process.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += int(child.memory_info().rss)
        return total

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    @property
    def peak_mib(self) -> float:
        return self.peak_bytes / 2**20


# ---- the simulators --------------------------------------------------------------------------


@dataclass
class Sandbox:
    """Both simulators served in this process, driven through their control API."""

    server: SandboxServer
    ts: httpx.Client = field(init=False)
    rv: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.ts = httpx.Client(base_url=self.server.tripleseat_url, timeout=120)
        self.rv = httpx.Client(base_url=self.server.revel_url, timeout=120)

    @property
    def world(self) -> SandboxWorld:
        return self.server.world

    def stop(self) -> None:
        self.ts.close()
        self.rv.close()
        self.server.stop()

    def _client(self, vendor: str) -> httpx.Client:
        return self.ts if vendor == "tripleseat" else self.rv

    def latency(self, ms: float) -> None:
        for vendor in ("tripleseat", "revel"):
            self._client(vendor).put("/_sandbox/faults", json={"latency_ms": ms}).raise_for_status()

    def limits(self, vendor: str, limit: int, window_seconds: float) -> None:
        body = {"limit": limit, "window_seconds": window_seconds}
        self._client(vendor).put("/_sandbox/limits", json=body).raise_for_status()

    def reset_stats(self) -> None:
        self.ts.post("/_sandbox/stats/reset").raise_for_status()

    def stats(self) -> dict[str, Any]:
        return dict(self.ts.get("/_sandbox/stats").json())

    def clear_orders(self) -> None:
        self.rv.delete("/_sandbox/orders").raise_for_status()

    def orders(self) -> list[dict[str, Any]]:
        return list(self.rv.get("/_sandbox/orders", params={"written": "true"}).json()["orders"])

    def event(self, event_id: int) -> dict[str, Any]:
        return dict(self.ts.get(f"/_sandbox/events/{event_id}").json()["event"])

    def create_events(self, bodies: list[dict[str, Any]], workers: int = 8) -> list[int]:
        """Create events through the control API (in parallel); returns their ids in order."""

        def create(body: dict[str, Any]) -> int:
            response = self.ts.post("/_sandbox/events", json=body)
            response.raise_for_status()
            return int(response.json()["event"]["id"])

        if not bodies:
            return []
        first = create(bodies[0])
        rest = [{**body, "id": first + 1 + i} for i, body in enumerate(bodies[1:])]
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            return [first, *pool.map(create, rest)]

    def events(self, event_ids: list[int], workers: int = 8) -> dict[int, dict[str, Any]]:
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            return dict(zip(event_ids, pool.map(self.event, event_ids), strict=True))


def _listen(host: str = "127.0.0.1") -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit TCP_NODELAY. Without it a keep-alive client waits ~40 ms per call
    # (Nagle + delayed ACK: uvicorn writes a response's head and body separately), which real
    # vendors do not impose (`sandbox.server._bind` does the same).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, 0))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def serve_sandbox(world: SandboxWorld) -> SandboxServer:
    """Both simulators on one event loop in a background thread (as `serve_in_thread`)."""
    sockets = [_listen(), _listen()]
    # "critical": a client that is stopped mid-request (the benchmarks stop servers at the end of a
    # window) would otherwise print the simulator's ClientDisconnect traceback.
    config = {"log_level": "critical", "access_log": False, "lifespan": "off", "timeout_graceful_shutdown": 1}
    servers = [
        uvicorn.Server(uvicorn.Config(create_tripleseat_app(world), **config)),  # type: ignore[arg-type]
        uvicorn.Server(uvicorn.Config(create_revel_app(world), **config)),  # type: ignore[arg-type]
    ]

    async def main() -> None:
        await asyncio.gather(*(s.serve(sockets=[sock]) for s, sock in zip(servers, sockets, strict=True)))

    thread = threading.Thread(target=asyncio.run, args=(main(),), name="sandbox-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not all(s.started for s in servers):
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the sandbox servers did not start")
        time.sleep(0.01)
    urls = ["http://{}:{}".format(*sock.getsockname()[:2]) for sock in sockets]
    return SandboxServer(world, urls[0], urls[1], servers, thread, sockets)


def start_sandbox(
    *,
    latency_ms: float = 0,
    tripleseat_limit: tuple[int, float] = (10, 1),
    revel_limit: tuple[int, float] = (300, 60),
    empty: bool = True,
) -> Sandbox:
    world = SandboxWorld(
        seed=42,
        empty=empty,
        tripleseat_rate_limit=RateLimitSettings(
            limit=tripleseat_limit[0], window_seconds=tripleseat_limit[1]
        ),
        revel_rate_limit=RateLimitSettings(limit=revel_limit[0], window_seconds=revel_limit[1]),
    )
    sandbox = Sandbox(serve_sandbox(world))
    if latency_ms:
        sandbox.latency(latency_ms)
    return sandbox


# ---- events and their orders -----------------------------------------------------------------

# Menu items whose TripleSeat and Revel names are the same, so the baseline (which matches names
# only) can place them too; each benchmark event takes three of them.
SAME_NAME_ITEMS = [5001, 5005, 5007, 5011, 5012, 5020, 5021, 5023, 5024, 5025, 5030, 5041, 5050, 5053, 5057]
PAYMENT_MIX = ["full", "deposit", "partial", "deposit_only", "full"]
DISCOUNT_MIX = [None, None, "10%", None, "100.00"]


def due_event_body(n: int, items: int = 3) -> dict[str, Any]:
    """A CLOSED event today at location 20271 with `items` lines: due for injection now."""
    picks = [SAME_NAME_ITEMS[(n * 7 + k * 5) % len(SAME_NAME_ITEMS)] for k in range(items)]
    guests = 20 + (n % 9) * 10
    return {
        "name": f"Bench Event {n}",
        "status": "CLOSED",
        "location_id": LOCATION,
        "event_date": "today",
        "start_time": f"{10 + n % 11}:{'30' if n % 2 else '00'}",
        "guest_count": guests,
        "items": [{"menu_item_id": m, "quantity": guests} for m in dict.fromkeys(picks)],
        "discount": DISCOUNT_MIX[n % len(DISCOUNT_MIX)],
        "service_charge_rate": "0.20" if n % 3 else None,
        "payments": PAYMENT_MIX[n % len(PAYMENT_MIX)],
    }


@dataclass
class OrderCheck:
    """Exactly one complete order per due event, with TripleSeat's lines and totals."""

    events: int
    orders: int
    missing: list[int]
    duplicated: list[int]
    wrong: list[str]
    extra: int

    @property
    def ok(self) -> bool:
        return not (self.missing or self.duplicated or self.wrong or self.extra)

    def describe(self) -> str:
        if self.ok:
            return f"{self.orders} orders for {self.events} due events: one each, lines and totals match"
        return (
            f"{self.orders} orders for {self.events} events: missing {self.missing[:5]} "
            f"({len(self.missing)}), duplicated {self.duplicated[:5]} ({len(self.duplicated)}), "
            f"wrong {self.wrong[:3]} ({len(self.wrong)}), unexpected {self.extra}"
        )


def check_orders(sandbox: Sandbox, event_ids: list[int]) -> OrderCheck:
    events = sandbox.events(event_ids)
    by_local: dict[str, list[dict[str, Any]]] = {}
    for order in sandbox.orders():
        by_local.setdefault(str(order.get("local_id")), []).append(order)
    missing, duplicated, wrong = [], [], []
    for event_id in event_ids:
        found = by_local.pop(f"Triple Seat {event_id}", [])
        if not found:
            missing.append(event_id)
            continue
        if len(found) > 1:
            duplicated.append(event_id)
        order, event = found[0], events[event_id]
        lines = sum(len(d.get("line_items", [])) for d in event.get("documents", []))
        want, got = ts_totals(event), revel_totals(order)
        if len(order.get("items", [])) != lines or want != got:
            wrong.append(f"{event_id}: {len(order.get('items', []))}/{lines} lines, {got} != {want}")
    orders = sum(1 for _ in event_ids) - len(missing) + sum(len(v) for v in by_local.values())
    return OrderCheck(
        len(event_ids), orders, missing, duplicated, wrong, sum(len(v) for v in by_local.values())
    )


def vendor_calls(stats: dict[str, Any]) -> dict[str, Any]:
    """{vendor: {total, rate_limited, routes: {"METHOD route": n}}} from /_sandbox/stats."""
    out: dict[str, Any] = {}
    for vendor in ("tripleseat", "revel"):
        snap = stats[vendor]
        routes: dict[str, int] = {}
        for row in snap["routes"]:
            if row["route"] == "/oauth2/token":
                continue
            key = f"{row['method']} {row['route']}"
            routes[key] = routes.get(key, 0) + row["count"]
        out[vendor] = {
            "total": sum(routes.values()),
            "rate_limited": snap["rate_limited"],
            "by_status": snap["by_status"],
            "routes": routes,
        }
    return out


# ---- child processes -------------------------------------------------------------------------


class Child:
    """A server in a child process: started, waited for, measured, stopped."""

    name = "child"

    def __init__(self, workdir: Path, env: dict[str, str], port: int) -> None:
        self.workdir = workdir.resolve()
        self.env = env
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = self.workdir / f"{self.name}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def command(self) -> list[str]:
        raise NotImplementedError

    def ready_path(self) -> str:
        return "/healthz"

    def start(self, timeout: float = 90, cores: Iterable[int] | None = None) -> None:
        """Start and wait until ready; `cores`: pin the process (and every thread) to them."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        env = {**os.environ, **self.env, "PYTHONPATH": CHILD_PYTHONPATH}
        self.proc = subprocess.Popen(
            self.command(), env=env, cwd=self.workdir, stdout=log, stderr=log, preexec_fn=pinner(cores)
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log_path.read_text()[-3000:]}")
            try:
                if httpx.get(self.url + self.ready_path(), timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{self.name} did not become ready: {self.log_path.read_text()[-3000:]}")

    def _tree(self) -> list[int]:
        process = psutil.Process(self.pid)
        return [self.pid, *(c.pid for c in process.children(recursive=True))]

    def peak_rss_mib(self) -> float:
        """The high-water marks of the process and its children (workers), added up."""
        return sum(peak_rss_mib(pid) for pid in self._tree())

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the process and its children have used so far."""
        total = 0.0
        for pid in self._tree():
            with contextlib.suppress(psutil.Error):
                times = psutil.Process(pid).cpu_times()
                total += float(times.user + times.system)
        return total

    def kill(self) -> None:
        """Stop at once (work in flight is abandoned, as in a crash)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ConnectorProcess(Child):
    """`tripleseat-revel serve` on SQLite, with its scheduled reconciles paused."""

    name = "connector"

    def __init__(self, sandbox: Sandbox, workdir: Path, *, web_only: bool = False, **settings: Any) -> None:
        workdir = workdir.resolve()
        self.web_only = web_only
        self.db_path = workdir / "connector.db"
        env = sandbox.world.env(sandbox.server.tripleseat_url, sandbox.server.revel_url)
        env.update(
            DATABASE_URL=f"sqlite:///{self.db_path}",
            ADMIN_TOKEN=ADMIN_TOKEN,
            TOKEN_ENCRYPTION_KEY=TOKEN_ENCRYPTION_KEY,
            OUTBOX_DIR=str(workdir / "outbox"),
            EMAIL_TO="ops@example.com",
            LOG_LEVEL="WARNING",
            LOG_FORMAT="json",
            EXECUTOR_ID="bench",
            SYNC_INTERVAL_MINUTES="1440",
        )
        env.update({k: str(v) for k, v in settings.items()})
        super().__init__(workdir, env, free_port())
        self._engine: sa.Engine | None = None
        self._client: Any = None

    def command(self) -> list[str]:
        if self.web_only:
            return [sys.executable, "-m", "bench.webonly", "--port", str(self.port)]
        return [
            sys.executable,
            "-m",
            "tripleseat_revel",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]

    def ready_path(self) -> str:
        return "/readyz"

    def start(self, timeout: float = 90, cores: Iterable[int] | None = None) -> None:
        super().start(timeout, cores)
        for schedule in self.client.list_schedules():  # no reconcile of its own during a run
            self.client.pause_schedule(schedule["schedule_name"])

    @property
    def db(self) -> sa.Engine:
        if self._engine is None:
            from tripleseat_revel.db import create_db_engine

            self._engine = create_db_engine(f"sqlite:///{self.db_path}")
        return self._engine

    @property
    def client(self) -> Any:
        if self._client is None:
            from dbos import DBOSClient

            self._client = DBOSClient(system_database_engine=self.db)
        return self._client

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.db.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()

    def rows(self, sql: str, **params: Any) -> list[Any]:
        with self.db.connect() as conn:
            return list(conn.execute(sa.text(sql), params))

    def reconcile(self, **params: Any) -> str:
        """Enqueue a reconcile, as the schedule does; returns its workflow id."""
        handle = self.client.enqueue(
            {"workflow_name": "reconcile", "queue_name": "reconcile"}, {"source": "bench", **params}
        )
        return str(handle.get_workflow_id())

    def workflow_done(self, workflow_id: str) -> bool:
        status = self.scalar("SELECT status FROM workflow_status WHERE workflow_uuid = :w", w=workflow_id)
        return status in ("SUCCESS", "ERROR", "CANCELLED", "MAX_RECOVERY_ATTEMPTS_EXCEEDED")

    def busy_syncs(self) -> int:
        return int(
            self.scalar(
                "SELECT count(*) FROM workflow_status WHERE name = 'sync_event' "
                "AND status IN ('ENQUEUED', 'PENDING')"
            )
        )

    def step_times(self) -> dict[str, dict[str, float]]:
        """Per sync step (DBOS function name): how many ran and their median and mean duration (ms)."""
        rows = self.rows(
            "SELECT o.function_name, o.completed_at_epoch_ms - o.started_at_epoch_ms AS ms "
            "FROM operation_outputs o JOIN workflow_status w ON w.workflow_uuid = o.workflow_uuid "
            "WHERE w.name = 'sync_event' AND o.completed_at_epoch_ms IS NOT NULL"
        )
        by: dict[str, list[float]] = {}
        for name, ms in rows:
            by.setdefault(str(name), []).append(float(ms or 0))
        return {
            name: {"count": len(v), "median_ms": percentile(v, 50), "mean_ms": sum(v) / len(v)}
            for name, v in sorted(by.items())
        }

    def outcomes(self) -> dict[str, int]:
        rows = self.rows("SELECT outcome, count(*) FROM event_ledger GROUP BY outcome")
        return {str(outcome): int(n) for outcome, n in rows}

    def stop(self) -> None:
        if self._client is not None:
            self._client.destroy()
            self._client = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        super().stop()


class BaselineProcess(Child):
    """The replaced system (bench/baseline) configured for location 20271 / establishment 8."""

    name = "baseline"

    def __init__(self, sandbox: Sandbox, workdir: Path) -> None:
        port = free_port()
        env = {
            "TRIPLESEAT_API_BASE": sandbox.server.tripleseat_url,
            "TRIPLESEAT_CLIENT_ID": "sandbox-client",
            "TRIPLESEAT_CLIENT_SECRET": "sandbox-secret",
            "TRIPLESEAT_WEBHOOK_SECRET": SIGNING_KEY,
            "TRIPLESEAT_SITE_ID": str(SITE),
            "REVEL_BASE_URL": sandbox.server.revel_url,
            "REVEL_API_KEY": "sandbox-key",
            "REVEL_API_SECRET": "sandbox-secret",
            "REVEL_ESTABLISHMENT_ID": str(EST),
            "TIMEZONE": TIMEZONE,
            "SYNC_ENDPOINT_URL": f"http://127.0.0.1:{port}/api/sync/tripleseat",
        }
        super().__init__(workdir, env, port)

    def command(self) -> list[str]:
        return [sys.executable, "-m", "bench.baseline", "--port", str(self.port)]


# ---- waiting for work to finish --------------------------------------------------------------


def converge(connector: ConnectorProcess, workflow_id: str, settled: int, timeout: float) -> float:
    """Seconds until the reconcile `workflow_id` is done and `settled` events have an outcome and
    no sync is queued or running (polled every 0.25 s). Raises TimeoutError."""
    started = time.monotonic()

    def done() -> bool:
        if not connector.workflow_done(workflow_id):
            return False
        recorded = int(connector.scalar("SELECT count(*) FROM event_ledger WHERE outcome IS NOT NULL"))
        return recorded >= settled and connector.busy_syncs() == 0

    wait_until(done, timeout, poll=0.25, what=f"{settled} events to settle")
    return time.monotonic() - started


@dataclass
class StatsPoller:
    """Samples the simulators' request counts once a second in a background thread."""

    sandbox: Sandbox
    interval: float = 1.0
    samples: list[tuple[float, dict[str, Any]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stats-poller", daemon=True)
        self._http = httpx.Client(base_url=self.sandbox.server.tripleseat_url, timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(httpx.HTTPError):
                self.samples.append((time.monotonic(), self._http.get("/_sandbox/stats").json()))
            self._stop.wait(self.interval)

    def __enter__(self) -> StatsPoller:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)
        self._http.close()


def ok_calls(snapshot: dict[str, Any]) -> int:
    """A vendor's answered calls that were not refused (2xx), from a stats snapshot."""
    return sum(n for status, n in snapshot["by_status"].items() if status.startswith("2"))
