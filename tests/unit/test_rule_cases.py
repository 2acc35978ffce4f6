"""Every case policy staff wrote in rules/tests/ holds, and every rule has at least one case."""
import pytest

from chalicelib.datafiles import data_dir
from chalicelib.rules_engine import DecisionEngine, RuleBook
from chalicelib.rules_engine.cases import fired_rules, load_cases, run_case

CASES = load_cases(data_dir("rules"))


@pytest.fixture(scope="module")
def engine():
    return DecisionEngine(RuleBook.load())


@pytest.mark.parametrize("case", CASES, ids=[f"{c.where} {c.name}" for c in CASES])
def test_rule_case(engine, case):
    assert run_case(engine, case) == [], f"{case.where} ({case.cites})"


def test_every_rule_is_exercised_by_a_case(engine):
    all_rules = {r.id for rs in engine.book.rulesets for r in rs.rules}
    assert all_rules - fired_rules(engine, CASES) == set()


def test_the_cases_cover_every_size_group_at_each_bound():
    sizes = [c for c in CASES if c.ruleset == "enterprise_size"]
    assert len(sizes) >= 16 * 3 * 2
