"""The engine under load: past durable-rules' 1,024-session limit, across threads, memory flat,
and the durable-rules answer equal to the plain-Python reading of the same rules."""
import json
import os
import random
import resource
import sys
import threading
from datetime import date

import pytest

from chalicelib.domain.facts import facts_from_application
from chalicelib.rules_engine import DecisionEngine, RuleBook
from chalicelib.rules_engine.engine import resolve
from tests.builders import valid_body

INDUSTRIES = ["0111", "2611", "4811", "5111", "5211", "5320", "5431", "5611", "5910", "6010", "6110",
              "6210", "6420", "6510", "7010", "7020", "7211", "7291", "8010", "70"]
SCENARIOS = ["credit", "entrepreneurship_guarantee", "ip_pledge", "receivable_confirmation", "real_estate_mortgage"]


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
    return looked_up(facts_from_application(body), on_dishonest_list=rng.random() < 0.1)


def python_reading(engine, facts, as_of):
    """The same rule files evaluated by the Python condition evaluator, without durable-rules."""
    known = dict(facts)
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
    decision = engine.decide(looked_up(facts_from_application(valid_body("credit"))), date(2026, 11, 25))
    assert decision["enterprise_size"] == "small" and decision["eligible"] is True
    assert decision["first_loan_subsidy"]["interest_subsidy_rate"] == 0.20
    assert {r["ruleset"] for r in decision["rules"]} == {"enterprise_size", "eligibility", "first_loan_subsidy",
                                                          "required_reviews"}
    assert all(len(r["sha256"]) == 64 for r in decision["rules"])


def test_the_version_in_force_on_the_date_decides(engine):
    catering = looked_up(facts_from_application(valid_body("credit", **{"enterprise.industry_code": "6210"})))
    rate = lambda d: engine.decide(catering, d)["first_loan_subsidy"]["interest_subsidy_rate"]  # noqa: E731
    assert (rate(date(2022, 12, 31)), rate(date(2023, 1, 1))) == (0.40, 0.20)
    used = {r["ruleset"]: r["version"] for r in engine.decide(catering, date(2022, 6, 1))["rules"]}
    assert used["first_loan_subsidy"] == "2022.1"


def test_a_missed_subsidy_says_which_condition_failed(engine):
    facts = looked_up(facts_from_application(valid_body("credit", first_loan=False)))
    why = engine.decide(facts, date(2026, 1, 1))["first_loan_subsidy"]["why_not"]
    assert why["condition"] == {"fact": "first_loan", "op": "equals", "value": True}
    assert why["zh"] and why["en"]


@pytest.mark.slow
def test_durable_rules_and_the_python_reading_agree_on_thousands_of_random_applications(engine):
    rng = random.Random(7)
    for n in range(1500):
        facts, as_of = random_facts(rng), rng.choice([date(2022, 6, 1), date(2025, 6, 1)])
        decision = engine.decide(facts, as_of)
        expected = python_reading(engine, facts, as_of)
        assert decision["enterprise_size"] == expected["enterprise_size"], facts
        assert decision["eligible"] == expected.get("eligible", True), facts
        assert decision["first_loan_subsidy"]["eligible"] == bool(expected.get("first_loan_subsidy_eligible")), facts
        assert decision["required_reviews"] == [r["agency"] for r in expected["review"]], facts


def process_memory_kib() -> int:
    """Resident memory of this process, durable-rules' C tables included (tracemalloc sees only Python)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except OSError:  # not Linux: the peak, which also may not grow
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak // 1024 if sys.platform == "darwin" else peak


@pytest.mark.slow
def test_ten_thousand_sequential_decisions_leave_no_session_behind_and_memory_flat(engine):
    # Far past durable-rules' 1,024 live sessions per ruleset: each evaluation's session is deleted.
    facts = facts_from_application(valid_body("entrepreneurship_guarantee"))
    for _ in range(1_000):
        engine.decide(facts, date(2026, 1, 1))
    before = process_memory_kib()
    for _ in range(10_000):
        assert engine.decide(facts, date(2026, 1, 1))["required_reviews"] == ["hr"]
    grown = process_memory_kib() - before
    assert engine.host.pending_sessions == 0
    assert grown < 8_000, f"process memory grew by {grown} KiB over 10,000 decisions"


@pytest.mark.slow
def test_a_thousand_concurrent_decisions_from_eight_threads_are_all_right(engine):
    rng = random.Random(11)
    work = [(random_facts(rng), rng.choice([date(2022, 6, 1), date(2025, 3, 1)])) for _ in range(1200)]
    expected = [python_reading(engine, f, d) for f, d in work]
    sequential = [engine.decide(f, d) for f, d in work]
    results, errors = [None] * len(work), []

    def worker(offset: int):
        try:
            for i in range(offset, len(work), 8):
                results[i] = engine.decide(*work[i])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # Not one rule fired for one request was credited to another (the buffers are per session).
    assert results == sequential
    assert [r["enterprise_size"] for r in results] == [e["enterprise_size"] for e in expected]
    assert [r["eligible"] for r in results] == [e.get("eligible", True) for e in expected]
    assert engine.host.pending_sessions == 0


def test_the_example_enterprise_without_the_list_lookups_waits_for_them_and_says_why(engine):
    decision = engine.decide(facts_from_application(valid_body("credit")), date(2026, 11, 25))
    assert decision["enterprise_size"] == "small" and decision["eligible"] is True
    assert decision["first_loan_subsidy"]["eligible"] is False
    why = decision["first_loan_subsidy"]["why_not"]
    assert why["condition"]["fact"] == "on_dishonest_list"
    assert "not known" in why["en"] and "未查询到" in why["zh"]


def test_an_entrepreneurship_guarantee_loan_over_three_million_is_refused_with_its_reason(engine):
    body = valid_body("entrepreneurship_guarantee", amount=5_000_000)
    decision = engine.decide(looked_up(facts_from_application(body)), date(2026, 11, 25))
    assert decision["eligible"] is False
    assert [r["rule"] for r in decision["ineligible_reasons"]] == ["eligibility.eg.amount"]
    assert decision["required_reviews"] == ["hr"] and decision["review_deadlines"] == {"hr": 5}


def test_each_required_review_has_its_deadline_keyed_by_the_full_agency_id(engine):
    body = valid_body("receivable_confirmation")
    decision = engine.decide(looked_up(facts_from_application(body)), date(2026, 11, 25))
    unit = body["details"]["purchasing_unit"]["id"]
    assert decision["required_reviews"] == [f"purchaser:{unit}"]
    assert decision["review_deadlines"] == {f"purchaser:{unit}": 5}


def test_a_decision_is_plain_json(engine):
    decision = engine.decide(looked_up(facts_from_application(valid_body("ip_pledge"))), date(2022, 6, 1))
    assert json.loads(json.dumps(decision, ensure_ascii=False)) == decision


def test_missing_facts_neither_loop_nor_crash(engine):
    # durable-rules can loop on a rule testing a field a message lacks; every rule tests the
    # message kind first, and a template naming a missing fact keeps its placeholder.
    assert engine.decide({}, date(2026, 1, 1))["enterprise_size"] == "micro"
    decision = engine.decide({"scenario": "receivable_confirmation"}, date(2026, 1, 1))
    assert decision["required_reviews"] == ["purchaser:{purchasing_unit_id}"]
    assert engine.host.pending_sessions == 0


def test_a_new_version_is_a_new_ruleset_and_both_stay_usable(engine):
    keys = set(engine._compiled)
    assert {"first_loan_subsidy@2022.1", "first_loan_subsidy@2023.1"} <= keys
