"""The three catalog files every ruleset is checked against, themselves checked on load.

`facts.yaml` (what rules may test), `outcomes.yaml` (what rules may decide) and `rulebook.yaml`
(the order rulesets run in). A typo here would otherwise pass silently (a fact with an unknown
type accepts any value), so each entry is checked and a wrong one named with its file and line.
"""
from __future__ import annotations

from pathlib import Path

from ..resources import AGENCY_KINDS, agency_kind
from .loader import FACT_TYPES, RuleFileError, read_yaml

OUTCOME_TYPES = (*FACT_TYPES, "object")
FACT_SOURCES = ("form", "derived", "provider", "outcome", "ruleset")
FACT_KEYS = {"type", "zh", "en", "unit", "values", "labels", "source"}
OUTCOME_KEYS = {"type", "zh", "en", "unit", "values", "fields", "min", "max", "labels"}
FIELD_KEYS = OUTCOME_KEYS - {"fields"}
AGENCY_FIELD = "agency"   # a review's agency: one that has a queue, or its message is never delivered
MATERIAL_OUTCOME = "required_material"   # its values are the kinds of material (GET /materials/kinds)
RULEBOOK_KEYS = {"evaluation_order", "may_lapse"}


def _line(node) -> int:
    return getattr(node, "line", 1) or 1


def _entries(path: Path, key: str) -> dict:
    doc = read_yaml(path)
    if not isinstance(doc, dict) or not isinstance(doc.get(key), dict) or set(doc) != {key}:
        raise RuleFileError(path, _line(doc), f"{path.name} must hold exactly one mapping `{key}:`")
    return doc[key]


def _check_entry(path: Path, kind: str, name, spec, allowed_keys: set, types: tuple) -> None:
    if not isinstance(name, str) or not name.isidentifier() or name != name.lower():
        raise RuleFileError(path, _line(spec), f"{kind} name {name!r} must be lower_case_with_underscores")
    if not isinstance(spec, dict):
        raise RuleFileError(path, _line(spec), f"{kind} {name}: needs type, zh and en")
    unknown = set(spec) - allowed_keys
    if unknown:
        raise RuleFileError(path, _line(spec), f"{kind} {name}: unknown key(s) {sorted(unknown)}; "
                            f"allowed: {sorted(allowed_keys)}")
    if spec.get("type") not in types:
        raise RuleFileError(path, _line(spec), f"{kind} {name}: type must be one of {list(types)}, "
                            f"not {spec.get('type')!r}")
    if not spec.get("zh") or not spec.get("en"):
        raise RuleFileError(path, _line(spec), f"{kind} {name}: needs a label in zh and en")
    if "values" in spec and (not isinstance(spec["values"], list) or not spec["values"]):
        raise RuleFileError(path, _line(spec), f"{kind} {name}: values must be a non-empty list")
    if "labels" in spec:
        _check_labels(path, kind, name, spec)


def _check_labels(path: Path, kind: str, name: str, spec: dict) -> None:
    """`labels: {value: {zh, en}}`: how an explanation words a value, so a person never reads a
    code. A fact with a list of values words every one of them."""
    labels = spec["labels"]
    if not isinstance(labels, dict) or not all(isinstance(v, dict) and v.get("zh") and v.get("en")
                                                for v in labels.values()):
        raise RuleFileError(path, _line(spec), f"{kind} {name}: labels map each value to {{zh: …, en: …}}")
    unworded = [v for v in spec.get("values", ()) if v not in labels]
    if unworded:
        raise RuleFileError(path, _line(labels), f"{kind} {name}: no label for the value(s) {unworded}")


def load_facts(directory: Path) -> dict:
    path = directory / "facts.yaml"
    facts = _entries(path, "facts")
    for name, spec in facts.items():
        _check_entry(path, "fact", name, spec, FACT_KEYS, FACT_TYPES)
        source = spec.get("source")
        if not isinstance(source, dict) or not set(source) & set(FACT_SOURCES):
            raise RuleFileError(path, _line(spec), f"fact {name}: source must say where it comes from, "
                                f"one of {list(FACT_SOURCES)} (e.g. source: {{form: /amount}})")
    return facts


def load_outcomes(directory: Path) -> dict:
    path = directory / "outcomes.yaml"
    outcomes = _entries(path, "outcomes")
    for name, spec in outcomes.items():
        _check_entry(path, "outcome", name, spec, OUTCOME_KEYS, OUTCOME_TYPES)
        if (spec["type"] == "object") != isinstance(spec.get("fields"), dict):
            raise RuleFileError(path, _line(spec), f"outcome {name}: an object outcome, and only it, "
                                f"lists its fields")
        _check_bounds(path, f"outcome {name}", spec)
        for field, field_spec in (spec.get("fields") or {}).items():
            _check_entry(path, "field", field, field_spec, FIELD_KEYS, FACT_TYPES)
            _check_bounds(path, f"outcome {name}.{field}", field_spec)
            if field == AGENCY_FIELD:
                _check_agencies(path, f"outcome {name}.{field}", field_spec)
    kinds = outcomes.get(MATERIAL_OUTCOME)
    if not isinstance(kinds, dict) or kinds.get("type") != "string" or not kinds.get("values") \
            or not kinds.get("labels"):
        raise RuleFileError(path, _line(kinds) if kinds else _line(outcomes),
                            f"outcome {MATERIAL_OUTCOME}: a string whose values (the kinds of material an "
                            f"enterprise uploads) each have labels {{zh, en}}")
    return outcomes


def _check_bounds(path: Path, what: str, spec: dict) -> None:
    """`min`/`max` bound a number (a rate in 0..1, working days 1..30) and only a number."""
    bounds = [spec[k] for k in ("min", "max") if k in spec]
    if not bounds:
        return
    if spec["type"] not in ("integer", "number") or \
            not all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds):
        raise RuleFileError(path, _line(spec), f"{what}: min and max are numbers, for a number or an integer")
    if len(bounds) == 2 and bounds[0] > bounds[1]:
        raise RuleFileError(path, _line(spec), f"{what}: min {bounds[0]} is more than max {bounds[1]}")


def _check_agencies(path: Path, what: str, spec: dict) -> None:
    unknown = [v for v in spec.get("values") or () if not isinstance(v, str) or agency_kind(v) not in AGENCY_KINDS]
    if not spec.get("values") or unknown:
        raise RuleFileError(path, _line(spec), f"{what}: values must list agencies that exist "
                            f"({', '.join(AGENCY_KINDS)}; a purchasing unit as purchaser:<id>), not {unknown}")


def load_order(directory: Path, facts: dict, outcomes: dict) -> list[str]:
    path = directory / "rulebook.yaml"
    doc = read_yaml(path)
    order = doc.get("evaluation_order") if isinstance(doc, dict) else None
    if not isinstance(doc, dict) or "evaluation_order" not in doc or set(doc) - RULEBOOK_KEYS \
            or not isinstance(order, list) or not order \
            or not all(isinstance(n, str) for n in order) or len(set(order)) != len(order):
        raise RuleFileError(path, _line(doc), "rulebook.yaml holds `evaluation_order:`, a list of ruleset names, "
                            "each once (and optionally `may_lapse:`)")
    for name, spec in facts.items():  # `source: {outcome: <ruleset>}`: an earlier ruleset's outcome
        ruleset = spec["source"].get("outcome")
        if ruleset is not None and (ruleset not in order or name not in outcomes):
            raise RuleFileError(directory / "facts.yaml", _line(spec),
                                f"fact {name} is the outcome of ruleset {ruleset!r}: {name} must be declared in "
                                f"outcomes.yaml and {ruleset!r} listed in rulebook.yaml")
    return order


def load_may_lapse(directory: Path, order: list[str]) -> frozenset[str]:
    """The rulesets a decision may do without (rulebook.yaml `may_lapse`): a policy that can end,
    like a subsidy. Every other ruleset must have a version in force on a decision's date."""
    path = directory / "rulebook.yaml"
    doc = read_yaml(path)
    names = doc.get("may_lapse") or []
    if not isinstance(names, list) or not all(isinstance(n, str) and n in order for n in names):
        raise RuleFileError(path, _line(names) if isinstance(names, list) else _line(doc),
                            f"may_lapse lists rulesets of evaluation_order {order}, not {names!r}")
    return frozenset(names)
