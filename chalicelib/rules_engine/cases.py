"""Test cases written beside the rules (`rules/tests/*.yaml`): facts in, expected outcomes out.

Policy staff read and extend them like the rules themselves; `make rules-check` and `make test`
run every one. A case names the ruleset it checks, the clause it cites, the date it applies on,
the facts, the outcomes expected and, optionally, the rules expected to fire.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .loader import RuleFileError, read_yaml

CASE_KEYS = {"case", "cites", "as_of", "facts", "expect", "fired"}
FILE_KEYS = {"ruleset", "cases", "defaults"}   # `defaults:` may hold YAML anchors shared by cases


@dataclass(frozen=True)
class Case:
    file: str
    line: int
    ruleset: str
    name: str
    cites: str
    as_of: date
    facts: dict
    expect: dict
    fired: tuple[str, ...] | None

    @property
    def where(self) -> str:
        return f"{Path(self.file).name}:{self.line}"


def load_cases(directory: Path) -> list[Case]:
    cases = []
    for path in sorted((directory / "tests").glob("*.yaml")):
        doc = read_yaml(path)
        if not isinstance(doc, dict) or "ruleset" not in doc or not isinstance(doc.get("cases"), list) \
                or set(doc) - FILE_KEYS:
            raise RuleFileError(path, 1, f"a case file has {sorted(FILE_KEYS)}: `ruleset:` and a list of `cases:`")
        for node in doc["cases"]:
            unknown = set(node) - CASE_KEYS
            missing = {"case", "cites", "as_of", "facts", "expect"} - set(node)
            if unknown or missing:
                raise RuleFileError(path, getattr(node, "line", 0), f"case: unknown {sorted(unknown)}, missing {sorted(missing)}")
            as_of = node["as_of"] if isinstance(node["as_of"], date) else date.fromisoformat(str(node["as_of"]))
            cases.append(Case(str(path), getattr(node, "line", 0), doc["ruleset"], node["case"], node["cites"],
                              as_of, dict(node["facts"]), dict(node["expect"]),
                              tuple(node["fired"]) if node.get("fired") is not None else None))
    return cases


def run_case(engine, case: Case) -> list[str]:
    """What differs from the expectation (empty when the case passes)."""
    outcomes, fired = engine.evaluate(case.ruleset, case.facts, case.as_of)
    problems = []
    for name, expected in case.expect.items():
        actual = outcomes.get(name)
        if isinstance(expected, float) and isinstance(actual, (int, float)):
            same = abs(actual - expected) < 1e-12
        elif expected is False and actual is None:
            same = True
        else:
            same = actual == expected
        if not same:
            problems.append(f"{name}: expected {expected!r}, got {actual!r}")
    if case.fired is not None and list(case.fired) != fired:
        problems.append(f"fired: expected {list(case.fired)}, got {fired}")
    return problems


def fired_rules(engine, cases: list[Case]) -> set[str]:
    seen = set()
    for case in cases:
        seen.update(engine.evaluate(case.ruleset, case.facts, case.as_of)[1])
    return seen
