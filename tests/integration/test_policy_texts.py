"""What a person reads in a decision through the API: the policy's own limits and words (issue 11,
Policy items 13 and 15)."""
from __future__ import annotations

from tests.builders import valid_body


def test_a_person_asking_about_an_entrepreneurship_guarantee_loan_sees_the_personal_caps_and_rate_cap(world):
    body = valid_body("entrepreneurship_guarantee", amount=500_000, term_months=36,
                      **{"details.borrower": "individual", "details.person_category": "returning_migrant_worker"})
    del body["details"]["new_hires_last_year"]
    del body["products"]   # the catalog's guarantee-loan products lend for at most 24 months
    reply = world.call("POST", "/eligibility", body={**body, "as_of": "2026-03-01"})
    assert reply.status == 200, reply.json
    decision = reply.json
    assert decision["eligible"] is True and decision["required_reviews"] == ["hr"]
    assert decision["loan_terms"]["borrower_rate_cap"] == 0.015
    assert decision["loan_terms"]["amount_cap"] == 500_000 and decision["loan_terms"]["term_cap_months"] == 36
