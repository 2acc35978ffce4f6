"""The loan forms: what a person filling them in is told, in both languages, all at once."""
import json
import math
import re

import pytest

from chalicelib.domain.errors import FieldError
from chalicelib.forms import SCENARIOS
from chalicelib.forms.identifiers import resident_id_problem, uscc_problem
from tests.builders import forms, valid_body, valid_uscc

CJK = re.compile("[\u4e00-\u9fff]")


def codes_at(body):
    return {(e.path, e.code) for e in forms().validate(body)}


def error_at(body, path):
    [error] = [e for e in forms().validate(body) if e.path == path]
    return error


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_each_scenarios_examples_make_a_valid_body(scenario):
    assert forms().validate(valid_body(scenario)) == []


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_example_body_is_the_contracts_body_with_the_agreed_placeholders(scenario):
    body = valid_body(scenario)
    assert set(body) == {"scenario", "enterprise", "amount", "term_months", "purpose", "purpose_category",
                         "banks", "products", "materials", "first_loan", "renewal", "subsidy_claim", "details"}
    assert body["scenario"] == scenario
    assert body["enterprise"] | {"uscc": None, "name": None} == {
        "uscc": None, "name": None, "industry_code": "6510", "employees": 45, "annual_revenue": 8000000,
        "total_assets": 5000000, "district": "haidian", "established": "2019-03-15"}
    assert uscc_problem(body["enterprise"]["uscc"]) is None
    assert (body["amount"], body["term_months"], body["first_loan"], body["renewal"]) == (1000000, 12, True, False)
    assert body["banks"] == ["ICBC-BJ", "BOB-BJ"]
    assert body["products"] == [f"ICBC-BJ-{scenario}-01"]


def test_the_entrepreneurs_example_hired_ten_people_and_is_a_real_resident_id():
    details = valid_body("entrepreneurship_guarantee")["details"]
    assert details["new_hires_last_year"] == 10
    assert resident_id_problem(details["applicant"]["id_number"]) is None


def test_the_as_of_date_is_optional_and_checked():
    assert forms().validate(valid_body("credit", as_of="2026-11-25")) == []
    assert codes_at(valid_body("credit", as_of="2026-13-01")) == {("/as_of", "format")}


# ---- each kind of violation: pointer, code -------------------------------------------------
VIOLATIONS = [
    ("credit", {"term_months": "12"}, "/term_months", "type"),
    ("credit", {"term_months": 1.5}, "/term_months", "type"),
    ("credit", {"enterprise.employees": True}, "/enterprise/employees", "type"),
    ("credit", {"first_loan": "yes"}, "/first_loan", "type"),
    ("credit", {"amount": math.nan}, "/amount", "type"),
    ("credit", {"amount": math.inf}, "/amount", "type"),
    ("credit", {"enterprise": "ACME"}, "/enterprise", "type"),
    ("credit", {"enterprise.district": "pudong"}, "/enterprise/district", "enum"),
    ("credit", {"purpose_category": "gambling"}, "/purpose_category", "enum"),
    ("credit", {"purpose_category": None}, "/purpose_category", "enum"),
    ("credit", {"enterprise.district": 108}, "/enterprise/district", "enum"),
    ("entrepreneurship_guarantee", {"details.person_category": "banker"}, "/details/person_category", "enum"),
    ("credit", {"enterprise.industry_code": "62A"}, "/enterprise/industry_code", "pattern"),
    ("credit", {"enterprise.industry_code": "62101"}, "/enterprise/industry_code", "pattern"),
    ("credit", {"banks": ["icbc-bj"]}, "/banks/0", "pattern"),
    ("ip_pledge", {"details.patents.0.number": "202110123456.7"}, "/details/patents/0/number", "pattern"),
    ("entrepreneurship_guarantee", {"details.applicant.mobile": "1380013800"}, "/details/applicant/mobile", "pattern"),
    ("receivable_confirmation", {"details.purchasing_unit.id": "-PU"}, "/details/purchasing_unit/id", "pattern"),
    ("real_estate_mortgage", {"details.property_certificate_number": "朝阳区0012345"},
     "/details/property_certificate_number", "pattern"),
    ("credit", {"amount": 0}, "/amount", "minimum"),
    ("credit", {"enterprise.employees": -1}, "/enterprise/employees", "minimum"),
    ("credit", {"term_months": 0}, "/term_months", "minimum"),
    ("credit", {"term_months": 361}, "/term_months", "maximum"),
    ("credit", {"amount": 10_000_000_001}, "/amount", "maximum"),
    ("credit", {"purpose": "x"}, "/purpose", "min_length"),
    ("credit", {"purpose": "x" * 501}, "/purpose", "max_length"),
    ("credit", {"banks": []}, "/banks", "min_items"),
    ("ip_pledge", {"details.patents": []}, "/details/patents", "min_items"),
    ("credit", {"banks": ["A", "B", "C", "D", "E", "F"]}, "/banks", "max_items"),
    ("credit", {"products": [f"P{n}" for n in range(11)]}, "/products", "max_items"),
    ("credit", {"banks": ["ICBC-BJ", "ICBC-BJ"]}, "/banks", "unique_items"),
    ("credit", {"enterprise.established": "2019-02-29"}, "/enterprise/established", "format"),
    ("credit", {"enterprise.established": "15/03/2019"}, "/enterprise/established", "format"),
    ("receivable_confirmation", {"details.procurement_notice_url": "https://www.ccgp-beijing.gov.cn/a b.html"},
     "/details/procurement_notice_url", "format"),
    ("receivable_confirmation", {"details.procurement_notice_url": "https://www.ccgp-beijing.gov.cn/%zz.html"},
     "/details/procurement_notice_url", "format"),
    ("receivable_confirmation", {"details.procurement_notice_url": "http://www.ccgp-beijing.gov.cn/x.html"},
     "/details/procurement_notice_url", "pattern"),
    ("credit", {"enterprise.name": "北京\u202e司公限有"}, "/enterprise/name", "control_characters"),
    ("credit", {"purpose": "采购\x00服务器"}, "/purpose", "control_characters"),
    ("entrepreneurship_guarantee", {"details.applicant.id_number": "110105199003071238"},
     "/details/applicant/id_number", "resident_id"),
    ("entrepreneurship_guarantee", {"details.applicant.id_number": "11010519900307123"},
     "/details/applicant/id_number", "resident_id"),
    ("credit", {"enterprise.nickname": "ACME"}, "/enterprise/nickname", "unknown_field"),
    ("ip_pledge", {"details.patents.0.inventor": "张伟"}, "/details/patents/0/inventor", "unknown_field"),
    ("credit", {"extra": 1}, "/extra", "unknown_field"),
]


@pytest.mark.parametrize("scenario, overrides, path, code", VIOLATIONS)
def test_each_violation_is_pointed_at_with_its_code(scenario, overrides, path, code):
    errors = forms().validate(valid_body(scenario, **overrides))
    assert [(e.path, e.code) for e in errors] == [(path, code)]
    assert CJK.search(errors[0].message_zh) and errors[0].message_en.split(" (for example")[0].isascii()


@pytest.mark.parametrize("scenario, field", [
    ("credit", "enterprise.name"), ("credit", "details.repayment_source"), ("credit", "purpose"),
    ("entrepreneurship_guarantee", "details.applicant.id_number"), ("ip_pledge", "details.patents.0.valid_until"),
    ("receivable_confirmation", "details.purchasing_unit.name"), ("real_estate_mortgage", "details.owner_is_applicant")])
def test_a_missing_field_is_pointed_at_where_it_should_be(scenario, field):
    body = valid_body(scenario)
    *parents, leaf = field.split(".")
    node = body
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    del node[leaf]
    assert codes_at(body) == {("/" + field.replace(".", "/"), "required")}


def test_optional_fields_may_be_left_out():
    body = valid_body("credit")
    for key in ("products", "purpose_category"):
        del body[key]
    del body["details"]["annual_tax_paid"]
    assert forms().validate(body) == []
    ip = valid_body("ip_pledge")
    del ip["details"]["trademarks"]
    assert forms().validate(ip) == []


@pytest.mark.parametrize("url, accepted", [
    ("https://www.ccgp-beijing.gov.cn/xxgg/qjzfcggg/t20260815_1234567.html", True),
    ("https://ccgp-beijing.gov.cn/notice?id=1", True),
    ("https://czj.beijing.gov.cn/zfcg/t1.html", True),
    ("https://www.beijing.gov.cn", True),
    ("http://www.ccgp-beijing.gov.cn/x.html", False),
    ("https://www.ccgp.gov.cn/cggg/dfgg/t1.html", False),
    ("https://ccgp-beijing.gov.cn.example.com/x.html", False),
    ("https://ccgp-beijing.gov.cn@example.com/x.html", False),
    ("https://evilbeijing.gov.cn/x.html", False),
    ("https://example.com/?next=https://www.ccgp-beijing.gov.cn/", False),
])
def test_the_procurement_notice_must_be_on_a_beijing_government_site(url, accepted):
    errors = codes_at(valid_body("receivable_confirmation", **{"details.procurement_notice_url": url}))
    assert errors == (set() if accepted else {("/details/procurement_notice_url", "pattern")})


@pytest.mark.parametrize("number, codes", [
    ("ZL201710601862.3", set()),  # the worked example published with the rule
    ("ZL202120000005.X", set()),  # remainder 10 is written X
    ("ZL201710601862.4", {"patent_check_digit"}),
    ("ZL202120000005.0", {"patent_check_digit"}),
    ("ZL20171060186.3", {"pattern"}),  # a shape error is one error, not also a check-digit one
    ("ZL201710601862.x", {"pattern"}),
])
def test_a_patent_numbers_check_digit_is_checked(number, codes):
    errors = forms().validate(valid_body("ip_pledge", **{"details.patents.0.number": number}))
    assert {(e.path, e.code) for e in errors} == {("/details/patents/0/number", code) for code in codes}
    if codes == {"patent_check_digit"}:
        assert "校验位" in errors[0].message_zh and "check digit" in errors[0].message_en
        assert number not in errors[0].message_zh + errors[0].message_en


def test_both_certificate_styles_of_a_property_number_are_accepted():
    for number in ("京(2023)朝阳区不动产权第0012345号", "京（2023）朝阳区不动产权第0012345号"):
        assert forms().validate(valid_body("real_estate_mortgage", **{"details.property_certificate_number": number})) == []


# ---- messages --------------------------------------------------------------------------------------
def test_messages_use_the_fields_own_titles_in_both_languages():
    body = valid_body("credit")
    del body["enterprise"]["name"]
    error = error_at(body, "/enterprise/name")
    assert (error.message_zh, error.message_en) == ("企业名称为必填项", "Enterprise name is required")
    error = error_at(valid_body("credit", term_months=400), "/term_months")
    assert (error.message_zh, error.message_en) == ("贷款期限（月）不能大于 360", "Term (months) must be at most 360")
    error = error_at(valid_body("credit", **{"enterprise.employees": -1}), "/enterprise/employees")
    assert (error.message_zh, error.message_en) == ("从业人员（人）不能小于 0", "Employees must be at least 0")
    error = error_at(valid_body("credit", amount=0), "/amount")
    assert (error.message_zh, error.message_en) == ("申请金额（元）须大于 0", "Amount requested (yuan) must be more than 0")


def test_a_format_message_shows_the_forms_own_example():
    error = error_at(valid_body("credit", **{"enterprise.industry_code": "IT"}), "/enterprise/industry_code")
    assert "6510" in error.message_zh and "6510" in error.message_en
    error = error_at(valid_body("credit", banks=["ICBC-BJ", "bob"]), "/banks/1")
    assert error.message_zh.startswith("意向银行（第 2 项）") and "ICBC-BJ" in error.message_zh
    assert error.message_en.startswith("Banks chosen (item 2) has the wrong format")


def test_a_list_item_is_named_by_the_items_title():
    body = valid_body("ip_pledge")
    body["details"]["patents"].append("ZL202110123456.7")
    error = error_at(body, "/details/patents/1")
    assert (error.code, error.message_zh, error.message_en) == ("type", "专利须为对象", "Patent must be an object")


def test_messages_never_echo_what_was_typed():
    secret = "110105199003071238"
    typed = {"details.applicant.id_number": secret, "details.applicant.name": "\x07" * 3,
             "details.guarantee_institution": "<script>alert(1)</script>" * 10, "enterprise.nickname\x1b[31m": 1}
    errors = forms().validate(valid_body("entrepreneurship_guarantee", **typed))
    assert {e.code for e in errors} == {"resident_id", "control_characters", "max_length", "unknown_field"}
    text = json.dumps([[e.message_zh, e.message_en] for e in errors], ensure_ascii=False)
    assert secret not in text and "\x07" not in text and "<script>" not in text and "\x1b" not in text


# ---- many at once --------------------------------------------------------------------------------
def test_every_violation_comes_back_at_once_sorted_by_path():
    body = valid_body("credit", amount=0, term_months=1.5, banks=[f"B{n}" for n in range(12)], extra=True)
    del body["enterprise"]["name"]
    body["enterprise"]["district"] = "pudong"
    body["banks"][2], body["banks"][10] = "bad code", "worse code"
    errors = forms().validate(body)
    assert [(e.path, e.code) for e in errors] == [
        ("/amount", "minimum"), ("/banks", "max_items"), ("/banks/2", "pattern"), ("/banks/10", "pattern"),
        ("/enterprise/district", "enum"), ("/enterprise/name", "required"), ("/extra", "unknown_field"),
        ("/term_months", "type")]
    assert all(isinstance(e, FieldError) and e.message_zh and e.message_en for e in errors)


def test_a_wrong_scenario_is_the_only_error_reported():
    for body in ({"amount": -1}, {"scenario": "payday", "amount": -1}, {"scenario": ["credit"]}, {"scenario": None}):
        errors = forms().validate(body)
        assert [(e.path, e.code) for e in errors] == [("/scenario", "unknown_scenario")]
        assert all(s in errors[0].message_en for s in SCENARIOS)


@pytest.mark.parametrize("body", [None, [], "credit", 3, 2.5, True])
def test_a_body_that_is_not_an_object_is_one_error_at_the_root(body):
    assert [(e.path, e.code) for e in forms().validate(body)] == [("", "type")]


# ---- the USCC -----------------------------------------------------------------------------------------
def test_the_uscc_check_digit_is_checked_and_told_apart_from_a_bad_format():
    good = valid_uscc(42)
    assert uscc_problem(good) is None and forms().validate(valid_body("credit", **{"enterprise.uscc": good})) == []
    wrong_digit = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert codes_at(valid_body("credit", **{"enterprise.uscc": wrong_digit})) == {("/enterprise/uscc", "uscc_check_digit")}
    assert "check digit" in uscc_problem(wrong_digit)
    example = valid_body("credit")["enterprise"]["uscc"]
    for bad in ("1234", good + "0", example.lower(), " " + good[:17], good[:8] + "-" + good[8:17], "O" + good[1:]):
        assert codes_at(valid_body("credit", **{"enterprise.uscc": bad})) == {("/enterprise/uscc", "uscc_format")}, bad
        assert uscc_problem(bad) and "check digit" not in uscc_problem(bad)
    assert codes_at(valid_body("credit", **{"enterprise.uscc": 91110108})) == {("/enterprise/uscc", "type")}
    assert uscc_problem(91110108) and uscc_problem(None)


def test_the_uscc_error_says_which_rule_is_broken_in_both_languages():
    good = valid_uscc(7)
    error = error_at(valid_body("credit", **{"enterprise.uscc": good[:-1] + ("A" if good[-1] != "A" else "B")}),
                     "/enterprise/uscc")
    assert "校验位" in error.message_zh and "check digit" in error.message_en


# ---- robustness ------------------------------------------------------------------------------------
def _nested(depth, leaf, wrap):
    for _ in range(depth):
        leaf = wrap(leaf)
    return leaf


HOSTILE = [None, True, 0, -1, 10**400, 10**5000, -(10**5000), math.nan, -math.inf, "", "\x00\u202e", "A" * 100_000,
           [], {}, [None] * 1000, {"x" * 1000: 1}, _nested(800, [], lambda x: [x]),
           _nested(800, {}, lambda x: {"a": x}), json.loads("[" * 900 + "]" * 900)]


def _leaf_paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaf_paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaf_paths(value, (*path, index))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_any_json_value_anywhere_gives_errors_not_a_crash(scenario):
    example = valid_body(scenario)
    for path in list(_leaf_paths(example))[1:]:
        for value in HOSTILE:
            body = valid_body(scenario, **{".".join(map(str, path)): value})
            errors = forms().validate(body)
            assert all(isinstance(e, FieldError) for e in errors)
            if path == ("scenario",):
                assert [e.code for e in errors] == ["unknown_scenario"]
            elif value in (True, 0) or value == [] or value == {} or value is None:
                continue  # some of these are valid somewhere (a flag, an optional list, …)
            else:
                pointer = "/" + "/".join(map(str, path))
                assert errors and all(e.path.startswith(pointer) for e in errors), (path, type(value))
                assert all(len(e.message_en) < 400 and len(e.message_zh) < 400 for e in errors)


def test_repeating_unknown_nested_values_cannot_crash_the_unique_check():
    deep = json.loads("[" * 900 + "]" * 900)
    assert codes_at(valid_body("credit", banks=[deep, deep])) >= {("/banks", "unique_items"), ("/banks/0", "type")}


def test_thousands_of_unknown_fields_are_each_reported():
    body = valid_body("credit", **{f"field{n}": n for n in range(3000)})
    assert len(forms().validate(body)) == 3000


def test_validation_is_fast_because_each_form_is_compiled_once():
    import time
    bodies = [valid_body(s) for s in SCENARIOS]
    start = time.perf_counter()
    for _ in range(100):
        for body in bodies:
            forms().validate(body)
    per_body = (time.perf_counter() - start) / 500
    assert per_body < 0.005, f"{per_body * 1e6:.0f} µs per body"


def test_a_property_named_with_a_superscript_digit_is_reported_not_a_crash():
    """'¹'.isdigit() is true but int('¹') raises: error pointers sort list indexes by ASCII digits only."""
    body = valid_body("credit")
    body["enterprise"]["¹"] = 1
    body["enterprise"]["2"] = 1
    assert [(e.path, e.code) for e in forms().validate(body)] == [("/enterprise/2", "unknown_field"),
                                                                   ("/enterprise/¹", "unknown_field")]
