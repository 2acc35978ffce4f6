"""Facts that sit on every edge of a ruleset: the inputs on which two evaluators could differ.

Two implementations of one rule file (durable-rules and the native Python function) can only
disagree where a condition changes its answer: at a threshold, at a listed value, at a prefix,
on a missing fact. So the probes take, for every fact a ruleset reads, the constants its rules
compare it with and their neighbours, plus "missing". Deterministic: the same file gives the
same probes on every run.

Rule-directed: for each rule, facts that make it hold are the base, and each fact the rule reads
is swept through its candidates from there; random backgrounds alone would almost never reach
"farming and revenue exactly at 200 million yuan".
"""
from __future__ import annotations

import random

from .model import Condition, RulesetFile

PROBES_PER_RULESET = 300


def _leaves(c: Condition):
    if c.op in ("all", "any"):
        for part in c.parts:
            yield from _leaves(part)
    elif c.fact:
        yield c


def _neighbours(value) -> list:
    if isinstance(value, bool):
        return [True, False]
    if isinstance(value, int):
        return [value - 1, value, value + 1]
    if isinstance(value, float):
        return [value * 0.999 if value else -0.001, value, value * 1.001 if value else 0.001]
    if isinstance(value, str):
        return [value, value + "1", "x" + value]
    if isinstance(value, (list, tuple)):
        return [n for v in value for n in _neighbours(v)]
    return [value]


def candidates(ruleset: RulesetFile) -> dict[str, list]:
    """Fact → the values worth trying (every compared constant and its neighbours, and missing)."""
    values: dict[str, list] = {}
    for rule in ruleset.rules:
        for leaf in _leaves(rule.when):
            values.setdefault(leaf.fact, []).extend(_neighbours(leaf.value) if leaf.op != "exists" else [1])
    for derivation in ruleset.derive:
        codes = values.setdefault(derivation.source, [])
        codes.extend(p for prefix in derivation.table for p in (prefix, prefix + "1"))
        codes.append("00")
        values.pop(derivation.fact, None)     # derived inside the ruleset, never an input
    out = {}
    for fact, found in values.items():
        unique = []
        for v in [*found, None]:
            if not any(v is u or (type(v) is type(u) and v == u) for u in unique):
                unique.append(v)
        out[fact] = unique
    return out


def satisfying(c: Condition) -> dict:
    """Facts under which `c` holds (as far as one pass can tell): the base a rule's probes vary."""
    if c.op == "all":
        out: dict = {}
        for part in c.parts:
            out.update(satisfying(part))
        return out
    if c.op == "any":
        return satisfying(c.parts[0]) if c.parts else {}
    v = c.value
    if c.op in ("equals", "gte", "lte"):
        return {c.fact: v}
    if c.op == "in":
        return {c.fact: v[0]} if v else {}
    if c.op == "between":
        return {c.fact: v[0]}
    if c.op in ("gt", "lt") and isinstance(v, (int, float)) and not isinstance(v, bool):
        return {c.fact: v + 1 if c.op == "gt" else v - 1}
    if c.op == "starts_with_any":
        return {c.fact: v[0]} if v else {}
    if c.op == "exists" and v:
        return {c.fact: 1}
    return {}                                  # negative tests hold on a missing fact


def _as_inputs(facts: dict, ruleset: RulesetFile) -> dict:
    """A derived fact (industry code → size group) is reached through a source value that gives it."""
    out = dict(facts)
    for derivation in ruleset.derive:
        if derivation.fact in out:
            wanted = out.pop(derivation.fact)
            source = next((p for p, value in derivation.table.items() if value == wanted), None)
            if source is not None:
                out[derivation.source] = source
    return out


def probe_facts(ruleset: RulesetFile, count: int = PROBES_PER_RULESET, seed: int = 4754) -> list[dict]:
    """Each rule made to hold, then each fact it reads swept through all its candidates; then
    random combinations, up to `count`."""
    options = candidates(ruleset)
    rng = random.Random(f"{seed}:{ruleset.key}:{ruleset.sha256}")
    names = sorted(options)

    def background() -> dict:
        return {name: rng.choice(options[name]) for name in names}
    probes = []
    for rule in ruleset.rules:
        read = rule.when.facts()       # a negative test holds on a missing fact: leave those out
        base = {**{k: v for k, v in background().items() if k not in read},
                **_as_inputs(satisfying(rule.when), ruleset)}
        probes.append(base)
        swept = _as_inputs({f: None for f in read}, ruleset)
        for name in swept:
            probes.extend({**base, name: value} for value in options.get(name, ()))
    while len(probes) < count:
        probes.append(background())
    return [{k: v for k, v in p.items() if v is not None} for p in probes]
