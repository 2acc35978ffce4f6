"""What a catalog document must look like, and every way it can be wrong, named entry and field.

The checks collect every problem instead of stopping at the first, so whoever edits the file sees
them all at once. Each problem keeps its place in the document (`section`, `index`, `field`); the
loader turns that place into a line of the file.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from ..domain.application import SCENARIOS

BANK_CODE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")
MAX_BANK_CODE_LENGTH = 20       # bank codes also name SQS queues ("…-bank-<code>-dlq")
MAX_RATE = 0.3                  # a rate at or above this is a percentage typed as a fraction

BANK_FIELDS = ("code", "name_zh", "name_en")
PRODUCT_FIELDS = ("id", "bank", "name_zh", "name_en", "scenarios", "min_amount", "max_amount",
                  "min_term_months", "max_term_months", "annual_rate_min", "annual_rate_max")
RANGES = (("min_amount", "max_amount"), ("min_term_months", "max_term_months"),
          ("annual_rate_min", "annual_rate_max"))
SECTIONS = {"banks": BANK_FIELDS, "products": PRODUCT_FIELDS}


@dataclass(frozen=True)
class Problem:
    section: str | None      # "banks", "products", or None for the document itself
    index: int | None        # position in that list
    label: str               # how a person finds the entry: "products[7] (ICBC-BJ-credit-01)"
    field: str | None
    message: str

    def describe(self, line: int | None = None) -> str:
        place = f"line {line}: " if line else ""
        return f"{place}{self.label}: {self.field + ': ' if self.field else ''}{self.message}"


class CatalogError(ValueError):
    """The catalog is wrong; `problems` lists every mistake, `str()` shows them one per line."""

    def __init__(self, problems: list[Problem], source: str | None = None, lines: dict | None = None):
        self.problems, self.source = list(problems), source
        lines = lines or {}
        described = [p.describe(lines.get(p)) for p in self.problems]
        head = f"{source}: " if source else ""
        if len(described) == 1:
            super().__init__(head + described[0])
        else:
            super().__init__(f"{head}{len(described)} problems\n  " + "\n  ".join(described))


def check_document(doc) -> list[Problem]:
    if not isinstance(doc, dict):
        return [Problem(None, None, "catalog", None,
                        f"must be a mapping with the lists {' and '.join(SECTIONS)}, got {_kind(doc)}")]
    expected = ", ".join(SECTIONS)
    problems = [Problem(None, None, "catalog", key, f"unknown section; expected only {expected}")
                for key in doc if key not in SECTIONS]
    for section in SECTIONS:
        entries = doc.get(section)
        if not isinstance(entries, list) or not entries:
            problems.append(Problem(None, None, "catalog", section,
                                    f"must be a non-empty list, got {_kind(entries)}"))
    if problems:
        return problems
    codes = {_key_of(e, "code") for e in doc["banks"]}
    problems += _check_entries("banks", doc["banks"], "code", _check_bank)
    problems += _check_entries("products", doc["products"], "id", lambda p: _check_product(p, codes))
    return problems


def _check_entries(section: str, entries: list, key: str, check) -> list[Problem]:
    problems, first_seen = [], {}
    for index, entry in enumerate(entries):
        ident = _key_of(entry, key)
        label = f"{section}[{index}]" + (f" ({ident})" if ident else "")
        if not isinstance(entry, dict):
            problems.append(Problem(section, index, label, None, f"must be a mapping, got {_kind(entry)}"))
            continue
        problems += [Problem(section, index, label, field, message) for field, message in check(entry)]
        if ident in first_seen:
            problems.append(Problem(section, index, label, key,
                                    f"{ident} already used by {section}[{first_seen[ident]}]"))
        elif ident is not None:
            first_seen[ident] = index
    return problems


def _check_bank(bank: dict):
    typed = yield from _check_fields(bank, BANK_FIELDS)
    code = typed.get("code")
    if code and (not BANK_CODE.match(code) or len(code) > MAX_BANK_CODE_LENGTH):
        yield "code", (f"{code!r} must match {BANK_CODE.pattern} (upper case, e.g. ICBC-BJ) and be "
                       f"at most {MAX_BANK_CODE_LENGTH} characters")


def _check_product(product: dict, bank_codes: set):
    typed = yield from _check_fields(product, PRODUCT_FIELDS)
    if "bank" in typed and typed["bank"] not in bank_codes:
        yield "bank", f"{typed['bank']!r} is not a code in the banks list"
    if "scenarios" in typed:
        yield from _check_scenarios(typed["scenarios"])
    for low, high in RANGES:
        if low in typed and high in typed and typed[low] > typed[high]:
            yield low, f"{typed[low]} is more than {high} {typed[high]}"
    if typed.get("min_amount", 1) <= 0:
        yield "min_amount", f"must be a positive number of yuan, got {typed['min_amount']}"
    if typed.get("min_term_months", 1) < 1:
        yield "min_term_months", f"must be at least 1 month, got {typed['min_term_months']}"
    for rate in ("annual_rate_min", "annual_rate_max"):
        if rate in typed and not 0 < typed[rate] < MAX_RATE:
            yield rate, f"must be a fraction between 0 and {MAX_RATE} (0.0345 for 3.45%), got {typed[rate]}"
    yield from _check_id(typed)


def _check_id(typed: dict):
    """Ids read <bank>-<primary scenario>-<nn>, so an id alone tells a person what it is."""
    if not {"id", "bank", "scenarios"} <= set(typed) or not typed["scenarios"]:
        return
    primary = typed["scenarios"][0]
    bank, ident = typed["bank"], typed["id"]
    if primary in SCENARIOS and not re.fullmatch(rf"{re.escape(bank)}-{primary}-\d{{2,}}", ident):
        yield "id", f"{ident!r} must read <bank>-<first scenario>-<nn>, e.g. {bank}-{primary}-01"


def _check_fields(entry: dict, fields: tuple):
    """Yields missing, unknown and mistyped fields; returns the well-typed ones for further checks."""
    typed = {}
    for field in entry:
        if field not in fields:
            yield field, f"unknown field; expected {', '.join(fields)}"
    for field in fields:
        if field not in entry:
            yield field, "missing"
            continue
        expected = _expected_kind(field)
        if _KIND_CHECKS[expected](entry[field]):
            typed[field] = entry[field]
        else:
            yield field, f"must be {expected}, got {entry[field]!r}"
    return typed


def _check_scenarios(scenarios: list):
    if not scenarios:
        yield "scenarios", f"must name at least one of {', '.join(SCENARIOS)}"
    for value in scenarios:
        if value not in SCENARIOS:
            yield "scenarios", f"unknown scenario {value!r}; expected one of {', '.join(SCENARIOS)}"
    repeated = sorted({str(v) for v, n in Counter(map(str, scenarios)).items() if n > 1})
    if repeated:
        yield "scenarios", f"lists {', '.join(repeated)} more than once"


def _expected_kind(field: str) -> str:
    if field == "scenarios":
        return "a list"
    if field.endswith(("_amount", "_months")):
        return "a whole number"
    if field.startswith("annual_rate"):
        return "a decimal fraction"
    return "a non-empty text"


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _fraction(value) -> bool:
    return isinstance(value, float) and math.isfinite(value)


_KIND_CHECKS = {"a list": lambda v: isinstance(v, list), "a whole number": _whole,
                "a decimal fraction": _fraction, "a non-empty text": _text}


def _key_of(entry, key: str):
    value = entry.get(key) if isinstance(entry, dict) else None
    return value if isinstance(value, str) else None


def _kind(value) -> str:
    return "nothing" if value is None else type(value).__name__
