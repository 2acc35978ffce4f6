"""Renewal (续贷) through HTTP on moto: the previous bank first, the others when it declines or
when its working days pass (the deadline schedule)."""
from __future__ import annotations

from datetime import timedelta

from tests.builders import valid_body, valid_offer

PREVIOUS = {"bank": "BOB-BJ", "contract_no": "BOB-2025-0042", "end_date": "2026-06-30"}


def tick(world) -> dict:
    event = world.client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event",
                                                  detail={}, resources=[])
    return world.client.lambda_.invoke("deadlines", event).payload


def later(world, monkeypatch, days: int) -> None:
    moved = world.container.clock.now() + timedelta(days=days)
    monkeypatch.setattr(world.container.clock, "now", lambda: moved)


def renewal(world, me, scenario: str = "credit", previous: dict = PREVIOUS) -> str:
    reply = world.submit(scenario, who=me, renewal=True, **{"details.previous_loan": previous})
    assert reply.status == 201, reply.json
    return reply.json["id"]


def on_queue(world, bank: str) -> list[str]:
    world.pump()
    return [m["_type"] for m in world.queue_messages(f"bank:{bank}", types=True)]


def test_the_previous_bank_alone_gets_a_renewal_and_the_others_once_it_declines(world):
    me = world.enterprise()
    app_id = renewal(world, me)
    assert (on_queue(world, "BOB-BJ"), on_queue(world, "ICBC-BJ")) == (["application"], [])
    assert world.call("GET", f"/applications/{app_id}", as_=("bank", "ICBC-BJ")).status == 404
    banks = {b["code"]: b["status"] for b in world.call("GET", f"/applications/{app_id}", as_=me).json["banks"]}
    assert banks == {"BOB-BJ": "sent", "ICBC-BJ": "waiting"}
    reply = world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", "BOB-BJ"),
                       body={"approved": False, "reason": "到期后不再续作"})
    assert reply.status == 200 and reply.json["application_status"] == "declined"   # as BOB lives it
    assert on_queue(world, "ICBC-BJ") == ["application"]
    view = world.call("GET", f"/applications/{app_id}", as_=("bank", "ICBC-BJ")).json
    assert view["status"] == "at_banks" and "到期后不再续作" not in str(view)
    assert world.call("GET", f"/applications/{app_id}", as_=me).json["status"] == "at_banks"
    assert world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", "ICBC-BJ"),
                      body=valid_offer("credit", "ICBC-BJ")).status == 200


def test_after_three_working_days_without_an_answer_the_schedule_sends_it_to_the_others_once(world, monkeypatch):
    me = world.enterprise()
    app_id = renewal(world, me)
    assert tick(world) == {"flagged": 0, "released": 0, "complaints_flagged": 0}
    later(world, monkeypatch, 10)        # ten calendar days hold more than three working days, holidays or not
    assert tick(world) == {"flagged": 0, "released": 1, "complaints_flagged": 0}
    assert tick(world) == {"flagged": 0, "released": 0, "complaints_flagged": 0}        # a second run changes nothing
    assert on_queue(world, "ICBC-BJ") == ["application"]
    history = world.call("GET", f"/applications/{app_id}", as_=me).json["history"]
    assert (history[-1]["action"], history[-1]["actor"], history[-1]["detail"]["after"]) == (
        "sent_to_banks", "system:renewal", "previous_bank_timeout")
    # the previous bank still decides, as late as it likes
    assert world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", "BOB-BJ"),
                      body=valid_offer("credit", "BOB-BJ")).status == 200


def test_a_renewal_the_previous_bank_approves_in_time_goes_nowhere_else(world, monkeypatch):
    me = world.enterprise()
    app_id = renewal(world, me)
    assert world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", "BOB-BJ"),
                      body=valid_offer("credit", "BOB-BJ")).status == 200
    later(world, monkeypatch, 10)
    assert tick(world)["released"] == 0
    assert world.call("POST", f"/applications/{app_id}/accept", as_=me, body={"bank": "BOB-BJ"}).status == 200
    assert on_queue(world, "ICBC-BJ") == []      # it never had it, so nothing to close
    assert on_queue(world, "BOB-BJ") == ["application", "accepted"]


def test_a_reviewed_renewal_reaches_its_previous_bank_first_when_the_review_passes(world, monkeypatch):
    me = world.enterprise()
    app_id = renewal(world, me, "ip_pledge")
    [review] = world.call("GET", "/reviews", as_=("agency", "ipo")).json["items"]
    assert world.call("POST", f"/reviews/{review['id']}/decision", as_=("agency", "ipo"),
                      body={"approved": True, "reason": "质押登记已办理"}).status == 200
    assert (on_queue(world, "BOB-BJ"), on_queue(world, "ICBC-BJ")) == (["application"], [])
    later(world, monkeypatch, 10)
    assert tick(world)["released"] == 1
    assert on_queue(world, "ICBC-BJ") == ["application"]


def test_a_withdrawn_renewal_closes_only_at_the_bank_that_had_it(world):
    me = world.enterprise()
    app_id = renewal(world, me)
    assert world.call("POST", f"/applications/{app_id}/withdraw", as_=me).status == 200
    assert on_queue(world, "BOB-BJ") == ["application", "closed"]
    assert on_queue(world, "ICBC-BJ") == []


def test_a_renewal_from_a_bank_not_chosen_goes_to_every_chosen_bank_at_once(world):
    me = world.enterprise()
    renewal(world, me, previous={**PREVIOUS, "bank": "CCB-BJ"})
    assert (on_queue(world, "BOB-BJ"), on_queue(world, "ICBC-BJ")) == (["application"], ["application"])


def test_a_renewal_must_name_the_loan_it_renews(world):
    me = world.enterprise()
    body = valid_body("credit", **{"enterprise.uscc": me[1], "renewal": True})
    del body["details"]["previous_loan"]
    reply = world.call("POST", "/applications", as_=me, body=body)
    assert reply.status == 400
    [error] = reply.json["errors"]
    assert (error["path"], error["code"]) == ("/details/previous_loan", "required")
    assert "续贷的原贷款" in error["message_zh"] and "Loan being renewed" in error["message_en"]
    incomplete = valid_body("credit", **{"enterprise.uscc": me[1], "renewal": True,
                                         "details.previous_loan": {"bank": "BOB-BJ"}})
    reply = world.call("POST", "/applications", as_=me, body=incomplete)
    assert reply.status == 400
    assert {(e["path"], e["code"]) for e in reply.json["errors"]} == {
        ("/details/previous_loan/contract_no", "required"), ("/details/previous_loan/end_date", "required")}
