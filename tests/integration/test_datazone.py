"""The data zone through HTTP: records read only by those entitled and every read shown to the
enterprise, verified facts in the decision, prefilled forms, and the IP green channel."""
import pytest

from scripts import datazone
from tests.builders import forms, valid_body, with_materials


def small(records) -> bool:
    """A micro or small software enterprise: eligible for every scenario's loan."""
    return records["registration"]["industry_code"].startswith("65") and \
        records["social_insurance"]["insured_staff"] < 60 and records["tax"]["annual_revenue"] < 5_000_000


ZONE = datazone.find(small)
WITH_PATENTS = datazone.find(lambda r: small(r) and len(r["patents"]["items"]) >= 2 and not r["ip_pledges"]["items"]
                             and all(p["valid_until"] > "2030" for p in r["patents"]["items"]))
OWNER = ("enterprise", ZONE["uscc"])


def declared(records, **changes) -> dict:
    """The enterprise part of a form, declared exactly as the records say (then `changes`)."""
    reg, tax = records["registration"], records["tax"]
    return {"uscc": records["uscc"], "name": reg["name"], "industry_code": reg["industry_code"],
            "employees": records["social_insurance"]["insured_staff"], "annual_revenue": tax["annual_revenue"],
            "total_assets": tax["total_assets"], "district": reg["district"], "established": reg["established"],
            **changes}


def submit_whole(world, who, body):
    """POST `body` as it stands, with any material its decision still asks for uploaded first."""
    return world.call("POST", "/applications", as_=who, body=with_materials(world.as_caller(who), body))


def credit_application(world, records=ZONE, **overrides):
    reply = world.submit("credit", ("enterprise", records["uscc"]), enterprise=declared(records), **overrides)
    assert reply.status == 201, reply.json
    return reply.json


def test_an_enterprise_reads_its_own_records_with_each_source_and_no_one_sees_it_doing_so(world):
    reply = world.call("GET", f"/enterprises/{ZONE['uscc']}/records", as_=OWNER)
    assert reply.status == 200
    assert reply.json["registration"]["name"] == ZONE["registration"]["name"]
    assert reply.json["tax"]["source_name"]["zh"] and reply.json["patents"]["as_of"] == ZONE["patents"]["as_of"]
    assert world.call("GET", f"/enterprises/{ZONE['uscc']}/records/reads", as_=OWNER).json["items"] == []


def test_nobody_without_an_application_learns_whether_records_exist(world):
    unknown = "91110108000000991N"
    for who in (("enterprise", WITH_PATENTS["uscc"]), ("bank", "ICBC-BJ"), ("agency", "ipo")):
        held = world.call("GET", f"/enterprises/{ZONE['uscc']}/records", as_=who)
        absent = world.call("GET", f"/enterprises/{unknown}/records", as_=who)
        assert held.status == absent.status == 404 and held.json == absent.json, who
    assert world.call("GET", f"/enterprises/{ZONE['uscc']}/records/reads", as_=("enterprise", unknown)).status == 404
    assert world.call("GET", f"/enterprises/{ZONE['uscc']}/records/reads", as_=("bank", "ICBC-BJ")).status == 403


def test_a_bank_holding_an_application_reads_the_records_and_the_enterprise_sees_each_read(world):
    app = credit_application(world, banks=["ICBC-BJ"])
    path = f"/enterprises/{ZONE['uscc']}/records"
    assert world.call("GET", path, as_=("bank", "ICBC-BJ")).status == 200
    assert world.call("GET", path, as_=("bank", "BOC-BJ")).status == 404   # not one of the chosen banks
    assert world.call("GET", path, as_=("window", "w001")).status == 200
    reads = world.call("GET", f"{path}/reads", as_=OWNER).json["items"]
    assert [(r["reader_role"], r["reader"], r["what"]) for r in reads] == [
        ("window", "w001", "records"), ("bank", "ICBC-BJ", "records")]
    assert reads[1]["application_id"] == app["id"]
    assert world.call("GET", f"{path}/reads", as_=("window", "w002")).json["items"] == reads
    world.call("POST", f"/applications/{app['id']}/withdraw", as_=OWNER, body={})
    assert world.call("GET", path, as_=("bank", "ICBC-BJ")).status == 404    # no longer holds it
    assert len(world.call("GET", f"{path}/reads", as_=OWNER).json["items"]) == 2


def test_an_agency_reviewing_an_application_reads_the_records(world):
    body = prefilled(world, WITH_PATENTS, "ip_pledge")
    reply = submit_whole(world, ("enterprise", WITH_PATENTS["uscc"]), body)
    assert reply.status == 201, reply.json
    path = f"/enterprises/{WITH_PATENTS['uscc']}/records"
    assert world.call("GET", path, as_=("agency", "ipo")).status == 200
    assert world.call("GET", path, as_=("agency", "hr")).status == 404


def test_the_decision_prefers_recorded_figures_and_warns_of_declared_ones_far_off(world):
    staff = ZONE["social_insurance"]["insured_staff"]
    body = valid_body("credit", enterprise=declared(ZONE, employees=staff * 2 + 20,
                                                   annual_revenue=round(ZONE["tax"]["annual_revenue"] * 1.05)))
    decision = world.call("POST", "/eligibility", as_=OWNER, body=body).json
    assert decision["facts"]["employees"] == staff
    assert decision["fact_sources"]["employees"]["source"] == "social_insurance"
    assert decision["fact_sources"]["annual_revenue_wan"]["source"] == "tax"
    assert [w["path"] for w in decision["warnings"]] == ["/enterprise/employees"]   # revenue within 10 %
    assert decision["warnings"][0]["recorded"] == staff and "10%" in decision["warnings"][0]["en"]
    assert decision["warnings"][0]["zh"]


@pytest.mark.parametrize("who", [None, ("enterprise", "91110108000000991N"), ("bank", "ICBC-BJ")])
def test_eligibility_for_anyone_else_uses_and_shows_nothing_recorded(world, who):
    body = valid_body("credit", enterprise=declared(ZONE, employees=ZONE["social_insurance"]["insured_staff"] * 3 + 30))
    decision = world.call("POST", "/eligibility", as_=who, body=body).json
    assert "warnings" not in decision
    assert decision["fact_sources"]["employees"] == "form"
    assert decision["facts"]["employees"] == body["enterprise"]["employees"]
    assert "records_has_patent_register" not in decision["facts"]


def prefilled(world, records, scenario: str) -> dict:
    reply = world.call("GET", f"/forms/{scenario}/prefill", as_=("enterprise", records["uscc"]))
    assert reply.status == 200, reply.json
    example = valid_body(scenario)
    body = {**reply.json, "amount": example["amount"], "term_months": example["term_months"],
            "purpose": example["purpose"], "banks": ["ICBC-BJ"]}
    body.setdefault("first_loan", True)
    body["details"] = {**{k: v for k, v in example["details"].items() if k not in reply.json["details"]},
                       **reply.json["details"]}
    return body


@pytest.mark.parametrize("scenario", sorted(forms().scenario_ids()))
def test_a_prefilled_form_lacks_only_what_the_enterprise_alone_can_say(world, scenario):
    records = WITH_PATENTS
    reply = world.call("GET", f"/forms/{scenario}/prefill", as_=("enterprise", records["uscc"]))
    assert reply.status == 200
    assert reply.json["enterprise"] == declared(records)
    left = {e.path for e in forms().validate(reply.json)}
    only_the_enterprise = {"/amount", "/term_months", "/purpose", "/banks", "/first_loan"}
    assert only_the_enterprise <= left
    assert all(p in only_the_enterprise or p.startswith("/details") for p in left), left
    assert not {p for p in left if p.startswith("/details/patents")}


def test_prefill_needs_records_and_a_known_scenario(world):
    assert world.call("GET", "/forms/credit/prefill", as_=("enterprise", "91110108000000991N")).status == 404
    assert world.call("GET", "/forms/nope/prefill", as_=OWNER).json["errors"][0]["code"] == "unknown_scenario"


def test_the_ip_office_keeps_the_whitelist_and_banks_read_it(world):
    path = f"/ip/whitelist/{WITH_PATENTS['uscc']}"
    assert world.call("PUT", path, as_=("agency", "hr")).status == 403
    added = world.call("PUT", path, as_=("agency", "ipo"))
    assert added.status == 201 and len(added.json["pledgeable_patents"]) == len(WITH_PATENTS["patents"]["items"])
    assert world.call("PUT", path, as_=("agency", "ipo")).status == 200
    listed = world.call("GET", "/ip/whitelist", as_=("bank", "BOB-BJ")).json["items"]
    assert [e["uscc"] for e in listed] == [WITH_PATENTS["uscc"]]
    assert world.call("GET", "/ip/whitelist", as_=("enterprise", WITH_PATENTS["uscc"])).status == 403
    no_patents = datazone.find(lambda r: not r["patents"]["items"])
    refused = world.call("PUT", f"/ip/whitelist/{no_patents['uscc']}", as_=("agency", "ipo"))
    assert refused.status == 422 and refused.error_codes == ["no_pledgeable_patents"]
    assert world.call("DELETE", path, as_=("agency", "ipo")).status == 200
    assert world.call("DELETE", path, as_=("agency", "ipo")).status == 404
    assert world.call("GET", "/ip/whitelist", as_=("bank", "BOB-BJ")).json["items"] == []


def test_a_bank_with_an_ip_pledge_application_reads_the_ip_background_and_it_is_logged(world):
    owner = ("enterprise", WITH_PATENTS["uscc"])
    app = submit_whole(world, owner, prefilled(world, WITH_PATENTS, "ip_pledge")).json
    review = world.call("GET", "/reviews", as_=("agency", "ipo")).json["items"][0]
    assert world.call("GET", f"/applications/{app['id']}/ip-background", as_=("bank", "ICBC-BJ")).status == 404
    world.call("POST", f"/reviews/{review['id']}/decision", as_=("agency", "ipo"),
               body={"approved": True, "reason": "质押登记完成"})
    background = world.call("GET", f"/applications/{app['id']}/ip-background", as_=("bank", "ICBC-BJ"))
    assert background.status == 200
    assert background.json["patents"]["items"] == WITH_PATENTS["patents"]["items"]
    assert world.call("GET", f"/applications/{app['id']}/ip-background", as_=("bank", "BOC-BJ")).status == 404
    reads = world.call("GET", f"/enterprises/{WITH_PATENTS['uscc']}/records/reads", as_=owner).json["items"]
    assert [(r["reader"], r["what"], r["application_id"]) for r in reads][0] == ("ICBC-BJ", "ip_background", app["id"])
    credit = credit_application(world, banks=["ICBC-BJ"])
    refused = world.call("GET", f"/applications/{credit['id']}/ip-background", as_=("bank", "ICBC-BJ"))
    assert refused.status == 422 and refused.error_codes == ["not_ip_pledge"]


def test_a_patent_the_register_holds_needs_no_certificate_but_only_for_those_who_may_know(world):
    body = prefilled(world, WITH_PATENTS, "ip_pledge")
    owner = ("enterprise", WITH_PATENTS["uscc"])
    own = world.call("POST", "/eligibility", as_=owner, body=body).json
    assert "patent_certificate" not in own["required_materials"]
    assert own["facts"]["records_has_patent_register"] is True
    assert own["fact_sources"]["records_has_patent_register"]["source"] == "patents"
    anonymous = world.call("POST", "/eligibility", body=body).json
    assert "patent_certificate" in anonymous["required_materials"]
    body["details"]["patents"][0]["number"] = "ZL202110123456.7"      # a patent not on its register
    assert "patent_certificate" in world.call("POST", "/eligibility", as_=owner, body=body).json["required_materials"]
    submitted = world.call("POST", "/applications", as_=owner, body=prefilled(world, WITH_PATENTS, "ip_pledge"))
    assert submitted.status == 201, submitted.json          # no material at all: the register holds them
