"""`tripleseat-revel doctor [--json] [--probe [--location NAME] [--yes]]` (thin: parse, call
golive/, render with Rich)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from tripleseat_revel.cli import bootstrap
from tripleseat_revel.cli.render import console
from tripleseat_revel.config import ConfigError, Location, Settings, load_settings
from tripleseat_revel.golive.doctor import run_doctor
from tripleseat_revel.golive.probe import ProbeRefused, ProbeRun, plan_probe, run_probe
from tripleseat_revel.golive.report import Check, Report, fail
from tripleseat_revel.kit.http import VendorError
from tripleseat_revel.runtime import build_runtime
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.sync.findings import BEHAVIOURS

STYLE = {"ok": "green", "fail": "bold red", "warn": "yellow"}


def doctor(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
    probe: Annotated[
        bool, typer.Option("--probe", help="Test Revel's behaviour with one order on a test establishment")
    ] = False,
    location: Annotated[
        str | None,
        typer.Option(help="--probe: only this location's test establishment (default: every one)"),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="--probe: do not ask for confirmation")] = False,
    report_dir: Annotated[Path, typer.Option(help="--probe: where the Markdown report goes")] = Path("./var"),
) -> None:
    """Check the whole configuration against the live vendors (reads only; exit 1 on any ✗).
    With --probe: test Revel's behaviour on a location's test establishment (writes one order there)."""
    if probe:
        _probe(location, yes, report_dir)
        return
    report = _run()
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2))
    else:
        console.print(report_table(report))
        for check in report.failures:  # each fix on one line, whatever the terminal's width
            console.print(
                f"✗ {escape(check.area)} / {escape(check.name)}: {escape(check.fix)}", soft_wrap=True
            )
        counts = report.to_json()["counts"]
        console.print(
            f"{counts['ok']} ✓  {counts['warn']} !  {counts['fail']} ✗  in {report.seconds:.1f}s"
            + ("" if report.ok else "  [bold red]fix each ✗, then run doctor again[/]")
        )
    if not report.ok:
        raise typer.Exit(1)


def _run() -> Report:
    try:
        settings = load_settings()
    except ConfigError as exc:
        return Report(
            [fail("configuration", "settings", str(exc), "correct the named key in .env / the environment")]
        )
    bootstrap.settings()  # logging set up with the secrets to scrub
    return run_doctor(settings, lambda s, db: build_runtime(s, db=db))


def report_table(report: Report) -> Table:
    table = Table(title="tripleseat-revel doctor", show_lines=False)
    for column in ("", "area", "check", "detail", "fix"):
        table.add_column(column, overflow="fold")
    for check in report.checks:
        table.add_row(*_row(check))
    return table


def _row(check: Check) -> tuple[str, str, str, str, str]:
    mark = f"[{STYLE[check.status]}]{check.mark}[/]"
    return (mark, escape(check.area), escape(check.name), escape(check.detail), escape(check.fix))


def _probe(location_name: str | None, yes: bool, report_dir: Path) -> None:
    rt = bootstrap.runtime(bootstrap.settings())
    try:
        runs = [plan_probe(rt, location) for location in _locations(rt.settings, location_name)]
    except ProbeRefused as exc:
        bootstrap.fail(str(exc))
    where = ", ".join(f"{r.establishment} (test establishment of {r.location.name!r})" for r in runs)
    console.print(
        f"The probe writes ONE test order to each of these Revel establishments: {where}; tests "
        f"{len(BEHAVIOURS)} behaviours on it, then deletes or voids it."
    )
    if not yes and not typer.confirm("Go ahead?", default=False):
        bootstrap.fail("not confirmed; nothing was written", 1)
    for run in runs:
        _probe_one(rt, run, report_dir)


def _probe_one(rt: Runtime, run: ProbeRun, report_dir: Path) -> None:
    try:
        with console.status(f"probing Revel establishment {run.establishment}"):
            run_probe(rt, run)
    except ProbeRefused as exc:
        bootstrap.fail(str(exc))
    except VendorError as exc:
        left = "; ".join(run.cleanup + run.left) or "no probe order was made"
        bootstrap.fail(f"the probe stopped ({exc}); nothing was stored. Clean-up: {left}", 1)
    _show_probe(run, report_dir)


def _locations(settings: Settings, name: str | None) -> list[Location]:
    """The location named, else one location per test establishment."""
    if name is not None:
        named = [loc for loc in settings.locations.location if loc.name == name]
        if not named:
            bootstrap.fail(f"no location named {name!r} in {settings.LOCATIONS_FILE}")
        return named[:1]
    chosen: dict[int, Location] = {}
    for loc in settings.locations.location:
        if loc.test_establishment is not None:
            chosen.setdefault(loc.test_establishment, loc)
    if not chosen:
        bootstrap.fail("no location has a test_establishment: set one in the locations file to probe it")
    return list(chosen.values())


def _show_probe(run: ProbeRun, report_dir: Path) -> None:
    table = Table(title=f"Revel probe, establishment {run.establishment}")
    for column in ("behaviour", "verdict", "what Revel did"):
        table.add_column(column, overflow="fold")
    colour = {"confirmed": "green", "refuted": "bold red", "unknown": "yellow"}
    for f in run.found:
        table.add_row(f.behaviour, f"[{colour[f.verdict]}]{f.verdict}[/]", escape(f.detail))
    console.print(table)
    for line in run.cleanup:
        console.print(f"clean-up: {escape(line)}")
    for line in run.left:
        console.print(f"[bold yellow]left behind:[/] {escape(line)}")
    report_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = report_dir / f"revel-probe-{run.establishment}-{stamp}.md"
    path.write_text(run.markdown(), encoding="utf-8")
    console.print(f"findings stored for establishment(s) {', '.join(map(str, run.applies_to))}")
    console.print(f"report: {path}")
