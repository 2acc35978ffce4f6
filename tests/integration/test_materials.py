"""Materials: the kinds the rules ask for, and one notice of everything missing (一次性告知)."""
from tests.builders import valid_body


def test_eligibility_lists_every_missing_kind_with_its_names(world):
    body = valid_body("ip_pledge", **{"enterprise.district": "other"})
    body["details"]["trademarks"] = [{"registration_number": "45678901", "owner": "北京示例科技有限公司", "class": 42}]
    decision = world.call("POST", "/eligibility", body=body).json
    assert decision["required_materials"] == ["business_license", "patent_certificate", "trademark_certificate"]
    assert [m["kind"] for m in decision["missing_materials"]] == decision["required_materials"]
    assert decision["missing_materials"][1] == {"kind": "patent_certificate", "zh": "专利证书", "en": "Patent certificate"}


def test_a_credit_loan_of_a_beijing_enterprise_needs_no_upload(world):
    decision = world.call("POST", "/eligibility", body=valid_body("credit")).json
    assert decision["required_materials"] == [] and decision["missing_materials"] == []


def test_an_individual_guarantee_loan_needs_the_id_and_the_entrepreneur_certificate(world):
    body = valid_body("entrepreneurship_guarantee", **{"details.borrower": "individual", "amount": 300000,
                                                       "term_months": 24})
    decision = world.call("POST", "/eligibility", body=body).json
    assert [m["kind"] for m in decision["missing_materials"]] == ["applicant_id", "entrepreneur_certificate"]
    assert any(r["rule"].startswith("materials.") and "就业创业证" in r["zh"] for r in decision["reasons"])
