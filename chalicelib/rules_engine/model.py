"""Rule files as typed values, and the one Python evaluator of their conditions.

The same condition tree is compiled to durable-rules (the engine of record, see compiler.py) and
written out as Python (source.py: `Condition.test` and each version's `fired`), which decisions,
explanations and the checks of rule files all run on. Both treat a missing fact alike:

- a positive test (`equals`, `in`, `gte`, `between`, `starts_with_any`, …) on a missing fact is
  false: nothing is known to satisfy it;
- a negative test (`not_equals`, `not_in`, `not_starts_with_any`) on a missing fact is true: an
  exclusion needs evidence ("not on the dishonest list" holds unless the list says otherwise);
- `not: {…}` is the exact complement of what it wraps, missing facts included (`not: {gte: 10}`
  holds for a missing fact), so a rule and its negation never both fail.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from types import MappingProxyType

COMPARISONS = ("equals", "not_equals", "gte", "gt", "lte", "lt", "in", "not_in", "between",
               "starts_with_any", "not_starts_with_any", "exists")
COMBINATORS = ("all", "any", "not")
NEGATION = {"equals": "not_equals", "not_equals": "equals", "gte": "lt", "lt": "gte", "gt": "lte",
            "lte": "gt", "in": "not_in", "not_in": "in", "starts_with_any": "not_starts_with_any",
            "not_starts_with_any": "starts_with_any"}
# How each comparison reads: as a statement ("x ≥ 10") and as a requirement a person must meet
# ("x 须不少于 10"); one line per operator.
OP_TEXT = {
    "equals": ("等于", "is", "须为", "must be"),
    "not_equals": ("不等于", "is not", "不能为", "must not be"),
    "gte": ("≥", "≥", "须不少于", "must be at least"),
    "gt": (">", ">", "须大于", "must be more than"),
    "lte": ("≤", "≤", "须不超过", "must be at most"),
    "lt": ("<", "<", "须小于", "must be less than"),
    "in": ("属于", "is one of", "须为以下之一：", "must be one of"),
    "not_in": ("不属于", "is not one of", "不能为以下之一：", "must not be one of"),
    "between": ("介于", "is between", "须介于", "must be between"),
    "starts_with_any": ("以下列代码开头", "starts with one of", "须以下列代码开头：", "must start with one of"),
    "not_starts_with_any": ("不以下列代码开头", "does not start with any of", "不能以下列代码开头：",
                            "must not start with any of"),
    "exists": ("已提供", "is provided", "须已提供", "must be known"),
}
NEGATIVE = ("not_equals", "not_in", "not_starts_with_any")   # true when the fact is missing


@dataclass(frozen=True)
class Condition:
    """A leaf (`fact` `op` `value`), a combinator (`all`/`any` over `parts`), or `always`."""
    op: str
    fact: str | None = None
    value: object = None
    parts: tuple["Condition", ...] = ()
    line: int = 0

    def negate(self) -> "Condition":
        """Push a `not` down to the leaves (durable-rules has no general negation)."""
        if self.op == "always":
            raise ValueError("`not: always` can never hold")
        if self.op == "all":
            return Condition("any", parts=tuple(p.negate() for p in self.parts), line=self.line)
        if self.op == "any":
            return Condition("all", parts=tuple(p.negate() for p in self.parts), line=self.line)
        if self.op == "exists":
            return Condition("exists", self.fact, not self.value, line=self.line)
        if self.op in NEGATIVE or self.op in ("equals", "in", "starts_with_any"):
            return Condition(NEGATION[self.op], self.fact, self.value, line=self.line)
        # An ordered test is false on a missing fact; its complement must then be true.
        missing = Condition("exists", self.fact, False, line=self.line)
        if self.op == "between":
            low, high = self.value
            return Condition("any", parts=(Condition("lt", self.fact, low, line=self.line),
                                           Condition("gt", self.fact, high, line=self.line), missing), line=self.line)
        return Condition("any", parts=(Condition(NEGATION[self.op], self.fact, self.value, line=self.line), missing),
                         line=self.line)

    def facts(self) -> set[str]:
        if self.fact:
            return {self.fact}
        return set().union(*(p.facts() for p in self.parts)) if self.parts else set()

    @cached_property
    def test(self):
        """This condition as a function of the facts, compiled once (source.py)."""
        from .source import condition_function   # source.py reads this module's NEGATIVE
        return condition_function(self)

    def holds(self, facts: dict) -> bool:
        return self.test(facts)

    def holds_partly(self, facts: dict, unknown: set) -> bool | None:
        """Three-valued: None while the answer depends on a fact in `unknown` (to prune searches)."""
        if self.op in ("all", "any"):
            results = [p.holds_partly(facts, unknown) for p in self.parts]
            decisive = (self.op == "any")
            if decisive in results:
                return decisive
            return None if None in results else not decisive
        if self.fact in unknown:
            return None
        return self.holds(facts)

    def first_failure_at(self, facts: dict) -> tuple[int, ...]:
        """Where the first leaf that keeps this failing condition from holding lies, as indexes
        into nested `parts` (() for a leaf): a position, so that an explanation's shape is a
        few numbers rather than a condition to compare and hash (read it back with `at`)."""
        if self.op not in ("all", "any"):
            return ()
        # of an `any`, every part failed: name the first
        n = next(n for n, part in enumerate(self.parts) if not part.holds(facts))
        return (n, *self.parts[n].first_failure_at(facts))

    def at(self, position: tuple[int, ...]) -> "Condition":
        """The part at a position `first_failure_at` gave."""
        found = self
        for n in position:
            found = found.parts[n]
        return found

    def describe(self) -> tuple[str, str]:
        if self.op == "always":
            return "总是", "always"
        if self.op in ("all", "any"):
            zh_join, en_join = ("且", " and ") if self.op == "all" else ("或", " or ")
            parts = [p.describe() for p in self.parts]
            return zh_join.join(z for z, _ in parts), en_join.join(e for _, e in parts)
        zh, en = OP_TEXT[self.op][:2]
        value = self.value
        if isinstance(value, (list, tuple)):
            value = ", ".join(map(str, value))
        if self.op == "exists":
            return (f"{self.fact} 已提供", f"{self.fact} is provided") if self.value else \
                   (f"{self.fact} 未提供", f"{self.fact} is not provided")
        return f"{self.fact} {zh} {value}", f"{self.fact} {en} {value}"


@dataclass(frozen=True)
class Rule:
    id: str
    when: Condition
    then: dict
    reason_zh: str
    reason_en: str
    line: int


@dataclass(frozen=True)
class Derivation:
    """A fact computed inside a ruleset from a lookup table, e.g. industry code → size group."""
    fact: str
    source: str
    table: dict
    default: object

    def value_for(self, code) -> object:
        """The value of the longest prefix of `code` in the table, else the default: a look-up per
        prefix length, longest first (a code shorter than a length is looked up whole, which is
        its own length)."""
        if isinstance(code, str):
            for length in self._lengths:
                hit = self.table.get(code[:length], _ABSENT)
                if hit is not _ABSENT:
                    return hit
        return self.default

    @cached_property
    def _lengths(self) -> list[int]:
        return sorted({len(prefix) for prefix in self.table}, reverse=True)


_ABSENT = object()


TEMPLATE = re.compile(r"\{([a-z_][a-z0-9_]*)\}")   # an outcome filled from a fact: "purchaser:{purchasing_unit_id}"


def template_facts(value) -> set[str]:
    """The facts a rule's outcome is filled from."""
    if isinstance(value, dict):
        return set().union(*(template_facts(v) for v in value.values()))
    return set(TEMPLATE.findall(value)) if isinstance(value, str) else set()


@dataclass(eq=False)   # one object per version on file: equal means the same, and it hashes fast
class RulesetFile:
    name: str
    version: str
    effective_from: date
    effective_to: date | None
    source: dict
    hit_policy: str
    priority: dict
    defaults: dict
    derive: tuple[Derivation, ...]
    rules: tuple[Rule, ...]
    path: str
    sha256: str
    parameters: dict = field(default_factory=dict)

    @cached_property
    def key(self) -> str:
        return f"{self.name}@{self.version}"

    def rule(self, rule_id: str) -> Rule:
        return self._rules_by_id[rule_id]

    @cached_property
    def cited(self) -> MappingProxyType:
        """How a decision names this version (read-only: every decision it makes shares it)."""
        return MappingProxyType({"ruleset": self.name, "version": self.version, "sha256": self.sha256})

    @cached_property
    def templated(self) -> frozenset[str]:
        """The rules with an outcome filled from the facts: what they decide depends on more
        than which rules fired."""
        return frozenset(r.id for r in self.rules if template_facts(r.then))

    @cached_property
    def template_facts(self) -> tuple[str, ...]:
        """The facts its rules' outcomes are filled from."""
        return tuple(sorted(set().union(*(template_facts(r.then) for r in self.rules))))

    @cached_property
    def _rules_by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def derived(self, facts: dict) -> dict:
        out = dict(facts)
        for d in self.derive:
            out[d.fact] = d.value_for(out.get(d.source))
        return out
