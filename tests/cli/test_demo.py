"""`tripleseat-revel demo` as a newcomer runs it (a process, from an empty directory): today's
events and their Revel orders first, a count per other outcome, 100 columns, and what to try next."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fixtures.harness import run_cli

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ADOPTED = "55521625"  # the replaced system made its order; the connector found it


def _run_demo(workdir: Path) -> list[str]:
    done = run_cli("demo", env={**os.environ, "COLUMNS": "100"}, cwd=workdir, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout.splitlines()


def check_it_fits_a_100_column_terminal(shown: list[str]) -> None:
    assert max(len(line) for line in shown) <= 100


def check_it_leads_with_todays_orders_each_checked(shown: list[str]) -> None:
    title = next(
        i for i, line in enumerate(shown) if line.startswith("Today's events and their Revel orders")
    )
    counts = next(i for i, line in enumerate(shown) if line.startswith("Every other event"))
    assert title < counts
    injected = [line.split() for line in shown[title:counts] if " INJECTED " in line]
    assert len(injected) >= 10
    for cells in injected:
        assert cells[-1] == "✓" and cells[-2] == cells[-3]  # Revel's total equals TripleSeat's


def check_an_adopted_order_shows_both_totals(shown: list[str]) -> None:
    (line,) = [line for line in shown if line.startswith(ADOPTED)]
    cells = line.split()
    assert "None" not in cells
    assert cells[-3].replace(".", "").isdigit() and cells[-2].replace(".", "").isdigit()


def check_other_outcomes_are_counted_on_one_line_each(shown: list[str]) -> None:
    status = [line.split() for line in shown if "SKIPPED_STATUS" in line]
    assert len(status) == 1 and status[0][1].isdigit() and int(status[0][1]) > 10
    assert len(shown) < 60  # not a row per event


def check_it_ends_with_the_next_command_to_try(shown: list[str]) -> None:
    assert shown[-1].startswith("Next: `tripleseat-revel demo --serve`")


def test_the_demo_as_a_newcomer_runs_it(tmp_path: Path) -> None:
    """One run of the demo (it takes most of a minute), every check on its output. One test, not
    one per check: `make test` spreads tests over processes, and each would run the demo again."""
    shown = _run_demo(tmp_path)
    check_it_fits_a_100_column_terminal(shown)
    check_it_leads_with_todays_orders_each_checked(shown)
    check_an_adopted_order_shows_both_totals(shown)
    check_other_outcomes_are_counted_on_one_line_each(shown)
    check_it_ends_with_the_next_command_to_try(shown)
