"""Facts 京经信发〔2022〕34号 names that no rule checked before (issue 11, Policy item 16): a loan
to the legal representative or a shareholder personally, the loan-date window, and the hard-hit
industry's confirmation by its authority before the 40 % rate."""
from __future__ import annotations

from datetime import date

import pytest

from chalicelib.domain.facts import facts_from_application
from chalicelib.rules_engine import DecisionEngine, RuleBook
from tests.builders import forms, valid_body

IN_2022 = date(2022, 3, 1)


@pytest.fixture(scope="module")
def engine():
    return DecisionEngine(RuleBook.load())


def decided(engine, facts: dict, on: date) -> dict:
    """The decision as the API shows it."""
    return engine.decide(facts, on).to_json()


def subsidy(engine, on=IN_2022, scenario="credit", **overrides) -> dict:
    body = valid_body(scenario, **overrides)
    assert forms().validate(body) == []
    return decided(engine, facts_from_application(body), on)["first_loan_subsidy"]


def test_a_loan_to_the_legal_representative_or_a_shareholder_personally_earns_no_subsidy(engine):
    assert subsidy(engine)["eligible"] is True
    refused = subsidy(engine, **{"subsidy_claim.borrowed_personally": True})
    assert refused["eligible"] is False and refused["why_not"]["condition"]["fact"] == "borrowed_personally"
    assert "法定代表人或股东" in refused["why_not"]["zh"] and "shareholder" in refused["why_not"]["en"]
    later = subsidy(engine, date(2026, 3, 1), **{"subsidy_claim.borrowed_personally": True})
    assert later["eligible"] is False


def test_a_person_borrowing_an_entrepreneurship_guarantee_loan_gets_no_enterprise_first_loan_subsidy(engine):
    assert subsidy(engine, date(2026, 3, 1), "entrepreneurship_guarantee")["eligible"] is True
    person = subsidy(engine, date(2026, 3, 1), "entrepreneurship_guarantee", **{"details.borrower": "individual"})
    assert person["eligible"] is False and person["why_not"]["condition"]["fact"] == "borrowed_personally"


@pytest.mark.parametrize("signed, paid, granted", [
    ("2021-11-01", "2022-01-05", True),    # signed in 2021, money from 2022
    ("2022-01-01", "2022-01-01", True),    # both from 2022
    ("2021-11-01", "2021-12-31", False),   # money before 2022
    ("2020-12-31", "2022-01-05", False),   # signed before 2021
])
def test_the_loan_dates_must_fall_in_the_policys_window(engine, signed, paid, granted):
    got = subsidy(engine, **{"subsidy_claim.contract_date": signed, "subsidy_claim.disbursed_on": paid})
    assert got["eligible"] is granted, got.get("why_not")


def test_a_loan_date_not_yet_known_is_the_application_date(engine):
    body = valid_body("credit")
    del body["subsidy_claim"]
    assert decided(engine, facts_from_application(body), IN_2022)["first_loan_subsidy"]["eligible"] is True
    paid_2021 = valid_body("credit", **{"subsidy_claim.disbursed_on": "2021-12-31"})
    del paid_2021["subsidy_claim"]["contract_date"]
    assert decided(engine, facts_from_application(paid_2021), IN_2022)["first_loan_subsidy"]["eligible"] is False


def test_forty_percent_needs_the_authoritys_confirmation_of_the_hard_hit_industry(engine):
    catering = {"enterprise.industry_code": "6210"}
    assert subsidy(engine, **catering)["interest_subsidy_rate"] == 0.20
    assert subsidy(engine, **catering, **{"subsidy_claim.hard_hit_confirmed": True})["interest_subsidy_rate"] == 0.40
    software = {"enterprise.industry_code": "6510", "subsidy_claim.hard_hit_confirmed": True}
    assert subsidy(engine, **software)["interest_subsidy_rate"] == 0.20
