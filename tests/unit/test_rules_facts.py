"""Facts for the rules from every application shape the platform meets: a full form, a fragment
(a rule case, a simulation), a form read back from DynamoDB (Decimal numbers)."""
import json
from datetime import date
from decimal import Decimal

import pytest

from chalicelib.domain.facts import facts_from_application
from chalicelib.rules_engine import DecisionEngine, RuleBook
from tests.builders import valid_body
from chalicelib.domain.application import SCENARIOS



@pytest.fixture(scope="module")
def engine():
    return DecisionEngine(RuleBook.load())


def as_dynamodb_returns_it(value):
    """boto3 reads every number back as a Decimal."""
    if isinstance(value, dict):
        return {k: as_dynamodb_returns_it(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_dynamodb_returns_it(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_fact_of_every_scenario_form_is_declared_in_the_fact_catalog(engine, scenario):
    facts = facts_from_application(valid_body(scenario))
    assert set(facts) <= set(engine.book.facts)


def test_the_facts_the_brief_names_come_from_the_form():
    facts = facts_from_application(valid_body("receivable_confirmation", first_loan=True, renewal=False))
    for name in ("scenario", "amount", "term_months", "first_loan", "renewal", "industry_code", "employees",
                 "annual_revenue_wan", "total_assets_wan", "district", "registered_in_beijing", "purchasing_unit_id"):
        assert name in facts, name
    body = valid_body("entrepreneurship_guarantee")
    facts = facts_from_application(body)
    assert facts["new_hires_last_year"] == body["details"]["new_hires_last_year"]
    assert facts["person_category"] == body["details"]["person_category"]


def test_the_person_category_is_also_read_from_inside_the_applicant():
    facts = facts_from_application({"scenario": "entrepreneurship_guarantee",
                                    "details": {"applicant": {"name": "张伟", "person_category": "veteran"}}})
    assert facts["person_category"] == "veteran"


def test_a_fragment_gives_only_the_facts_it_carries():
    assert facts_from_application({}) == {"purpose_category": "unspecified"}
    assert facts_from_application({"scenario": "credit", "enterprise": None, "details": None}) == \
        {"scenario": "credit", "purpose_category": "unspecified"}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_form_read_back_from_dynamodb_gives_the_same_plain_facts_and_decision(engine, scenario):
    body = valid_body(scenario, **{"enterprise.annual_revenue": 8_000_000.5})
    fresh, stored = facts_from_application(body), facts_from_application(as_dynamodb_returns_it(body))
    assert stored == fresh
    assert not any(isinstance(v, Decimal) for v in stored.values())
    assert engine.decide(stored, date(2024, 6, 1)).to_json() == engine.decide(fresh, date(2024, 6, 1)).to_json()


def test_the_engine_takes_decimal_facts_and_still_answers_in_plain_json(engine):
    facts = as_dynamodb_returns_it(facts_from_application(valid_body("credit")))
    decision = engine.decide(facts, date(2022, 6, 1)).to_json()
    assert decision["enterprise_size"] == "small"
    assert json.loads(json.dumps(decision)) == decision


def test_unrelated_or_unserialisable_facts_do_not_reach_durable_rules(engine):
    facts = {**facts_from_application(valid_body("credit")), "received_at": date(2024, 6, 1), "note": object()}
    assert engine.decide(facts, date(2024, 6, 1)).to_json()["enterprise_size"] == "small"
