"""Read rule files written by policy staff, and refuse a wrong one with its file, line and a plain reason.

The folder holds `facts.yaml` (what rules may test), `outcomes.yaml` (what rules may decide),
`rulebook.yaml` (the order rulesets run in) and one file per ruleset version.
"""
from __future__ import annotations

import hashlib
import math
from datetime import date
from decimal import Decimal

from .model import COMBINATORS, COMPARISONS, TEMPLATE, Condition, Derivation, Rule, RulesetFile
from .yaml_reader import RuleFileError, read_yaml  # noqa: F401 (read here by the other modules)

CATALOG_FILES = ("facts.yaml", "outcomes.yaml", "rulebook.yaml")
RULESET_KEYS = {"ruleset", "version", "effective_from", "effective_to", "source", "parameters",
                "hit_policy", "priority", "defaults", "derive", "rules"}
REQUIRED_KEYS = {"ruleset", "version", "effective_from", "source", "hit_policy", "rules"}
RULE_KEYS = {"id", "when", "then", "reason"}
HIT_POLICIES = ("unique", "priority", "collect")
FACT_TYPES = {"string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,)}
PARAMETER_KEYS = {"value", "source", "from", "unit", "note"}
# Written for people, read as the general test: `starts_with: "62"` is `starts_with_any: ["62"]`.
SINGLE_PREFIX = {"starts_with": "starts_with_any"}
TESTS = COMPARISONS + tuple(SINGLE_PREFIX)


def _line(node, default: int = 0) -> int:
    return getattr(node, "line", default)


def _key_line(node, key) -> int:
    """The line of one key of a mapping (e.g. the outcome a `then` gets wrong), else the mapping's."""
    return getattr(node, "key_lines", {}).get(key) or _line(node)


class RulesetParser:
    """Turns one ruleset document into a RulesetFile, checking every name against the catalogs."""

    def __init__(self, path, facts: dict, outcomes: dict):
        self.path, self.facts, self.outcomes = path, facts, outcomes
        self.params: dict = {}

    def fail(self, node, message: str, line: int | None = None):
        raise RuleFileError(self.path, line if line is not None else _line(node), message)

    def parse(self, doc, raw: bytes) -> RulesetFile:
        if not isinstance(doc, dict):
            self.fail(doc, "a ruleset file must be a mapping with ruleset, version, rules …", 1)
        unknown = set(doc) - RULESET_KEYS
        if unknown:
            self.fail(doc, f"unknown key(s) {sorted(unknown)}; allowed: {sorted(RULESET_KEYS)}",
                      min(_key_line(doc, k) for k in unknown))
        missing = REQUIRED_KEYS - set(doc)
        if missing:
            self.fail(doc, f"missing key(s) {sorted(missing)}")
        self.params = self._parameters(doc.get("parameters") or {})
        hit = doc["hit_policy"]
        if hit not in HIT_POLICIES:
            self.fail(doc, f"hit_policy must be one of {HIT_POLICIES}, not {hit!r}")
        start, end = self._date(doc, "effective_from"), self._date(doc, "effective_to", optional=True)
        if end is not None and end < start:
            self.fail(doc, f"effective_to {end} is before effective_from {start}")
        source = doc["source"]
        if not isinstance(source, dict) or not {"title", "number"} <= set(source):
            self.fail(doc, "source needs at least title and number (the policy document it comes from)")
        rules = doc["rules"]
        if not isinstance(rules, list) or not rules:
            self.fail(doc, "rules must be a non-empty list")
        parsed = tuple(self._rule(r) for r in rules)
        ids = [r.id for r in parsed]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            self.fail(rules, f"rule ids must be unique; repeated: {dupes}")
        priority = self._priority(doc, hit)
        defaults = self._outcome_map(doc["defaults"], doc, allow_templates=False) if doc.get("defaults") else {}
        return RulesetFile(
            name=str(doc["ruleset"]), version=str(doc["version"]), effective_from=start, effective_to=end,
            source=dict(source), hit_policy=hit, priority=priority, defaults=defaults,
            derive=self._derivations(doc.get("derive") or {}), rules=parsed, path=str(self.path),
            sha256=hashlib.sha256(raw).hexdigest(), parameters=self.params)

    # ---- pieces --------------------------------------------------------------------------------
    def _date(self, doc, key, optional=False):
        value = doc.get(key)
        if value is None and optional:
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(doc, f"{key} must be a date like 2022-01-01, not {value!r}")

    def _parameters(self, node) -> dict:
        if not isinstance(node, dict):
            self.fail(node, "parameters must be a mapping of name → {value, source}")
        out = {}
        for name, spec in node.items():
            if not isinstance(spec, dict) or not {"value", "source"} <= set(spec):
                self.fail(spec if isinstance(spec, dict) else node,
                          f"parameter {name!r} needs a value and a source (the document, or *Assumed* and why)")
            unknown = set(spec) - PARAMETER_KEYS
            if unknown:
                self.fail(spec, f"parameter {name!r}: unknown key(s) {sorted(unknown)}; allowed: {sorted(PARAMETER_KEYS)}",
                          min(_key_line(spec, k) for k in unknown))
            if "from" in spec:
                self._date(spec, "from")
            out[name] = spec["value"]
        return out

    def _resolve(self, value, node):
        if isinstance(value, str) and value.startswith("$"):
            name = value[1:]
            if name not in self.params:
                self.fail(node, f"unknown parameter {value}; defined: {sorted(self.params)}")
            return self.params[name]
        return value

    def _derivations(self, node) -> tuple[Derivation, ...]:
        out = []
        for fact, spec in node.items():
            if fact not in self.facts:
                self.fail(node, f"derive: {fact!r} is not declared in facts.yaml")
            if not isinstance(spec, dict) or not {"from", "longest_prefix"} <= set(spec):
                self.fail(node, f"derive {fact}: needs `from` and `longest_prefix` (a table or $parameter)")
            table = self._resolve(spec["longest_prefix"], node)
            if not isinstance(table, dict):
                self.fail(node, f"derive {fact}: longest_prefix must be a table of prefix → value")
            self._check_prefix_table(fact, table, node)
            out.append(Derivation(fact, spec["from"], {str(k): v for k, v in table.items()}, spec.get("default")))
        return tuple(out)

    def _check_prefix_table(self, fact, table, node):
        # An unquoted code is read as a number (010 even as octal 8), losing its leading zeros.
        allowed = self.facts[fact].get("values")
        for prefix, value in table.items():
            if not isinstance(prefix, str) or not prefix:
                self.fail(table, f"derive {fact}: code {prefix!r} must be quoted text, e.g. '0111' "
                          f"(unquoted, a code loses its leading zeros)")
            if allowed and value not in allowed:
                self.fail(table, f"derive {fact}: {value!r} (for code {prefix}) is not a possible value of "
                          f"{fact}; possible: {allowed}")

    def _priority(self, doc, hit) -> dict:
        node = doc.get("priority") or {}
        if hit == "priority" and not node:
            self.fail(doc, "hit_policy priority needs `priority: {outcome: [highest, …, lowest]}`")
        for outcome, order in node.items():
            if outcome not in self.outcomes or not isinstance(order, list):
                self.fail(node, f"priority: {outcome!r} must be a known outcome with a list of values")
        return {k: list(v) for k, v in node.items()}

    def _rule(self, node) -> Rule:
        if not isinstance(node, dict):
            self.fail(node, "each rule is a mapping with id, when, then, reason")
        unknown = set(node) - RULE_KEYS
        missing = RULE_KEYS - set(node)
        if unknown or missing:
            self.fail(node, f"rule {node.get('id', '?')}: unknown {sorted(unknown)}, missing {sorted(missing)}",
                      min(_key_line(node, k) for k in unknown) if unknown else None)
        reason = node["reason"]
        if not isinstance(reason, dict) or not reason.get("zh") or not reason.get("en"):
            self.fail(node, f"rule {node['id']}: reason needs both zh and en")
        return Rule(id=str(node["id"]), when=self._condition(node["when"], node),
                    then=self._outcome_map(node["then"], node, allow_templates=True),
                    reason_zh=str(reason["zh"]), reason_en=str(reason["en"]), line=_line(node))

    def _outcome_map(self, node, parent, allow_templates: bool) -> dict:
        if not isinstance(node, dict) or not node:
            self.fail(parent, "`then`/`defaults` must map outcome names to values")
        out = {}
        for name, value in node.items():
            line = _key_line(node, name)
            if name not in self.outcomes:
                self.fail(node, f"unknown outcome {name!r}; declared in outcomes.yaml: {sorted(self.outcomes)}", line)
            out[name] = self._outcome_value(name, value, self._resolve_deep(value, node, line), node,
                                            allow_templates, line)
        return out

    def _resolve_deep(self, value, node, line=None):
        if isinstance(value, dict):
            return {k: self._resolve_deep(v, value, _key_line(value, k)) for k, v in value.items()}
        try:
            return self._resolve(value, node)
        except RuleFileError as exc:
            raise RuleFileError(self.path, line or exc.line, exc.message) from None

    def _outcome_value(self, name, written, value, node, allow_templates, line):
        """Check the value (after $parameters) against the outcome's entry in outcomes.yaml:
        a wrong type or a value out of range would otherwise fail, or mislead, only when an
        application meets the rule (`working_days: '5'` was a 500 on every such submission)."""
        spec = self.outcomes[name]
        if value is None:
            return None
        if spec.get("type") == "object":
            fields = spec.get("fields", {})
            if not isinstance(value, dict) or set(value) != set(fields):
                self.fail(node, f"outcome {name} needs exactly the fields {sorted(fields)}", line)
            for field, field_spec in fields.items():
                written_field = written.get(field) if isinstance(written, dict) else written
                self._check_value(f"{name}.{field}", field_spec, written_field, value[field], node,
                                  allow_templates, _key_line(written, field) or line)
            return dict(value)
        self._check_value(name, spec, written, value, node, allow_templates, line)
        return value

    def _check_value(self, label, spec, written, value, node, allow_templates, line):
        problem = value_problem(spec, value)
        if problem:
            via = f" (from parameter {written})" if isinstance(written, str) and written.startswith("$") else ""
            self.fail(node, f"outcome {label} {problem}{via}", line)
        self._check_templates(value, node, allow_templates, line)

    def _check_templates(self, value, node, allowed, line=None):
        if isinstance(value, str):
            for fact in TEMPLATE.findall(value):
                if not allowed or fact not in self.facts:
                    self.fail(node, f"template {{{fact}}} names no fact declared in facts.yaml", line)

    def _condition(self, node, parent) -> Condition:
        line = _line(node, _line(parent))
        if not isinstance(node, dict) or not node:
            self.fail(parent, "a condition is a mapping: {fact: …, gte: …}, {all: […]}, {any: […]}, {not: …} or {always: true}")
        if "always" in node:
            if node["always"] is not True or len(node) != 1:
                self.fail(node, "`always` takes exactly `always: true`")
            return Condition("always", line=line)
        combinator = [k for k in COMBINATORS if k in node]
        if combinator:
            if len(node) != 1:
                self.fail(node, f"`{combinator[0]}` must stand alone in its mapping")
            key = combinator[0]
            if key == "not":
                return self._condition(node["not"], node).negate()
            parts = node[key]
            if not isinstance(parts, list) or not parts:
                self.fail(node, f"`{key}` needs a non-empty list of conditions")
            return Condition(key, parts=tuple(self._condition(p, node) for p in parts), line=line)
        fact = node.get("fact")
        ops = [k for k in node if k != "fact"]
        if fact is None or len(ops) != 1 or ops[0] not in TESTS:
            self.fail(node, f"a test names one `fact` and one of {TESTS}; got keys {sorted(node)}")
        if fact not in self.facts:
            self.fail(node, f"unknown fact {fact!r}; declared in facts.yaml: {sorted(self.facts)}")
        op = ops[0]
        value = self._resolve(node[op], node)
        if op in SINGLE_PREFIX:
            if not isinstance(value, str) or not value:
                self.fail(node, f"`{op}` takes one quoted code, e.g. '62' (for several, use starts_with_any)")
            op, value = SINGLE_PREFIX[op], [value]
        self._check_operand(fact, op, value, node)
        if isinstance(value, list):
            value = tuple(value)
        return Condition(op, fact, value, line=line)

    def _check_operand(self, fact, op, value, node):
        kind = self.facts[fact].get("type")
        expected = FACT_TYPES.get(kind, (object,))
        if op == "exists":
            if not isinstance(value, bool):
                self.fail(node, "`exists` takes true or false")
            return
        if op in ("in", "not_in", "starts_with_any", "not_starts_with_any", "between"):
            if not isinstance(value, (list, tuple)) or not value:
                self.fail(node, f"`{op}` needs a non-empty list")
            if op == "between" and len(value) != 2:
                self.fail(node, "`between` needs [low, high]")
            values = value
        else:
            values = [value]
        if op in ("starts_with_any", "not_starts_with_any"):
            expected = (str,)
        for v in values:
            if not isinstance(v, expected) or (isinstance(v, bool) and bool not in expected):
                self.fail(node, f"fact {fact} is a {kind}; {v!r} cannot be compared with it")
            allowed = self.facts[fact].get("values")
            if allowed and op in ("equals", "not_equals", "in", "not_in") and v not in allowed:
                self.fail(node, f"{v!r} is not a possible value of {fact}; possible: {allowed}")


def value_problem(spec: dict, value) -> str | None:
    """What is wrong with one outcome value for its entry in outcomes.yaml, in words, or None."""
    kind = spec.get("type")
    if value is None:
        return "is missing (null)"
    if kind in FACT_TYPES and (not isinstance(value, FACT_TYPES[kind]) or
                               (kind != "boolean" and isinstance(value, bool))):
        quoted = " (in quotes it is text: write it without quotes)" if isinstance(value, str) else ""
        return f"must be {'an' if kind == 'integer' else 'a'} {kind}, not {value!r}{quoted}"
    if kind == "number" and not math.isfinite(value):
        return f"must be a finite number, not {value!r}"
    if "values" in spec and value not in spec["values"]:
        return f"must be one of {spec['values']}, not {value!r}"
    low, high = spec.get("min"), spec.get("max")
    if (low is not None and value < low) or (high is not None and value > high):
        shown = f"from {low} to {high}" if low is not None and high is not None else \
            (f"at least {low}" if low is not None else f"at most {high}")
        return f"must be {shown}, not {value!r}"
    if spec.get("unit") == "yuan" and Decimal(str(value)).as_tuple().exponent < -2:
        return f"is yuan with at most 2 decimals (fen), not {value!r}"
    return None
