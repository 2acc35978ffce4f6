"""The generated data zone and the pure parts of what the platform makes of records."""
import time

from stdnum.cn import uscc

from chalicelib.adapters.datazone import FileDataZone
from chalicelib.domain import records as zone
from chalicelib.forms.identifiers import is_patent_number
from scripts import datazone

SIZES = ("micro", "small", "medium", "large")


def test_the_50000_enterprise_data_set_builds_within_a_minute_valid_and_the_same_every_time(tmp_path):
    started = time.perf_counter()
    path = datazone.build(tmp_path / "zone.sqlite", 50_000)
    assert time.perf_counter() - started < 60
    local = FileDataZone(path)
    assert local.size() == 50_000
    for i in (0, 1, 24_999, 49_999):
        made = datazone.enterprise(i)
        assert uscc.is_valid(made["uscc"]) and local.records(made["uscc"]) == made == datazone.enterprise(i)
    assert datazone.enterprise(7, seed=1) != datazone.enterprise(7)


def test_the_records_are_plausible_and_a_realistic_share_holds_each_kind():
    sample = [datazone.enterprise(i) for i in range(2_000)]
    assert len({r["uscc"] for r in sample}) == 2_000
    share = {s: sum(bool(r[s]["items"]) for r in sample) / 2_000
             for s in ("patents", "trademarks", "real_estate", "procurement_contracts", "ip_pledges")}
    assert 0.05 < share["patents"] < 0.3 and 0.1 < share["trademarks"] < 0.4
    assert 0.03 < share["real_estate"] < 0.3 and 0.01 < share["procurement_contracts"] < 0.15
    assert 0 < share["ip_pledges"] < share["patents"]
    assert all(is_patent_number(p["number"]) for r in sample for p in r["patents"]["items"])
    assert all(r[s]["source"] == s and r[s]["as_of"] for r in sample for s in zone.SECTIONS)
    haidian = [r for r in sample if r["registration"]["district"] == "haidian"]
    software = sum(r["registration"]["industry_code"].startswith("65") for r in haidian) / len(haidian)
    assert software > 0.2                          # Zhongguancun writes software


def test_a_size_class_holds_every_indicator_of_its_group():
    for i in range(300):
        r = datazone.enterprise(i)
        staff, revenue = r["social_insurance"]["insured_staff"], r["tax"]["annual_revenue"] / 10_000
        if r["registration"]["industry_code"].startswith("65"):   # software: staff 10/100/300, revenue 50/1000/10000
            micro, large = staff < 10 or revenue < 50, staff >= 300 and revenue >= 10_000
            assert not (micro and large)


RECORDS = {"uscc": "U", "registration": {"district": "haidian", "industry_code": "6513"},
           "tax": {"annual_revenue": 1_000_000, "total_assets": 500_000},
           "social_insurance": {"insured_staff": 20},
           "patents": {"items": [{"number": "ZL1", "valid_until": "2040-01-01"},
                                 {"number": "ZL2", "valid_until": "2020-01-01"},
                                 {"number": "ZL3", "valid_until": "2040-01-01"}]},
           "ip_pledges": {"items": [{"patent_number": "ZL3"}]}}


def test_recorded_facts_replace_declared_ones_and_say_which_register_holds_pledged_patents():
    facts = zone.recorded_facts(RECORDS, {"details": {"patents": [{"number": "ZL1"}]}})
    assert facts["employees"] == (20, "social_insurance") and facts["annual_revenue_wan"] == (100, "tax")
    assert facts["registered_in_beijing"] == (True, "registration")
    assert facts["records_has_patent_register"] == (True, "patents")
    assert zone.recorded_facts(RECORDS, {"details": {"patents": [{"number": "ZL9"}]}})[
        "records_has_patent_register"] == (False, "patents")
    assert zone.recorded_facts(RECORDS, {})["records_has_trademark_register"] == (False, "trademarks")


def test_a_warning_only_beyond_the_tolerance():
    tolerances = {"employees": 0.1, "annual_revenue": 0.1, "total_assets": 0.1}
    assert zone.discrepancies({"employees": 22, "annual_revenue": 900_000}, RECORDS, tolerances) == []
    warned = zone.discrepancies({"employees": 23, "total_assets": 1_000_000}, RECORDS, tolerances)
    assert [(w["path"], w["declared"], w["recorded"]) for w in warned] == [
        ("/enterprise/employees", 23, 20), ("/enterprise/total_assets", 1_000_000, 500_000)]


def test_pledgeable_patents_are_in_force_and_not_pledged_already():
    assert [p["number"] for p in zone.pledgeable_patents(RECORDS, "2026-12-01")] == ["ZL1"]
