"""The loan forms: JSON Schemas (2020-12) in `forms/`, checked on load, compiled once per scenario.

Every violation of a submitted body comes back at once, each with a JSON pointer, a stable code
and a message in Chinese and English built from the field's own titles, so a portal can show it
next to the field. jsonschema is imported only when the registry is first loaded (cold starts).
"""
from __future__ import annotations

import copy
import math
import re
from pathlib import Path

from ..domain.errors import BODY_NOT_AN_OBJECT, FieldError, NotFound
from . import identifiers
from .definitions import (COMMON, ENUM_LABELS, SCENARIOS, Documents, FormDefinitionError, check_composite_example,
                          check_enum_labels, check_field, check_scenario_file, file_name,
                          read_documents)
from .messages import Label, label_of, translate

_SEGMENT = re.compile(r"/([^/]*)")
_LOCAL_DEFS = "#/$defs/"
# One error per value where one says it better: a list of allowed values already says the kind of
# value wanted, and an identifier's own check says more than the shape the portal's pattern checks.
_SAID_BETTER = {"type": ("enum", "const"),
                "pattern": (identifiers.USCC_FORMAT, identifiers.USCC_CHECK_DIGIT, "resident_id")}
_HUGE_BITS = 256  # an integer this long is beyond every maximum; Python refuses to print some


def _finite_number(checker, instance) -> bool:
    """JSON has no NaN or Infinity; Python's json module accepts them, so the forms refuse them."""
    if isinstance(instance, bool) or not isinstance(instance, (int, float)):
        return False
    return isinstance(instance, int) or math.isfinite(instance)


def _whole_number(checker, instance) -> bool:
    """JSON integers only: 45.0 and -0.0 are not a number of employees (DESIGN: integers are integers)."""
    return isinstance(instance, int) and not isinstance(instance, bool)


def _validator_class():
    from jsonschema import Draft202012Validator, validators
    type_checker = Draft202012Validator.TYPE_CHECKER.redefine_many(
        {"number": _finite_number, "integer": _whole_number})
    return validators.extend(Draft202012Validator, type_checker=type_checker)


# The forms' formats, for jsonschema's format checker and for the fast path alike.
_FORMATS = {"date": identifiers.is_iso_date, "uri": identifiers.is_uri, "uscc": identifiers.is_uscc,
            "resident_id": identifiers.is_resident_id, "plain_text": identifiers.is_plain_text,
            "cn_patent_number": identifiers.is_patent_number,
            "yuan": identifiers.is_yuan}


def _format_checker():
    from jsonschema import FormatChecker
    checker = FormatChecker(formats=())
    for name, check in _FORMATS.items():
        checker.checks(name)(check)
    return checker


def bundle(schema: dict, common: dict) -> dict:
    """A self-contained copy: the common definitions moved into `$defs`, references made local."""
    prefix = common["$id"] + _LOCAL_DEFS
    out = copy.deepcopy(schema)
    clashes = set(common.get("$defs", {})) & set(out.get("$defs", {}))
    if clashes:
        raise FormDefinitionError(f"$defs {sorted(clashes)} are defined both in the common file and a form")
    out["$defs"] = {**copy.deepcopy(common.get("$defs", {})), **out.get("$defs", {})}

    def localise(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(prefix):
                node["$ref"] = _LOCAL_DEFS + ref[len(prefix):]
            for value in node.values():
                localise(value)
        elif isinstance(node, list):
            for value in node:
                localise(value)
    localise(out)
    return out


_ANNOTATIONS = ("title", "description", "examples", "default", "$comment")


def inline(schema: dict) -> dict:
    """The bundled schema with every local $ref replaced by what it names, for speed.

    jsonschema resolves a $ref on every visit; these forms have no recursion, so the validator
    each scenario compiles once walks a plain tree instead (about 2.5 times faster). Where a
    property's own keywords would override the definition's constraints, the definition is kept
    under `allOf` instead, so inlining never loosens a rule.
    """
    defs = schema.get("$defs", {})

    def walk(node, depth):
        if depth > 64:
            raise FormDefinitionError("a $ref in the forms leads round in a circle")
        if isinstance(node, list):
            return [walk(item, depth + 1) for item in node]
        if not isinstance(node, dict):
            return node
        out = {key: walk(value, depth + 1) for key, value in node.items() if key not in ("$ref", "$defs")}
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_LOCAL_DEFS) and ref[len(_LOCAL_DEFS):] in defs:
            target = walk(defs[ref[len(_LOCAL_DEFS):]], depth + 1)
            clash = [k for k in set(out) & set(target) if not (k in _ANNOTATIONS or k.startswith("x-"))]
            out = {**out, "allOf": [*out.get("allOf", []), target]} if clash else {**target, **out}
        elif ref is not None:
            out["$ref"] = ref
        return out
    return walk(schema, 0)


def _said_better(error: FieldError, found: dict) -> bool:
    return any((error.path, code) in found for code in _SAID_BETTER.get(error.code, ()))


def _path_key(error: FieldError):
    """Sort pointers by their segments, list indexes as numbers (`/banks/2` before `/banks/10`)."""
    return ([(0, int(s), "") if s.isascii() and s.isdigit() and len(s) < 12 else (1, 0, s)
             for s in _SEGMENT.findall(error.path)], error.code)


def _tame(value, depth: int = 0):
    """A copy jsonschema can describe: integers too long to print clamped, deep nesting cut."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if value.bit_length() < _HUGE_BITS else (1 if value > 0 else -1) << _HUGE_BITS
    if depth > 64:
        return "…"
    if isinstance(value, dict):
        return {key: _tame(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [_tame(item, depth + 1) for item in value]
    return value


class NoFastPath(Exception):
    """The schema uses a keyword the fast path cannot mirror exactly: jsonschema alone judges it."""


_WHOLE = "whole_number"         # not a schema format: jsonschema-rs takes 45.0 for an integer
_BOUNDED = "bounded_integer"   # not a schema format: an integer jsonschema-rs can read faithfully


def _only_integers(node: dict) -> bool:
    kinds = node.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return "integer" in kinds and "number" not in kinds


def _may_be_a_number(node: dict) -> bool:
    kinds = node.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return kinds == [None] or "integer" in kinds or "number" in kinds


_CONDITIONS = ("if", "then", "else")   # e.g. renewal: true needs details.previous_loan
# e.g. a review decision: `approved` or `outcome`, not both; jsonschema-rs judges these itself
# when all they ask is which fields are present
_COMBINATIONS = ("anyOf", "oneOf", "allOf", "not", "dependentSchemas")


def _names_a_format(node, names: tuple = ("format", "$ref")) -> bool:
    if isinstance(node, dict):
        return any(name in node for name in names) or any(_names_a_format(v, names) for v in node.values())
    return isinstance(node, list) and any(_names_a_format(v, names) for v in node)


def format_locations(schema: dict) -> list[tuple[tuple, str]]:
    """Where a `format` applies: steps (a property name, or None for every item of an array).

    Also every place a number may stand, as the pseudo-format `bounded_integer`: jsonschema-rs
    misreads integers of thousands of digits (it judged 10**5000 within `maximum: 100000`), so
    such a body is left to jsonschema, which words the error."""
    found = []

    def walk(node, steps):
        if not isinstance(node, dict):
            return
        if _may_be_a_number(node):
            found.append((steps, _BOUNDED))
        if _only_integers(node):
            found.append((steps, _WHOLE))
        for key, value in node.items():
            if key == "properties":
                for name, sub in value.items():
                    walk(sub, steps + (name,))
            elif key == "items":
                walk(value, steps + (None,))
            elif key == "format":
                found.append((steps, value))
            elif key in _CONDITIONS and not _names_a_format(value):
                continue   # jsonschema-rs judges if/then itself; nothing in it for our formats
            elif key in _COMBINATIONS and not _names_a_format(value, ("format", "$ref", "type")):
                continue   # nor a format nor a number in it
            elif isinstance(value, (dict, list)) and key not in ("examples", "default", "const", "enum",
                                                                    "x-scenario", ENUM_LABELS, "required"):
                raise NoFastPath(f"`{key}` at {'/'.join(map(str, steps))}")
    walk(schema, ())
    return found


# Formats the Rust validator checks itself on the fast path, as patterns and its own `date`,
# with the same verdicts as the functions in _FORMATS (tests/unit/test_forms_fast.py holds them
# to it) ...
_IN_RUST = {
    "plain_text": {"pattern": f"^[^{identifiers.HIDDEN_CHARACTERS}]*$"},
    # Python's calendar starts at year 1, jsonschema-rs's `date` at year 0.
    "date": {"format": "date", "pattern": "^(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-"},
    "uri": {"maxLength": identifiers.URI_MAX_LENGTH, "pattern": identifiers.URI_PATTERN},
    "uscc": {"pattern": identifiers.USCC_PATTERN},
    "resident_id": {"pattern": identifiers.RESIDENT_ID_PATTERN},
}
# ... and what is left for Python after them: check digits, and a web address naming its host.
_AFTER_RUST = {"uri": identifiers.names_a_host, "uscc": identifiers.uscc_check_digit_holds,
               "resident_id": lambda value: identifiers.resident_id_digits_problem(value) is None}


def rust_schema(node: dict) -> dict:
    """The schema jsonschema-rs reads on the fast path: each `_IN_RUST` format spelled out, every
    other format left to `formats_function` (the shapes `format_locations` accepts)."""
    out = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: rust_schema(sub) for name, sub in value.items()}
        elif key == "items":
            out[key] = rust_schema(value)
        elif key != "format":
            out[key] = value
    if node.get("format") in _IN_RUST:
        out["allOf"] = [*node.get("allOf", []), _IN_RUST[node["format"]]]
    return out


def formats_function(locations: list[tuple[tuple, str]], checks: dict = _FORMATS):
    """One function testing every format where the schema names it: `check(body) -> bool`,
    composed once per form from the places as a tree (each object looked up once, a loop per
    array), because a generic walk costs a microsecond per place, more than the checks."""
    tree: dict = {}
    for steps, name in locations:
        node = tree
        for step in steps:
            node = node.setdefault(step, {})
        node.setdefault("", []).append(name)
    return _check_of(tree, checks)


_HUGE = 1 << _HUGE_BITS
_NUMBER_CHECKS = frozenset((_BOUNDED, _WHOLE))
_MISSING = object()


def _check_of(node: dict, checks: dict):
    """The check of one place and what lies under it. A place with nothing under it (a number,
    an identifier: most places) is tested by its parent in its loop, not by a call of its own."""
    names = node.get("", ())
    bounded, whole = _BOUNDED in names, _WHOLE in names
    here = _all_of([checks[name] for name in names if name not in _NUMBER_CHECKS])
    each = _check_of(node[None], checks) if None in node else None
    leaves, named = [], []
    for step, sub in node.items():
        if step in ("", None):
            continue
        if set(sub) == {""}:
            leaves.append((step, _BOUNDED in sub[""], _WHOLE in sub[""],
                           _all_of([checks[name] for name in sub[""] if name not in _NUMBER_CHECKS])))
        else:
            named.append((step, _check_of(sub, checks)))

    def check(value) -> bool:
        if bounded and not _number_holds(value, whole):
            return False
        if here is not None and not here(value):
            return False
        if each is not None and type(value) is list:
            for item in value:
                if not each(item):
                    return False
        if type(value) is dict:
            for step, a_number, whole_only, holds in leaves:
                child = value.get(step, _MISSING)
                if child is _MISSING:
                    continue
                if a_number:   # `_number_holds` written out: every number of every body passes here
                    kind = type(child)
                    if (kind is int and not -_HUGE < child < _HUGE) or (whole_only and kind is float):
                        return False
                if holds is not None and not holds(child):
                    return False
            for step, sub in named:
                child = value.get(step, _MISSING)
                if child is not _MISSING and not sub(child):
                    return False
        return True
    return check


def _all_of(checks: list):
    """One check for a place's formats (a place has one, or none, but for a rare few): None
    for none, rather than a loop over an empty list at every place of every body."""
    if len(checks) < 2:
        return checks[0] if checks else None
    return lambda value: all(holds(value) for holds in checks)


def _number_holds(value, whole: bool) -> bool:
    """Not an integer too long for jsonschema-rs to read faithfully, nor a float where only integers go."""
    kind = type(value)
    return not ((kind is int and not -_HUGE < value < _HUGE) or (whole and kind is float))


class FastCheck:
    """A compiled Rust validator (jsonschema-rs) for the structure, then the other formats in Python.

    It only ever says "valid": on anything else (or anything it cannot read faithfully, such as
    NaN or an integer past 256 bits) jsonschema judges the body again and words every error, so the errors a
    person sees are always jsonschema's. Plain text, dates and the shapes of URIs and identifiers
    are patterns the Rust validator checks (`_IN_RUST`); the rest stays our own functions, called on
    the few places the schema names them rather than through the validator (a call back into
    Python per string costs more than the whole structural check). tests/unit/test_forms_fast.py
    holds the two paths to one verdict on generated bodies."""

    def __init__(self, schema: dict):
        import jsonschema_rs
        self._formats = formats_function([(steps, name) for steps, name in format_locations(schema)
                                          if name not in _IN_RUST or name in _AFTER_RUST],
                                         {**_FORMATS, **_AFTER_RUST})
        try:   # offline: a reference the bundled form cannot resolve is jsonschema's to report
            self._structure = jsonschema_rs.validator_for(rust_schema(schema), validate_formats=True, offline=True)
        except jsonschema_rs.ValidationError as exc:
            raise NoFastPath(str(exc).splitlines()[0]) from None

    def is_valid(self, body) -> bool:
        try:   # _AFTER_RUST's checks expect the shapes the patterns let through
            return self._structure.is_valid(body) and self._formats(body)
        except (ValueError, TypeError, OverflowError, RecursionError, LookupError):
            return False


def fast_check(schema: dict) -> FastCheck | None:
    """The fast path for `schema`, or None where there is none (jsonschema-rs is optional, and
    some shapes it cannot take): every body then takes jsonschema's path."""
    try:
        import jsonschema_rs  # noqa: F401
    except ImportError:
        return None
    try:
        return FastCheck(schema)
    except NoFastPath:
        return None


def _fast_checks(schemas: dict[str, dict]) -> dict[str, FastCheck]:
    checks = {sid: fast_check(schema) for sid, schema in schemas.items()}
    return {sid: check for sid, check in checks.items() if check is not None}


class FormRegistry:
    """The five loan forms, each compiled once; validate any JSON value against its scenario."""

    def __init__(self, docs: dict[str, dict]):
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012
        self._docs = Documents(docs)
        common = docs[COMMON]
        resources = [(doc["$id"], Resource.from_contents(doc, default_specification=DRAFT202012))
                     for doc in docs.values()]
        registry = Registry().with_resources(resources)
        validator_class, checker = _validator_class(), _format_checker()
        self._by_file = {name: validator_class(doc, registry=registry, format_checker=checker)
                         for name, doc in docs.items()}
        self._bundled = {sid: bundle(docs[sid], common) for sid in SCENARIOS}
        inlined = {sid: inline(self._bundled[sid]) for sid in SCENARIOS}
        self._validators = {sid: validator_class(inlined[sid], registry=registry, format_checker=checker)
                            for sid in SCENARIOS}
        self._fast = _fast_checks(inlined)
        self._labels: dict[str, dict[str, Label]] = {
            sid: {field.path: label_of(field.schema) for field in self._docs.fields(sid)}
            for sid in SCENARIOS}
        self._examples = {sid: self._docs.example(sid) for sid in SCENARIOS}

    # ---- loading ------------------------------------------------------------------------
    @classmethod
    def load(cls, directory: Path | None = None) -> "FormRegistry":
        """Read, check and compile `forms/`; a broken file raises FormDefinitionError naming file and pointer."""
        from ..datafiles import data_dir
        directory = Path(directory) if directory else data_dir("forms")
        docs = read_documents(directory, _validator_class().check_schema)
        for sid in SCENARIOS:
            check_scenario_file(sid, docs[sid])
        for name, doc in docs.items():
            check_enum_labels(name, doc)
        registry = cls(docs)
        registry._check_fields(directory)
        return registry

    def _check_fields(self, directory: Path) -> None:
        for sid in SCENARIOS:
            fields = list(self._docs.fields(sid))
            for field in fields:  # each example valid on its own first: the finer complaint
                check_field(field, self._example_errors)
            for field in fields:
                check_composite_example(field, self._docs.assembled(field))
            problems = self.validate(self._examples[sid])
            if problems:
                first = problems[0]
                raise FormDefinitionError(
                    f"{directory / file_name(sid)}: the examples do not make a valid body: "
                    f"{first.path} {first.code}: {first.message_en}")

    def _example_errors(self, field, example) -> list[str]:
        validator = self._by_file[field.file].evolve(schema=field.schema)
        return [f"{'/'.join(map(str, e.absolute_path)) or 'value'}: {e.message}"
                for e in validator.iter_errors(example)]

    # ---- the public interface -------------------------------------------------------------
    def scenario_ids(self) -> tuple[str, ...]:
        return SCENARIOS

    def list_forms(self) -> list[dict]:
        return [{"id": sid, **{key: self._docs.docs[sid]["x-scenario"][key]
                               for key in ("name_zh", "name_en", "agency", "description_zh", "description_en")}}
                for sid in SCENARIOS]

    def schema(self, scenario_id: str) -> dict:
        """The scenario's schema with the common definitions bundled in: no reference leaves it."""
        if not isinstance(scenario_id, str) or scenario_id not in self._bundled:
            raise NotFound.single("", "unknown_scenario", "没有这个贷款场景，请查看 GET /forms",
                                  "There is no such loan scenario; see GET /forms")
        return copy.deepcopy(self._bundled[scenario_id])

    def example(self, scenario_id: str) -> dict:
        """A valid body made of the schema's examples (every property that has one; never `as_of`)."""
        if scenario_id not in self._examples:
            raise NotFound.single("", "unknown_scenario", "没有这个贷款场景", "There is no such loan scenario")
        return copy.deepcopy(self._examples[scenario_id])

    def validate(self, body) -> list[FieldError]:
        """Every violation at once, sorted by path; [] when the body is valid. Never raises."""
        if not isinstance(body, dict):
            return [BODY_NOT_AN_OBJECT]
        scenario = body.get("scenario")
        if not isinstance(scenario, str) or scenario not in self._validators:
            return [FieldError("/scenario", "unknown_scenario",
                               f"贷款场景须为以下之一：{'、'.join(SCENARIOS)}",
                               f"scenario must be one of: {', '.join(SCENARIOS)}")]
        fast = self._fast.get(scenario)
        if fast is not None and fast.is_valid(body):
            return []
        return self.errors(body)

    def errors(self, body) -> list[FieldError]:
        """jsonschema's judgement of a body with a known scenario, every error worded."""
        validator, labels = self._validators[body["scenario"]], self._labels[body["scenario"]]
        try:
            errors = [out for error in validator.iter_errors(body) for out in translate(error, labels)]
        except (ValueError, RecursionError, OverflowError):
            # Only for pathological values (an integer of thousands of digits, nesting near the
            # interpreter's limit): describe a tamed copy instead; the pointers stay the same.
            errors = [out for error in validator.iter_errors(_tame(body)) for out in translate(error, labels)]
        unique = {(e.path, e.code): e for e in errors}
        return sorted((e for e in unique.values() if not _said_better(e, unique)), key=_path_key)
