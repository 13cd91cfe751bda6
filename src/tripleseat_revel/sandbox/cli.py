"""`tripleseat-revel sandbox`: serve both simulators on localhost and print how to use them.

`sandbox` is a plain function with Typer option annotations; the main CLI registers it with
`app.command("sandbox")(sandbox)`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, cast

import typer

from tripleseat_revel.integrations.tripleseat.webhooks import SCHEMES
from tripleseat_revel.sandbox.faults import FaultSettings, RateLimitSettings
from tripleseat_revel.sandbox.server import SandboxServer, run_forever
from tripleseat_revel.sandbox.tripleseat.webhooks import WebhookSettings
from tripleseat_revel.sandbox.world import SandboxWorld

FaultTarget = Literal["both", "tripleseat", "revel"]


def build_world(
    *,
    seed: int = 42,
    today: str | None = None,
    faults: FaultSettings | None = None,
    faults_for: FaultTarget = "both",
    tripleseat_per_second: int = 10,
    revel_per_minute: int = 300,
    webhook_target_url: str | None = None,
    webhook_scheme: str = "hex",
) -> SandboxWorld:
    """The world the CLI serves (also handy for scripts)."""
    ts_faults = faults if faults_for in ("both", "tripleseat") else None
    rv_faults = faults if faults_for in ("both", "revel") else None
    world = SandboxWorld(
        seed=seed,
        today=date.fromisoformat(today) if today else None,
        tripleseat_faults=ts_faults,
        revel_faults=rv_faults,
        tripleseat_rate_limit=RateLimitSettings(limit=tripleseat_per_second, window_seconds=1),
        revel_rate_limit=RateLimitSettings(limit=revel_per_minute, window_seconds=60),
        webhook_target_url=webhook_target_url,
    )
    hooks = world.tripleseat.webhooks
    hooks.settings = WebhookSettings.model_validate({**hooks.settings.model_dump(), "scheme": webhook_scheme})
    return world


def describe(server: SandboxServer) -> str:
    """The banner: URLs, credentials and a ready-to-paste `.env` block."""
    world, creds = server.world, server.world.credentials()
    env = world.env(server.tripleseat_url, server.revel_url)
    target = world.tripleseat.webhooks.settings.target_url
    lines = [
        "TripleSeat + Revel sandbox is running",
        "",
        f"  TripleSeat  {server.tripleseat_url}   (token: POST /oauth2/token; API: /v1/...)",
        f"  Revel       {server.revel_url}   (header API-AUTHENTICATION: key:secret)",
        f"  Control     {server.tripleseat_url}/_sandbox/docs and {server.revel_url}/_sandbox/docs",
        "",
        f"  TripleSeat client id / secret   {creds['tripleseat_client_id']} / "
        f"{creds['tripleseat_client_secret']}",
        f"  TripleSeat refresh token        {creds['tripleseat_refresh_token']}  (rotates on use)",
        f"  Webhook signing key             {creds['webhook_signing_key']}",
        f"  Webhook target                  {target or '(none)'}",
        f"  Revel API key / secret          {creds['revel_api_key']} / {creds['revel_api_secret']}",
        "",
        "# .env for the connector",
        *(f"{key}={value}" for key, value in env.items()),
        "",
        "Ctrl-C stops it.",
    ]
    return "\n".join(lines)


def sandbox(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    tripleseat_port: Annotated[
        int, typer.Option(help="TripleSeat simulator port (0: any free port).")
    ] = 8101,
    revel_port: Annotated[int, typer.Option(help="Revel simulator port (0: any free port).")] = 8102,
    seed: Annotated[
        int, typer.Option(help="Seed of the generated data (same seed and day, same data).")
    ] = 42,
    today: Annotated[str | None, typer.Option(help="Pretend today is this date (YYYY-MM-DD).")] = None,
    latency_ms: Annotated[float, typer.Option(help="Added latency per request.")] = 0,
    jitter_ms: Annotated[float, typer.Option(help="Random extra latency, 0..N ms.")] = 0,
    error_rate: Annotated[float, typer.Option(help="Share of requests answered 500/502/503.")] = 0,
    rate_429: Annotated[float, typer.Option(help="Share of requests answered 429 + Retry-After.")] = 0,
    timeout_rate: Annotated[float, typer.Option(help="Share of requests that hang --timeout-seconds.")] = 0,
    lost_response_rate: Annotated[
        float, typer.Option(help="Share of writes performed whose answer is lost (502).")
    ] = 0,
    timeout_seconds: Annotated[float, typer.Option(help="How long a 'timeout' hangs.")] = 30,
    fault_seed: Annotated[
        int | None, typer.Option(help="Seed of the fault dice (reproducible runs).")
    ] = None,
    faults_for: Annotated[
        str, typer.Option(help="Which simulator the faults apply to: both, tripleseat, revel.")
    ] = "both",
    tripleseat_per_second: Annotated[int, typer.Option(help="TripleSeat rate limit (requests/second).")] = 10,
    revel_per_minute: Annotated[int, typer.Option(help="Revel rate limit (requests/minute per key).")] = 300,
    webhook_target_url: Annotated[str, typer.Option(help="Where webhooks are delivered.")] = (
        "http://127.0.0.1:8000/webhooks/tripleseat"
    ),
    webhook_scheme: Annotated[
        str, typer.Option(help="Signature scheme: hex, base64 or timestamped.")
    ] = "hex",
    exit_after: Annotated[float, typer.Option(hidden=True, help="Stop after N seconds (tests).")] = 0,
) -> None:
    """Serve the TripleSeat and Revel simulators on localhost."""
    if webhook_scheme not in SCHEMES or faults_for not in ("both", "tripleseat", "revel"):
        raise typer.BadParameter(
            "--webhook-scheme: hex|base64|timestamped; --faults-for: both|tripleseat|revel"
        )
    faults = FaultSettings(
        latency_ms=latency_ms,
        jitter_ms=jitter_ms,
        error_rate=error_rate,
        rate_429=rate_429,
        timeout_rate=timeout_rate,
        timeout_seconds=timeout_seconds,
        lost_response_rate=lost_response_rate,
        fault_seed=fault_seed,
    )
    world = build_world(
        seed=seed,
        today=today,
        faults=faults,
        faults_for=cast(FaultTarget, faults_for),
        tripleseat_per_second=tripleseat_per_second,
        revel_per_minute=revel_per_minute,
        webhook_target_url=webhook_target_url or None,
        webhook_scheme=webhook_scheme,
    )
    run_forever(
        world,
        host,
        tripleseat_port,
        revel_port,
        announce=lambda server: typer.echo(describe(server)),
        exit_after=exit_after,
    )
