"""A wrong rule file is refused with its file, its line and a plain reason."""
import shutil

import pytest

from chalicelib.datafiles import data_dir
from chalicelib.rules_engine import RuleBook, RuleFileError
from chalicelib.rules_engine.cli import check


@pytest.fixture
def rules(tmp_path):
    shutil.copytree(data_dir("rules"), tmp_path / "rules")
    return tmp_path / "rules"


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


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
    refused(rules, "eligibility.yaml", "unknown key(s) ['salience']")


def test_an_unquoted_industry_code_is_refused_before_it_loses_its_leading_zero(rules):
    edit(rules / "enterprise_size.yaml", "'01': farming", "01: farming")
    error = refused(rules, "enterprise_size.yaml", "must be quoted")
    assert error.line > 1


def test_overlapping_versions_are_refused(rules):
    edit(rules / "first_loan_subsidy_2023.yaml", "effective_from: 2023-01-01", "effective_from: 2022-12-01")
    refused(rules, "first_loan_subsidy_2023.yaml", "overlaps")


def test_two_rules_giving_different_outcomes_for_the_same_facts_are_refused(rules):
    # Drop the hard-hit exclusion from the base rule: a catering SME in 2022 would get 20% and 40%.
    edit(rules / "first_loan_subsidy_2022.yaml",
         "        - {fact: industry_code, not_starts_with_any: $hard_hit_industries}\n", "")
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
