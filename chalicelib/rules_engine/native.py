"""Each ruleset version as the request path runs it: its written-out module (source.py).

durable-rules is the engine of record (engine.py): every rule file compiles to a durable-rules
ruleset, replays run on it, and a sample of live decisions is checked against it (decision.py).
A round trip through its C engine costs tens of microseconds per ruleset, and a decision runs
seven, so decisions run on each version's module instead; outcomes are combined by
`engine.resolve`, as durable-rules' are.

tests/unit/test_rules_native.py holds these functions and durable-rules to one answer.
"""
from __future__ import annotations

from .engine import resolve
from .model import RulesetFile
from .source import fired_function, held_function

_REMEMBERED = 4096   # combinations of fired rules whose outcomes a ruleset keeps


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
        self.fired_ids = self._compile_and_fire   # `fired_ids(facts) -> (rule id, …)`, file order
        self._combined: dict[tuple, dict] = {}
        self._granting: dict[str, list] = {}

    def nearest_miss(self, facts: dict, outcome: str):
        """Of the rules that set `outcome` true, the one failing the fewest top-level conditions
        (the first such in file order) and which of its conditions hold; None if none fails any."""
        candidates = self._granting.get(outcome)
        if candidates is None:
            candidates = self._granting[outcome] = [
                (rule, held_function(self.ruleset, rule)) for rule in self.ruleset.rules if rule.then.get(outcome)]
        best, fewest = None, None
        for rule, held_by in candidates:
            held = held_by(facts)
            missed = held.count(False)
            if missed and (fewest is None or missed < fewest):
                best, fewest = (rule, held), missed
        return best

    def derived(self, facts: dict) -> dict:
        """The facts as this ruleset's rules see them (its `derive` tables applied)."""
        return self.ruleset.derived(facts) if self.ruleset.derive else facts

    def _compile_and_fire(self, facts: dict) -> tuple[str, ...]:
        """`fired_ids` until a decision first runs this version: an engine holds every version on
        file and most decisions use the few in force, so each is compiled when first needed (a
        plain attribute afterwards, not a cached_property: the request path reads it seven times a
        decision). Two threads compiling at once each store the same function."""
        self.fired_ids = fired_function(self.ruleset)
        return self.fired_ids(facts)

    def outcomes(self, facts: dict) -> tuple[dict, tuple[str, ...]]:
        """Outcomes per the hit policy (shared: read them, never change them), and the ids of
        the rules that fired (file order)."""
        fired = self.fired_ids(facts)
        out = self._combined.get(fired)
        return (self._combine(fired, facts) if out is None else out), fired

    def _combine(self, fired: tuple, facts: dict) -> dict:
        """`engine.resolve`, the one combination of outcomes per hit policy. Unless a fired rule's
        outcome is a template filled from the facts ("purchaser:{…}"), the outcomes depend on
        which rules fired alone, and the same few combinations recur: each is combined once and
        the result shared."""
        out = resolve(self.ruleset, [self.ruleset.rule(rule_id) for rule_id in fired], facts)
        if self.ruleset.templated.isdisjoint(fired) and len(self._combined) < _REMEMBERED:
            self._combined[fired] = out
        return out
