"""`python -m chalicelib.rules_engine.cli check [folder]`: what policy staff run before publishing;
`… source NAME[@VERSION]`: the Python a version runs as on the request path (source.py).

Loads every rule file (refusing a broken one with its file, line and reason), runs every case in
`rules/tests/`, checks that every rule is exercised by at least one case, and that durable-rules
(the engine of record) and the native functions decisions run on agree on every edge of every
ruleset version (probes.py) and on every case.
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
    disagreeing = 0
    for ruleset in book.rulesets:
        mine = [case.facts for case in cases if case.ruleset == ruleset.name]
        found = engine.disagreements(ruleset, mine, limit=3)
        if found:
            disagreeing += 1
            print(f"✗ {ruleset.key}: durable-rules and the native functions differ, e.g. on {found[0]['facts']}: "
                  f"durable-rules {found[0]['durable']}, native {found[0]['native']}")
    untested = sorted({r.id for rs in book.rulesets for r in rs.rules} - fired_rules(engine, cases))
    for rule_id in untested:
        print(f"✗ rule {rule_id} is not exercised by any case in rules/tests/")
    print(f"{len(cases) - failures} passed, {failures} failed ({len(cases)} cases; "
          f"{len(untested)} rules without a case; {disagreeing} versions where the two engines differ)")
    return 1 if failures or untested or disagreeing else 0


def source(wanted: str) -> int:
    """Print the module of the version named (`name@version`), or of every version of `name`."""
    from .source import module_source
    name, _, version = wanted.partition("@")
    found = [r for r in RuleBook.load().versions(name) if not version or r.version == version]
    if not found:
        print(f"no ruleset version {wanted!r} in rules/")
        return 1
    print("\n\n".join(module_source(ruleset)[0] for ruleset in found), end="")
    return 0


USAGE = "usage: python -m chalicelib.rules_engine.cli check [rules-folder] | source NAME[@VERSION]"


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"]:
        return check(Path(argv[1]) if len(argv) > 1 else None)
    if argv[:1] == ["source"] and len(argv) == 2:
        return source(argv[1])
    print(USAGE)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
