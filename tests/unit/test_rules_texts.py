"""Explanations a person can read (issue 11, Policy item 15): every value worded in Chinese and
English, the 40 % reason naming its 1 % alternative, each review citing its own source, and the
hiring rule's words matching the figure the form asks for."""
from __future__ import annotations

import shutil
from datetime import date

import pytest

from chalicelib.datafiles import data_dir
from chalicelib.domain.facts import facts_from_application
from chalicelib.rules_engine import DecisionEngine, RuleBook
from chalicelib.rules_engine.catalogs import load_facts
from chalicelib.rules_engine.loader import RuleFileError
from tests.builders import forms, valid_body

ON = date(2026, 3, 1)


@pytest.fixture(scope="module")
def engine():
    return DecisionEngine(RuleBook.load())


def why_not(engine, on=ON, **overrides) -> dict:
    return engine.decide(facts_from_application(valid_body("credit", **overrides)), on).to_json()["first_loan_subsidy"]["why_not"]


def test_a_large_enterprise_reads_the_sizes_in_words_not_codes(engine):
    said = why_not(engine, **{"enterprise.employees": 5000, "enterprise.annual_revenue": 9_000_000_000,
                              "enterprise.total_assets": 9_000_000_000})
    assert "中型企业、小型企业、微型企业" in said["zh"] and "medium" not in said["zh"]
    assert "medium-sized, small, micro" in said["en"]


def test_a_non_productive_purpose_and_a_real_estate_code_are_worded(engine):
    said = why_not(engine, purpose_category="non_productive_fixed_assets")
    assert "不能为非生产性固定资产投资" in said["zh"] and "non_productive" not in said["zh"] + said["en"]
    said = why_not(engine, **{"enterprise.industry_code": "7010"})
    assert "70（房地产业）" in said["zh"] and "70 (real estate)" in said["en"]


def test_the_forty_percent_reason_names_the_one_percent_guarantee_fee_alternative(engine):
    decision = engine.decide(facts_from_application(valid_body("credit", **{"enterprise.industry_code": "6210", "subsidy_claim.hard_hit_confirmed": True})),
                             date(2022, 6, 1)).to_json()
    (reason,) = [r for r in decision["reasons"] if r["rule"] == "subsidy.2022.hard_hit"]
    assert decision["first_loan_subsidy"]["guarantee_fee_subsidy_rate_cap"] == 0.01
    assert "40%" in reason["zh"] and "1%" in reason["zh"] and "二选一" in reason["zh"]
    assert "1%" in reason["en"] and "one of the two" in reason["en"]


@pytest.mark.parametrize("scenario, agency, own, not_cited", [
    ("ip_pledge", "ipo", "知识产权质押", "确权融资"),
    ("real_estate_mortgage", "realestate", "不动产登记中心", "确权融资"),
    ("entrepreneurship_guarantee", "hr", "创业担保贷款", "确权融资"),
    ("receivable_confirmation", None, "确权融资服务工作规则", "知识产权"),
])
def test_each_required_review_cites_its_own_source(engine, scenario, agency, own, not_cited):
    decision = engine.decide(facts_from_application(valid_body(scenario)), ON).to_json()
    (reason,) = [r for r in decision["reasons"] if r["rule"].startswith("reviews.")]
    assert own in reason["source"] and not_cited not in reason["source"]
    (required,) = decision["required_reviews"]
    assert agency is None or required == agency
    assert decision["review_sources"] == {required: reason["source"]}


def test_the_hiring_rule_the_fact_and_the_form_all_speak_of_new_hires_who_meet_the_conditions(engine):
    decision = engine.decide(facts_from_application(valid_body("entrepreneurship_guarantee",
                                                               **{"details.new_hires_last_year": 1})), ON).to_json()
    (reason,) = decision["ineligible_reasons"]
    field = forms().schema("entrepreneurship_guarantee")["properties"]["details"]["properties"]["new_hires_last_year"]
    label = engine.book.facts["new_hires_last_year"]
    for zh in (reason["zh"], field["x-title-zh"], label["zh"]):
        assert "符合条件" in zh, zh
    for en in (reason["en"], field["title"], label["en"]):
        assert "meet the loan's conditions" in en, en


def test_a_fact_whose_value_has_no_words_is_refused_when_the_catalog_loads(tmp_path):
    shutil.copy(data_dir("rules") / "facts.yaml", tmp_path / "facts.yaml")
    text = (tmp_path / "facts.yaml").read_text(encoding="utf-8")
    (tmp_path / "facts.yaml").write_text(text.replace("      micro: {zh: 微型企业, en: micro}\n", ""), encoding="utf-8")
    with pytest.raises(RuleFileError, match="no label for the value"):
        load_facts(tmp_path)


def test_an_ip_pledge_decision_lists_the_assumed_subsidy_parameters_with_their_note_and_source(engine):
    decision = engine.decide(facts_from_application(valid_body("ip_pledge")), ON).to_json()
    zgc, citywide = decision["ip_pledge_subsidy"]
    assert (zgc["scheme"], zgc["interest_share"], zgc["annual_cap"]) == ("zhongguancun", 0.40, 500_000)
    assert (citywide["scheme"], citywide["interest_share"], citywide["annual_cap"]) == ("citywide_2024", 0.50, 300_000)
    for scheme in (zgc, citywide):
        assert scheme["assumed"] is True and "Assumed" in scheme["note"] and "Assumed" in scheme["source"]
    assert {"ruleset": "ip_pledge_subsidy", "version": "2024.1"} in [
        {k: r[k] for k in ("ruleset", "version")} for r in decision["rules"]]
    assert decision["first_loan_subsidy"]["interest_subsidy_rate"] == 0.20, "the assumed schemes change nothing else"
    assert "ip_pledge_subsidy" not in engine.decide(facts_from_application(valid_body("credit")), ON).to_json()
    assert "ip_pledge_subsidy" not in engine.decide(facts_from_application(valid_body("ip_pledge")), date(2023, 6, 1)).to_json()


def test_a_fact_not_known_reads_as_not_known_and_a_known_one_as_its_requirement(engine):
    """The wording of a miss is remembered by its shape: a fact that is false and one that was
    never given fail the same condition, yet must not share an explanation."""
    facts = facts_from_application(valid_body("credit", **{"enterprise.district": "other"}))
    said_false = engine.decide(facts, ON).to_json()["first_loan_subsidy"]["why_not"]
    unknown = {k: v for k, v in facts.items() if k not in ("district", "registered_in_beijing")}
    said_unknown = engine.decide(unknown, ON).to_json()["first_loan_subsidy"]["why_not"]
    assert said_false["condition"] == said_unknown["condition"] == {"fact": "registered_in_beijing", "op": "equals", "value": True}
    assert "尚未提供或未查询到" in said_unknown["zh"] and "is not known" in said_unknown["en"]
    assert "在京注册须为是" in said_false["zh"] and "must be yes" in said_false["en"]
