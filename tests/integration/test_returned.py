"""Returned for more material (需补正) through HTTP on moto: the agency returns, the enterprise is
told once, amends, only the returning agency reviews again, and the banks get it as before."""
from __future__ import annotations

from tests.builders import valid_offer

IPO = ("agency", "ipo")
WINDOW = ("window", "w001")
TRADEMARK = {"registration_number": "45678901", "owner": "北京示例科技有限公司", "class": 42}
ASK = {"kind": "trademark_certificate", "note": "同时质押的第 45678901 号商标的注册证，并在申请中列明该商标"}


def pending_review(world, agency=IPO, app_id: str | None = None) -> dict:
    [review] = [r for r in world.call("GET", "/reviews", as_=agency).json["items"]
                if app_id in (None, r["application_id"])]
    return review


def return_it(world, review_id: str, agency=IPO, missing=(ASK,), reason="质押物清单不完整"):
    reply = world.call("POST", f"/reviews/{review_id}/decision", as_=agency,
                       body={"outcome": "returned", "missing": list(missing), "reason": reason})
    assert reply.status == 200, reply.json
    return reply.json


def returned_application(world, me) -> tuple[str, dict]:
    app = world.submit("ip_pledge", who=me).json
    return_it(world, pending_review(world, app_id=app["id"])["id"])
    return app["id"], app


def errors_of(reply) -> set[tuple[str, str]]:
    return {(e["path"], e["code"]) for e in reply.json["errors"]}


def test_an_ip_pledge_returned_for_a_missing_item_is_amended_approved_and_sent_to_the_bank(world):
    me = world.enterprise()
    submitted = world.submit("ip_pledge", who=me, **{"details.trademarks": []})   # a patent pledged alone
    assert submitted.status == 201, submitted.json
    assert submitted.json["decision"]["required_materials"] == ["patent_certificate"]
    app_id, materials = submitted.json["id"], submitted.json["materials"]
    world.pump()
    assert len(world.queue_messages("agency:ipo")) == 1

    first = pending_review(world)
    decided = return_it(world, first["id"])
    assert (decided["status"], decided["application_status"], decided["round"]) == ("returned", "returned", 1)
    assert decided["missing"] == [ASK]
    assert world.call("GET", "/reviews", as_=IPO).json["items"] == []

    # one notice of everything missing, in the application and as one notification
    seen = world.call("GET", f"/applications/{app_id}", as_=me).json
    assert seen["status"] == "returned" and seen["round"] == 1
    assert seen["notice"]["items"] == [{"agency": "ipo", **ASK}] and seen["notice"]["since"]
    assert "补充 1 项" in seen["status_text"]["zh"]
    [notice] = world.call("GET", "/notifications", as_=me).json["items"]
    assert (notice["kind"], notice["application_id"]) == ("returned", app_id)
    assert "知识产权局" in notice["text_zh"] and "商标注册证" in notice["text_zh"] and ASK["note"] in notice["text_zh"]
    assert "the IP office" in notice["text_en"] and "Trademark registration certificate" in notice["text_en"]
    world.pump()
    [gateway] = world.queue_messages("notifications")
    assert (gateway["notification_id"], gateway["kind"], gateway["uscc"]) == (notice["id"], "returned", me[1])
    assert [a["id"] for a in world.call("GET", "/applications?status=returned", as_=WINDOW).json["items"]] == [app_id]

    # the amendment must be complete: the trademark now pledged needs its certificate
    details = {**submitted.json["details"], "trademarks": [TRADEMARK]}
    incomplete = world.call("POST", f"/applications/{app_id}/amend", as_=me, body={"details": details})
    assert incomplete.status == 422 and ("/materials", "material_missing") in errors_of(incomplete)
    assert world.call("GET", f"/applications/{app_id}", as_=me).json["status"] == "returned"

    certificate = world.upload(me, "trademark_certificate")
    body = {"details": details, "materials": [*materials, certificate]}
    amended = world.call("POST", f"/applications/{app_id}/amend", as_=me, body=body,
                         headers={"Idempotency-Key": "amend-1"})
    assert amended.status == 200, amended.json
    assert (amended.json["status"], amended.json["round"], amended.json["notice"]) == ("in_review", 2, None)
    again = world.call("POST", f"/applications/{app_id}/amend", as_=me, body=body,
                       headers={"Idempotency-Key": "amend-1"})
    assert again.status == 200 and again.json == amended.json
    assert world.call("GET", "/applications?status=returned", as_=WINDOW).json["items"] == []

    second = pending_review(world)
    assert second["id"] != first["id"] and second["round"] == 2
    world.pump()
    [message] = world.queue_messages("agency:ipo")
    assert (message["review_id"], message["round"]) == (second["id"], 2)
    assert world.queue_messages("bank:ICBC-BJ") == []

    approved = world.call("POST", f"/reviews/{second['id']}/decision", as_=IPO,
                          body={"outcome": "approved", "reason": "质押物清单完整，登记已办"})
    assert approved.json["application_status"] == "at_banks", approved.json
    world.pump()
    [sent] = world.queue_messages("bank:ICBC-BJ")
    assert sent["application_id"] == app_id
    assert sent["reviews"] == [{"agency": "ipo", "status": "approved", "decided_at": approved.json["decided_at"]}]
    # the bank sees the certificate the amendment added
    download = world.call("GET", f"/materials/{certificate}", as_=("bank", "ICBC-BJ"))
    assert download.status == 200 and download.json["download_url"]

    offer = valid_offer("ip_pledge", "ICBC-BJ")
    assert world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", "ICBC-BJ"), body=offer).status == 200
    assert world.call("GET", "/stats", as_=WINDOW).json["approved_count"] == 1
    history = world.call("GET", f"/applications/{app_id}", as_=me).json["history"]
    assert [(h["action"], h["round"]) for h in history] == [
        ("submitted", 1), ("review_returned", 1), ("returned", 1), ("amended", 2), ("review_approved", 2),
        ("sent_to_banks", 2), ("bank_approved", 2)]
    assert history[3]["detail"] == {"changed": ["details", "materials"], "reviews": ["ipo"]}
    reviews = world.call("GET", f"/applications/{app_id}", as_=me).json["reviews"]
    assert [(r["round"], r["status"]) for r in reviews] == [(1, "returned"), (2, "approved")]


def test_only_the_owner_amends_and_only_a_returned_application(world):
    me, other = world.enterprise(1), world.enterprise(2)
    in_review = world.submit("ip_pledge", who=me).json["id"]
    refused = world.call("POST", f"/applications/{in_review}/amend", as_=me, body={})
    assert refused.status == 409 and errors_of(refused) == {("", "not_returned")}
    assert refused.json["errors"][0]["message_zh"] and refused.json["errors"][0]["message_en"]

    app_id, _ = returned_application(world, me)
    for stranger in (other, ("window", "w001"), IPO):
        reply = world.call("POST", f"/applications/{app_id}/amend", as_=stranger, body={})
        expected = 404 if stranger[0] == "enterprise" else 403
        assert reply.status == expected, (stranger, reply.json)
    assert world.call("POST", "/applications/01NOSUCHAPPLICATION0000000/amend", as_=me, body={}).status == 404
    assert world.call("GET", f"/applications/{app_id}", as_=me).json["status"] == "returned"


def test_an_amendment_is_checked_against_the_form_and_changes_nothing_when_wrong(world):
    me = world.enterprise()
    app_id, app = returned_application(world, me)
    unknown = world.call("POST", f"/applications/{app_id}/amend", as_=me, body={"amount": 1})
    assert unknown.status == 400 and errors_of(unknown) == {("/amount", "unknown_field")}
    bad = {**app["details"], "patents": [{**app["details"]["patents"][0], "number": "ZL202110123456.8"}]}
    wrong = world.call("POST", f"/applications/{app_id}/amend", as_=me, body={"details": bad})
    assert wrong.status == 400 and errors_of(wrong) == {("/details/patents/0/number", "patent_check_digit")}
    gone = world.call("POST", f"/applications/{app_id}/amend", as_=me, body={"materials": []})
    assert gone.status == 422 and {c for _, c in errors_of(gone)} == {"material_missing"}
    seen = world.call("GET", f"/applications/{app_id}", as_=me).json
    assert (seen["status"], seen["round"], seen["materials"]) == ("returned", 1, app["materials"])


def test_a_review_decision_is_checked_against_the_schema_the_api_publishes(world):
    world.submit("ip_pledge", who=world.enterprise())
    review_id = pending_review(world)["id"]
    path = f"/reviews/{review_id}/decision"
    cases = [
        ({"outcome": "returned", "reason": "缺材料"}, {("/missing", "required")}),
        ({"outcome": "returned", "missing": [{"kind": "passport", "note": "护照"}], "reason": "缺"},
         {("/missing/0/kind", "enum")}),
        ({"outcome": "returned", "missing": [{"note": "  "}], "reason": "缺"}, {("/missing/0/note", "blank")}),
        ({"outcome": "returned", "missing": [], "reason": "缺"}, {("/missing", "min_items")}),
        ({"approved": True, "outcome": "approved", "reason": "ok"}, {("/outcome", "conflicting_fields")}),
        ({"approved": True, "missing": [{"note": "x"}], "reason": "ok"}, {("/missing", "not_allowed")}),
        ({"reason": "ok"}, {("/outcome", "required")}),
        ({"outcome": "maybe", "reason": "ok"}, {("/outcome", "enum")}),
    ]
    for body, expected in cases:
        reply = world.call("POST", path, as_=IPO, body=body)
        assert reply.status == 400 and errors_of(reply) == expected, (body, reply.json)
        assert all(e["message_zh"] and e["message_en"] for e in reply.json["errors"])
    assert pending_review(world)["id"] == review_id      # nothing was decided
    note_only = world.call("POST", path, as_=IPO, body={"outcome": "returned", "missing": [{"note": "质押登记申请表"}],
                                                         "reason": "缺申请表"})
    assert note_only.status == 200 and note_only.json["missing"] == [{"note": "质押登记申请表"}]


def test_a_returned_application_can_be_withdrawn(world):
    me = world.enterprise()
    app_id, _ = returned_application(world, me)
    reply = world.call("POST", f"/applications/{app_id}/withdraw", as_=me)
    assert reply.status == 200 and reply.json["status"] == "withdrawn"
    again = world.call("POST", f"/applications/{app_id}/amend", as_=me, body={})
    assert again.status == 409 and errors_of(again) == {("", "not_returned")}
