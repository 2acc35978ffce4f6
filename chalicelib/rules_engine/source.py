"""Each ruleset version as a small Python module: the fast evaluator decisions run on.

durable-rules is the engine of record (engine.py). For the request path a version is written out
as Python source from the rule model and compiled once: `fired(facts)` tests every rule in file
order, each condition an inline expression (a derived fact is computed once, into a local).
`make rules-source RULESET=name[@version]` prints the module. To explain a near miss,
`held_function` writes the same expressions for one rule's top-level conditions. Written out
rather than composed from closures because it takes about half the instructions (bench/README.md).
`Condition.test` (model.py) compiles its expression here too: a condition has one meaning in
Python, `EXPRESSIONS`.

A fact that is missing (None) reads as in durable-rules: a positive test is false, a negative one
(`not_equals`, `not_in`, `not_starts_with_any`) true; values with no order between them (a text
and a number) never satisfy an ordering.
"""
from __future__ import annotations

import operator
from pathlib import Path

from .model import NEGATIVE

# One line per comparison: the test of a fact that is present, `{x}`, against the rule's value,
# `{v}`. A new comparison is a line here, its words in model.OP_TEXT and its durable-rules form
# in compiler.py.
EXPRESSIONS = {
    "equals": "{x} == {v}",
    "not_equals": "{x} != {v}",
    "gte": "_ordered({x}, {v}, _ge)",
    "gt": "_ordered({x}, {v}, _gt)",
    "lte": "_ordered({x}, {v}, _le)",
    "lt": "_ordered({x}, {v}, _lt)",
    "in": "{x} in {v}",
    "not_in": "{x} not in {v}",
    "between": "_ordered({v}[0], {x}, _le) and _ordered({x}, {v}[1], _le)",
    "starts_with_any": "isinstance({x}, str) and {x}.startswith({v})",
    "not_starts_with_any": "isinstance({x}, str) and not {x}.startswith({v})",
}
_INLINE_ORDER = {"gte": ">=", "gt": ">", "lte": "<=", "lt": "<"}       # a number against a number


def _ordered(a, b, compare) -> bool:
    try:
        return compare(a, b)
    except TypeError:
        return False


RUNTIME = {"_ordered": _ordered, "_ge": operator.ge, "_gt": operator.gt, "_le": operator.le,
           "_lt": operator.lt, "_NUMBERS": frozenset((int, float))}


class Writer:
    """Python expressions of conditions. A fact is read with `read(fact)`; a value that is not a
    plain literal becomes a constant of the module (`_c0`, …)."""

    def __init__(self, read=lambda fact: f"get({fact!r})"):
        self.read = read
        self.constants: dict[str, object] = {}

    def value(self, value) -> str:
        if _literal(value) or (isinstance(value, tuple) and all(map(_literal, value))):
            return repr(value)
        name = f"_c{len(self.constants)}"
        self.constants[name] = value
        return name

    def condition(self, c) -> str:
        if c.op == "always":
            return "True"
        if c.op in ("all", "any"):
            return "(" + (" and " if c.op == "all" else " or ").join(map(self.condition, c.parts)) + ")"
        if c.op == "exists":
            return f"({self.read(c.fact)} is {'not ' if c.value else ''}None)"
        v = self.value(tuple(c.value) if isinstance(c.value, list) else c.value)
        if c.op in ("equals", "not_equals") and c.value is not None:   # a missing fact reads right as it is
            return "(" + EXPRESSIONS[c.op].format(x=self.read(c.fact), v=v) + ")"
        test = EXPRESSIONS[c.op].format(x="x", v=v)
        if c.op in _INLINE_ORDER and type(c.value) in (int, float):
            test = f"x {_INLINE_ORDER[c.op]} {v} if x.__class__ in _NUMBERS else {test}"
        if c.op in NEGATIVE:
            return f"((x := {self.read(c.fact)}) is None or {test})"
        return f"((x := {self.read(c.fact)}) is not None and ({test}))"


def _literal(value) -> bool:
    return value is None or type(value) in (bool, int, str) or (type(value) is float and value == value
                                                                and value not in (float("inf"), float("-inf")))


def condition_function(condition):
    """`test(facts) -> bool` for one condition (a rule's, or a part of one in an explanation)."""
    writer = Writer(read=lambda fact: f"facts.get({fact!r})")
    expression = writer.condition(condition)
    return eval(compile(f"lambda facts: {expression}", "<condition>", "eval"), {**RUNTIME, **writer.constants})


def index_fact(rules) -> str | None:
    """A fact every rule tests first with `equals` on a plain value (the size standard's industry
    group): `fired` branches on it once, and tests only that group's rules."""
    firsts = [_first_test(rule) for rule in rules]
    if not firsts or any(f.op != "equals" or not _literal(f.value) or f.value is None for f in firsts):
        return None
    facts = {f.fact for f in firsts}
    return facts.pop() if len(facts) == 1 else None


def _first_test(rule):
    c = rule.when
    return c.parts[0] if c.op == "all" and c.parts else c


def top_conditions(rule) -> tuple:
    """A rule's conditions as its near misses count them: the parts of an `all`, else the whole."""
    return rule.when.parts if rule.when.op == "all" else (rule.when,)


class RulesetWriter(Writer):
    """A `Writer` for one ruleset version: its derived facts read from locals (`_d0`, …)
    computed at the top of each function by its `derive` tables (`_derive0`, …)."""

    def __init__(self, ruleset):
        self.ruleset = ruleset
        self.derived = {d.fact: f"_d{n}" for n, d in enumerate(ruleset.derive)}
        super().__init__(read=lambda fact: self.derived.get(fact) or f"get({fact!r})")
        self.constants.update({f"_derive{n}": d.value_for for n, d in enumerate(ruleset.derive)})

    def function_start(self, signature: str, docstring: str) -> list[str]:
        return [f"def {signature}:", f'    """{docstring}"""', "    get = facts.get",
                *(f"    {self.derived[d.fact]} = _derive{n}({self.read(d.source)})  # {d.fact!r}"
                  for n, d in enumerate(self.ruleset.derive))]


def module_source(ruleset) -> tuple[str, dict]:
    """The module of one ruleset version, and the constants it names."""
    writer = RulesetWriter(ruleset)
    lines = [f"# {ruleset.key!r} from {Path(ruleset.path).name!r}, sha256 {ruleset.sha256[:12]}: "
             "written by chalicelib/rules_engine/source.py", "", "",
             *writer.function_start("fired(facts)", "The ids of the rules that hold, in file order."), "    out = []"]
    key = index_fact(ruleset.rules)
    if key is None:
        for rule in ruleset.rules:
            lines += _append_if(list(map(writer.condition, top_conditions(rule))), rule, "    ")
    else:
        lines.append(f"    group = {writer.read(key)}")
        groups: dict[object, list] = {}
        for rule in ruleset.rules:
            groups.setdefault(_first_test(rule).value, []).append(rule)
        for n, (value, members) in enumerate(groups.items()):
            lines.append(f"    {'if' if n == 0 else 'elif'} group == {writer.value(value)}:")
            for rule in members:   # within its group, a rule's first condition holds already
                lines += _append_if(list(map(writer.condition, top_conditions(rule)[1:])), rule, "        ")
    lines += ["    return tuple(out)"]
    return "\n".join(lines) + "\n", writer.constants


def fired_function(ruleset):
    """`fired(facts) -> (rule id, …)`: the module of one ruleset version, compiled."""
    return _function(*module_source(ruleset), ruleset, "fired")


def held_function(ruleset, rule):
    """`held(facts) -> (bool, …)`: which of a rule's top-level conditions hold, to explain its
    near miss; written when an explanation first asks for the rule (few rules ever are)."""
    writer = RulesetWriter(ruleset)
    lines = [*writer.function_start("held(facts)", "Which top-level conditions hold, in order."),
             "    return (", *(f"        {writer.condition(part)}," for part in top_conditions(rule)), "    )"]
    return _function("\n".join(lines) + "\n", writer.constants, ruleset, "held")


def _function(text: str, constants: dict, ruleset, name: str):
    namespace = {**RUNTIME, **constants}
    exec(compile(text, f"<rules {ruleset.key}>", "exec"), namespace)
    return namespace[name]


def _append_if(conditions: list[str], rule, indent: str) -> list[str]:
    """`out.append(rule id)` under its conditions, one to a line."""
    append = [f"{indent}out.append({rule.id!r})  # line {rule.line}"]
    if not conditions:
        return append
    if len(conditions) == 1:
        return [f"{indent}if {conditions[0]}:", "    " + append[0]]
    return [f"{indent}if (", f"{indent}    {conditions[0]}",
            *(f"{indent}    and {c}" for c in conditions[1:]), f"{indent}):", "    " + append[0]]
