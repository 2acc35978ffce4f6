"""`python -m bench [section …] [--quick]`: run the sections, print the table, write results.json.

Sections run one after the other in this process (the population run adds worker processes);
a section that crashes is reported as a FAIL row with its error, and the others still run.
`--quick` shrinks every workload for a smoke run; its figures are not the targets' figures.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import traceback
from pathlib import Path

from .report import Results

# name → (module, full-size arguments, quick arguments)
SECTIONS = {
    "decision": ("bench.decision_speed", {"count": 10_000}, {"count": 1_000}),
    "handler": ("bench.handler", {"submissions": 300}, {"submissions": 40}),
    "cold": ("bench.cold_start", {"repeats": 9}, {"repeats": 3}),
    "growth": ("bench.growth", {"small": 1_000, "large": 100_000}, {"small": 200, "large": 5_000}),
    "queue": ("bench.queue_throughput", {"applications": 500}, {"applications": 60}),
    "population": ("bench.population", {"profiles": 2_000_000}, {"profiles": 100_000}),
    "burst": ("bench.burst", {"clients": (50, 200), "requests": 4}, {"clients": (20, 50), "requests": 2}),
    "e2e": ("bench.e2e_latency", {"applications": {1: 30, 20: 200}}, {"applications": {1: 10, 20: 40}}),
}
RESULTS = Path(__file__).resolve().parent / "results.json"


def quiet_environment() -> None:
    """zen-engine prints a Rust backtrace into every error message unless told not to.

    The app's own logging is left as configured: its cost is part of what the bench measures."""
    os.environ.setdefault("RUST_BACKTRACE", "0")


def run_section(name: str, results: Results, quick: bool) -> None:
    module_name, full, small = SECTIONS[name]
    began = time.perf_counter()
    print(f"[bench] {name} …", flush=True)
    try:
        importlib.import_module(module_name).run(results, **(small if quick else full))
    except Exception as exc:  # noqa: BLE001 - report the crash as a failed figure and go on
        traceback.print_exc()
        results.add(name, "section crashed", f"{type(exc).__name__}: {exc}"[:120], "", "runs", False)
    elapsed = time.perf_counter() - began
    results.detail("seconds_per_section", **{name: round(elapsed, 1)})
    print(f"[bench] {name} done in {elapsed:.1f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("sections", nargs="*", choices=[*SECTIONS, []], help="default: all")
    parser.add_argument("--quick", action="store_true", help="small workloads, for a smoke run")
    args = parser.parse_args(argv)
    quiet_environment()
    results = Results()
    began = time.perf_counter()
    for name in args.sections or list(SECTIONS):
        run_section(name, results, args.quick)
    wall = time.perf_counter() - began
    whole = not args.sections and not args.quick     # the 10-minute budget is for the full run
    results.add("run", "bench wall time", wall, "s", "≤ 600 s" if whole else "", wall <= 600 if whole else None)
    results.detail("run", quick=args.quick, sections=args.sections or list(SECTIONS))
    results.write(RESULTS)
    print()
    print(results.table())
    print(f"\nfigures written to {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
