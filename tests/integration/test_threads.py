"""Consultation as its users meet it: HTTP with tokens, DynamoDB and the notifications queue on moto."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

STAFF = ("window", "w001")
THURSDAY_10AM = datetime(2025, 10, 9, 2, 0, tzinfo=timezone.utc)   # 10:00 in Beijing
MAKE_UP_SATURDAY = "2025-10-11T10:00:00+08:00"                     # 调休: worked for the National Day week
ORDINARY_SATURDAY = "2025-10-18T10:00:00+08:00"


@pytest.fixture
def world(world, monkeypatch):
    """The service on a Thursday morning in October 2025, whose calendar has a make-up Saturday."""
    monkeypatch.setattr(world.container.clock, "now", lambda: THURSDAY_10AM)
    return world


def ask(world, who, **body):
    reply = world.call("POST", "/threads", as_=who, body={"subject": "首贷贴息", "text": "需要什么材料？", **body})
    assert reply.status == 201, reply.json
    return reply


def test_a_question_and_its_answer_with_unread_counts_and_a_notification(world):
    me = world.enterprise()
    reply = ask(world, me)
    thread = reply.json
    assert reply.headers["Location"] == f"/threads/{thread['id']}"
    assert (thread["unread_window"], thread["unanswered"]) == (1, True)
    listed = world.call("GET", "/threads?unanswered=true", as_=STAFF).json["items"]
    assert [t["id"] for t in listed] == [thread["id"]]

    answered = world.call("POST", f"/threads/{thread['id']}/messages", as_=STAFF, body={"text": " 营业执照即可。 "})
    assert answered.status == 201 and answered.json["text"] == "营业执照即可。"
    assert world.call("GET", "/threads?unanswered=true", as_=STAFF).json["items"] == []
    mine = world.call("GET", "/threads", as_=me).json
    assert mine["unread"] == 1 and mine["items"][0]["unread_enterprise"] == 1

    [notice] = world.call("GET", "/notifications", as_=me).json["items"]
    assert notice["kind"] == "message_answered" and "首贷贴息" in notice["text_zh"]
    world.pump()
    [message] = world.queue_messages("notifications")
    assert (message["notification_id"], message["uscc"], message["kind"]) == (notice["id"], me[1], "message_answered")

    read = world.call("GET", f"/threads/{thread['id']}", as_=me).json
    assert [(m["from"], m["read"]) for m in read["messages"]] == [("enterprise", False), ("window", True)]
    assert "author" not in read["messages"][1]
    assert world.call("GET", "/threads", as_=me).json["unread"] == 0
    staff_view = world.call("GET", f"/threads/{thread['id']}", as_=STAFF).json
    assert staff_view["unread_window"] == 0 and staff_view["messages"][1]["author"] == "window:w001"


def test_another_enterprise_meets_a_404_and_other_roles_a_403(world):
    thread = ask(world, world.enterprise(1)).json
    stranger = world.enterprise(2)
    for method, path, body in (("GET", f"/threads/{thread['id']}", None),
                               ("POST", f"/threads/{thread['id']}/messages", {"text": "hi"}),
                               ("POST", f"/threads/{thread['id']}/call-requests", {"kind": "voice", "slot": MAKE_UP_SATURDAY})):
        reply = world.call(method, path, as_=stranger, body=body)
        assert reply.status == 404 and reply.error_codes == ["not_found"], (path, reply.json)
    assert world.call("GET", "/threads", as_=stranger).json["items"] == []
    assert world.call("GET", f"/threads/{thread['id']}", as_=("bank", "ICBC-BJ")).status == 403


def test_a_thread_about_someone_else_s_application_is_a_404(world):
    owner, stranger = world.enterprise(1), world.enterprise(2)
    app_id = world.submit("credit", who=owner).json["id"]
    assert ask(world, owner, application_id=app_id).json["application_id"] == app_id
    reply = world.call("POST", "/threads", as_=stranger, body={"application_id": app_id, "subject": "s", "text": "t"})
    assert reply.status == 404


def test_bad_bodies_are_400_at_their_field_in_both_languages(world):
    me = world.enterprise()
    reply = world.call("POST", "/threads", as_=me, body={"subject": "s", "text": "   "})
    assert reply.status == 400 and [(e["path"], e["code"]) for e in reply.json["errors"]] == [("/text", "length")]
    assert reply.json["errors"][0]["message_zh"] and reply.json["errors"][0]["message_en"]
    reply = world.call("POST", "/threads", as_=me, body={"text": "t", "extra": 1})
    assert reply.status == 400 and {e["path"] for e in reply.json["errors"]} >= {"/subject"}
    thread = ask(world, me).json
    reply = world.call("POST", f"/threads/{thread['id']}/messages", as_=me, body={"text": "字" * 2001})
    assert reply.status == 400 and reply.json["errors"][0]["path"] == "/text"


def test_a_retried_question_with_its_idempotency_key_makes_one_thread(world):
    me = world.enterprise()
    body = {"subject": "s", "text": "t"}
    first = world.call("POST", "/threads", as_=me, body=body, headers={"Idempotency-Key": "ask-1"})
    again = world.call("POST", "/threads", as_=me, body=body, headers={"Idempotency-Key": "ask-1"})
    assert (first.status, again.status) == (201, 201) and first.json == again.json
    assert len(world.call("GET", "/threads", as_=me).json["items"]) == 1
    path = f"/threads/{first.json['id']}/messages"
    one = world.call("POST", path, as_=me, body={"text": "再问一句"}, headers={"Idempotency-Key": "m-1"})
    two = world.call("POST", path, as_=me, body={"text": "再问一句"}, headers={"Idempotency-Key": "m-1"})
    assert one.json == two.json
    assert len(world.call("GET", f"/threads/{first.json['id']}", as_=me).json["messages"]) == 2


def test_calls_on_a_make_up_saturday_but_not_an_ordinary_one_nor_at_lunch(world):
    me = world.enterprise()
    path = f"/threads/{ask(world, me).json['id']}/call-requests"
    made = world.call("POST", path, as_=me, body={"kind": "video", "slot": MAKE_UP_SATURDAY})
    assert made.status == 201 and made.json["status"] == "requested"
    for slot, code in ((ORDINARY_SATURDAY, "not_working_day"), ("2025-10-10T12:30:00+08:00", "outside_working_hours"),
                       ("2025-10-08T10:00:00+08:00", "past")):
        reply = world.call("POST", path, as_=me, body={"kind": "voice", "slot": slot})
        assert reply.status == 400 and [(e["path"], e["code"]) for e in reply.json["errors"]] == [("/slot", code)]
    reply = world.call("POST", path, as_=me, body={"kind": "phone", "slot": MAKE_UP_SATURDAY})
    assert reply.status == 400 and reply.json["errors"][0]["path"] == "/kind"


def test_the_window_confirms_one_call_and_proposes_another_slot_for_the_next(world):
    me = world.enterprise()
    thread_id = ask(world, me).json["id"]
    path = f"/threads/{thread_id}/call-requests"
    first = world.call("POST", path, as_=me, body={"kind": "voice", "slot": MAKE_UP_SATURDAY}).json
    second = world.call("POST", path, as_=me, body={"kind": "video", "slot": "2025-10-10T15:00"}).json
    confirmed = world.call("POST", f"{path}/{first['id']}/confirm", as_=STAFF)
    assert confirmed.status == 200 and confirmed.json["status"] == "confirmed"
    proposed = world.call("POST", f"{path}/{second['id']}/propose", as_=STAFF, body={"slot": "2025-10-13T09:30"})
    assert proposed.status == 200 and proposed.json["proposed_slot"] == "2025-10-13T09:30:00+08:00"
    again = world.call("POST", f"{path}/{first['id']}/confirm", as_=STAFF)
    assert again.status == 409
    kinds = [n["kind"] for n in world.call("GET", "/notifications", as_=me).json["items"]]
    assert kinds == ["call_proposed", "call_confirmed"]
    assert world.call("POST", f"{path}/{first['id']}/confirm", as_=me).status == 403
    calls = world.call("GET", f"/threads/{thread_id}", as_=me).json["call_requests"]
    assert [c["status"] for c in calls] == ["confirmed", "proposed"]
