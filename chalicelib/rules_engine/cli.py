"""`python -m chalicelib.rules_engine.cli check [folder]`: what policy staff run before publishing.

Loads every rule file (refusing a broken one with its file, line and reason), runs every case in
`rules/tests/`, and checks that every rule is exercised by at least one case.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .cases import fired_rules, load_cases, run_case
from .decision import DecisionEngine, RuleBook
from .loader import RuleFileError


def check(directory: Path | None = None) -> int:
    try:
        book = RuleBook.load(directory)
        cases = load_cases(book.directory)
    except RuleFileError as exc:
        print(f"✗ {exc}")
        return 1
    engine = DecisionEngine(book)
    print(f"✓ {len(book.rulesets)} ruleset versions load: " +
          ", ".join(f"{r.key} ({r.effective_from}…{r.effective_to or ''})" for r in book.rulesets))
    failures = 0
    for case in cases:
        problems = run_case(engine, case)
        if problems:
            failures += 1
            print(f"✗ {case.where} {case.name}: " + "; ".join(problems))
    untested = sorted({r.id for rs in book.rulesets for r in rs.rules} - fired_rules(engine, cases))
    for rule_id in untested:
        print(f"✗ rule {rule_id} is not exercised by any case in rules/tests/")
    print(f"{len(cases) - failures} passed, {failures} failed ({len(cases)} cases; "
          f"{len(untested)} rules without a case)")
    return 1 if failures or untested else 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "check":
        print("usage: python -m chalicelib.rules_engine.cli check [rules-folder]")
        return 2
    return check(Path(argv[1]) if len(argv) > 1 else None)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
