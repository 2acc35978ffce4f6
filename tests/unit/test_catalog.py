"""The catalog file: 22 banks, 165 products, every scenario covered, and refused when wrong."""
import copy

import pytest

from chalicelib.catalog import Catalog, CatalogError
from chalicelib.catalog.catalog import SCENARIOS


@pytest.fixture(scope="module")
def catalog():
    return Catalog.load()


@pytest.fixture
def doc(catalog):
    return {"banks": catalog.banks(), "products": catalog.products()}


def test_the_center_hosts_22_banks_and_165_products(catalog):
    assert len(catalog.banks()) == 22
    assert len(catalog.products()) == 165


def test_every_scenario_is_offered_by_several_banks(catalog):
    for scenario in SCENARIOS:
        assert len({p["bank"] for p in catalog.products(scenario=scenario)}) >= 3, scenario


def test_every_bank_offers_several_products(catalog):
    for code in catalog.bank_codes():
        assert len(catalog.products(bank=code)) >= 3, code


def test_filters_combine_and_unknown_values_give_nothing(catalog):
    both = catalog.products(scenario="ip_pledge", bank="ICBC-BJ")
    assert both and all(p["bank"] == "ICBC-BJ" and "ip_pledge" in p["scenarios"] for p in both)
    assert catalog.products(scenario="nope") == [] and catalog.products(bank="NOPE") == []


def test_the_example_products_exist_for_every_scenario_and_cover_the_example_loan(catalog):
    for bank in ("ICBC-BJ", "BOB-BJ"):
        for scenario in SCENARIOS:
            p = catalog.product(f"{bank}-{scenario}-01")
            assert p is not None and scenario in p["scenarios"]
            assert p["min_amount"] <= 1_000_000 <= p["max_amount"]
            assert p["min_term_months"] <= 12 <= p["max_term_months"]


def test_products_have_exactly_the_contract_fields(catalog):
    fields = {"id", "bank", "name_zh", "name_en", "scenarios", "min_amount", "max_amount",
              "min_term_months", "max_term_months", "annual_rate_min", "annual_rate_max"}
    assert all(set(p) == fields for p in catalog.products())
    assert all(set(b) == {"code", "name_zh", "name_en"} for b in catalog.banks())


def test_callers_cannot_change_the_catalog(catalog):
    catalog.products()[0]["scenarios"].append("hacked")
    catalog.banks()[0]["code"] = "X"
    assert "hacked" not in catalog.products()[0]["scenarios"]
    assert catalog.banks()[0]["code"] != "X"


@pytest.mark.parametrize("breakage,message", [
    (lambda d: d["banks"].append(copy.deepcopy(d["banks"][0])), "duplicate bank codes"),
    (lambda d: d["banks"][1].update(code="bad code"), "banks[1]"),
    (lambda d: d["products"][3].update(bank="NOPE-BJ"), "products[3]"),
    (lambda d: d["products"][4].update(scenarios=["payday"]), "products[4]"),
    (lambda d: d["products"][5].update(min_amount=10**9), "products[5]"),
    (lambda d: d["products"][6].update(annual_rate_max=3.45), "annual_rate_max"),
    (lambda d: d["products"][7].pop("name_en"), "missing ['name_en']"),
    (lambda d: d["products"][8].update(max_term_months="12"), "max_term_months"),
    (lambda d: d["products"].append(copy.deepcopy(d["products"][0])), "duplicate product ids"),
])
def test_a_broken_catalog_is_refused_naming_the_entry(doc, breakage, message):
    breakage(doc)
    with pytest.raises(CatalogError, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        Catalog.from_dict(doc)
