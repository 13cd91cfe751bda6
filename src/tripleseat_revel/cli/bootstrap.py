"""Process start-up shared by the commands: settings, logging, migrations, runtime, engine."""

from __future__ import annotations

from typing import NoReturn

import typer

from tripleseat_revel import migrate
from tripleseat_revel.checklist import start_warnings, unsafe_settings
from tripleseat_revel.cli.render import err
from tripleseat_revel.config import ConfigError, Settings, load_settings, validate_for_service
from tripleseat_revel.db import Database
from tripleseat_revel.integrations.tripleseat.tokens import DatabaseTokenStore
from tripleseat_revel.kit.crypto import CipherError
from tripleseat_revel.logging import configure_logging
from tripleseat_revel.runtime import Runtime, build_runtime
from tripleseat_revel.web.dashboard.session import stored_session_secret


def fail(message: str, code: int = 2) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", soft_wrap=True)  # one line, however long
    raise typer.Exit(code)


def settings(**overrides: object) -> Settings:
    try:
        loaded = load_settings(**overrides)
    except ConfigError as exc:
        fail(f"configuration: {exc}")
    configure_logging(fmt=loaded.LOG_FORMAT, level=loaded.LOG_LEVEL, secrets=loaded.secret_values())
    return loaded


def refuse_unsafe(loaded: Settings, *, web_host: str | None) -> None:
    """The production checklist: exit (code 2) with one line per unsafe setting (after a `!` line
    per setting that is allowed but worth knowing)."""
    for warning in start_warnings(loaded):
        err.print(f"[bold yellow]![/] warning: {warning}", soft_wrap=True)
    problems = unsafe_settings(loaded, web_host=web_host)
    for problem in problems:
        err.print(f"[bold red]error:[/] unsafe configuration: {problem}", soft_wrap=True)
    if problems:
        raise typer.Exit(2)


def runtime(loaded: Settings, *, upgrade: bool = True, service: bool = True) -> Runtime:
    """Validate, migrate (embedded default needs no extra step) and wire the runtime."""
    try:
        if service:
            validate_for_service(loaded)
        db = Database(loaded.DATABASE_URL)
        if upgrade:
            migrate.upgrade(db.engine, token_cipher=loaded.token_cipher())
        rt = build_runtime(loaded, db=db)
        if service:
            _reseal(loaded, rt)
    except (ConfigError, CipherError) as exc:
        fail(f"configuration: {exc}")
    return rt


def _reseal(loaded: Settings, rt: Runtime) -> None:
    """Secrets stored before the key, or under a rotated one, re-encrypted under the first key; a
    key that cannot read them fails here, naming which, before any engine or server starts."""
    if isinstance(rt.tripleseat.tokens, DatabaseTokenStore):
        rt.tripleseat.tokens.reseal()
    if loaded.SESSION_SECRET is None:
        stored_session_secret(loaded, rt.db)
