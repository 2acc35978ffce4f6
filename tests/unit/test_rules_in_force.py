"""A decision needs rules in force on its date: before the rules' first date (or in any gap) the
answer is "no rules in force for this date", never `eligible: true` with no reviews. Only a
ruleset rulebook.yaml says may lapse (the subsidy) may be missing: the decision then says so."""
from datetime import date

import pytest

from chalicelib.domain.facts import facts_from_application
from chalicelib.rules_engine import DecisionEngine, NoRulesInForce, RuleBook, RuleFileError
from tests.builders import valid_body


def ip_pledge_facts() -> dict:
    return facts_from_application(valid_body("ip_pledge"))


def test_an_ip_pledge_the_day_before_the_rules_begin_gets_no_default_yes():
    engine = DecisionEngine(RuleBook.load(), crosscheck_every=0)
    with pytest.raises(NoRulesInForce) as info:
        engine.decide(ip_pledge_facts(), date(2021, 12, 31))
    error = info.value.errors[0]
    assert info.value.status == 422 and error.code == "no_rules_in_force"
    assert "2021-12-31" in error.message_en and "eligibility" in error.message_en
    assert "required_reviews" in error.message_en and "没有有效的规则" in error.message_zh
    assert engine.decide(ip_pledge_facts(), date(2022, 1, 1)).required_reviews == ("ipo",)


def test_a_lapsed_subsidy_policy_still_decides_and_says_there_is_no_subsidy(rules):
    text = (rules / "first_loan_subsidy_2023.yaml").read_text(encoding="utf-8")
    (rules / "first_loan_subsidy_2023.yaml").write_text(
        text.replace("effective_to: null", "effective_to: 2024-12-31", 1), encoding="utf-8")
    decision = DecisionEngine(RuleBook.load(rules), crosscheck_every=0).decide(ip_pledge_facts(), date(2025, 6, 1)).to_json()
    assert decision["required_reviews"] == ["ipo"]
    assert decision["first_loan_subsidy"]["eligible"] is False
    assert "No first-loan subsidy policy" in decision["first_loan_subsidy"]["why_not"]["en"]


def test_a_gap_between_versions_of_a_needed_ruleset_is_no_rules_in_force(rules):
    text = (rules / "required_reviews.yaml").read_text(encoding="utf-8")
    (rules / "required_reviews.yaml").write_text(text.replace("effective_to: null", "effective_to: 2024-12-31", 1),
                                                  encoding="utf-8")
    engine = DecisionEngine(RuleBook.load(rules), crosscheck_every=0)
    with pytest.raises(NoRulesInForce, match="required_reviews"):
        engine.decide(ip_pledge_facts(), date(2025, 1, 1))


def test_may_lapse_names_only_rulesets_of_the_rule_book(rules):
    path = rules / "rulebook.yaml"
    text = path.read_text(encoding="utf-8")
    assert "may_lapse:\n  - first_loan_subsidy" in text
    path.write_text(text.replace("may_lapse:\n  - first_loan_subsidy", "may_lapse:\n  - subsidy_typo"), encoding="utf-8")
    with pytest.raises(RuleFileError, match="may_lapse"):
        RuleBook.load(rules)
