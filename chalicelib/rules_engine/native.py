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
- outcomes are combined as `engine.resolve` combines durable-rules' answers, with what depends
  only on the file (which values are templates, each value's priority rank) worked out once;
- where a comparison raises TypeError (a fact of an unexpected type), `holds` answers False: the
  function then hands that evaluation to `holds` itself, so the answer is the same.

tests/unit/test_rules_native.py holds this evaluator, durable-rules and `holds` to one answer.
"""
from __future__ import annotations

from collections import defaultdict

from .engine import fill_template
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
            groups[_first_test(rule).value].append(i)
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


def _needs_filling(value) -> bool:
    """A template ("purchaser:{purchasing_unit_id}") or a mapping (copied, never shared)."""
    return isinstance(value, dict) or (isinstance(value, str) and "{" in value)


def resolver(ruleset: RulesetFile):
    """`combine(fired, facts)`: `engine.resolve(ruleset, fired, facts)`, with the file's part done once."""
    defaults = dict(ruleset.defaults)
    names = tuple(dict.fromkeys(n for r in ruleset.rules for n in r.then))
    then = {id(r): tuple((n, v, _needs_filling(v)) for n, v in r.then.items()) for r in ruleset.rules}

    def value_of(value, fill, facts):
        return fill_template(value, facts) if fill else value

    if ruleset.hit_policy == "collect":
        def combine(fired, facts):
            out = dict(defaults)
            for name in names:
                out[name] = []
            for rule in fired:
                for name, value, fill in then[id(rule)]:
                    out[name].append(value_of(value, fill, facts))
            return out
        return combine
    if ruleset.hit_policy == "priority":
        order = {name: list(values) for name, values in ruleset.priority.items()}
        rank = {id(r): tuple((n, order[n].index(v) if v in order.get(n, []) else 10**6, v, f)
                             for n, v, f in then[id(r)]) for r in ruleset.rules}

        def combine(fired, facts):
            best: dict = {}
            for rule in fired:
                for name, position, value, fill in rank[id(rule)]:
                    if name not in best or position < best[name][0]:
                        best[name] = (position, value, fill)
            out = dict(defaults)
            for name, (_, value, fill) in best.items():
                out[name] = value_of(value, fill, facts)
            return out
        return combine

    def combine(fired, facts):   # unique: the loader refused files whose rules can disagree
        out = dict(defaults)
        for rule in fired:
            for name, value, fill in then[id(rule)]:
                out[name] = value_of(value, fill, facts)
        return out
    return combine


class NativeRuleset:
    """One ruleset version; `outcomes(facts)` answers as durable-rules' `CompiledRuleset` does."""

    def __init__(self, ruleset: RulesetFile):
        self.ruleset = ruleset
        self._rules = list(ruleset.rules)
        self._ids = [r.id for r in self._rules]
        source, constants = fired_function_source(self._rules)
        namespace = dict(constants)
        exec(compile(source, f"<rules {ruleset.key}>", "exec"), namespace)   # noqa: S102 - our own generated text
        self._fired = namespace["fired"]
        self._derive = [derive_function(d) for d in ruleset.derive]
        self._combine = resolver(ruleset)
        self._parts = {}

    def part_results(self, rule, facts: dict) -> tuple[bool, ...]:
        """Whether each top-level condition of `rule` holds (to say which one a near miss failed)."""
        test = self._parts.get(rule.id)
        if test is None:
            parts = rule.when.parts if rule.when.op == "all" else (rule.when,)
            src = _Source()
            tests = [src.test(p) for p in parts]
            reads = [f"    {v} = f.get({name!r})" for name, v in src.locals.items()]
            source = "\n".join(["def parts(f):", *reads, f"    return ({', '.join(tests)},)"])
            namespace = dict(src.constants)
            exec(compile(source, f"<rule {rule.id}>", "exec"), namespace)   # noqa: S102 - our own generated text
            test = self._parts[rule.id] = namespace["parts"]
        try:
            return test(facts)
        except TypeError:
            parts = rule.when.parts if rule.when.op == "all" else (rule.when,)
            return tuple(p.holds(facts) for p in parts)

    def derived(self, facts: dict) -> dict:
        """The facts as this ruleset's rules see them (its `derive` tables applied)."""
        seen = dict(facts) if self._derive else facts
        for derive in self._derive:
            derive(seen)
        return seen

    def fired_rules(self, facts: dict) -> list:
        seen = self.derived(facts)
        try:
            return [self._rules[i] for i in self._fired(seen)]
        except TypeError:
            return [r for r in self._rules if r.when.holds(seen)]

    def outcomes(self, facts: dict) -> tuple[dict, tuple[str, ...]]:
        """Outcomes per the hit policy, and the ids of the rules that fired (file order)."""
        fired = self.fired_rules(facts)
        return self._combine(fired, facts), tuple([r.id for r in fired])
