"""Rule conditions → durable-rules ruleset definitions.

Every rule matches a single message with `kind == "facts"` (the type test that keeps a rule on
a missing field from looping), and each ruleset gets one extra rule: the end-of-request event,
matched with the highest salience, whose action deletes the session. That keeps live sessions
at zero between evaluations, far from durable-rules' fixed limit of 1,024.

Salience in durable-rules (`pri`): the lower number fires first, and a negative number is read
as a huge one (it fires last; measured in tests/unit/test_rules_engine.py). So the cleanup rule
gets `pri: 0` and every other rule `pri: 1`.
"""
from __future__ import annotations

from .model import Condition, RulesetFile

END_RULE = "__end_of_request"
SEEN_RULE = "__facts_seen"
FACTS_KIND = {"kind": "facts"}
CLEANUP_SALIENCE, RULE_SALIENCE = 0, 1
_SIMPLE = {"gte": "$gte", "gt": "$gt", "lte": "$lte", "lt": "$lt"}


class Compiler:
    """Compiles one ruleset; prefix tests become booleans computed before facts are asserted.

    durable-rules has a regex match but no negated one, so `starts_with_any` and its negation
    are both written as a test of a boolean fact (`industry_code~0`) that `prepare` adds."""

    def __init__(self):
        self.prefix_tests: dict[tuple, str] = {}

    def _prefix_key(self, fact: str, prefixes: tuple) -> str:
        key = (fact, prefixes)
        if key not in self.prefix_tests:
            self.prefix_tests[key] = f"{fact}~{len(self.prefix_tests)}"
        return self.prefix_tests[key]

    def prepare(self, facts: dict) -> dict:
        out = dict(facts)
        for (fact, prefixes), key in self.prefix_tests.items():
            value = facts.get(fact)
            if isinstance(value, str):
                out[key] = value.startswith(prefixes)
        return out

    def expression(self, c: Condition) -> dict:
        op = c.op
        if op == "all":
            return {"$and": [self.expression(p) for p in c.parts]}
        if op == "any":
            return {"$or": [self.expression(p) for p in c.parts]}
        if op == "equals":
            return {c.fact: c.value}
        if op == "not_equals":  # true on a missing fact, as model.Condition.holds
            return {"$or": [{"$neq": {c.fact: c.value}}, _missing(c.fact)]}
        if op in _SIMPLE:
            return {_SIMPLE[op]: {c.fact: c.value}}
        if op == "in":
            return {"$or": [{c.fact: v} for v in c.value]}
        if op == "not_in":
            return {"$or": [{"$and": [{"$neq": {c.fact: v}} for v in c.value]}, _missing(c.fact)]}
        if op == "between":
            return {"$and": [{"$gte": {c.fact: c.value[0]}}, {"$lte": {c.fact: c.value[1]}}]}
        if op == "starts_with_any":
            return {self._prefix_key(c.fact, tuple(c.value)): True}
        if op == "not_starts_with_any":
            return {"$or": [{self._prefix_key(c.fact, tuple(c.value)): False}, _missing(c.fact)]}
        if op == "exists":
            return {"$ex" if c.value else "$nex": {c.fact: 1}}
        raise ValueError(f"cannot compile operator {op}")

    def rule_expression(self, c: Condition) -> dict:
        if c.op == "always":
            return dict(FACTS_KIND)
        return {"$and": [dict(FACTS_KIND), self.expression(c)]}

    def definition(self, ruleset: RulesetFile, on_fire, on_end) -> dict:
        """The durable-rules definition; `on_fire(rule_id)` returns the action for that rule."""
        rules = {rule.id: {"all": [{"m": self.rule_expression(rule.when)}], "run": on_fire(rule.id),
                           "pri": RULE_SALIENCE}
                 for rule in ruleset.rules}
        # Without a rule that matches every facts message, durable-rules refuses facts no
        # policy rule matches (MessageNotHandledException).
        rules[SEEN_RULE] = {"all": [{"m": dict(FACTS_KIND)}], "run": _ignore, "pri": RULE_SALIENCE}
        rules[END_RULE] = {"all": [{"m": {"kind": "end"}}], "run": on_end, "pri": CLEANUP_SALIENCE}
        return rules


def _missing(fact: str) -> dict:
    return {"$nex": {fact: 1}}


def _ignore(c) -> None:
    return None
