"""An application body becomes the facts the rules test: units converted, nothing invented."""
from chalicelib.domain.facts import facts_from_application


def body(**overrides):
    base = {"scenario": "entrepreneurship_guarantee", "amount": 1_000_000, "term_months": 12,
            "first_loan": True, "renewal": False,
            "enterprise": {"industry_code": "6510", "employees": 40, "annual_revenue": 8_000_000,
                           "total_assets": 5_000_000, "district": "haidian"},
            "details": {"new_hires_last_year": 10}}
    return base | overrides


def test_money_is_counted_in_wan_as_the_size_standard_does():
    facts = facts_from_application(body())
    assert facts["annual_revenue_wan"] == 800 and facts["total_assets_wan"] == 500


def test_the_new_hire_ratio_is_derived_and_absent_without_staff():
    assert facts_from_application(body())["new_hire_ratio"] == 0.25
    no_staff = body(enterprise={**body()["enterprise"], "employees": 0})
    assert "new_hire_ratio" not in facts_from_application(no_staff)


def test_outside_beijing_is_a_fact_of_its_own():
    assert facts_from_application(body())["registered_in_beijing"] is True
    other = body(enterprise={**body()["enterprise"], "district": "other"})
    assert facts_from_application(other)["registered_in_beijing"] is False


def test_absent_details_are_left_out_and_the_purpose_defaults_to_unspecified():
    facts = facts_from_application(body(scenario="credit", details={}))
    assert "new_hires_last_year" not in facts and "purchasing_unit_id" not in facts
    assert facts["purpose_category"] == "unspecified"


def test_the_purchasing_unit_of_a_confirmation_loan_is_a_fact():
    facts = facts_from_application(body(scenario="receivable_confirmation",
                                        details={"purchasing_unit": {"id": "PU-1", "name": "x"}}))
    assert facts["purchasing_unit_id"] == "PU-1"
