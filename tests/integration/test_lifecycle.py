"""The whole lifecycle of each loan scenario, as the enterprise, the agencies and the banks live it."""
import pytest

from tests.builders import valid_body, valid_offer, with_materials

REVIEWER = {
    "entrepreneurship_guarantee": lambda body: "hr",
    "ip_pledge": lambda body: "ipo",
    "real_estate_mortgage": lambda body: "realestate",
    "receivable_confirmation": lambda body: f"purchaser:{body['details']['purchasing_unit']['id']}",
}
REVIEWED = sorted(REVIEWER)


def approve_as_bank(world, app_id, bank="ICBC-BJ", amount=800_000):
    scenario = world.container.store.get(app_id).scenario
    return world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", bank),
                      body=valid_offer(scenario, bank, amount=amount, guarantee_fee_rate=0.008))


def test_a_credit_loan_reaches_the_banks_at_once_and_the_enterprise_sees_the_offer(world):
    me = world.enterprise()
    submitted = world.submit("credit", who=me)
    assert submitted.status == 201, submitted.json
    app = submitted.json
    assert app["status"] == "at_banks" and app["reviews"] == []
    assert app["decision"]["enterprise_size"] == "small"
    assert app["decision"]["first_loan_subsidy"]["eligible"] is True

    world.pump()
    icbc_messages = world.queue_messages("bank:ICBC-BJ")
    assert [m["application_id"] for m in icbc_messages] == [app["id"]]
    message = icbc_messages[0]
    assert {"application_id", "scenario", "amount", "term_months", "enterprise", "decision",
            "reviews"} <= set(message)
    assert [m["application_id"] for m in world.queue_messages("bank:BOB-BJ")] == [app["id"]]

    as_bank = world.call("GET", f"/applications/{app['id']}", as_=("bank", "ICBC-BJ"))
    assert as_bank.status == 200 and as_bank.json["amount"] == message["amount"]
    decided = approve_as_bank(world, app["id"])
    assert decided.status == 200, decided.json
    assert decided.json["application_status"] == "approved"

    seen = world.call("GET", f"/applications/{app['id']}", as_=me).json
    assert seen["status"] == "approved"
    assert seen["result"]["offers"][0]["amount"] == 800_000
    assert seen["result"]["subsidy"]["eligible"] is True
    assert [h["action"] for h in seen["history"]] == ["submitted", "sent_to_banks", "bank_approved"]
    assert seen["status_text"]["zh"] and seen["status_text"]["en"]


@pytest.mark.parametrize("scenario", REVIEWED)
def test_a_reviewed_scenario_reaches_the_banks_only_after_its_agency_approves(world, scenario):
    me = world.enterprise()
    body = with_materials(world.as_caller(me), valid_body(scenario, **{"enterprise.uscc": me[1]}))
    submitted = world.call("POST", "/applications", as_=me, body=body)
    assert submitted.status == 201, submitted.json
    app_id = submitted.json["id"]
    agency = REVIEWER[scenario](body)
    assert submitted.json["status"] == "in_review"
    assert submitted.json["decision"]["required_reviews"] == [agency]

    world.pump()
    assert world.queue_messages("bank:ICBC-BJ") == []
    review_note = world.queue_messages(f"agency:{agency}")
    assert [m["application_id"] for m in review_note] == [app_id]
    assert world.call("GET", f"/applications/{app_id}", as_=("bank", "ICBC-BJ")).status == 404

    pending = world.call("GET", "/reviews?status=pending", as_=("agency", agency)).json["items"]
    assert [r["application_id"] for r in pending] == [app_id]
    assert pending[0]["due"] > submitted.json["created_at"][:10]
    decided = world.call("POST", f"/reviews/{pending[0]['id']}/decision", as_=("agency", agency),
                         body={"approved": True, "reason": "材料真实，审核通过"})
    assert decided.status == 200, decided.json
    assert decided.json["application_status"] == "at_banks"
    assert world.call("GET", "/reviews?status=pending", as_=("agency", agency)).json["items"] == []

    world.pump()
    banked = world.queue_messages("bank:ICBC-BJ")
    assert [m["application_id"] for m in banked] == [app_id]
    assert banked[0]["reviews"][0]["status"] == "approved"
    assert approve_as_bank(world, app_id).status == 200
    assert world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", "BOB-BJ"),
                      body={"approved": False, "reason": "额度已满"}).status == 200
    final = world.call("GET", f"/applications/{app_id}", as_=me).json
    assert final["status"] == "approved"
    assert {b["code"]: b["status"] for b in final["banks"]} == {"ICBC-BJ": "approved", "BOB-BJ": "declined"}
    assert [h["action"] for h in final["history"]] == [
        "submitted", "review_approved", "sent_to_banks", "bank_approved", "bank_declined"]


def test_an_agency_rejection_ends_the_application_with_its_reason(world):
    me = world.enterprise()
    app_id = world.submit("ip_pledge", who=me).json["id"]
    review = world.call("GET", "/reviews", as_=("agency", "ipo")).json["items"][0]
    world.call("POST", f"/reviews/{review['id']}/decision", as_=("agency", "ipo"),
               body={"approved": False, "reason": "专利权属存在争议"})
    seen = world.call("GET", f"/applications/{app_id}", as_=me).json
    assert seen["status"] == "rejected"
    assert "专利权属存在争议" in seen["status_text"]["zh"]
    world.pump()
    assert world.queue_messages("bank:ICBC-BJ") == []


def test_when_every_bank_declines_the_application_is_declined(world):
    me = world.enterprise()
    app_id = world.submit("credit", who=me).json["id"]
    for bank in ("ICBC-BJ", "BOB-BJ"):
        reply = world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", bank),
                           body={"approved": False, "reason": "现金流不足"})
        assert reply.status == 200, reply.json
    seen = world.call("GET", f"/applications/{app_id}", as_=me).json
    assert seen["status"] == "declined"
    assert all(b["reason"] == "现金流不足" for b in seen["banks"])


def test_an_enterprise_can_withdraw_until_a_bank_approves(world):
    me = world.enterprise()
    app_id = world.submit("credit", who=me).json["id"]
    withdrawn = world.call("POST", f"/applications/{app_id}/withdraw", as_=me, body={"reason": "资金已到位"})
    assert withdrawn.status == 200 and withdrawn.json["status"] == "withdrawn"
    late = approve_as_bank(world, app_id)
    assert late.status == 409 and late.error_codes == ["bank_decision_closed"]

    other = world.submit("credit", who=me).json["id"]
    approve_as_bank(world, other)
    refused = world.call("POST", f"/applications/{other}/withdraw", as_=me)
    assert refused.status == 409 and refused.error_codes == ["not_withdrawable"]


def test_listings_are_newest_first_and_page(world):
    me = world.enterprise()
    ids = [world.submit("credit", who=me).json["id"] for _ in range(3)]
    world.submit("credit", who=world.enterprise(2))
    page = world.call("GET", "/applications?limit=2", as_=me).json
    assert [a["id"] for a in page["items"]] == ids[::-1][:2]
    rest = world.call("GET", f"/applications?limit=2&cursor={page['cursor']}", as_=me).json
    assert [a["id"] for a in rest["items"]] == ids[:1]
    window = world.call("GET", "/applications?status=at_banks", as_=("window", "w001")).json
    assert len(window["items"]) == 4


def test_statistics_follow_approvals(world):
    for n in (1, 2):
        app_id = world.submit("credit", who=world.enterprise(n)).json["id"]
        approve_as_bank(world, app_id, amount=500_000 * n)
    stats = world.call("GET", "/stats", as_=("policy", "p001")).json
    assert stats["approved_count"] == 2
    assert stats["approved_amount"] == 1_500_000
    assert stats["average_amount_per_enterprise"] == 750_000
    assert stats["sme_share"] == 1.0 and stats["first_loan_share"] == 1.0


def test_a_bank_reads_its_queue_url_and_only_its_own(world):
    mine = world.call("GET", "/banks/ICBC-BJ/queue", as_=("bank", "ICBC-BJ"))
    assert mine.status == 200 and mine.json["queue_url"].endswith("-bank-ICBC-BJ")
    assert world.call("GET", "/banks/BOB-BJ/queue", as_=("bank", "ICBC-BJ")).status == 404


def test_a_retried_submission_with_the_same_idempotency_key_creates_one_application(world):
    me = world.enterprise()
    body = valid_body("credit", **{"enterprise.uscc": me[1]})
    first = world.call("POST", "/applications", as_=me, body=body, headers={"Idempotency-Key": "k-1"})
    again = world.call("POST", "/applications", as_=me, body=body, headers={"Idempotency-Key": "k-1"})
    assert first.status == again.status == 201
    assert first.json["id"] == again.json["id"]
    assert len(world.call("GET", "/applications", as_=me).json["items"]) == 1
    other = world.call("POST", "/applications", as_=me, body=body | {"amount": 900_000},
                       headers={"Idempotency-Key": "k-1"})
    assert other.status == 409 and other.error_codes == ["idempotency_key_reused"]


def test_eligibility_answers_without_storing_anything(world):
    me = world.enterprise()
    reply = world.call("POST", "/eligibility", body=valid_body("credit", **{"enterprise.uscc": me[1]}))
    assert reply.status == 200
    assert reply.json["enterprise_size"] == "small" and reply.json["eligible"] is True
    assert reply.json["rules"] and all({"ruleset", "version", "sha256"} <= set(r) for r in reply.json["rules"])
    assert world.call("GET", "/applications", as_=me).json["items"] == []


def test_facts_looked_up_outside_the_form_are_named_with_their_source(world):
    listed = ("enterprise", "91110105MA00FAKE0M")  # on the seeded list of seriously dishonest entities
    reply = world.call("POST", "/eligibility", as_=listed, body=valid_body("credit", **{"enterprise.uscc": listed[1]}))
    decision = reply.json
    assert decision["facts"]["on_dishonest_list"] is True
    assert decision["fact_sources"]["on_dishonest_list"]["source"] == "dishonest_list"
    assert decision["fact_sources"]["amount"] == "form"
    subsidy = decision["first_loan_subsidy"]
    assert subsidy["eligible"] is False
    assert subsidy["why_not"]["condition"]["fact"] == "on_dishonest_list"
    assert "严重失信" in subsidy["why_not"]["zh"] and "dishonest" in subsidy["why_not"]["en"]
