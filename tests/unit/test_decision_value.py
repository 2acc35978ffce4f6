"""A decision is a value: nothing a caller does to one changes another, and its JSON round-trips."""
from datetime import date

import pytest

from chalicelib.domain.decision import Decision
from chalicelib.domain.facts import facts_from_application
from chalicelib.rules_engine import DecisionEngine, RuleBook
from tests.builders import valid_body


@pytest.fixture(scope="module")
def engine():
    return DecisionEngine(RuleBook.load(), crosscheck_every=0)


def test_a_decision_and_its_shared_parts_cannot_be_changed(engine):
    facts = {**facts_from_application(valid_body("credit")), "credit_report_has_loans": True}
    first = engine.decide(facts, date(2026, 11, 25))
    with pytest.raises(AttributeError):
        first.eligible = False
    with pytest.raises(TypeError):
        first.reasons[0]["zh"] = "改过了"
    with pytest.raises(TypeError):
        first.first_loan_subsidy["why_not"]["zh"] = "改过了"
    shown = first.to_json()
    shown["reasons"][0]["zh"] = "改过了"          # a JSON copy may be changed: the next decision is not
    assert engine.decide(facts, date(2026, 11, 25)).to_json()["reasons"][0]["zh"] != "改过了"


def test_the_json_reads_back_as_the_same_decision(engine):
    decision = engine.decide(facts_from_application(valid_body("ip_pledge")), date(2026, 11, 25))
    decision = decision.with_facts({"registered_in_beijing": True}, {})
    again = Decision.from_json(decision.to_json())
    assert again == decision and again.to_json() == decision.to_json()
    assert list(decision.to_json())[:3] == ["eligible", "enterprise_size", "first_loan_subsidy"]
    assert "loan_terms" not in decision.to_json()          # set only when a rule sets limits on the loan
