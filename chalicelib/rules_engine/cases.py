"""Test cases written beside the rules (`rules/tests/*.yaml`): facts in, expected outcomes out.

Policy staff read and extend them like the rules themselves; `make rules-check` and `make test`
run every one. A case names the ruleset it checks, the clause it cites, the date it applies on,
the facts and/or a fragment of an application (turned into facts as the platform does), the
outcomes expected and, optionally, the rules expected to fire.

A case's ruleset sees what it would see in a real decision: the facts, and the outcomes of the
rulesets that run before it (enterprise size, …) unless the case gives them itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..domain.facts import facts_from_application
from .loader import RuleFileError, read_yaml

CASE_KEYS = {"case", "cites", "as_of", "facts", "application", "expect", "fired"}
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
        doc = read_yaml(path, aliases=True)   # cases share facts through anchors (repository only)
        if not isinstance(doc, dict) or "ruleset" not in doc or not isinstance(doc.get("cases"), list) \
                or set(doc) - FILE_KEYS:
            raise RuleFileError(path, 1, f"a case file has {sorted(FILE_KEYS)}: `ruleset:` and a list of `cases:`")
        for node in doc["cases"]:
            cases.append(_case(path, doc["ruleset"], node))
    return cases


def _case(path: Path, ruleset: str, node) -> Case:
    line = getattr(node, "line", 0)
    if not isinstance(node, dict):
        raise RuleFileError(path, line, "each case is a mapping: case, cites, as_of, facts and/or application, expect")
    unknown = set(node) - CASE_KEYS
    missing = {"case", "cites", "as_of", "expect"} - set(node)
    if not {"facts", "application"} & set(node):
        missing.add("facts (or application)")
    if unknown or missing:
        raise RuleFileError(path, line, f"case {node.get('case', '?')!r}: unknown key(s) {sorted(unknown)}, "
                            f"missing {sorted(missing)}")
    try:
        as_of = node["as_of"] if isinstance(node["as_of"], date) else date.fromisoformat(str(node["as_of"]))
    except ValueError:
        raise RuleFileError(path, line, f"case {node['case']!r}: as_of must be a date like 2022-06-30") from None
    for key in ("facts", "application", "expect"):
        if node.get(key) is not None and not isinstance(node[key], dict):
            raise RuleFileError(path, line, f"case {node['case']!r}: {key} must be a mapping")
    facts = facts_from_application(node["application"]) if node.get("application") else {}
    facts.update(node.get("facts") or {})
    return Case(str(path), line, ruleset, node["case"], node["cites"], as_of, facts, dict(node["expect"]),
                tuple(node["fired"]) if node.get("fired") is not None else None)


def facts_seen_by(engine, case: Case) -> dict:
    """The case's facts plus the outcomes of the rulesets that run before its own (if not given)."""
    facts = dict(case.facts)
    for name in engine.book.order:
        if name == case.ruleset:
            break
        outcomes, _ = engine.evaluate(name, facts, case.as_of)
        for outcome, value in outcomes.items():
            facts.setdefault(outcome, value)
    return facts


def run_case(engine, case: Case) -> list[str]:
    """What differs from the expectation (empty when the case passes)."""
    if case.ruleset not in engine.book.order:
        return [f"no ruleset {case.ruleset!r}; rulebook.yaml lists {engine.book.order}"]
    unknown = sorted(set(case.expect) - set(engine.book.outcomes))
    if unknown:
        return [f"expects unknown outcome(s) {unknown}; outcomes.yaml lists {sorted(engine.book.outcomes)}"]
    outcomes, fired = engine.evaluate(case.ruleset, facts_seen_by(engine, case), case.as_of)
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
    if case.fired is not None and list(case.fired) != list(fired):
        problems.append(f"fired: expected {list(case.fired)}, got {list(fired)}")
    return problems


def fired_rules(engine, cases: list[Case]) -> set[str]:
    seen = set()
    for case in cases:
        seen.update(engine.evaluate(case.ruleset, facts_seen_by(engine, case), case.as_of)[1])
    return seen
