"""Every outcome a rule file gives is checked against outcomes.yaml when the file is loaded: a wrong
type, a deadline out of range, an agency that does not exist or a rate outside 0..1 is refused
with its file, line and field (it used to surface as a 500, or a review no one ever receives)."""

import pytest

from chalicelib.rules_engine import RuleBook, RuleFileError
from chalicelib.rules_engine.cli import check
from tests.builders import edit

IPO = "review: {agency: ipo, working_days: $deadline_ipo}"


def refused(rules, file_name, *message_parts) -> RuleFileError:
    with pytest.raises(RuleFileError) as info:
        RuleBook.load(rules)
    error = info.value
    assert error.file.endswith(file_name), error
    for part in message_parts:
        assert part in error.message, error
    return error


@pytest.mark.parametrize("written, problem", [
    ("'5'", "must be an integer, not '5'"),
    ("5.0", "must be an integer, not 5.0"),
    ("-30", "must be from 1 to 30, not -30"),
    ("0", "must be from 1 to 30, not 0"),
    ("3000", "must be from 1 to 30, not 3000"),
    ("true", "must be an integer, not True"),
    ("null", "is missing"),
])
def test_a_review_deadline_must_be_whole_working_days_in_range(rules, written, problem):
    edit(rules / "required_reviews.yaml", IPO, f"review: {{agency: ipo, working_days: {written}}}")
    error = refused(rules, "required_reviews.yaml", "outcome review.working_days", problem)
    assert "working_days" in (rules / "required_reviews.yaml").read_text(encoding="utf-8").splitlines()[error.line - 1]


def test_a_deadline_parameter_out_of_range_is_named(rules):
    edit(rules / "required_reviews.yaml", "value: 1\n", "value: 3000\n")
    refused(rules, "required_reviews.yaml", "outcome review.working_days must be from 1 to 30, not 3000",
            "(from parameter $deadline_ipo)")


@pytest.mark.parametrize("agency", ["ghost", "purchaser", "'hr:{purchasing_unit_id}'", "bank:ICBC-BJ"])
def test_a_review_by_an_agency_that_does_not_exist_is_refused(rules, agency):
    edit(rules / "required_reviews.yaml", IPO, f"review: {{agency: {agency}, working_days: 1}}")
    refused(rules, "required_reviews.yaml", "outcome review.agency must be one of")


@pytest.mark.parametrize("rate, problem", [("1.5", "from 0 to 1"), ("-0.2", "from 0 to 1"), ("'0.4'", "a number"),
                                           (".nan", "finite")])
def test_a_subsidy_rate_is_a_fraction_between_0_and_1(rules, rate, problem):
    edit(rules / "first_loan_subsidy_2022.yaml", "hard_hit_rate: {value: 0.40,", f"hard_hit_rate: {{value: {rate},")
    refused(rules, "first_loan_subsidy_2022.yaml", "outcome interest_subsidy_rate must be", problem,
            "(from parameter $hard_hit_rate)")


def test_an_amount_cap_is_yuan_with_at_most_two_decimals(rules):
    edit(rules / "first_loan_subsidy_2022.yaml", "amount_cap: {value: 20000000,", "amount_cap: {value: 20000000.001,")
    refused(rules, "first_loan_subsidy_2022.yaml", "outcome subsidy_amount_cap", "at most 2 decimals")


def test_make_rules_check_refuses_a_bad_outcome_naming_file_line_and_field(rules, capsys):
    edit(rules / "required_reviews.yaml", IPO, "review: {agency: ghost, working_days: 1}")
    assert check(rules) == 1
    out = capsys.readouterr().out
    assert "required_reviews.yaml:" in out and "review.agency" in out and "ghost" in out


def test_outcomes_yaml_may_only_name_agencies_that_have_a_queue(rules):
    edit(rules / "outcomes.yaml", "values: [hr, ipo,", "values: [hr, ghost, ipo,")
    refused(rules, "outcomes.yaml", "review.agency", "ghost")


def test_outcomes_yaml_bounds_are_numbers_in_order(rules):
    edit(rules / "outcomes.yaml", "min: 1, max: 30", "min: 30, max: 1")
    refused(rules, "outcomes.yaml", "min 30 is more than max 1")


def test_the_shipped_rules_pass_every_outcome_check():
    book = RuleBook.load()
    reviews = [r.then["review"] for rs in book.rulesets for r in rs.rules if "review" in r.then]
    assert reviews and all(1 <= r["working_days"] <= 30 for r in reviews)
