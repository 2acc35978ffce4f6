"""Each ruleset version compiled to one Python function: the request path's evaluator.

durable-rules is the engine of record (engine.py): every rule file compiles to a durable-rules
ruleset, replays run on it, and a sample of live decisions is checked against it (decision.py).
But a round trip through its C engine costs tens of microseconds per ruleset, and a decision runs
four, while the conditions themselves are a handful of comparisons. So the same condition trees
(model.py, one meaning: `Condition.holds`) are also compiled here to Python source, once per
version, and a decision costs microseconds:

- a fact is read once per evaluation into a local; a missing fact and a null are the same
  (`None`): a positive test on it fails and a negative one holds, exactly as in `holds`;
- rules whose conditions all start with `fact equals value` on the same fact are indexed by that
  value (the size standard's industry group), so only one group's rules are tested;
- `derive` tables (longest prefix) become dictionary look-ups by prefix length, longest first;
- outcomes are combined by `engine.resolve`, as durable-rules' answers are, once per combination
  of fired rules (unless an outcome is a template filled from the facts);
- where a comparison raises TypeError (a fact of an unexpected type), `holds` answers False: the
  function then hands that evaluation to `holds` itself, so the answer is the same.

tests/unit/test_rules_native.py holds this evaluator, durable-rules and `holds` to one answer.
"""
from __future__ import annotations

from collections import defaultdict

from .engine import resolve
from .model import RulesetFile


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


def _first_test(rule):
    c = rule.when
    return c.parts[0] if c.op == "all" and c.parts else c


def index_fact(rules) -> str | None:
    """A fact every rule tests first with `equals` (a discrete group), to branch on once."""
    firsts = [_first_test(rule) for rule in rules]
    if not firsts or any(f.op != "equals" for f in firsts):
        return None
    facts = {f.fact for f in firsts}
    return facts.pop() if len(facts) == 1 else None


def fired_function_source(rules) -> tuple[str, dict]:
    """Source of `fired(f) -> (rule id, …)` in file order, and its constants."""
    src = _Source()
    body: list[str] = []
    key = index_fact(rules)
    if key is None:
        for i, rule in enumerate(rules):
            body.append(f"    if {src.test(rule.when)}: out.append({src.constant(rule.id)})")
    else:
        groups: dict[object, list[int]] = defaultdict(list)
        for i, rule in enumerate(rules):
            groups[_first_test(rule).value].append(i)
        g = src.fact(key)
        for n, (value, members) in enumerate(groups.items()):
            body.append(f"    {'if' if n == 0 else 'elif'} {g} is not None and {g} == {src.constant(value)}:")
            for i in members:   # the branch has tested each member's first condition
                test = " and ".join(src.test(part) for part in top_conditions(rules[i])[1:]) or "True"
                body.append(f"        if {test}: out.append({src.constant(rules[i].id)})")
    reads = [f"    {v} = f.get({name!r})" for name, v in src.locals.items()]
    return "\n".join(["def fired(f):", *reads, "    out = []", *body, "    return tuple(out)"]), src.constants


def derive_function(derivation):
    """`derive(facts)`: sets the derived fact in place (`Derivation.value_for`)."""
    value_for, source, fact = derivation.value_for, derivation.source, derivation.fact

    def derive(facts: dict) -> None:
        facts[fact] = value_for(facts.get(source))
    return derive


def _templated(value) -> bool:
    if isinstance(value, dict):
        return any(_templated(v) for v in value.values())
    return isinstance(value, str) and "{" in value


_REMEMBERED = 4096   # combinations of fired rules whose outcomes a ruleset keeps


def resolver(ruleset: RulesetFile):
    """`combine(fired ids, facts)`: `engine.resolve`, the one combination of outcomes per hit policy.

    Unless a fired rule's outcome is a template filled from the facts ("purchaser:{…}"), the
    outcomes depend on which rules fired alone, and the same few combinations recur: each is
    combined once and the result shared (callers read outcomes, never change them)."""
    rules = {r.id: r for r in ruleset.rules}
    templated = frozenset(r.id for r in ruleset.rules if any(_templated(v) for v in r.then.values()))
    remembered: dict[tuple, dict] = {}

    def combine_once(fired: tuple, facts: dict) -> dict:
        out = remembered.get(fired)
        if out is None:
            out = resolve(ruleset, [rules[rule_id] for rule_id in fired], facts)
            if templated.isdisjoint(fired) and len(remembered) < _REMEMBERED:
                remembered[fired] = out
        return out
    return combine_once


def top_conditions(rule) -> tuple:
    """A rule's conditions as its near misses count them: the parts of an `all`, else the whole."""
    return rule.when.parts if rule.when.op == "all" else (rule.when,)


def define(source: str, namespace: dict, label: str):
    """The one function `source` defines (our own generated text), with `namespace` as its globals."""
    namespace = dict(namespace)
    exec(compile(source, f"<{label}>", "exec"), namespace)   # noqa: S102 - our own generated text
    return namespace[source.split("(", 1)[0][len("def "):]]


def run_in_order(rulesets, facts: dict) -> tuple[dict, tuple]:
    """Each ruleset sees the facts and the outcomes of those before it: `(known, trace)`."""
    known, trace = dict(facts), []
    for ruleset in rulesets:
        outcomes, fired = ruleset.outcomes(known)
        known.update(outcomes)
        trace.append((ruleset.ruleset, fired))
    return known, tuple(trace)


class NativeRuleset:
    """One ruleset version; `outcomes(facts)` answers as durable-rules' `CompiledRuleset` does."""

    def __init__(self, ruleset: RulesetFile):
        self.ruleset = ruleset
        self._rules = list(ruleset.rules)
        source, constants = fired_function_source(self._rules)
        self._fired = define(source, constants, f"rules {ruleset.key}")
        self._derive = [derive_function(d) for d in ruleset.derive]
        self._combine = resolver(ruleset)
        self._nearest: dict = {}
        self.said: dict[tuple, dict] = {}   # a near miss, worded once (decision.explain_miss)

    def nearest_miss(self, facts: dict, outcome: str):
        """Of the rules that set `outcome` true, the one failing the fewest top-level conditions
        (the first such in file order) and which of its conditions hold; None if none fails any.

        One generated function per outcome: every condition of every such rule, tested once."""
        nearest = self._nearest.get(outcome)
        if nearest is None:
            nearest = self._nearest[outcome] = self._nearest_function(outcome)
        try:
            return nearest(facts)
        except TypeError:
            best = None
            for rule in self._rules:
                if rule.then.get(outcome):
                    held = tuple(p.holds(facts) for p in top_conditions(rule))
                    if False in held and (best is None or held.count(False) < best[1].count(False)):
                        best = (rule, held)
            return best

    def _nearest_function(self, outcome: str):
        src, lines = _Source(), []
        for rule in self._rules:
            if not rule.then.get(outcome):
                continue
            lines.append(f"    held = ({', '.join(src.test(p) for p in top_conditions(rule))},)")
            lines.append("    missed = held.count(False)")
            lines.append(f"    if missed and missed < fewest: fewest, best = missed, ({src.constant(rule)}, held)")
        reads = [f"    {v} = f.get({name!r})" for name, v in src.locals.items()]
        source = "\n".join(["def nearest(f):", *reads, "    fewest, best = 10**9, None", *lines, "    return best"])
        return define(source, src.constants, f"near misses {self.ruleset.key}")

    def derived(self, facts: dict) -> dict:
        """The facts as this ruleset's rules see them (its `derive` tables applied)."""
        return self.ruleset.derived(facts) if self._derive else facts

    def fired_ids(self, facts: dict) -> tuple[str, ...]:
        seen = self.derived(facts)
        try:
            return self._fired(seen)
        except TypeError:
            return tuple([r.id for r in self._rules if r.when.holds(seen)])

    def outcomes(self, facts: dict) -> tuple[dict, tuple[str, ...]]:
        """Outcomes per the hit policy (shared: read them, never change them), and the ids of
        the rules that fired (file order)."""
        fired = self.fired_ids(facts)
        return self._combine(fired, facts), fired


class NativeChain:
    """The rulesets in force on a date, in order, as one function: `run(facts) -> (known, trace)`.

    The same steps as `run_in_order` over each `NativeRuleset.outcomes`, written out
    once per chain so a decision does not pay a loop, a method call and a tuple per ruleset."""

    def __init__(self, rulesets: tuple[NativeRuleset, ...]):
        self.rulesets = rulesets
        ns, lines = {"dict": dict, "tuple": tuple}, ["def run(facts):", "    known = dict(facts)"]
        for n, native in enumerate(rulesets):
            ns[f"FIRED{n}"], ns[f"COMBINE{n}"], ns[f"RS{n}"] = native._fired, native._combine, native.ruleset
            seen = "known"
            if native._derive:
                seen = f"seen{n}"
                lines.append(f"    {seen} = dict(known)")
                for k, derive in enumerate(native._derive):
                    ns[f"DERIVE{n}_{k}"] = derive
                    lines.append(f"    DERIVE{n}_{k}({seen})")
            lines.append(f"    fired{n} = FIRED{n}({seen})")
            lines.append(f"    known.update(COMBINE{n}(fired{n}, known))")
        trace = ", ".join(f"(RS{n}, fired{n})" for n in range(len(rulesets)))
        lines.append(f"    return known, ({trace}{',' if len(rulesets) == 1 else ''})")
        self._run = define("\n".join(lines), ns, "rules chain")

    def run(self, facts: dict):
        try:
            return self._run(facts)
        except TypeError:            # a fact of an unexpected type: each ruleset falls back to `holds`
            return run_in_order(self.rulesets, facts)
