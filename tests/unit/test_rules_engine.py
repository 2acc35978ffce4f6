"""Decisions: the contract's shape, the version in force on the date, explanations, missing facts,
and the durable-rules answer equal to the plain-Python reading of the same rules.
(Load, threads and memory: test_rules_durability.py.)"""
import json
import random
from datetime import date

import pytest

from chalicelib.domain.facts import facts_from_application
from chalicelib.rules_engine import DecisionEngine, RuleBook
from chalicelib.rules_engine.decision import with_application_date
from chalicelib.rules_engine.engine import CompiledRuleset, RulesHost, resolve
from chalicelib.rules_engine.model import Condition, Rule, RulesetFile
from chalicelib.rules_engine.native import NativeRuleset
from tests.builders import valid_body
from chalicelib.domain.application import SCENARIOS

INDUSTRIES = ["0111", "2611", "4811", "5111", "5211", "5320", "5431", "5611", "5910", "6010", "6110",
              "6210", "6420", "6510", "7010", "7020", "7211", "7291", "8010", "70"]


@pytest.fixture(scope="module")
def engine():
    return DecisionEngine(RuleBook.load())


def looked_up(facts: dict, **provided) -> dict:
    """Facts as the service gathers them: the form's plus the lists' (not on any, by default)."""
    return {"on_dishonest_list": False, "is_financing_platform": False, **facts, **provided}


def random_facts(rng: random.Random) -> dict:
    scenario = rng.choice(SCENARIOS)
    body = valid_body(scenario, **{
        "enterprise.industry_code": rng.choice(INDUSTRIES),
        "enterprise.employees": rng.choice([0, 5, 10, 20, 99, 100, 101, 300, 1000, 5000]),
        "enterprise.annual_revenue": rng.choice([0, 499_999, 500_000, 3_000_000, 20_000_000, 400_000_000, 2e9]),
        "enterprise.total_assets": rng.choice([0, 3_000_000, 50_000_000, 1.2e9]),
        "enterprise.district": rng.choice(["haidian", "chaoyang", "other"]),
        "amount": rng.choice([100_000, 1_000_000, 3_000_000, 3_000_001, 30_000_000]),
        "term_months": rng.choice([6, 12, 24, 25, 60]),
        "first_loan": rng.random() < 0.6, "renewal": rng.random() < 0.2})
    facts = facts_from_application(body)
    for name in ("on_dishonest_list", "is_financing_platform", "credit_report_has_loans"):
        choice = rng.random()
        if choice < 0.8:
            facts[name] = choice < 0.1
    # Now and then a fact is missing altogether: positive tests on it fail, exclusions hold.
    for name in list(facts):
        if rng.random() < 0.05:
            del facts[name]
    return facts


def python_reading(engine, facts, as_of):
    """The same rule files evaluated by the Python condition evaluator, without durable-rules."""
    known = with_application_date(dict(facts), as_of)   # a loan date not given is the application date
    for name in engine.book.order:
        compiled = engine.compiled_for(name, as_of)
        if compiled is None:
            continue
        rs = compiled.ruleset
        derived = rs.derived(known)
        fired = [r for r in rs.rules if r.when.holds(derived)]
        known.update(resolve(rs, fired, known))
    return known


def test_the_example_enterprise_is_small_eligible_and_subsidised_today(engine):
    decision = engine.decide(looked_up(facts_from_application(valid_body("credit"))), date(2026, 11, 25)).to_json()
    assert decision["enterprise_size"] == "small" and decision["eligible"] is True
    assert decision["first_loan_subsidy"]["interest_subsidy_rate"] == 0.20
    assert {r["ruleset"] for r in decision["rules"]} == {"enterprise_size", "eligibility", "first_loan_subsidy",
                                                          "required_reviews", "loan_prime_rate",
                                                          "ip_pledge_subsidy", "required_materials"}
    assert all(len(r["sha256"]) == 64 for r in decision["rules"])


def test_the_version_in_force_on_the_date_decides(engine):
    catering = looked_up(facts_from_application(valid_body("credit", **{"enterprise.industry_code": "6210", "subsidy_claim.hard_hit_confirmed": True})))
    rate = lambda d: engine.decide(catering, d).to_json()["first_loan_subsidy"]["interest_subsidy_rate"]  # noqa: E731
    assert (rate(date(2022, 12, 31)), rate(date(2023, 1, 1))) == (0.40, 0.20)
    used = {r["ruleset"]: r["version"] for r in engine.decide(catering, date(2022, 6, 1)).to_json()["rules"]}
    assert used["first_loan_subsidy"] == "2022.1"


def test_a_missed_subsidy_says_which_condition_failed(engine):
    facts = looked_up(facts_from_application(valid_body("credit", first_loan=False)))
    why = engine.decide(facts, date(2026, 1, 1)).to_json()["first_loan_subsidy"]["why_not"]
    assert why["condition"] == {"fact": "first_loan", "op": "equals", "value": True}
    assert why["zh"] and why["en"]


def test_without_the_list_lookups_the_form_alone_earns_the_subsidy_and_a_listed_enterprise_does_not(engine):
    # An exclusion needs evidence: facts the platform has not looked up exclude nobody, so a
    # decision from the form alone (as the brief's four conditions read) grants the subsidy.
    facts = facts_from_application(valid_body("credit"))
    decision = engine.decide(facts, date(2026, 11, 25)).to_json()
    assert decision["enterprise_size"] == "small" and decision["eligible"] is True
    assert decision["first_loan_subsidy"]["eligible"] is True
    refused = engine.decide({**facts, "on_dishonest_list": True}, date(2026, 11, 25)).to_json()["first_loan_subsidy"]
    assert {k: refused[k] for k in ("eligible", "interest_subsidy_rate", "guarantee_fee_subsidy_rate_cap")} == \
        {"eligible": False, "interest_subsidy_rate": None, "guarantee_fee_subsidy_rate_cap": None}
    assert refused["why_not"]["condition"] == {"fact": "on_dishonest_list", "op": "not_equals", "value": True}
    assert "严重失信" in refused["why_not"]["zh"] and "dishonest" in refused["why_not"]["en"]


def test_a_catering_first_loan_in_2022_earns_forty_percent_and_in_2023_twenty(engine):
    facts = facts_from_application(valid_body("credit", **{"enterprise.industry_code": "6210", "subsidy_claim.hard_hit_confirmed": True}))
    in_2022 = engine.decide(facts, date(2022, 6, 1)).to_json()["first_loan_subsidy"]
    in_2023 = engine.decide(facts, date(2023, 6, 1)).to_json()["first_loan_subsidy"]
    assert (in_2022["interest_subsidy_rate"], in_2023["interest_subsidy_rate"]) == (0.40, 0.20)
    assert in_2022["guarantee_fee_subsidy_rate_cap"] == in_2023["guarantee_fee_subsidy_rate_cap"] == 0.01
    assert in_2022["subsidy_amount_cap"] == 20_000_000


def test_an_entrepreneurship_guarantee_loan_over_three_million_is_refused_with_its_reason(engine):
    body = valid_body("entrepreneurship_guarantee", amount=5_000_000)
    decision = engine.decide(looked_up(facts_from_application(body)), date(2026, 11, 25)).to_json()
    assert decision["eligible"] is False
    assert [r["rule"] for r in decision["ineligible_reasons"]] == ["eligibility.eg.amount"]
    assert decision["required_reviews"] == ["hr"] and decision["review_deadlines"] == {"hr": 5}


def test_each_required_review_has_its_deadline_keyed_by_the_full_agency_id(engine):
    body = valid_body("receivable_confirmation")
    decision = engine.decide(looked_up(facts_from_application(body)), date(2026, 11, 25)).to_json()
    unit = body["details"]["purchasing_unit"]["id"]
    assert decision["required_reviews"] == [f"purchaser:{unit}"]
    assert decision["review_deadlines"] == {f"purchaser:{unit}": 5}


def test_a_templated_outcome_is_filled_for_each_decision_not_remembered_from_the_last(engine):
    """Outcomes are remembered per combination of fired rules, except those filled from the facts."""
    agencies = []
    for unit in ("PU-1", "PU-2", "PU-1"):
        body = valid_body("receivable_confirmation", **{"details.purchasing_unit.id": unit})
        agencies += engine.decide(looked_up(facts_from_application(body)), date(2026, 11, 25)).to_json()["required_reviews"]
    assert agencies == ["purchaser:PU-1", "purchaser:PU-2", "purchaser:PU-1"]


def test_a_decision_is_plain_json(engine):
    decision = engine.decide(looked_up(facts_from_application(valid_body("ip_pledge"))), date(2022, 6, 1)).to_json()
    assert json.loads(json.dumps(decision, ensure_ascii=False)) == decision


def test_missing_facts_neither_loop_nor_crash(engine):
    # durable-rules can loop on a rule testing a field a message lacks; every rule tests the
    # message kind first, and a template naming a missing fact keeps its placeholder.
    assert engine.decide({}, date(2026, 1, 1)).to_json()["enterprise_size"] == "micro"
    decision = engine.decide({"scenario": "receivable_confirmation"}, date(2026, 1, 1)).to_json()
    assert decision["required_reviews"] == ["purchaser:{purchasing_unit_id}"]
    assert engine.host.pending_sessions == 0


def test_a_new_version_is_a_new_ruleset_and_both_stay_usable(engine):
    keys = set(engine._native)
    assert {"first_loan_subsidy@2022.1", "first_loan_subsidy@2023.1"} <= keys


def every_kind_of_test() -> list:
    tests = [Condition("equals", "scenario", "credit"), Condition("not_equals", "scenario", "credit"),
             Condition("in", "scenario", ("credit", "ip_pledge")), Condition("not_in", "scenario", ("credit",)),
             Condition("gte", "amount", 100), Condition("gt", "amount", 100), Condition("lte", "amount", 100),
             Condition("lt", "amount", 100), Condition("between", "amount", (50, 150)),
             Condition("starts_with_any", "industry_code", ("62", "7291")),
             Condition("not_starts_with_any", "industry_code", ("62",)),
             Condition("exists", "amount", True), Condition("exists", "amount", False)]
    return tests + [t.negate() for t in tests]


def test_every_kind_of_test_and_its_negation_reads_a_missing_fact_alike_in_durable_rules_native_and_python():
    tests = every_kind_of_test()
    rules = tuple(Rule(f"t{n}", t, {"eligible": False}, "z", "e", n) for n, t in enumerate(tests))
    ruleset = RulesetFile("probe", "1", date(2000, 1, 1), None, {}, "collect", {}, {}, (), rules, "probe.yaml", "0" * 64)
    durable, native = CompiledRuleset(ruleset, RulesHost()), NativeRuleset(ruleset)
    for facts in ({}, {"scenario": "credit", "amount": 100, "industry_code": "6210"},
                  {"scenario": "ip_pledge", "amount": 49, "industry_code": "7291"},
                  {"scenario": "real_estate_mortgage", "amount": 151.5, "industry_code": "0111"},
                  {"scenario": 7, "amount": "100", "industry_code": 6210}):   # wrong types: holds says False
        expected = [r.id for r in rules if r.when.holds(facts)]
        assert list(native.outcomes(facts)[1]) == expected, facts
        if all(isinstance(facts.get(k, ""), str) for k in ("scenario", "industry_code")):   # missing too; skip wrong types
            assert list(durable.outcomes(facts)[1]) == expected, facts
    for n, t in enumerate(tests[:len(tests) // 2]):  # a test and its negation: exactly one holds
        for facts in ({}, {"scenario": "credit", "amount": 100, "industry_code": "6210"}):
            assert t.holds(facts) != t.negate().holds(facts), (t, facts)
