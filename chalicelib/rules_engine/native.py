"""Each ruleset version as one function of the facts: the request path's evaluator.

durable-rules is the engine of record (engine.py): every rule file compiles to a durable-rules
ruleset, replays run on it, and a sample of live decisions is checked against it (decision.py).
A round trip through its C engine costs tens of microseconds per ruleset, and a decision runs
four, so decisions run on the rule model's own closures (`Condition.test`, model.py) instead:

- rules whose conditions all start with `fact equals value` on the same fact are indexed by that
  value (the size standard's industry group), so only one group's rules are tested;
- outcomes are combined by `engine.resolve`, as durable-rules' answers are, once per combination
  of fired rules (unless an outcome is a template filled from the facts).

tests/unit/test_rules_native.py holds these functions and durable-rules to one answer.
"""
from __future__ import annotations

from collections import defaultdict

from .engine import resolve
from .model import RulesetFile, all_of


def _first_test(rule):
    c = rule.when
    return c.parts[0] if c.op == "all" and c.parts else c


def index_fact(rules) -> str | None:
    """A fact every rule tests first with `equals` on a plain value (a discrete group), to branch on once."""
    firsts = [_first_test(rule) for rule in rules]
    if not firsts or any(f.op != "equals" or isinstance(f.value, (list, dict)) for f in firsts):
        return None
    facts = {f.fact for f in firsts}
    return facts.pop() if len(facts) == 1 else None


def fired_function(rules):
    """`fired(facts) -> (rule id, …)`: the rules that hold, in file order."""
    key = index_fact(rules)
    if key is None:
        tests = [(rule.id, rule.when.test) for rule in rules]
        return lambda facts: tuple([rule_id for rule_id, test in tests if test(facts)])
    groups: dict[object, list] = defaultdict(list)
    for rule in rules:   # within its group, a rule's first condition holds already
        rest = top_conditions(rule)[1:]
        groups[_first_test(rule).value].append((rule.id, all_of([part.test for part in rest])))

    def fired(facts: dict) -> tuple:
        value = facts.get(key)
        try:
            members = groups.get(value, ()) if value is not None else ()
        except TypeError:     # an unhashable fact equals none of the groups' values
            members = ()
        return tuple([rule_id for rule_id, test in members if test(facts)])
    return fired


_REMEMBERED = 4096   # combinations of fired rules whose outcomes a ruleset keeps


def resolver(ruleset: RulesetFile):
    """`combine(fired ids, facts)`: `engine.resolve`, the one combination of outcomes per hit policy.

    Unless a fired rule's outcome is a template filled from the facts ("purchaser:{…}"), the
    outcomes depend on which rules fired alone, and the same few combinations recur: each is
    combined once and the result shared (callers read outcomes, never change them)."""
    templated = ruleset.templated
    remembered: dict[tuple, dict] = {}

    def combine_once(fired: tuple, facts: dict) -> dict:
        out = remembered.get(fired)
        if out is None:
            out = resolve(ruleset, [ruleset.rule(rule_id) for rule_id in fired], facts)
            if templated.isdisjoint(fired) and len(remembered) < _REMEMBERED:
                remembered[fired] = out
        return out
    return combine_once


def top_conditions(rule) -> tuple:
    """A rule's conditions as its near misses count them: the parts of an `all`, else the whole."""
    return rule.when.parts if rule.when.op == "all" else (rule.when,)


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
        self._fired = fired_function(self._rules)
        self._derived = ruleset.derived if ruleset.derive else None
        self._combine = resolver(ruleset)
        self._granting: dict[str, list] = {}
        self._read_by: dict[str, tuple[str, ...]] = {}   # outcome -> the rules setting it, with their tests

    def nearest_miss(self, facts: dict, outcome: str):
        """Of the rules that set `outcome` true, the one failing the fewest top-level conditions
        (the first such in file order) and which of its conditions hold; None if none fails any."""
        candidates = self._granting.get(outcome)
        if candidates is None:
            candidates = self._granting[outcome] = [
                (rule, [part.test for part in top_conditions(rule)]) for rule in self._rules if rule.then.get(outcome)]
        best, fewest = None, None
        for rule, tests in candidates:
            held = tuple([test(facts) for test in tests])
            missed = held.count(False)
            if missed and (fewest is None or missed < fewest):
                best, fewest = (rule, held), missed
        return best

    def read_by(self, outcome: str) -> tuple[str, ...]:
        """The facts the rules setting `outcome` true read (what their near misses depend on)."""
        found = self._read_by.get(outcome)
        if found is None:
            found = self._read_by[outcome] = tuple(sorted(set().union(
                *(rule.when.facts() for rule in self._rules if rule.then.get(outcome)))))
        return found

    def derived(self, facts: dict) -> dict:
        """The facts as this ruleset's rules see them (its `derive` tables applied)."""
        return self.ruleset.derived(facts) if self.ruleset.derive else facts

    def fired_ids(self, facts: dict) -> tuple[str, ...]:
        return self._fired(self.ruleset.derived(facts) if self.ruleset.derive else facts)

    def outcomes(self, facts: dict) -> tuple[dict, tuple[str, ...]]:
        """Outcomes per the hit policy (shared: read them, never change them), and the ids of
        the rules that fired (file order)."""
        fired = self._fired(self._derived(facts) if self._derived else facts)
        return self._combine(fired, facts), fired
