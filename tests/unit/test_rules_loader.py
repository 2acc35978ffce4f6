"""A wrong rule file is refused with its file, its line and a plain reason."""

import pytest

from chalicelib.rules_engine import RuleBook, RuleFileError
from chalicelib.rules_engine.cli import check
from tests.builders import edit


def refused(rules, file_name, message_part) -> RuleFileError:
    with pytest.raises(RuleFileError) as info:
        RuleBook.load(rules)
    error = info.value
    assert error.file.endswith(file_name), error
    assert message_part in error.message, error
    assert error.line > 0
    return error


def test_broken_yaml_names_the_line(rules):
    edit(rules / "eligibility.yaml", "hit_policy: unique", "hit_policy: [unique")
    refused(rules, "eligibility.yaml", "not valid YAML")


def test_an_unknown_fact_is_refused_at_its_line(rules):
    edit(rules / "eligibility.yaml", "{fact: amount, gt: $eg_enterprise_amount_cap}",
         "{fact: amount_requested, gt: $eg_enterprise_amount_cap}")
    error = refused(rules, "eligibility.yaml", "unknown fact 'amount_requested'")
    lines = (rules / "eligibility.yaml").read_text(encoding="utf-8").splitlines()
    assert "amount_requested" in lines[error.line - 1]


def test_an_unknown_outcome_is_refused(rules):
    edit(rules / "eligibility.yaml", "then: {eligible: false}", "then: {approved: false}")
    refused(rules, "eligibility.yaml", "unknown outcome 'approved'")


def test_an_unknown_parameter_is_refused(rules):
    edit(rules / "eligibility.yaml", "gt: $eg_enterprise_term_cap", "gt: $eg_term_limit")
    refused(rules, "eligibility.yaml", "unknown parameter $eg_term_limit")


def test_a_value_of_the_wrong_type_is_refused(rules):
    edit(rules / "eligibility.yaml", "{fact: scenario, equals: entrepreneurship_guarantee}",
         "{fact: scenario, equals: entrepreneurship_guarante}")
    refused(rules, "eligibility.yaml", "not a possible value of scenario")
    edit(rules / "eligibility.yaml", "{fact: scenario, equals: entrepreneurship_guarante}",
         "{fact: employees, gte: many}")
    refused(rules, "eligibility.yaml", "cannot be compared")


def test_an_unknown_key_is_refused(rules):
    edit(rules / "eligibility.yaml", "hit_policy: unique", "hit_policy: unique\nsalience: 3")
    error = refused(rules, "eligibility.yaml", "unknown key(s) ['salience']")
    assert (rules / "eligibility.yaml").read_text(encoding="utf-8").splitlines()[error.line - 1] == "salience: 3"


def test_an_unquoted_industry_code_is_refused_before_it_loses_its_leading_zero(rules):
    edit(rules / "enterprise_size.yaml", "'01': farming", "01: farming")
    error = refused(rules, "enterprise_size.yaml", "must be quoted")
    assert error.line > 1


def test_overlapping_versions_are_refused(rules):
    edit(rules / "first_loan_subsidy_2023.yaml", "effective_from: 2023-01-01", "effective_from: 2022-12-01")
    refused(rules, "first_loan_subsidy_2023.yaml", "overlaps")


def test_two_rules_giving_different_outcomes_for_the_same_facts_are_refused(rules):
    # Drop the hard-hit exclusion from the base rule: a confirmed catering SME in 2022 would get 20% and 40%.
    text = (rules / "first_loan_subsidy_2022.yaml").read_text(encoding="utf-8")
    start = text.index("        - any:                                                # 受影响较大行业")
    end = text.index("                - {fact: hard_hit_confirmed, not_equals: true}\n") + \
        len("                - {fact: hard_hit_confirmed, not_equals: true}\n")
    (rules / "first_loan_subsidy_2022.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    refused(rules, "first_loan_subsidy_2022.yaml", "different interest_subsidy_rate")


def test_the_check_command_reports_a_failing_case(rules, capsys):
    edit(rules / "tests" / "first_loan_subsidy.yaml", "expect: {interest_subsidy_rate: 0.40}, fired: [subsidy.2022.hard_hit]",
         "expect: {interest_subsidy_rate: 0.30}, fired: [subsidy.2022.hard_hit]")
    assert check(rules) == 1
    out = capsys.readouterr().out
    assert "expected 0.3, got 0.4" in out and "1 failed" in out


def test_the_check_command_passes_on_the_published_rules(capsys):
    assert check() == 0
    assert "0 failed" in capsys.readouterr().out


def test_an_outcome_of_the_wrong_type_is_refused_at_its_line(rules):
    edit(rules / "first_loan_subsidy_2023.yaml", "base_rate: {value: 0.20,", "base_rate: {value: '20%',")
    error = refused(rules, "first_loan_subsidy_2023.yaml", "interest_subsidy_rate must be a number")
    line = (rules / "first_loan_subsidy_2023.yaml").read_text(encoding="utf-8").splitlines()[error.line - 1]
    assert "interest_subsidy_rate: $base_rate" in line


def test_an_unknown_key_in_a_rule_is_refused_at_the_rule(rules):
    edit(rules / "required_reviews.yaml", "  - id: reviews.ip_pledge.ipo\n",
         "  - id: reviews.ip_pledge.ipo\n    salience: 10\n")
    error = refused(rules, "required_reviews.yaml", "unknown ['salience']")
    assert "salience: 10" in (rules / "required_reviews.yaml").read_text(encoding="utf-8").splitlines()[error.line - 1]


def test_a_parameter_without_a_source_or_with_an_unknown_key_is_refused(rules):
    edit(rules / "required_reviews.yaml", "  deadline_ipo:\n    value: 1\n", "  deadline_ipo:\n    value: 1\n    valu: 2\n")
    error = refused(rules, "required_reviews.yaml", "unknown key(s) ['valu']")
    assert (rules / "required_reviews.yaml").read_text(encoding="utf-8").splitlines()[error.line - 1] == "    valu: 2"
    edit(rules / "required_reviews.yaml", "    valu: 2\n    source: 知识产权质押登记“绿色通道” 1 个工作日内办结\n", "")
    refused(rules, "required_reviews.yaml", "needs a value and a source")


def test_a_parameter_may_carry_the_date_it_applies_from_but_it_must_be_a_date(rules):
    edit(rules / "required_reviews.yaml", "  deadline_ipo:\n    value: 1\n", "  deadline_ipo:\n    value: 1\n    from: 2022-01-01\n")
    RuleBook.load(rules)
    edit(rules / "required_reviews.yaml", "    from: 2022-01-01\n", "    from: last spring\n")
    refused(rules, "required_reviews.yaml", "from must be a date")


def test_starts_with_takes_one_quoted_code(rules, capsys):
    edit(rules / "first_loan_subsidy_2023.yaml", "{fact: industry_code, not_starts_with_any: $excluded_industries}",
         "{not: {fact: industry_code, starts_with: '70'}}")
    book = RuleBook.load(rules)
    assert check(rules) == 0, capsys.readouterr().out  # the real-estate case still holds
    rule = next(r for r in book.versions("first_loan_subsidy")[-1].rules)
    assert any(p.op == "not_starts_with_any" and p.value == ("70",) for p in rule.when.parts)
    edit(rules / "first_loan_subsidy_2023.yaml", "starts_with: '70'", "starts_with: [70]")
    refused(rules, "first_loan_subsidy_2023.yaml", "`starts_with` takes one quoted code")


def test_a_broken_case_file_names_its_line(rules, capsys):
    edit(rules / "tests" / "required_reviews.yaml", "{case: 信用贷无需部门审核, cites: 信用贷直接推送银行, as_of: 2026-01-05, facts:",
         "{case: 信用贷无需部门审核, cites: 信用贷直接推送银行, as_of: 2026-01-05, fact:")
    assert check(rules) == 1
    out = capsys.readouterr().out
    assert "required_reviews.yaml:4:" in out and "unknown key(s) ['fact']" in out


def test_a_case_expecting_an_unknown_outcome_fails_with_a_plain_reason(rules, capsys):
    edit(rules / "tests" / "required_reviews.yaml", "expect: {review: []}}", "expect: {reviews: []}}")
    assert check(rules) == 1
    assert "expects unknown outcome(s) ['reviews']" in capsys.readouterr().out


def test_a_fact_of_an_unknown_type_is_refused_in_the_catalog_at_its_line(rules):
    edit(rules / "facts.yaml", "amount: {type: number,", "amount: {type: numbr,")
    error = refused(rules, "facts.yaml", "fact amount: type must be one of")
    assert "amount:" in (rules / "facts.yaml").read_text(encoding="utf-8").splitlines()[error.line - 1]


def test_a_fact_that_does_not_say_where_it_comes_from_is_refused(rules):
    edit(rules / "facts.yaml", ", source: {form: /amount}}", "}")
    refused(rules, "facts.yaml", "fact amount: source must say where it comes from")


def test_an_unquoted_comma_in_a_label_is_caught_as_an_unknown_key(rules):
    # `en: Cap (per year, share)` inside {…} splits at the comma: the catalog refuses the stray key.
    edit(rules / "outcomes.yaml", 'en: "Guarantee-fee subsidy cap (per year, share of the loan)"',
         "en: Guarantee-fee subsidy cap (per year, share of the loan)")
    refused(rules, "outcomes.yaml", "unknown key(s) ['share of the loan)']")


def test_the_rulebook_lists_each_ruleset_once(rules):
    edit(rules / "rulebook.yaml", "  - required_reviews", "  - required_reviews\n  - eligibility")
    refused(rules, "rulebook.yaml", "each once")
