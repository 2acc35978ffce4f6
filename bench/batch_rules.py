"""A fast evaluator of rule files for whole populations: each ruleset compiled to one Python function.

durable-rules decides about 3,000 applications a second here, one session each; a population of
millions needs a batch path. The conditions are data (chalicelib/rules_engine/model.py) with one
meaning, `Condition.holds`; this module compiles the same meaning to Python source once per
ruleset version, so evaluating a rule costs a few comparisons instead of a tree walk:

- a fact is read once per evaluation into a local; a missing fact and a null are the same
  (`None`), a positive test on it fails and a negative one holds, exactly as in `holds`;
- rules whose conditions all start with `fact equals value` on the same fact are indexed by that
  value (the size standard's industry group), so only one group's rules are tested;
- `derive` tables (longest prefix) become dictionary look-ups by prefix length, longest first;
- outcomes are combined by `engine.resolve`, the platform's own hit-policy code;
- where a comparison raises TypeError (a fact of an unexpected type), `holds` answers False: the
  compiled function then hands that record to `holds` itself, so the answer is the same.
"""
from __future__ import annotations

from collections import defaultdict


class _Source:
    """Builds the function text; constants travel in a namespace, never through repr()."""

    def __init__(self):
        self.constants: dict[str, object] = {}
        self.locals: dict[str, str] = {}

    def constant(self, value) -> str:
        name = f"K{len(self.constants)}"
        self.constants[name] = tuple(value) if isinstance(value, list) else value
        return name

    def fact(self, name: str) -> str:
        if name not in self.locals:
            self.locals[name] = f"v{len(self.locals)}"
        return self.locals[name]

    def test(self, c) -> str:
        op = c.op
        if op == "always":
            return "True"
        if op in ("all", "any"):
            joiner = " and " if op == "all" else " or "
            return "(" + joiner.join(self.test(p) for p in c.parts) + ")"
        v, k = self.fact(c.fact), self.constant(c.value)
        return {
            "equals": f"({v} is not None and {v} == {k})",
            "not_equals": f"({v} is None or {v} != {k})",
            "in": f"({v} is not None and {v} in {k})",
            "not_in": f"({v} is None or {v} not in {k})",
            "gte": f"({v} is not None and {v} >= {k})",
            "gt": f"({v} is not None and {v} > {k})",
            "lte": f"({v} is not None and {v} <= {k})",
            "lt": f"({v} is not None and {v} < {k})",
            "between": f"({v} is not None and {k}[0] <= {v} <= {k}[1])",
            "starts_with_any": f"(isinstance({v}, str) and {v}.startswith({k}))",
            "not_starts_with_any": f"({v} is None or (isinstance({v}, str) and not {v}.startswith({k})))",
            "exists": f"(({v} is not None) == bool({k}))",
        }[op]


def index_fact(rules) -> str | None:
    """A fact every rule tests first with `equals` (a discrete group), to branch on once."""
    facts = set()
    for rule in rules:
        c = rule.when
        first = c.parts[0] if c.op == "all" and c.parts else c
        if first.op != "equals":
            return None
        facts.add(first.fact)
    return facts.pop() if len(facts) == 1 else None


def fired_function(rules) -> tuple[str, dict]:
    """Source of `fired(f) -> [rule index, …]` in file order, and its constants."""
    src = _Source()
    body: list[str] = []
    key = index_fact(rules)
    if key is None:
        for i, rule in enumerate(rules):
            body.append(f"    if {src.test(rule.when)}: out.append({i})")
    else:
        groups: dict[object, list[int]] = defaultdict(list)
        for i, rule in enumerate(rules):
            groups[rule.when.parts[0].value if rule.when.op == "all" else rule.when.value].append(i)
        g = src.fact(key)
        for n, (value, members) in enumerate(groups.items()):
            body.append(f"    {'if' if n == 0 else 'elif'} {g} is not None and {g} == {src.constant(value)}:")
            for i in members:
                body.append(f"        if {src.test(rules[i].when)}: out.append({i})")
    reads = [f"    {v} = f.get({name!r})" for name, v in src.locals.items()]
    return "\n".join(["def fired(f):", *reads, "    out = []", *body, "    return out"]), src.constants


def derive_function(derivation):
    """Longest matching prefix by dictionary look-up, longest length first (as `derived`)."""
    table = dict(derivation.table)
    lengths = sorted({len(p) for p in table}, reverse=True)
    source, default, fact = derivation.source, derivation.default, derivation.fact

    def derive(facts: dict) -> None:
        code = facts.get(source)
        value = default
        if isinstance(code, str):
            for length in lengths:
                if len(code) >= length:
                    hit = table.get(code[:length])
                    if hit is not None:
                        value = hit
                        break
        facts[fact] = value
    return derive


class CompiledRuleset:
    """One ruleset version: `outcomes(facts)` equals `engine.resolve` over the rules `holds` fires."""

    def __init__(self, ruleset):
        from chalicelib.rules_engine.engine import resolve
        self.ruleset, self._resolve = ruleset, resolve
        self._rules = list(ruleset.rules)
        source, constants = fired_function(self._rules)
        namespace = dict(constants)
        exec(compile(source, f"<rules {ruleset.key}>", "exec"), namespace)   # noqa: S102 - our own generated text
        self._fired = namespace["fired"]
        self._derive = [derive_function(d) for d in ruleset.derive]

    def fired(self, facts: dict) -> list:
        seen = dict(facts) if self._derive else facts
        for derive in self._derive:
            derive(seen)
        try:
            return [self._rules[i] for i in self._fired(seen)]
        except TypeError:
            return [r for r in self._rules if r.when.holds(seen)]

    def outcomes(self, facts: dict) -> dict:
        return self._resolve(self.ruleset, self.fired(facts), facts)


class BatchDecider:
    """The rulesets named, in the rule book's order, each seeing the earlier ones' outcomes."""

    def __init__(self, book, names: tuple[str, ...], as_of):
        from chalicelib.rules_engine.engine import version_in_force
        self.versions = [version_in_force(book.versions(n), as_of) for n in book.order if n in names]
        self._compiled = [CompiledRuleset(v) for v in self.versions if v is not None]

    def decide(self, facts: dict) -> dict:
        known = dict(facts)
        for compiled in self._compiled:
            known.update(compiled.outcomes(known))
        return known
