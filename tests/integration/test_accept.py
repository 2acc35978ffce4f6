"""Accept one offer (可比可选) through HTTP on moto: the chosen bank hears `accepted`, every other
bank that has the application `closed`, each as a typed message on its own SQS queue."""
from __future__ import annotations

import json

from tests.builders import valid_offer

WINDOW = ("window", "w001")


def decide(world, app_id: str, bank: str, body: dict):
    return world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", bank), body=body)


def approved_by_both(world, me) -> str:
    app_id = world.submit("credit", who=me).json["id"]
    assert decide(world, app_id, "ICBC-BJ", valid_offer("credit", "ICBC-BJ", amount=900_000)).status == 200
    assert decide(world, app_id, "BOB-BJ", valid_offer("credit", "BOB-BJ", amount=700_000)).status == 200
    return app_id


def accept(world, who, app_id: str, bank: str, key: str | None = None):
    return world.call("POST", f"/applications/{app_id}/accept", as_=who, body={"bank": bank},
                      headers={"Idempotency-Key": key} if key else None)


def test_the_accepted_bank_hears_accepted_and_the_other_closed_without_learning_who_won(world):
    me = world.enterprise()
    app_id = approved_by_both(world, me)
    reply = accept(world, me, app_id, "BOB-BJ")
    assert reply.status == 200, reply.json
    assert reply.json["status"] == "accepted"
    assert [b["code"] for b in reply.json["banks"] if b.get("accepted_at")] == ["BOB-BJ"]
    world.pump()
    bob = world.queue_messages("bank:BOB-BJ", types=True)
    icbc = world.queue_messages("bank:ICBC-BJ", types=True)
    assert [m["_type"] for m in bob] == ["application", "accepted"]
    assert [m["_type"] for m in icbc] == ["application", "closed"]
    assert {k: v for k, v in bob[1].items() if not k.startswith("_")} == {"application_id": app_id}
    closed = {k: v for k, v in icbc[1].items() if not k.startswith("_")}
    assert closed == {"application_id": app_id, "reason": "accepted_elsewhere"}
    assert len({m["_message_id"] for m in bob + icbc}) == 4
    # What the other bank reads of the application: closed, and nothing that names the winner.
    seen = world.call("GET", f"/applications/{app_id}", as_=("bank", "ICBC-BJ")).json
    assert (seen["status"], seen["history"][-1]["action"], seen["history"][-1]["detail"]) == (
        "closed", "closed", {"reason": "accepted_elsewhere"})
    assert "BOB" not in json.dumps(seen)
    winner = world.call("GET", f"/applications/{app_id}", as_=("bank", "BOB-BJ")).json
    assert (winner["status"], winner["history"][-1]["action"]) == ("accepted", "accepted")


def test_the_enterprise_is_told_and_the_offers_and_stats_show_the_accepted_loan(world):
    me = world.enterprise()
    app_id = approved_by_both(world, me)
    assert world.call("GET", "/stats", as_=WINDOW).json["approved_amount"] == 900_000   # the first approval
    assert accept(world, me, app_id, "BOB-BJ").status == 200
    latest = world.call("GET", "/notifications", as_=me).json["items"][0]
    assert latest["kind"] == "accepted" and "700,000.00" in latest["text_zh"] and "700,000.00" in latest["text_en"]
    offers = world.call("GET", f"/applications/{app_id}/offers", as_=me).json
    assert {o["bank"]: o["accepted"] for o in offers} == {"BOB-BJ": True, "ICBC-BJ": False}
    stats = world.call("GET", "/stats", as_=WINDOW).json
    assert (stats["approved_count"], stats["approved_amount"]) == (1, 700_000)   # one loan, the accepted one
    world.pump()
    [notice] = [m for m in world.queue_messages("notifications", types=True) if m["kind"] == "accepted"]
    assert notice["_type"] == "notification"


def test_accepting_again_with_the_key_answers_the_same_and_sends_nothing_more(world):
    me = world.enterprise()
    app_id = approved_by_both(world, me)
    first = accept(world, me, app_id, "ICBC-BJ", key="accept-1")
    again = accept(world, me, app_id, "ICBC-BJ", key="accept-1")
    assert (first.status, again.status) == (200, 200) and first.json == again.json
    late = accept(world, me, app_id, "BOB-BJ")
    assert late.status == 409 and late.error_codes == ["not_acceptable"]
    world.pump()
    assert [m["_type"] for m in world.queue_messages("bank:ICBC-BJ", types=True)] == ["application", "accepted"]
    assert [m["_type"] for m in world.queue_messages("bank:BOB-BJ", types=True)] == ["application", "closed"]
    assert world.call("GET", "/stats", as_=WINDOW).json["approved_count"] == 1


def test_only_the_owner_accepts_and_only_an_offer_a_bank_made(world):
    me = world.enterprise()
    app_id = world.submit("credit", who=me).json["id"]
    not_yet = accept(world, me, app_id, "ICBC-BJ")
    assert not_yet.status == 409 and not_yet.error_codes == ["not_acceptable"]
    assert decide(world, app_id, "ICBC-BJ", valid_offer("credit", "ICBC-BJ")).status == 200
    assert decide(world, app_id, "BOB-BJ", {"approved": False, "reason": "负债率偏高"}).status == 200
    declined = accept(world, me, app_id, "BOB-BJ")
    assert declined.status == 422 and declined.json["errors"][0]["path"] == "/bank"
    assert declined.error_codes == ["no_offer_from_bank"]
    assert accept(world, world.enterprise(2), app_id, "ICBC-BJ").status == 404
    bad = world.call("POST", f"/applications/{app_id}/accept", as_=me, body={"bank": 7, "more": 1})
    assert bad.status == 400 and {e["path"] for e in bad.json["errors"]} >= {"/bank"}
    assert world.call("GET", f"/applications/{app_id}", as_=me).json["status"] == "approved"   # nothing stored


def test_a_bank_still_deciding_is_closed_and_can_decide_no_more(world):
    me = world.enterprise()
    app_id = world.submit("credit", who=me).json["id"]
    assert decide(world, app_id, "ICBC-BJ", valid_offer("credit", "ICBC-BJ")).status == 200
    assert accept(world, me, app_id, "ICBC-BJ").status == 200
    late = decide(world, app_id, "BOB-BJ", valid_offer("credit", "BOB-BJ"))
    assert late.status == 409 and late.error_codes == ["bank_decision_closed"]
    world.pump()
    assert [m["_type"] for m in world.queue_messages("bank:BOB-BJ", types=True)] == ["application", "closed"]


def test_a_withdrawal_closes_the_application_at_every_bank_that_has_it(world):
    me = world.enterprise()
    app_id = world.submit("credit", who=me).json["id"]
    assert decide(world, app_id, "BOB-BJ", {"approved": False, "reason": "负债率偏高"}).status == 200
    assert world.call("POST", f"/applications/{app_id}/withdraw", as_=me, body={"reason": "不再需要"}).status == 200
    world.pump()
    for bank in ("ICBC-BJ", "BOB-BJ"):
        application, closed = world.queue_messages(f"bank:{bank}", types=True)
        assert (application["_type"], closed["_type"]) == ("application", "closed")
        assert {k: v for k, v in closed.items() if not k.startswith("_")} == {"application_id": app_id,
                                                                               "reason": "withdrawn"}


def test_a_withdrawal_before_the_banks_saw_it_tells_them_nothing(world):
    me = world.enterprise()
    app_id = world.submit("ip_pledge", who=me).json["id"]
    assert world.call("POST", f"/applications/{app_id}/withdraw", as_=me).status == 200
    world.pump()
    assert world.queue_messages("bank:ICBC-BJ") == [] and world.queue_messages("bank:BOB-BJ") == []
    [review] = world.queue_messages("agency:ipo", types=True)
    assert review["_type"] == "review_requested"
