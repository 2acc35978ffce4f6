"""The catalog: what the real file offers, how it is queried, and every way a broken one is refused."""
import copy
import json
import math
import time

import pytest

from chalicelib.catalog import SCENARIOS, Catalog, CatalogError
from chalicelib.catalog.__main__ import main as check_catalog_cli
from chalicelib.datafiles import data_dir

BANK_CODES = {"ICBC-BJ", "BOB-BJ", "CCB-BJ", "BOC-BJ", "ABC-BJ", "BOCOM-BJ", "PSBC-BJ", "CMB-BJ",
              "CITIC-BJ", "CEB-BJ", "CMBC-BJ", "SPDB-BJ", "CIB-BJ", "HXB-BJ", "CGB-BJ", "PAB-BJ",
              "BJRCB-BJ", "CBHB-BJ", "HFB-BJ", "ZSB-BJ", "NBCB-BJ", "CZB-BJ"}
PRODUCT_FIELDS = {"id", "bank", "name_zh", "name_en", "scenarios", "min_amount", "max_amount",
                  "min_term_months", "max_term_months", "annual_rate_min", "annual_rate_max"}
# What a product of each scenario may plausibly offer, as (largest max_amount, longest term).
ENVELOPES = {"credit": (5_000_000, 36), "entrepreneurship_guarantee": (3_000_000, 24),
             "ip_pledge": (50_000_000, 60), "receivable_confirmation": (20_000_000, 24),
             "real_estate_mortgage": (100_000_000, 240)}
MIN_BANKS_PER_SCENARIO = 10


@pytest.fixture(scope="module")
def catalog():
    return Catalog.load()


@pytest.fixture
def doc(catalog):
    """A fresh, valid catalog document to break: the real file's content as plain lists."""
    return {"banks": catalog.banks(), "products": catalog.products()}


def product_in(doc, product_id):
    index = next(i for i, p in enumerate(doc["products"]) if p["id"] == product_id)
    return index, doc["products"][index]


def refusal(doc) -> str:
    with pytest.raises(CatalogError) as caught:
        Catalog.from_dict(doc)
    return str(caught.value)


# --- the real file -------------------------------------------------------------------------------

def test_the_center_hosts_22_banks_and_165_products(catalog):
    assert len(catalog.banks()) == 22
    assert len(catalog.products()) == 165
    assert catalog.bank_codes() == tuple(b["code"] for b in catalog.banks())


def test_the_banks_are_the_centers_22_with_short_queue_safe_codes(catalog):
    assert set(catalog.bank_codes()) == BANK_CODES
    assert catalog.bank("ICBC-BJ")["name_en"] == "Industrial and Commercial Bank of China, Beijing Branch"
    assert catalog.bank("BOB-BJ") == {"code": "BOB-BJ", "name_zh": "北京银行", "name_en": "Bank of Beijing"}
    assert catalog.bank("BJRCB-BJ")["name_en"] == "Beijing Rural Commercial Bank"
    assert all(len(code) <= 20 for code in catalog.bank_codes())


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_scenario_is_offered_by_many_banks(catalog, scenario):
    offered = catalog.products(scenario=scenario)
    assert len({p["bank"] for p in offered}) >= MIN_BANKS_PER_SCENARIO
    assert len(offered) >= 15


def test_every_bank_offers_several_products(catalog):
    for code in catalog.bank_codes():
        assert len(catalog.products(bank=code)) >= 5, code


@pytest.mark.parametrize("bank", ["ICBC-BJ", "BOB-BJ"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_example_banks_offer_a_first_product_per_scenario_for_1m_over_12_months(
        catalog, bank, scenario):
    product = catalog.product(f"{bank}-{scenario}-01")
    assert product is not None
    assert product["bank"] == bank and product["scenarios"][0] == scenario
    assert product["min_amount"] <= 1_000_000 <= product["max_amount"]
    assert product["min_term_months"] <= 12 <= product["max_term_months"]


def test_every_product_stays_within_what_its_scenarios_plausibly_offer(catalog):
    for p in catalog.products():
        for scenario in p["scenarios"]:
            largest, longest = ENVELOPES[scenario]
            assert p["max_amount"] <= largest and p["max_term_months"] <= longest, (p["id"], scenario)
        assert 0.02 <= p["annual_rate_min"] <= p["annual_rate_max"] <= 0.06, p["id"]
    guarantee_rates = [p["annual_rate_max"] for p in catalog.products(scenario="entrepreneurship_guarantee")]
    credit_rates = [p["annual_rate_max"] for p in catalog.products(scenario="credit")]
    assert max(guarantee_rates) < sum(credit_rates) / len(credit_rates), "subsidised loans cost less"
    assert max(p["max_amount"] for p in catalog.products(scenario="ip_pledge")) >= 10_000_000
    assert max(p["max_term_months"] for p in catalog.products(scenario="real_estate_mortgage")) >= 120


def test_product_ids_name_their_bank_and_first_scenario(catalog):
    for p in catalog.products():
        prefix = f"{p['bank']}-{p['scenarios'][0]}-"
        assert p["id"].startswith(prefix) and p["id"][len(prefix):].isdigit(), p["id"]


def test_answers_have_exactly_the_contract_fields_and_serialise_as_json(catalog):
    assert all(set(b) == {"code", "name_zh", "name_en"} for b in catalog.banks())
    assert all(set(p) == PRODUCT_FIELDS for p in catalog.products())
    assert all(isinstance(p["scenarios"], list) for p in catalog.products())
    assert json.loads(json.dumps(catalog.products())) == catalog.products()
    assert json.loads(json.dumps(catalog.banks())) == catalog.banks()


def test_the_scenarios_are_the_forms_scenarios():
    from chalicelib.forms import SCENARIOS as FORM_SCENARIOS
    assert SCENARIOS == FORM_SCENARIOS


# --- queries -------------------------------------------------------------------------------------

def test_filters_narrow_by_scenario_by_bank_and_by_both(catalog):
    everything = catalog.products()
    assert catalog.products(scenario=None, bank=None) == everything
    by_scenario = catalog.products(scenario="ip_pledge")
    by_bank = catalog.products(bank="BOB-BJ")
    both = catalog.products(scenario="ip_pledge", bank="BOB-BJ")
    assert by_scenario == [p for p in everything if "ip_pledge" in p["scenarios"]]
    assert by_bank == [p for p in everything if p["bank"] == "BOB-BJ"]
    assert both == [p for p in by_scenario if p in by_bank]
    assert 0 < len(both) < len(by_bank) < len(everything)


def test_a_product_serving_two_scenarios_is_found_under_each(catalog):
    shared = next(p for p in catalog.products() if len(p["scenarios"]) > 1)
    for scenario in shared["scenarios"]:
        assert shared["id"] in {p["id"] for p in catalog.products(scenario=scenario)}


@pytest.mark.parametrize("filters", [{"scenario": "payday"}, {"bank": "NOPE-BJ"}, {"bank": "icbc-bj"},
                                     {"scenario": "credit", "bank": "NOPE-BJ"}, {"scenario": ""}])
def test_unknown_filter_values_simply_give_nothing(catalog, filters):
    assert catalog.products(**filters) == []


def test_lookups_by_code_and_id(catalog):
    assert catalog.product("BOB-BJ-credit-01")["bank"] == "BOB-BJ"
    assert catalog.bank("CZB-BJ")["name_en"] == "Beijing Zhongguancun Bank"
    for missing in ("NOPE", "", None, ["ICBC-BJ"]):
        assert catalog.bank(missing) is None
        assert catalog.product(missing) is None


def test_callers_cannot_change_the_catalog(catalog):
    catalog.products()[0]["scenarios"].append("hacked")
    catalog.products(bank="ICBC-BJ")[0]["max_amount"] = 1
    catalog.product("ICBC-BJ-credit-01")["scenarios"].clear()
    catalog.banks()[0]["code"] = "X"
    catalog.bank("BOB-BJ")["name_en"] = "X"
    fresh = Catalog.load()
    assert catalog.products() == fresh.products()
    assert catalog.banks() == fresh.banks()


def test_the_catalog_does_not_share_the_document_it_was_built_from(doc):
    built = Catalog.from_dict(doc)
    doc["products"][0]["scenarios"].append("hacked")
    doc["banks"][0]["name_en"] = "X"
    assert "hacked" not in built.products()[0]["scenarios"]
    assert built.banks()[0]["name_en"] != "X"


def test_loading_is_quick():
    started = time.perf_counter()
    Catalog.load()
    assert time.perf_counter() - started < 1.0


# --- refusals: each names the entry and the field ------------------------------------------------

def test_a_document_that_is_not_a_mapping_is_refused():
    assert "catalog: must be a mapping with the lists banks and products" in refusal([])


@pytest.mark.parametrize("breakage,expected", [
    (lambda d: d.update(institutions=[]), "catalog: institutions: unknown section"),
    (lambda d: d.pop("products"), "catalog: products: must be a non-empty list, got nothing"),
    (lambda d: d.update(banks=[]), "catalog: banks: must be a non-empty list"),
    (lambda d: d.update(banks={"ICBC-BJ": {}}), "catalog: banks: must be a non-empty list, got dict"),
])
def test_a_document_without_its_two_lists_is_refused(doc, breakage, expected):
    breakage(doc)
    assert expected in refusal(doc)


@pytest.mark.parametrize("breakage,expected", [
    (lambda b: b.pop("name_en"), "banks[1] (BOB-BJ): name_en: missing"),
    (lambda b: b.update(colour="red"), "banks[1] (BOB-BJ): colour: unknown field"),
    (lambda b: b.update(name_zh="  "), "banks[1] (BOB-BJ): name_zh: must be a non-empty text"),
    (lambda b: b.update(name_en=7), "banks[1] (BOB-BJ): name_en: must be a non-empty text, got 7"),
    (lambda b: b.update(code="bob-bj"), "banks[1] (bob-bj): code: 'bob-bj' must match"),
    (lambda b: b.update(code="BOB BJ"), "banks[1] (BOB BJ): code: 'BOB BJ' must match"),
    (lambda b: b.update(code="BANK-OF-BEIJING-HQ-01"), "banks[1] (BANK-OF-BEIJING-HQ-01): code:"),
])
def test_a_broken_bank_is_refused_naming_it_and_the_field(doc, breakage, expected):
    breakage(doc["banks"][1])
    assert expected in refusal(doc)


def test_a_bank_that_is_not_a_mapping_is_refused(doc):
    doc["banks"][2] = "CCB-BJ"
    assert "banks[2]: must be a mapping, got str" in refusal(doc)


def test_a_repeated_bank_code_is_refused_naming_both_entries(doc):
    doc["banks"].append(copy.deepcopy(doc["banks"][0]))
    assert "banks[22] (ICBC-BJ): code: ICBC-BJ already used by banks[0]" in refusal(doc)


PRODUCT_BREAKAGES = [
    (lambda p: p.pop("max_amount"), "max_amount: missing"),
    (lambda p: p.update(currency="CNY"), "currency: unknown field"),
    (lambda p: p.update(name_zh=""), "name_zh: must be a non-empty text"),
    (lambda p: p.update(max_term_months="12"), "max_term_months: must be a whole number, got '12'"),
    (lambda p: p.update(min_amount=100000.0), "min_amount: must be a whole number, got 100000.0"),
    (lambda p: p.update(min_term_months=True), "min_term_months: must be a whole number, got True"),
    (lambda p: p.update(annual_rate_max="4%"), "annual_rate_max: must be a decimal fraction, got '4%'"),
    (lambda p: p.update(annual_rate_min=math.nan), "annual_rate_min: must be a decimal fraction, got nan"),
    (lambda p: p.update(scenarios="ip_pledge"), "scenarios: must be a list"),
    (lambda p: p.update(scenarios=[]), "scenarios: must name at least one of"),
    (lambda p: p.update(scenarios=["ip_pledge", "payday"]), "scenarios: unknown scenario 'payday'"),
    (lambda p: p.update(scenarios=["ip_pledge", "credit", "ip_pledge"]),
     "scenarios: lists ip_pledge more than once"),
    (lambda p: p.update(bank="NOPE-BJ"), "bank: 'NOPE-BJ' is not a code in the banks list"),
    (lambda p: p.update(min_amount=30_000_000), "min_amount: 30000000 is more than max_amount 20000000"),
    (lambda p: p.update(min_term_months=61), "min_term_months: 61 is more than max_term_months 60"),
    (lambda p: p.update(annual_rate_min=0.05), "annual_rate_min: 0.05 is more than annual_rate_max 0.0496"),
    (lambda p: p.update(annual_rate_max=4.96), "annual_rate_max: must be a fraction between 0 and 0.3"),
    (lambda p: p.update(annual_rate_min=0.0), "annual_rate_min: must be a fraction between 0 and 0.3"),
    (lambda p: p.update(annual_rate_min=-0.01), "annual_rate_min: must be a fraction between 0 and 0.3"),
    (lambda p: p.update(min_amount=0), "min_amount: must be a positive number of yuan, got 0"),
    (lambda p: p.update(min_term_months=0), "min_term_months: must be at least 1 month, got 0"),
    (lambda p: p.update(scenarios=["credit"]),
     "id: 'BOB-BJ-ip_pledge-01' must read <bank>-<first scenario>-<nn>"),
    (lambda p: p.update(bank="ICBC-BJ"), "id: 'BOB-BJ-ip_pledge-01' must read"),
]


@pytest.mark.parametrize("breakage,expected", PRODUCT_BREAKAGES)
def test_a_broken_product_is_refused_naming_it_and_the_field(doc, breakage, expected):
    index, product = product_in(doc, "BOB-BJ-ip_pledge-01")
    breakage(product)
    assert f"products[{index}] (BOB-BJ-ip_pledge-01): {expected}" in refusal(doc)


def test_a_product_that_is_not_a_mapping_is_refused(doc):
    doc["products"][4] = ["ICBC-BJ-credit-01"]
    assert "products[4]: must be a mapping, got list" in refusal(doc)


def test_a_repeated_product_id_is_refused_naming_both_entries(doc):
    index, product = product_in(doc, "BOB-BJ-credit-01")
    doc["products"].append(copy.deepcopy(product))
    expected = f"products[165] (BOB-BJ-credit-01): id: BOB-BJ-credit-01 already used by products[{index}]"
    assert expected in refusal(doc)


ODD_VALUES = [None, [], {}, [1], {"a": [1]}, ["credit", {}], 1.5, True, -1, "", "x", math.inf]


@pytest.mark.parametrize("section,field", [("banks", f) for f in ("code", "name_zh", "name_en")] + [
    ("products", f) for f in sorted(PRODUCT_FIELDS)])
def test_any_odd_value_in_any_field_is_refused_never_crashes(doc, section, field):
    for value in ODD_VALUES:
        broken = copy.deepcopy(doc)
        broken[section][0][field] = value
        try:
            Catalog.from_dict(broken)
        except CatalogError as exc:
            assert f"{section}[0]" in str(exc)


def test_every_problem_is_reported_at_once(doc):
    doc["banks"][0]["name_en"] = ""
    doc["products"][3]["bank"] = "NOPE-BJ"
    doc["products"][9]["annual_rate_max"] = 3.5
    with pytest.raises(CatalogError) as caught:
        Catalog.from_dict(doc)
    assert [(p.label.split(" ")[0], p.field) for p in caught.value.problems] == [
        ("banks[0]", "name_en"), ("products[3]", "bank"), ("products[3]", "id"),
        ("products[9]", "annual_rate_max")]
    assert str(caught.value).startswith("4 problems\n")


# --- the file on disk: problems come with their line ---------------------------------------------

@pytest.fixture
def catalog_text():
    return (data_dir("data") / "catalog.yaml").read_text(encoding="utf-8")


def test_a_broken_file_is_refused_with_the_line_of_the_field(tmp_path, catalog_text):
    lines = catalog_text.splitlines()
    at = lines.index("- id: BOB-BJ-ip_pledge-01")
    rate_line = next(n for n in range(at, at + 12) if lines[n].startswith("  annual_rate_max:"))
    lines[rate_line] = "  annual_rate_max: 4.96"
    broken = tmp_path / "catalog.yaml"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        Catalog.load(broken)
    message = str(caught.value)
    assert message.startswith(f"{broken}: line {rate_line + 1}: products[")
    assert "(BOB-BJ-ip_pledge-01): annual_rate_max: must be a fraction" in message


def test_a_file_that_is_not_yaml_is_refused_with_its_line(tmp_path):
    broken = tmp_path / "catalog.yaml"
    broken.write_text("banks:\n- code: ICBC-BJ\n  name_zh: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"catalog.yaml: line \d+: catalog: not valid YAML"):
        Catalog.load(broken)


def test_the_check_command_reports_the_file_or_its_problems(tmp_path, capsys):
    assert check_catalog_cli([]) == 0
    assert "catalog OK: 22 banks, 165 products" in capsys.readouterr().out
    broken = tmp_path / "catalog.yaml"
    broken.write_text("banks: []\nproducts: []\n", encoding="utf-8")
    assert check_catalog_cli([str(broken)]) == 1
    assert "banks: must be a non-empty list" in capsys.readouterr().err
