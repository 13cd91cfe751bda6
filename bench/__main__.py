"""Run the benchmarks: `python -m bench [BENCHMARK ...] [--full | --size S] [--n N] [--set k=v]`.

    python -m bench                   # all six, at the quick size (a few minutes)
    python -m bench --full            # all six, at the full sizes (issues 7 and 15)
    python -m bench ingest --n 5000   # one benchmark; --n sets its main size
    python -m bench reconcile --set budget_seconds=120

Each prints its figures beside the baseline's from the same run, with the ratio and the target,
and the correctness checks that held (or not). Results are also written as JSON (--json, default
var/bench/results-<time>.json). The exit status is 1 if any check failed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from bench import burst, calls, ingest, memory, quiet, reconcile
from bench.harness import ROOT, machine_facts
from bench.report import Result, render

BENCHMARKS: dict[str, ModuleType] = {
    "ingest": ingest,
    "reconcile": reconcile,
    "calls": calls,
    "quiet": quiet,
    "memory": memory,
    "burst": burst,
}
MAIN_SIZE = {"ingest": "n", "reconcile": "n", "calls": "n", "quiet": "n", "memory": "large", "burst": "n"}


def _parse_sets(values: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in values:
        key, _, value = item.partition("=")
        if not key or not value:
            raise SystemExit(f"--set expects key=value, got {item!r}")
        out[key] = float(value)
    return out


def sizes_for(name: str, size: str, n: int | None, sets: dict[str, float]) -> dict[str, Any]:
    chosen: dict[str, Any] = dict(BENCHMARKS[name].SIZES[size])
    if n is not None:
        chosen[MAIN_SIZE[name]] = n
    for key, value in sets.items():
        if key in chosen:
            chosen[key] = type(chosen[key])(value)
    return chosen


def run_one(name: str, size: dict[str, Any], workdir: Path, log: Callable[[str], None] = print) -> Result:
    """Run one benchmark; a benchmark that crashes gives a result whose check says so."""
    log(f"-- running {name} {json.dumps(size)}")
    module = BENCHMARKS[name]
    try:
        result: Result = module.run(size, workdir / name)
    except Exception:
        result = Result(name, f"{name} (crashed)", size)
        result.check("the benchmark ran to the end", False, traceback.format_exc(limit=8))
    log(render(result))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("benchmarks", nargs="*", metavar="BENCHMARK", help=", ".join(BENCHMARKS))
    parser.add_argument("--full", action="store_true", help="the full sizes of issue 7")
    parser.add_argument("--size", choices=["tiny", "quick", "full"], help="tiny: seconds (smoke test)")
    parser.add_argument("--n", type=int, help="the main size of the chosen benchmark")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a size key")
    parser.add_argument("--json", type=Path, help="where to write the results")
    parser.add_argument("--keep", action="store_true", help="keep the working directory (logs, databases)")
    args = parser.parse_args(argv)
    names = args.benchmarks or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}")
    size = args.size or ("full" if args.full else "quick")
    if args.n is not None and len(names) != 1:
        parser.error("--n needs exactly one benchmark")
    sets = _parse_sets(args.set)
    facts = machine_facts()
    print("machine: " + ", ".join(f"{k}={v}" for k, v in facts.items()))
    print(f"size: {size}; command: python -m bench {' '.join(argv if argv is not None else sys.argv[1:])}")
    workdir = Path(tempfile.mkdtemp(prefix="bench-", dir=ROOT / "var" if (ROOT / "var").is_dir() else None))
    started = time.monotonic()
    results: list[Result] = []
    try:
        for name in names:
            results.append(run_one(name, sizes_for(name, size, args.n, sets), workdir))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"\n== summary ({time.monotonic() - started:.0f} s) ==")
    for result in results:
        for fig in result.figures:
            if fig.target:
                print(
                    f"  {result.bench:9} {fig.name:40} {'met' if fig.met else 'MISSED':6} target {fig.target}"
                )
        print(f"  {result.bench:9} checks {'all held' if result.ok else 'FAILED'}")
    out = args.json or ROOT / "var" / "bench" / f"results-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "machine": facts,
                "size": size,
                "command": "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:]),
                "results": [r.as_json() for r in results],
            },
            indent=1,
            default=str,
        )
    )
    print(f"results written to {out}")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
