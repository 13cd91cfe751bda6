"""Each benchmark runs at a tiny size, so that they do not rot.

Nothing here is timed: a run must produce its figures (ours and the baseline's) and every
correctness check inside it must hold (no lost webhook, one order per due event, totals equal to
TripleSeat's, no call in a quiet reconcile, ...). Whether a target is met is the benchmark's
business, never the test's.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from bench.__main__ import BENCHMARKS, main, run_one, sizes_for
from bench.report import Result, render

pytestmark = pytest.mark.e2e


def _finite(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


@pytest.mark.parametrize("name", list(BENCHMARKS))
def test_each_benchmark_produces_its_figures_and_its_checks_hold(name: str, tmp_path: Path) -> None:
    lines: list[str] = []
    result: Result = run_one(name, sizes_for(name, "tiny", None, {}), tmp_path, log=lines.append)

    failed = [f"{c.name}: {c.detail}" for c in result.checks if not c.ok]
    assert result.checks and not failed, "\n".join(failed) + "\n" + "\n".join(lines)
    assert result.figures
    for figure in result.figures:
        assert _finite(figure.ours) or _finite(figure.baseline), figure
        if figure.target is not None:
            assert _finite(figure.ours) and figure.met is not None, figure
    compared = [f for f in result.figures if _finite(f.ours) and _finite(f.baseline)]
    assert compared, "a benchmark compares itself with the baseline"
    assert all(f.ratio is not None for f in compared)
    assert result.title in render(result)


def test_the_command_line_knows_every_benchmark(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    with pytest.raises(SystemExit):
        main(["no-such-benchmark"])
    assert "no-such-benchmark" in capsys.readouterr().err
