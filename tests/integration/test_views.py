"""Each party's view carries only what it needs (README, "What each party sees").

Walked through the HTTP API as the parties live it: the owner and the window see everything, a
bank sees the credit file and its own offer only, an agency sees what it reviews and never a bank.
"""
import json

from chalicelib.domain.application import Actor, Application, Status
from chalicelib.domain.decision import Decision
from chalicelib.forms.registry import inline
from chalicelib.services import views
from tests.builders import forms, valid_body

WINDOW = ("window", "w001")
ICBC, BOB = ("bank", "ICBC-BJ"), ("bank", "BOB-BJ")
HR = ("agency", "hr")
OFFER = {"approved": True, "amount": 800_000, "annual_rate": 0.0335, "term_months": 12,
         "guarantee_fee_rate": 0.008, "reason": "经营稳定，同意授信"}
STATUSES = {s.value for s in Status}


def read(world, app_id, who):
    reply = world.call("GET", f"/applications/{app_id}", as_=who)
    assert reply.status == 200, (who, reply.json)
    return reply.json


def decide_as_bank(world, app_id, bank, body):
    reply = world.call("POST", f"/applications/{app_id}/bank-decision", as_=bank, body=body)
    assert reply.status == 200, reply.json
    return reply.json


def approve_review(world, app_id, agency, reason="材料真实，审核通过"):
    review = next(r for r in world.call("GET", "/reviews?status=pending", as_=agency).json["items"]
                  if r["application_id"] == app_id)
    reply = world.call("POST", f"/reviews/{review['id']}/decision", as_=agency,
                       body={"approved": True, "reason": reason})
    assert reply.status == 200, reply.json


def assert_history_chains(history):
    """Numbered 1.., each with who and when, each starting where the one before it ended."""
    assert [h["seq"] for h in history] == list(range(1, len(history) + 1))
    before = None
    for entry in history:
        assert entry["actor"] and entry["at"] and entry["action"]
        assert entry["from_status"] == before and entry["to_status"] in STATUSES
        before = entry["to_status"]


# ---- banks ----------------------------------------------------------------------------------------
def test_a_bank_never_learns_what_another_bank_chose_offered_or_decided(world):
    me = world.enterprise()
    app_id = world.submit("credit", who=me).json["id"]   # to ICBC-BJ and BOB-BJ, product ICBC-BJ-credit-01
    world.pump()
    [to_bob] = world.queue_messages("bank:BOB-BJ")
    assert "ICBC" not in json.dumps(to_bob, ensure_ascii=False)

    approved = decide_as_bank(world, app_id, ICBC, OFFER)
    assert approved["application_status"] == "approved"

    bob = read(world, app_id, BOB)
    assert "ICBC" not in json.dumps(bob, ensure_ascii=False)     # no offer, no code, no product, no entry
    assert bob["status"] == "at_banks" and bob["result"]["status"] == "at_banks"
    assert bob["result"]["offers"] == [] and [b["code"] for b in bob["banks"]] == ["BOB-BJ"]
    assert bob["products"] == []
    assert "bank_approved" not in [h["action"] for h in bob["history"]]
    assert_history_chains(bob["history"])
    assert bob["status_text"]["en"] == "Waiting for your decision."

    declined = decide_as_bank(world, app_id, BOB, {"approved": False, "reason": "额度已满"})
    assert declined["application_status"] == "declined"   # not "approved": that was another bank
    bob = read(world, app_id, BOB)
    assert bob["status"] == "declined" and "ICBC" not in json.dumps(bob, ensure_ascii=False)
    assert [h["action"] for h in bob["history"]] == ["submitted", "sent_to_banks", "bank_declined"]
    assert bob["history"][-1]["to_status"] == "declined"
    assert_history_chains(bob["history"])

    icbc = read(world, app_id, ICBC)
    assert "BOB" not in json.dumps(icbc, ensure_ascii=False)
    assert icbc["status"] == "approved" and icbc["products"] == ["ICBC-BJ-credit-01"]
    assert [o["amount"] for o in icbc["result"]["offers"]] == [800_000]
    assert {"enterprise", "amount", "term_months", "purpose", "first_loan", "renewal", "details",
            "decision"} <= set(icbc)
    assert icbc["decision"]["first_loan_subsidy"]["eligible"] is True

    for whole in (read(world, app_id, me), read(world, app_id, WINDOW)):
        assert {b["code"]: b["status"] for b in whole["banks"]} == {"ICBC-BJ": "approved", "BOB-BJ": "declined"}
        assert whole["status"] == "approved" and [o["code"] for o in whole["result"]["offers"]] == ["ICBC-BJ"]
        assert [h["action"] for h in whole["history"]] == ["submitted", "sent_to_banks", "bank_approved",
                                                           "bank_declined"]
        assert whole["history"][1]["detail"]["banks"] == ["ICBC-BJ", "BOB-BJ"]


def test_a_bank_sees_a_withdrawal_as_the_end_of_its_work(world):
    me = world.enterprise()
    app_id = world.submit("credit", who=me).json["id"]
    decide_as_bank(world, app_id, BOB, {"approved": False, "reason": "额度已满"})
    assert world.call("POST", f"/applications/{app_id}/withdraw", as_=me, body={"reason": "另有安排"}).status == 200
    icbc = read(world, app_id, ICBC)
    assert icbc["status"] == "withdrawn" and icbc["banks"][0]["status"] == "cancelled"
    assert [h["action"] for h in icbc["history"]] == ["submitted", "sent_to_banks", "withdrawn"]
    assert icbc["history"][-1]["detail"] == {}   # the enterprise's reason is its own
    assert "BOB" not in json.dumps(icbc, ensure_ascii=False)


# ---- the entrepreneurship-guarantee loan: a person's ID number --------------------------------------
def test_an_agency_reviews_without_seeing_a_bank_and_a_bank_sees_the_id_number_masked(world):
    me = world.enterprise()
    body = valid_body("entrepreneurship_guarantee", **{"enterprise.uscc": me[1]})
    id_number = body["details"]["applicant"]["id_number"]
    masked = id_number[:6] + "*" * 8 + id_number[-4:]
    app_id = world.call("POST", "/applications", as_=me, body=body).json["id"]

    hr = read(world, app_id, HR)
    assert hr["details"]["applicant"]["id_number"] == id_number   # HR checks the person in its registry
    assert {"enterprise", "amount", "term_months", "purpose", "details", "decision", "reviews",
            "history"} <= set(hr)
    assert not {"banks", "result", "products", "first_loan"} & set(hr)
    assert set(hr["decision"]) <= {"eligible", "enterprise_size", "required_reviews", "review_deadlines", "rules",
                                   "required_materials"}
    assert "first_loan_subsidy" not in hr["decision"] and "facts" not in hr["decision"]
    assert hr["reviews"][0]["status"] == "pending" and hr["reviews"][0]["due"]

    approve_review(world, app_id, HR, reason="申请人为高校毕业生，资格属实")
    decide_as_bank(world, app_id, ICBC, OFFER)

    hr = read(world, app_id, HR)
    text = json.dumps(hr, ensure_ascii=False)
    assert "ICBC" not in text and "BOB" not in text
    assert "0.0335" not in text and OFFER["reason"] not in text   # the offer's rate and the bank's reason
    assert hr["status"] == "at_banks"            # what the banks did is not the bureau's business
    assert hr["reviews"][0]["reason"] == "申请人为高校毕业生，资格属实"
    assert [h["action"] for h in hr["history"]] == ["submitted", "review_approved", "sent_to_banks"]
    assert hr["history"][2]["detail"] == {}
    assert_history_chains(hr["history"])

    icbc = read(world, app_id, ICBC)
    assert icbc["details"]["applicant"]["id_number"] == masked
    assert id_number not in json.dumps(icbc, ensure_ascii=False)
    assert icbc["details"]["applicant"]["name"] and icbc["details"]["person_category"]
    assert icbc["reviews"] == [{"agency": "hr", "status": "approved", "decided_at": icbc["reviews"][0]["decided_at"]}]
    review_entry = next(h for h in icbc["history"] if h["action"] == "review_approved")
    assert review_entry["detail"] == {"agency": "hr"}   # the outcome, not the reviewer's notes
    assert "资格属实" not in json.dumps(icbc, ensure_ascii=False)
    world.pump()
    assert id_number not in json.dumps(world.queue_messages("bank:ICBC-BJ"), ensure_ascii=False)

    for whole in (read(world, app_id, me), read(world, app_id, WINDOW)):
        assert whole["details"]["applicant"]["id_number"] == id_number
        assert whole["reviews"][0]["reason"] == "申请人为高校毕业生，资格属实"


def test_an_agency_sees_another_agencys_review_as_an_outcome_only():
    """Every scenario has one reviewer today, so two reviews are built on the aggregate itself."""
    ent, ipo, hr = Actor("enterprise", "U1"), Actor("agency", "ipo"), Actor("agency", "hr")
    form = valid_body("entrepreneurship_guarantee")
    app = Application.submit(app_id="A1", owner=ent, form=form, decision=Decision(eligible=True, enterprise_size="small"),
                             now="2026-11-25T09:00:00.000+08:00",
                             reviews=[("R1", "hr", "2026-12-02"), ("R2", "ipo", "2026-11-26")])
    app.decide_review("R2", ipo, True, "质押登记已办结", "2026-11-25T10:00:00.000+08:00")
    history = list(app.new_history)

    seen = views.application_view(app, history, hr, catalog=None)
    by_agency = {r["agency"]: r for r in seen["reviews"]}
    assert by_agency["ipo"] == {"agency": "ipo", "status": "approved", "decided_at": "2026-11-25T10:00:00.000+08:00"}
    assert by_agency["hr"]["id"] == "R1" and by_agency["hr"]["due"] == "2026-12-02"
    assert "质押登记已办结" not in json.dumps(seen, ensure_ascii=False)
    assert seen["details"]["applicant"]["id_number"] == form["details"]["applicant"]["id_number"]

    seen = views.application_view(app, history, ipo, catalog=None)
    assert seen["reviews"][1]["reason"] == "质押登记已办结"
    assert seen["details"]["applicant"]["id_number"] == views.mask_id_number(form["details"]["applicant"]["id_number"])
    assert seen["details"]["applicant"]["id_number"] != form["details"]["applicant"]["id_number"]


def test_every_resident_id_in_the_forms_is_named_so_the_views_can_mask_it():
    """The views mask by the key `id_number`; a form that named a resident ID otherwise would leak it."""
    def walk(node, key=None):
        if isinstance(node, dict):
            if node.get("format") == "resident_id":
                yield key
            for k, v in node.items():
                yield from walk(v, k)
        elif isinstance(node, list):
            for v in node:
                yield from walk(v, key)
    registry = forms()
    keys = {k for sid in registry.scenario_ids() for k in walk(inline(registry.schema(sid)))}
    assert keys == {views.ID_NUMBER_KEY}


# ---- history --------------------------------------------------------------------------------------
def test_every_history_entry_says_who_when_and_the_status_before_and_after(world):
    me = world.enterprise()
    reviewed = world.submit("entrepreneurship_guarantee", who=me).json["id"]
    approve_review(world, reviewed, HR)
    decide_as_bank(world, reviewed, ICBC, OFFER)
    decide_as_bank(world, reviewed, BOB, {"approved": False, "reason": "额度已满"})
    withdrawn = world.submit("credit", who=me).json["id"]
    world.call("POST", f"/applications/{withdrawn}/withdraw", as_=me, body={})
    rejected = world.submit("ip_pledge", who=me).json["id"]
    review = world.call("GET", "/reviews", as_=("agency", "ipo")).json["items"][0]
    world.call("POST", f"/reviews/{review['id']}/decision", as_=("agency", "ipo"),
               body={"approved": False, "reason": "专利权属存在争议"})

    owner = f"enterprise:{me[1]}"
    expected = {
        reviewed: ([("submitted", owner), ("review_approved", "agency:hr"), ("sent_to_banks", "agency:hr"),
                    ("bank_approved", "bank:ICBC-BJ"), ("bank_declined", "bank:BOB-BJ")], "approved"),
        withdrawn: ([("submitted", owner), ("sent_to_banks", owner), ("withdrawn", owner)], "withdrawn"),
        rejected: ([("submitted", owner), ("review_rejected", "agency:ipo")], "rejected"),
    }
    for app_id, (steps, final) in expected.items():
        history = read(world, app_id, WINDOW)["history"]
        assert [(h["action"], h["actor"]) for h in history] == steps
        assert_history_chains(history)
        assert history[-1]["to_status"] == final
