"""Entrepreneurship-guarantee loans for a person as well as for an enterprise (issue 11, item 13).

The policy lends to individuals (up to 50万元 for 3 years, the HR bureau confirming the person
category) and to small and micro enterprises (300万元, 2 years, the hiring ratio); either borrower
pays at most the LPR less 150 basis points. The form says which (`details.borrower`, DESIGN).
"""
from __future__ import annotations

from datetime import date

import pytest

from chalicelib.domain.facts import facts_from_application
from chalicelib.rules_engine import DecisionEngine, RuleBook
from tests.builders import forms, valid_body

ON = date(2026, 3, 1)


@pytest.fixture(scope="module")
def engine():
    return DecisionEngine(RuleBook.load())


def person(**overrides) -> dict:
    """A graduate borrowing in person; no staff and no new hires to show."""
    body = valid_body("entrepreneurship_guarantee", **{"details.borrower": "individual", **overrides})
    del body["details"]["new_hires_last_year"]
    return body


def test_the_form_asks_who_borrows_and_takes_a_person_without_hiring_figures():
    assert forms().validate(person()) == []
    body = valid_body("entrepreneurship_guarantee", **{"details.borrower": "partnership"})
    assert [(e.path, e.code) for e in forms().validate(body)] == [("/details/borrower", "enum")]
    body = valid_body("entrepreneurship_guarantee")
    del body["details"]["borrower"]
    assert [(e.path, e.code) for e in forms().validate(body)] == [("/details/borrower", "required")]


def test_a_person_may_borrow_half_a_million_for_three_years_whatever_the_size_of_the_business(engine):
    body = person(amount=500_000, term_months=36, **{"enterprise.employees": 500, "enterprise.annual_revenue": 900_000_000})
    decision = engine.decide(facts_from_application(body), ON).to_json()
    assert decision["enterprise_size"] != "small" and decision["eligible"] is True, decision["ineligible_reasons"]
    assert not any("小型、微型企业" in r["zh"] for r in decision["reasons"])
    assert decision["required_reviews"] == ["hr"]
    assert decision["loan_terms"] == {"borrower": "individual", "amount_cap": 500_000, "term_cap_months": 36,
                                      "lpr": 0.03, "rate_margin_below_lpr": 0.015, "borrower_rate_cap": 0.015}


def test_a_person_over_half_a_million_or_three_years_or_without_a_category_is_refused_with_each_reason(engine):
    body = person(amount=500_001, term_months=37)
    del body["details"]["person_category"]
    decision = engine.decide(facts_from_application(body), ON).to_json()
    assert decision["eligible"] is False
    assert [r["rule"] for r in decision["ineligible_reasons"]] == [
        "eligibility.eg.individual.amount", "eligibility.eg.individual.term", "eligibility.eg.individual.person_category"]
    assert "50 万元" in decision["ineligible_reasons"][0]["zh"] and "500,000" in decision["ineligible_reasons"][0]["en"]


def test_an_enterprise_keeps_its_own_caps_and_the_same_rate_cap(engine):
    decision = engine.decide(facts_from_application(valid_body("entrepreneurship_guarantee")), ON).to_json()
    assert decision["eligible"] is True
    assert decision["loan_terms"]["amount_cap"] == 3_000_000 and decision["loan_terms"]["term_cap_months"] == 24
    assert decision["loan_terms"]["borrower_rate_cap"] == 0.015
    refused = engine.decide(facts_from_application(valid_body("entrepreneurship_guarantee", amount=600_000,
                                                              term_months=30)), ON).to_json()
    assert [r["rule"] for r in refused["ineligible_reasons"]] == ["eligibility.eg.term"]


def test_without_an_lpr_on_file_for_the_date_the_rate_cap_is_unknown_not_guessed(engine):
    decision = engine.decide(facts_from_application(person()), date(2024, 3, 1)).to_json()
    assert decision["loan_terms"]["lpr"] is None and decision["loan_terms"]["borrower_rate_cap"] is None
    assert decision["loan_terms"]["rate_margin_below_lpr"] == 0.015


def test_other_scenarios_carry_no_loan_terms(engine):
    assert "loan_terms" not in engine.decide(facts_from_application(valid_body("credit")), ON).to_json()


def test_the_hr_bureau_is_asked_to_confirm_the_person_category_of_a_person_who_borrows(engine):
    decision = engine.decide(facts_from_application(person()), ON).to_json()
    (hr,) = [r for r in decision["reasons"] if r["rule"].startswith("reviews.")]
    assert "人员类别" in hr["zh"] and "category" in hr["en"]
    enterprise = engine.decide(facts_from_application(valid_body("entrepreneurship_guarantee")), ON).to_json()
    assert [r["rule"] for r in enterprise["reasons"] if r["rule"].startswith("reviews.")] == [
        "reviews.entrepreneurship_guarantee.hr.enterprise"]
