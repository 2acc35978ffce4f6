"""The figures of one run: a table for people and the same figures as JSON for machines.

A row carries its target and verdict beside the value, so a FAIL is printed as plainly as a
PASS; nothing here rounds a figure before it is stored (the table rounds only for display).
"""
from __future__ import annotations

import json
import platform
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Row:
    section: str
    metric: str
    value: object
    unit: str = ""
    target: str = ""
    passed: bool | None = None   # None: informative, no target

    @property
    def verdict(self) -> str:
        return "" if self.passed is None else ("PASS" if self.passed else "FAIL")


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    started: float = field(default_factory=time.time)

    def add(self, section: str, metric: str, value, unit: str = "", target: str = "",
            passed: bool | None = None) -> Row:
        row = Row(section, metric, value, unit, target, passed)
        self.rows.append(row)
        return row

    def detail(self, section: str, **figures) -> None:
        """Raw figures behind the rows (distributions, counts per operation, …) for the JSON."""
        self.details.setdefault(section, {}).update(figures)

    @property
    def targets(self) -> list[Row]:
        return [r for r in self.rows if r.passed is not None]

    def to_json(self) -> dict:
        return {
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(self.started)),
            "wall_seconds": round(time.time() - self.started, 1),
            "machine": machine(),
            "rows": [asdict(r) | {"verdict": r.verdict} for r in self.rows],
            "summary": {"passed": sum(1 for r in self.targets if r.passed),
                        "failed": sum(1 for r in self.targets if not r.passed)},
            "details": self.details,
        }

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False, default=str) + "\n",
                        encoding="utf-8")

    def table(self) -> str:
        header = ("section", "metric", "value", "target", "")
        lines = [header] + [(r.section, r.metric, show(r.value, r.unit), r.target, r.verdict) for r in self.rows]
        widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
        out = []
        for n, line in enumerate(lines):
            out.append("  ".join(str(cell).ljust(w) for cell, w in zip(line, widths)).rstrip())
            if n == 0:
                out.append("  ".join("-" * w for w in widths))
        passed = sum(1 for r in self.targets if r.passed)
        out.append(f"\n{passed} of {len(self.targets)} targets pass")
        return "\n".join(out)


def show(value, unit: str) -> str:
    if isinstance(value, bool) or value is None:
        text = str(value)
    elif isinstance(value, int):
        text = f"{value:,}"
    elif isinstance(value, float):
        text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"
    else:
        text = str(value)
    return f"{text} {unit}".strip()


def machine() -> dict:
    import os
    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "processor": platform.processor() or platform.machine()}
