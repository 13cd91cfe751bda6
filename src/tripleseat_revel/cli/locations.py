"""`tripleseat-revel locations init`: a starter locations file from the live accounts.

Reads TripleSeat's sites and locations and Revel's establishments and the records orders refer to
(reads only), suggests an establishment and the `[revel]` ids for each location by name, lets the
operator change each suggestion (Rich prompts; `--yes` takes them as they are) and writes the file.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.prompt import Confirm, Prompt
from rich.table import Table

from tripleseat_revel import migrate
from tripleseat_revel.cli import bootstrap
from tripleseat_revel.cli.render import console
from tripleseat_revel.config import ConfigError, Settings, load_locations_file, validate_vendor_credentials
from tripleseat_revel.db import Database
from tripleseat_revel.kit.crypto import CipherError
from tripleseat_revel.kit.http import VendorError
from tripleseat_revel.logging import configure_logging
from tripleseat_revel.setup.accounts import Accounts, Named
from tripleseat_revel.setup.draft import (
    LocationDraft,
    Pick,
    Scored,
    draft_all,
    is_test,
    with_establishments,
)
from tripleseat_revel.setup.toml_file import render

app = typer.Typer(no_args_is_help=True, help="The locations file.")
NONE = "none"


def _read(loaded: Settings) -> Accounts:
    from tripleseat_revel.runtime import build_vendor_clients
    from tripleseat_revel.setup.accounts import read_accounts

    db = Database(loaded.DATABASE_URL)
    try:
        # the TripleSeat client keeps its rotated tokens there, encrypted as `serve` does
        migrate.upgrade(db.engine, token_cipher=loaded.token_cipher())
        ts, revel = build_vendor_clients(loaded, db)
        ts.tokens.load()  # a key that cannot read them: one line now, not a traceback mid-read
    except CipherError as exc:
        db.dispose()
        bootstrap.fail(f"configuration: {exc}")
    try:
        with console.status("reading TripleSeat's locations and Revel's establishments (reads only)"):
            return read_accounts(ts, revel)
    except VendorError as exc:
        bootstrap.fail(f"could not read the accounts: {exc}", 1)
    finally:
        ts.close()
        revel.close()
        db.dispose()


def _choose(question: str, options: list[tuple[str, str]], default: str) -> str:
    """Print the options (id, description), then ask for one of their ids (or `none`)."""
    for ident, text in options:
        console.print(f"  {ident:>6}  {text}{'  <- suggested' if ident == default else ''}", highlight=False)
    choices = [ident for ident, _ in options]
    return Prompt.ask(question, choices=choices, default=default, show_choices=False)


def _ask_establishment(draft: LocationDraft, accounts: Accounts) -> tuple[Scored | None, Scored | None]:
    live_options = [
        (str(s.record.id), f"{s.record.name} ({round(s.score * 100)}% alike)") for s in draft.ranked
    ]
    default = str(draft.establishment.record.id) if draft.establishment else NONE
    answer = _choose("Revel establishment", [*live_options, (NONE, "leave this location out")], default)
    if answer == NONE:
        return None, None
    live = next(s for s in draft.ranked if str(s.record.id) == answer)
    others = sorted(
        (e for e in accounts.establishments if e != live.record), key=lambda e: (not is_test(e), e.id)
    )
    test_options = [(str(e.id), e.name) for e in others] + [(NONE, "no test establishment")]
    test_default = str(draft.test_establishment.record.id) if draft.test_establishment else NONE
    test = _choose("Test establishment (for LOCATION_OVERRIDE)", test_options, test_default)
    chosen = next((e for e in accounts.establishments if str(e.id) == test), None)
    return live, (Scored(chosen, 1.0) if chosen else None)


def _ask_id(key: str, current: Pick) -> Pick:
    options: list[Named] = ([current.chosen] if current.chosen else []) + list(current.others)
    if not options:
        return current
    labels = [
        (str(o.id), o.name + (f" (establishment {o.establishment} only)" if o.establishment else ""))
        for o in options
    ]
    answer = _choose(key, labels, str(current.chosen.id) if current.chosen else str(options[0].id))
    chosen = next(o for o in options if str(o.id) == answer)
    why = current.why if chosen == current.chosen else "chosen by hand"
    return Pick(chosen, why, tuple(o for o in options if o != chosen))


def _ask(accounts: Accounts, draft: LocationDraft) -> LocationDraft:
    loc = draft.location
    console.rule(loc.label)
    live, test = _ask_establishment(draft, accounts)
    draft = with_establishments(accounts, draft, live, test)
    if live is None:
        return draft
    console.print(_ids_table(draft))
    if Confirm.ask("Use these Revel ids?", default=True):
        return draft
    return replace(draft, ids={key: _ask_id(key, current) for key, current in draft.ids.items()})


def _ids_table(draft: LocationDraft) -> Table:
    table = Table(title=f"Revel ids for {draft.location.name}", title_justify="left")
    for column in ("key", "id", "name", "why"):
        table.add_column(column, overflow="fold")
    for key, chosen in draft.ids.items():
        record = chosen.chosen
        table.add_row(key, str(record.id) if record else "-", record.name if record else "-", chosen.why)
    return table


def _summary(drafts: list[LocationDraft]) -> Table:
    table = Table(title="locations file (suggestions: check them)", title_justify="left")
    for column in ("TripleSeat location", "Revel establishment", "test", "time zone", "ids"):
        table.add_column(column, overflow="fold")
    for d in drafts:
        est = d.establishment
        ids = "/".join(str(p.chosen.id) if p.chosen else "?" for p in d.ids.values())
        table.add_row(
            f"{d.location.id or 'site ' + str(d.location.site_id)} {d.location.name}",
            f"{est.record.id} {est.record.name}" if est else "[yellow]none: left out[/]",
            str(d.test_establishment.record.id) if d.test_establishment and est else "-",
            d.timezone or "?",
            ids if est else "-",
        )
    return table


def _write(path: Path, text: str) -> str | None:
    """Write the file; the loader's complaint about it, if any."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    try:
        load_locations_file(path)
    except ConfigError as exc:
        return str(exc)
    return None


@app.command("init")
def init(
    output: Annotated[
        Path | None, typer.Option("--output", help="Where to write (default LOCATIONS_FILE)")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Take every suggestion without asking")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file")] = False,
) -> None:
    """A starter locations file from the live TripleSeat and Revel accounts (reads only)."""
    loaded = bootstrap.settings()
    if loaded.LOG_LEVEL == "INFO":  # the answers are on the screen; a log line per call is noise
        configure_logging(fmt=loaded.LOG_FORMAT, level="WARNING", secrets=loaded.secret_values())
    path = output or loaded.LOCATIONS_FILE
    if path.exists() and not force:
        bootstrap.fail(
            f"{path} exists; it is only overwritten with --force (or write elsewhere with --output)", 1
        )
    try:
        validate_vendor_credentials(loaded)
    except ConfigError as exc:
        bootstrap.fail(f"configuration: {exc}")
    accounts = _read(loaded)
    drafts = draft_all(accounts)
    if not yes:
        try:
            drafts = [_ask(accounts, d) for d in drafts]
        except EOFError:
            bootstrap.fail("no answer (the input ended); use --yes to take the suggestions", 1)
    console.print(_summary(drafts))
    problem = _write(path, render(drafts, date.today()))
    console.print(f"wrote {path}")
    if problem:
        console.print(f"[yellow]it does not load yet:[/] {problem}; edit it, then run the next command.")
    console.print("next: check each SUGGESTION in it, then `tripleseat-revel doctor`")
