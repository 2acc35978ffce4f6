"""The schema files themselves: complete, self-contained when published, and refused when broken."""
import json
import subprocess
import sys

import pytest
from jsonschema import Draft202012Validator

from chalicelib.datafiles import data_dir
from chalicelib.domain.errors import NotFound
from chalicelib.forms import SCENARIOS, FormDefinitionError, FormRegistry
from tests.builders import forms, valid_body, valid_uscc


# ---- what GET /forms and GET /forms/{scenario} publish -----------------------------------------
def test_the_scenarios_are_listed_in_their_fixed_order_with_their_reviewing_agency():
    assert forms().scenario_ids() == ("credit", "entrepreneurship_guarantee", "ip_pledge",
                                      "receivable_confirmation", "real_estate_mortgage")
    listed = forms().list_forms()
    assert [f["id"] for f in listed] == list(SCENARIOS)
    assert {f["id"]: f["agency"] for f in listed} == {
        "credit": None, "entrepreneurship_guarantee": "hr", "ip_pledge": "ipo",
        "receivable_confirmation": "purchaser", "real_estate_mortgage": "realestate"}
    for form in listed:
        assert set(form) == {"id", "name_zh", "name_en", "agency", "description_zh", "description_en"}
        assert all(form[k] for k in ("name_zh", "name_en", "description_zh", "description_en"))


def test_an_unknown_scenario_has_no_schema():
    for name in ("payday", "", "common", "../credit"):
        with pytest.raises(NotFound) as info:
            forms().schema(name)
        assert info.value.errors[0].code == "unknown_scenario"


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_published_schema_is_self_contained(scenario):
    schema = forms().schema(scenario)
    refs = list(_refs(schema))
    assert refs and all(ref.startswith("#/$defs/") for ref in refs)
    assert "common.schema.json" not in json.dumps(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(valid_body(scenario))) == []
    broken = valid_body(scenario, amount=-5, banks=[], **{"enterprise.district": "pudong"})
    assert {e.validator for e in validator.iter_errors(broken)} >= {"exclusiveMinimum", "minItems", "enum"}


def test_a_portal_with_a_plain_validator_catches_the_shape_of_the_identifiers():
    schema = forms().schema("entrepreneurship_guarantee")
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    broken = valid_body("entrepreneurship_guarantee", **{"enterprise.uscc": "9111010 8MA01C2XY6E",
                                                         "details.applicant.id_number": "11010519900307123x"})
    assert sorted((list(e.absolute_path), e.validator) for e in validator.iter_errors(broken)) == [
        (["details", "applicant", "id_number"], "pattern"), (["enterprise", "uscc"], "pattern")]
    assert [(e.path, e.code) for e in forms().validate(broken)] == [
        ("/details/applicant/id_number", "resident_id"), ("/enterprise/uscc", "uscc_format")]


def test_the_published_schema_is_a_copy():
    forms().schema("credit")["properties"]["amount"]["title"] = "changed"
    assert forms().schema("credit")["properties"]["amount"]["title"] == "Amount requested (yuan)"


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_top_of_each_form_names_it_in_both_languages(scenario):
    schema = forms().schema(scenario)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] and schema["x-title-zh"] and schema["x-scenario"]["id"] == scenario
    assert schema["properties"]["scenario"]["const"] == scenario
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"scenario", "enterprise", "amount", "term_months", "purpose", "banks",
                                       "first_loan", "renewal", "details"}


def _properties(node, defs, path=""):
    """Every property, and every array item that is an object, of a bundled schema."""
    while "$ref" in node and "properties" not in node and "items" not in node:
        node = defs[node["$ref"].rsplit("/", 1)[1]]
    for name, prop in (node.get("properties") or {}).items():
        yield f"{path}/{name}", prop
        yield from _properties(prop, defs, f"{path}/{name}")
    items = node.get("items")
    if isinstance(items, dict):
        target = items
        while "$ref" in target and "properties" not in target:
            target = defs[target["$ref"].rsplit("/", 1)[1]]
        if "properties" in target:
            yield f"{path}/*", items
        yield from _properties(items, defs, f"{path}/*")


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_property_has_zh_and_en_titles_and_a_valid_example(scenario):
    schema = forms().schema(scenario)
    defs = schema["$defs"]
    props = list(_properties(schema, defs))
    assert len(props) >= 20 and any(path.endswith("/*") for path, _ in props) == (scenario == "ip_pledge")
    for path, prop in props:
        assert isinstance(prop.get("title"), str) and prop["title"].isascii(), path
        assert isinstance(prop.get("x-title-zh"), str) and any("\u4e00" <= c <= "\u9fff" for c in prop["x-title-zh"]), path
        assert prop.get("examples"), path
        validator = Draft202012Validator({**prop, "$defs": defs}, format_checker=Draft202012Validator.FORMAT_CHECKER)
        for example in prop["examples"]:
            assert list(validator.iter_errors(example)) == [], path
        target = prop
        while "$ref" in target and "properties" not in target:
            target = defs[target["$ref"].rsplit("/", 1)[1]]
        if "properties" in target:
            assert target.get("additionalProperties") is False, path


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_portal_filling_the_top_level_examples_gets_the_same_valid_body(scenario):
    schema = forms().schema(scenario)
    prefilled = {name: prop["examples"][0] for name, prop in schema["properties"].items()
                 if prop.get("examples") and name != "as_of"}
    assert prefilled == forms().example(scenario)


# ---- the builders the other tests use ---------------------------------------------------------------
def test_valid_uscc_gives_distinct_valid_codes_per_seed():
    from stdnum.cn import uscc
    codes = [valid_uscc(n) for n in range(2000)]
    assert len(set(codes)) == 2000 and all(uscc.is_valid(c) for c in codes)
    assert valid_uscc(17) == valid_uscc(17)
    assert valid_body("credit")["enterprise"]["uscc"] not in codes
    assert all(forms().validate(valid_body("credit", **{"enterprise.uscc": c})) == [] for c in codes[:50])


def test_valid_body_applies_dotted_overrides_to_a_fresh_copy():
    body = valid_body("ip_pledge", amount=5_000_000, **{"enterprise.employees": 5, "details.patents.0.type": "design",
                                                         "banks": ["BOC-BJ"], "scenario": "ip_pledge"})
    assert (body["amount"], body["enterprise"]["employees"], body["details"]["patents"][0]["type"], body["banks"]) == \
        (5_000_000, 5, "design", ["BOC-BJ"])
    body["enterprise"]["name"] = "changed"
    assert valid_body("ip_pledge")["enterprise"]["name"] != "changed"
    assert valid_body("ip_pledge")["amount"] == 1000000


# ---- loading: lazy, and a broken file refused with its file and pointer -----------------------------
def test_importing_the_forms_package_does_not_import_jsonschema_or_stdnum():
    code = ("import sys; import chalicelib.forms, chalicelib.forms.identifiers; "
            "print(sorted(m for m in ('jsonschema', 'referencing', 'stdnum') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.fixture
def forms_copy(tmp_path):
    for path in data_dir("forms").glob("*.json"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")

    def edit(name, change):
        file = tmp_path / f"{name}.schema.json"
        doc = json.loads(file.read_text(encoding="utf-8"))
        change(doc)
        file.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return tmp_path, edit


def test_the_copied_forms_load(forms_copy):
    directory, _ = forms_copy
    assert FormRegistry.load(directory).scenario_ids() == SCENARIOS


def details(doc):
    return doc["properties"]["details"]["properties"]


BROKEN = [
    ("credit", lambda d: details(d)["repayment_source"].pop("x-title-zh"),
     "credit.schema.json: /properties/details/properties/repayment_source: property /details/repayment_source needs a Chinese title"),
    ("credit", lambda d: details(d)["annual_tax_paid"].pop("title"),
     "/properties/details/properties/annual_tax_paid: property /details/annual_tax_paid needs an English title"),
    ("credit", lambda d: d["properties"]["renewal"].pop("examples"), "/properties/renewal: property /renewal needs `examples`"),
    ("common", lambda d: d["$defs"]["enterprise"]["properties"]["name"].pop("title"),
     "common.schema.json: /$defs/enterprise/properties/name: property /enterprise/name needs an English title"),
    ("ip_pledge", lambda d: details(d)["patents"]["items"].pop("examples"),
     "ip_pledge.schema.json: /properties/details/properties/patents/items: property /details/patents/*"),
    ("credit", lambda d: d["properties"]["term_months"].update(examples=[0]),
     "credit.schema.json: /properties/term_months/examples/0: the example of /term_months is not valid"),
    ("real_estate_mortgage", lambda d: details(d)["appraised_value"].update(examples=[100, -1]),
     "/properties/details/properties/appraised_value/examples/1"),
    ("credit", lambda d: d["properties"]["enterprise"]["examples"][0].update(employees=46),
     "credit.schema.json: /properties/enterprise/examples/0: the example of /enterprise must equal"),
    ("credit", lambda d: d["properties"]["details"].pop("additionalProperties"),
     "/properties/details: object /details must set additionalProperties: false"),
    ("credit", lambda d: d["properties"]["purpose"].update(minLength=-1), "credit.schema.json: /properties/purpose/minLength"),
    ("credit", lambda d: d["properties"]["amount"].update({"$ref": "https://elsewhere.example/x.json#/$defs/a"}),
     "credit.schema.json: /properties/amount/$ref"),
    ("credit", lambda d: d["x-scenario"].update(id="ip_pledge"), "credit.schema.json: /x-scenario/id"),
    ("credit", lambda d: d["x-scenario"].update(agency="police"), "credit.schema.json: /x-scenario/agency"),
    ("credit", lambda d: d["x-scenario"].pop("description_en"), "credit.schema.json: /x-scenario/description_en"),
    ("ip_pledge", lambda d: d["properties"]["scenario"].update(const="credit", examples=["credit"]),
     "ip_pledge.schema.json: /properties/scenario/const"),
    ("common", lambda d: d["$defs"]["district"]["x-enum-labels"].pop("haidian"),
     "common.schema.json: /$defs/district/x-enum-labels/haidian: needs a zh and an en label"),
    ("credit", lambda d: details(d)["tax_credit_rating"]["x-enum-labels"]["B"].pop("en"),
     "credit.schema.json: /properties/details/properties/tax_credit_rating/x-enum-labels/B: needs a zh and an en"),
    ("ip_pledge", lambda d: details(d)["patents"]["items"]["properties"]["type"].pop("x-enum-labels"),
     "ip_pledge.schema.json: /properties/details/properties/patents/items/properties/type/x-enum-labels: missing"),
    ("common", lambda d: d["$defs"]["district"]["enum"].remove("yanqing"),
     "common.schema.json: /$defs/district/x-enum-labels: labels values the enum does not allow: ['yanqing']"),
]


@pytest.mark.parametrize("name, change, message", BROKEN)
def test_a_broken_form_is_refused_naming_the_file_and_pointer(forms_copy, name, change, message):
    directory, edit = forms_copy
    edit(name, change)
    with pytest.raises(FormDefinitionError) as info:
        FormRegistry.load(directory)
    assert message in str(info.value)


def test_allowed_values_that_are_not_text_are_named_as_json_writes_them(forms_copy):
    directory, edit = forms_copy
    edit("real_estate_mortgage", lambda d: details(d)["owner_is_applicant"].update(const=True))
    edit("credit", lambda d: details(d)["tax_credit_rating"].update(
        enum=["A", 1, None], examples=["A"],
        **{"x-enum-labels": {key: {"zh": key, "en": key} for key in ("A", "1", "null")}}))
    edited = FormRegistry.load(directory)
    [error] = edited.validate(valid_body("real_estate_mortgage", **{"details.owner_is_applicant": False}))
    assert (error.code, error.message_zh, error.message_en) == (
        "const", "产权人为申请企业须为 true", "Owned by the applicant must be true")
    [error] = edited.validate(valid_body("credit", **{"details.tax_credit_rating": "Z"}))
    assert error.message_en == "Tax credit rating must be one of: A, 1, null"


def test_a_missing_or_unreadable_file_is_named(forms_copy):
    directory, _ = forms_copy
    (directory / "ip_pledge.schema.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(FormDefinitionError, match="ip_pledge.schema.json: not valid JSON"):
        FormRegistry.load(directory)
    (directory / "ip_pledge.schema.json").unlink()
    with pytest.raises(FormDefinitionError, match="ip_pledge.schema.json: missing"):
        FormRegistry.load(directory)


def test_inlining_a_definition_never_loosens_it():
    from chalicelib.forms.registry import inline
    schema = {"$defs": {"m": {"type": "number", "maximum": 10, "title": "Money"}},
              "properties": {"plain": {"$ref": "#/$defs/m", "title": "Plain"},
                             "narrower": {"$ref": "#/$defs/m", "maximum": 5}}}
    out = inline(schema)
    assert "$defs" not in out
    assert out["properties"]["plain"] == {"type": "number", "maximum": 10, "title": "Plain"}
    assert out["properties"]["narrower"] == {"maximum": 5, "allOf": [{"type": "number", "maximum": 10, "title": "Money"}]}
