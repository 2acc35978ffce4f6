"""The loan forms: what a person filling them in is told, in both languages, all at once."""
import json

import pytest
from jsonschema import Draft202012Validator

from chalicelib.domain.errors import NotFound
from chalicelib.forms import SCENARIOS
from chalicelib.forms.identifiers import uscc_problem
from tests.builders import forms, valid_body, valid_uscc


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_each_scenarios_examples_make_a_valid_body(scenario):
    assert forms().validate(valid_body(scenario)) == []


def codes_at(body):
    return {(e.path, e.code) for e in forms().validate(body)}


def test_every_violation_comes_back_at_once_with_pointer_code_and_both_languages():
    body = valid_body("credit")
    body["amount"] = 0
    body["term_months"] = 1.5
    del body["enterprise"]["name"]
    body["banks"] = ["ICBC-BJ", "ICBC-BJ"]
    body["enterprise"]["district"] = "pudong"
    body["extra"] = True
    errors = forms().validate(body)
    assert {(e.path, e.code) for e in errors} == {
        ("/amount", "minimum"), ("/term_months", "type"), ("/enterprise/name", "required"),
        ("/banks", "unique_items"), ("/enterprise/district", "enum"), ("/extra", "unknown_field")}
    by_path = {e.path: e for e in errors}
    assert by_path["/enterprise/name"].message_zh == "企业名称为必填项"
    assert by_path["/enterprise/name"].message_en == "Enterprise name is required"
    assert all(e.message_zh and e.message_en for e in errors)


def test_an_array_element_is_pointed_at_by_its_index():
    body = valid_body("ip_pledge")
    body["details"]["patents"].append({**body["details"]["patents"][0], "type": "secret"})
    assert codes_at(body) == {("/details/patents/1/type", "enum")}


def test_a_missing_or_unknown_scenario_is_the_only_error_reported():
    assert codes_at({"amount": -1}) == {("/scenario", "unknown_scenario")}
    assert codes_at({"scenario": "payday"}) == {("/scenario", "unknown_scenario")}
    assert [e.path for e in forms().validate([1])] == [""]


def test_the_uscc_check_digit_is_checked_and_told_apart_from_a_bad_format():
    good = valid_uscc(42)
    assert uscc_problem(good) is None
    wrong_digit = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert codes_at(valid_body("credit", **{"enterprise.uscc": wrong_digit})) == {("/enterprise/uscc", "uscc_check_digit")}
    assert codes_at(valid_body("credit", **{"enterprise.uscc": "1234"})) == {("/enterprise/uscc", "uscc_format")}
    assert codes_at(valid_body("credit", **{"enterprise.uscc": good.lower()})) == {("/enterprise/uscc", "uscc_format")}


def test_messages_never_echo_an_id_number():
    body = valid_body("entrepreneurship_guarantee")
    secret = body["details"]["applicant"]["id_number"][:-1] + "0"
    body["details"]["applicant"]["id_number"] = secret
    errors = forms().validate(body)
    assert [e.code for e in errors] == ["resident_id"]
    assert secret not in json.dumps([e.to_dict() for e in errors], ensure_ascii=False)


def test_dates_and_urls_are_checked():
    body = valid_body("receivable_confirmation", **{"details.contract_signed_on": "2026-02-30",
                                                    "details.procurement_notice_url": "http://example.com/x"})
    assert codes_at(body) == {("/details/contract_signed_on", "format"),
                              ("/details/procurement_notice_url", "format")}


@pytest.mark.parametrize("value", [10**400, -1e308, "1" * 10000, {"a": [[[]]]}, None, "\u0000\u202e"])
def test_any_json_value_anywhere_gives_errors_not_a_crash(value):
    for field in ("amount", "enterprise", "banks", "details", "purpose"):
        errors = forms().validate(valid_body("credit", **{field: value}))
        assert errors and all(e.path.startswith(f"/{field}") for e in errors)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_published_schema_is_self_contained(scenario):
    schema = forms().schema(scenario)
    assert "common.schema.json" not in json.dumps(schema)
    validator = Draft202012Validator(schema)
    assert list(validator.iter_errors(valid_body(scenario))) == []
    assert list(validator.iter_errors({"scenario": scenario}))


def walk(node, path=""):
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            yield f"{path}/{name}", prop
            yield from walk(prop, f"{path}/{name}")
        if isinstance(node.get("items"), dict):
            yield from walk(node["items"], f"{path}/*")
        for name, sub in (node.get("$defs") or {}).items():
            yield from walk(sub, f"$defs/{name}")


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_property_has_zh_and_en_titles_and_an_example(scenario):
    props = list(walk(forms().schema(scenario)))
    assert len(props) > 20
    lacking = [p for p, prop in props if not (prop.get("title") and prop.get("x-title-zh") and prop.get("examples"))]
    assert lacking == []


def test_each_scenario_is_listed_with_its_reviewing_agency():
    listed = {f["id"]: f["agency"] for f in forms().list_forms()}
    assert listed == {"credit": None, "entrepreneurship_guarantee": "hr", "ip_pledge": "ipo",
                      "receivable_confirmation": "purchaser", "real_estate_mortgage": "realestate"}
    with pytest.raises(NotFound):
        forms().schema("payday")


def test_a_schema_file_with_an_untitled_property_is_refused(tmp_path):
    from chalicelib.forms import FormDefinitionError, FormRegistry
    from chalicelib.datafiles import data_dir
    for f in data_dir("forms").glob("*.json"):
        (tmp_path / f.name).write_text(f.read_text())
    doc = json.loads((tmp_path / "credit.schema.json").read_text())
    del doc["properties"]["details"]["properties"]["repayment_source"]["x-title-zh"]
    (tmp_path / "credit.schema.json").write_text(json.dumps(doc))
    with pytest.raises(FormDefinitionError, match="repayment_source"):
        FormRegistry.load(tmp_path)
