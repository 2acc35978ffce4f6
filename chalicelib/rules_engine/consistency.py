"""Checks across rules and versions: two versions of a ruleset whose dates overlap, and two rules
of a `unique` ruleset that can fire together with different outcomes."""
from __future__ import annotations

import itertools
from pathlib import Path

from .loader import RuleFileError
from .model import Condition, RulesetFile

MAX_CONFLICT_PROBES = 20000


def check_versions(files: list[RulesetFile]) -> None:
    by_name: dict[str, list[RulesetFile]] = {}
    for f in files:
        by_name.setdefault(f.name, []).append(f)
    for name, versions in by_name.items():
        seen = {}
        for f in versions:
            if f.version in seen:
                raise RuleFileError(f.path, 1, f"version {f.version} of {name} is also in {seen[f.version]}")
            seen[f.version] = f.path
        for a, b in itertools.combinations(sorted(versions, key=lambda f: f.effective_from), 2):
            if a.effective_to is None or a.effective_to >= b.effective_from:
                raise RuleFileError(b.path, 1, f"{name} {b.version} (from {b.effective_from}) overlaps "
                                    f"{a.version} in {Path(a.path).name} (to {a.effective_to or 'open end'})")


def find_conflicts(ruleset: RulesetFile, facts_catalog: dict) -> None:
    """Refuse a `unique` ruleset where two rules can fire together with different values.

    Searches the boundary values of the facts both rules test (thresholds ± 1, listed values, a
    value nobody listed, missing), fact by fact, abandoning a branch as soon as either rule can
    no longer fire. Sound for the conditions policy files use; bounded so loading stays quick."""
    if ruleset.hit_policy != "unique":
        return
    for a, b in itertools.combinations(ruleset.rules, 2):
        clashing = [o for o in a.then if o in b.then and a.then[o] != b.then[o]]
        if not clashing:
            continue
        facts = sorted(a.when.facts() | b.when.facts())
        candidates = {f: _probe_values(f, [a.when, b.when], facts_catalog.get(f, {})) for f in facts}
        witness = _both_fire(a.when, b.when, facts, candidates, {}, [0])
        if witness is not None:
            shown = {k: v for k, v in witness.items() if v is not None}
            raise RuleFileError(ruleset.path, b.line,
                                f"rules {a.id} (line {a.line}) and {b.id} both fire for {shown} but give "
                                f"different {clashing[0]}: {a.then[clashing[0]]!r} vs {b.then[clashing[0]]!r}")


def _both_fire(a: Condition, b: Condition, facts: list, candidates: dict, chosen: dict, budget: list):
    unknown = set(facts[len(chosen):])
    for condition in (a, b):
        if condition.holds_partly(chosen, unknown) is False:
            return None
    if not unknown:
        return dict(chosen)
    fact = facts[len(chosen)]
    for value in candidates[fact]:
        budget[0] += 1
        if budget[0] > MAX_CONFLICT_PROBES:
            return None
        chosen[fact] = value
        found = _both_fire(a, b, facts, candidates, chosen, budget)
        del chosen[fact]
        if found is not None:
            return found
    return None


def _probe_values(fact: str, conditions, spec: dict) -> list:
    values: set = {None}
    kind = spec.get("type")
    if kind == "boolean":
        return [True, False, None]
    for v in spec.get("values", []):
        values.add(v)

    def visit(c: Condition):
        if c.fact == fact and c.value is not None and c.op != "exists":
            for v in (c.value if isinstance(c.value, tuple) else (c.value,)):
                values.add(v)
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    values.update({v - 1, v + 1, v - 0.001, v + 0.001})
                if isinstance(v, str) and c.op.endswith("starts_with_any"):
                    values.add(v + "9")
        for p in c.parts:
            visit(p)
    for c in conditions:
        visit(c)
    if kind == "string":
        values.add("~none-of-these~")
    return list(values)
