"""6. Population run: size and first-loan subsidy for millions of generated enterprise profiles.

Runs in a fresh interpreter (`python -m bench.population N`), so the memory it reports is its
own and not what earlier sections left behind: a coordinator and a pool of worker processes (one
per core), each generating its share of the seeded profiles chunk by chunk and deciding them with
the engine's native functions (batch_rules.py). Only tallies travel back, plus every 1,000th profile
with its outcome, which the coordinator decides again one by one with `DecisionEngine.decide`,
each one also on durable-rules (the engine of record, whose answer it gives), and compares. Peak memory is the sum of every process's own
peak resident set (VmHWM): an upper bound of what the run held at once.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from .decision_speed import outcome_of_decision

SECTION = "6 population"
AS_OF = date(2025, 6, 30)
RULESETS = ("enterprise_size", "first_loan_subsidy")
CHUNK = 50_000
SAMPLE_EVERY = 1_000
SEED = 2026
_decider = None


def outcome(known: dict) -> tuple:
    return known["enterprise_size"], bool(known["first_loan_subsidy_eligible"]), known["interest_subsidy_rate"]


def _worker_start() -> None:
    """Load and compile the rules once per worker, before its first chunk."""
    global _decider
    from chalicelib.rules_engine import RuleBook

    from .batch_rules import BatchDecider
    _decider = BatchDecider(RuleBook.load(), RULESETS, AS_OF)


def evaluate_chunk(task: tuple[int, int]) -> tuple[Counter, list, int, int]:
    """Profiles [start, start + size): tallies of outcomes, the sampled ones, pid and peak RSS."""
    import random

    from .timing import vm_hwm_bytes
    from .workload import enterprise_profile, industry_prefixes
    start, size = task
    rng = random.Random(SEED * 1_000_003 + start)
    prefixes = industry_prefixes()
    tally: Counter = Counter()
    samples = []
    decide = _decider.decide
    for k in range(start, start + size):
        facts = enterprise_profile(rng, prefixes)
        result = outcome(decide(facts))
        tally[result] += 1
        if k % SAMPLE_EVERY == 0:
            samples.append((facts, result))
    return tally, samples, os.getpid(), vm_hwm_bytes()


def evaluate(profiles: int, workers: int) -> dict:
    """The population through a pool of spawned workers; wall time includes starting them."""
    import multiprocessing
    tasks = [(start, min(CHUNK, profiles - start)) for start in range(0, profiles, CHUNK)]
    tally: Counter = Counter()
    samples, peaks = [], {}
    began = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(workers, initializer=_worker_start) as pool:
        for part, sampled, pid, peak in pool.imap_unordered(evaluate_chunk, tasks):
            tally.update(part)
            samples += sampled
            peaks[pid] = max(peaks.get(pid, 0), peak)
    wall = time.perf_counter() - began
    return {"wall": wall, "tally": tally, "samples": samples, "worker_peaks": peaks}


def check_samples(samples: list) -> list[dict]:
    """Each sampled profile decided again one by one by the engine of record; the differences."""
    from chalicelib.rules_engine import DecisionEngine, RuleBook
    engine = DecisionEngine(RuleBook.load(), crosscheck_every=1)   # every decision on durable-rules too
    wrong = []
    for facts, batch in samples:
        single = outcome_of_decision(engine.decide(facts, AS_OF))
        if tuple(batch) != single:
            wrong.append({"facts": facts, "batch": batch, "one_by_one": single})
    return wrong


def main(profiles: int, workers: int) -> dict:
    from .timing import vm_hwm_bytes
    figures = evaluate(profiles, workers)
    wrong = check_samples(figures["samples"])
    peak = vm_hwm_bytes() + sum(figures["worker_peaks"].values())
    tally = figures["tally"]
    return {"profiles": profiles, "workers": workers, "wall_seconds": figures["wall"],
            "decisions_per_second": profiles / figures["wall"], "peak_rss_bytes": peak,
            "coordinator_peak_rss_bytes": vm_hwm_bytes(), "worker_peak_rss_bytes": list(figures["worker_peaks"].values()),
            "sampled": len(figures["samples"]), "sample_mismatches": wrong[:10], "sample_mismatch_count": len(wrong),
            "sizes": dict(_by_size(tally)),
            "subsidy_eligible": sum(v for k, v in tally.items() if k[1]), "as_of": AS_OF.isoformat()}


def _by_size(tally: Counter) -> Counter:
    sizes: Counter = Counter()
    for (size, _, _), n in tally.items():
        sizes[size] += n
    return sizes


def run(results, profiles: int = 2_000_000, workers: int | None = None) -> None:
    workers = workers or os.cpu_count() or 2
    out = subprocess.run([sys.executable, "-m", "bench.population", str(profiles), str(workers)],
                         capture_output=True, text=True, check=True, cwd=os.path.dirname(os.path.dirname(__file__)))
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    gib = figures["peak_rss_bytes"] / 2**30
    results.add(SECTION, f"{profiles:,} profiles: wall time ({workers} processes)", figures["wall_seconds"], "s",
                "≤ 120 s", figures["wall_seconds"] <= 120)
    results.add(SECTION, "peak memory (sum of processes' peak RSS)", gib, "GiB", "≤ 2 GiB", gib <= 2)
    results.add(SECTION, "decisions/s", figures["decisions_per_second"], "/s")
    results.add(SECTION, "same outcome as one-by-one decide (sample)",
                f"{figures['sampled'] - figures['sample_mismatch_count']}/{figures['sampled']}", "",
                "all equal", figures["sample_mismatch_count"] == 0 and figures["sampled"] > 0)
    results.detail(SECTION, **figures)


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2])), ensure_ascii=False, default=str))
