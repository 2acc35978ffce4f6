"""Small measuring tools shared by the sections: medians, interleaved rounds, peak memory."""
from __future__ import annotations

import resource
import statistics
import time
from typing import Callable, Sequence


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def interleaved(contenders: dict[str, Callable[[list], None]], items: list, chunk: int) -> dict[str, float]:
    """Total seconds each contender spends on `items`, run chunk by chunk in rotating order.

    A machine that slows down for a minute then slows every contender alike, so their ratio
    holds even when their absolute rates drift."""
    totals = {name: 0.0 for name in contenders}
    names = list(contenders)
    for n, start in enumerate(range(0, len(items), chunk)):
        part = items[start:start + chunk]
        for name in names[n % len(names):] + names[:n % len(names)]:
            began = time.perf_counter()
            contenders[name](part)
            totals[name] += time.perf_counter() - began
    return totals


def peak_rss_bytes(children: bool = False) -> int:
    """Peak resident set size of this process (or the largest of its waited-for children)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
    return usage.ru_maxrss * 1024   # Linux reports KiB


def vm_hwm_bytes(pid: int | str = "self") -> int:
    """Peak RSS of a live process from /proc (VmHWM), for workers that have not exited yet."""
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0
