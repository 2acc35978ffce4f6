"""Notifications and late reviews as their users meet them: HTTP with tokens, SQS on moto."""
from __future__ import annotations

from datetime import timedelta

from tests.builders import valid_offer


def notices(world, who, query: str = "") -> list[dict]:
    reply = world.call("GET", f"/notifications{query}", as_=who)
    assert reply.status == 200, reply.json
    return reply.json["items"]


def reject(world, agency: str = "ipo", reason: str = "专利权属存在争议") -> None:
    review = world.call("GET", "/reviews", as_=("agency", agency)).json["items"][0]
    reply = world.call("POST", f"/reviews/{review['id']}/decision", as_=("agency", agency),
                       body={"approved": False, "reason": reason})
    assert reply.status == 200, reply.json


def tick(world, handler: str):
    event = world.client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event",
                                                  detail={}, resources=[])
    return world.client.lambda_.invoke(handler, event).payload


def test_a_rejection_tells_the_enterprise_in_the_app_and_through_the_gateway_queue(world):
    me = world.enterprise()
    app_id = world.submit("ip_pledge", who=me).json["id"]
    assert notices(world, me) == []
    reject(world)
    [notice] = notices(world, me)
    assert (notice["kind"], notice["application_id"], notice["read"]) == ("rejected", app_id, False)
    assert "知识产权局" in notice["text_zh"] and "专利权属存在争议" in notice["text_zh"]
    assert "the IP office" in notice["text_en"]
    world.pump()
    [message] = world.queue_messages("notifications")
    assert message == {"notification_id": notice["id"], "uscc": me[1], "kind": "rejected",
                       "text_zh": notice["text_zh"], "text_en": notice["text_en"],
                       "_message_id": notice["id"]}


def test_each_bank_decision_is_one_notification_and_the_last_decline_says_none_approved(world):
    me = world.enterprise()
    app_id = world.submit("credit", who=me).json["id"]
    reply = world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", "ICBC-BJ"),
                       body={"approved": False, "reason": "现金流不足"})
    assert reply.status == 200
    reply = world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", "BOB-BJ"),
                       body={"approved": False, "reason": "负债率偏高"})
    assert reply.status == 200
    latest, first = notices(world, me)
    assert (first["kind"], latest["kind"]) == ("bank_declined", "declined")
    assert "现金流不足" in first["text_zh"] and "负债率偏高" in latest["text_zh"]
    assert "None of the banks" in latest["text_en"]


def test_an_offer_names_the_bank_and_its_terms_in_both_languages(world):
    me = world.enterprise()
    app_id = world.submit("credit", who=me).json["id"]
    offer = valid_offer("credit", "ICBC-BJ", amount=500_000, term_months=12)
    assert world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", "ICBC-BJ"), body=offer).status == 200
    [notice] = notices(world, me)
    assert notice["kind"] == "offer"
    assert "500,000.00" in notice["text_zh"] and "12 个月" in notice["text_zh"]
    assert f"{round(offer['annual_rate'] * 100, 4):g}%" in notice["text_en"]
    bank = world.call("GET", "/banks").json
    icbc = next(b for b in bank if b["code"] == "ICBC-BJ")
    assert icbc["name_zh"] in notice["text_zh"] and icbc["name_en"] in notice["text_en"]


def test_an_enterprise_reads_only_its_own_notifications_and_marks_them_read(world):
    me, other = world.enterprise(1), world.enterprise(2)
    for _ in range(3):
        world.submit("ip_pledge", who=me)
        reject(world)
    world.submit("ip_pledge", who=other)
    reject(world)
    mine = notices(world, me)
    assert len(mine) == 3 and [n["at"] for n in mine] == sorted((n["at"] for n in mine), reverse=True)
    [theirs] = notices(world, other)
    assert world.call("POST", f"/notifications/{theirs['id']}/read", as_=me).status == 404   # not mine
    reply = world.call("POST", f"/notifications/{mine[1]['id']}/read", as_=me)
    assert reply.status == 200 and reply.json["read"] is True and reply.json["id"] == mine[1]["id"]
    assert world.call("POST", f"/notifications/{mine[1]['id']}/read", as_=me).json == reply.json   # again: same
    assert [n["id"] for n in notices(world, me, "?unread=true")] == [mine[0]["id"], mine[2]["id"]]
    assert [n["read"] for n in notices(world, me)] == [False, True, False]
    assert notices(world, other, "?unread=true") == [theirs]


def test_notifications_page_with_a_sealed_cursor_bound_to_the_listing(world):
    me = world.enterprise()
    for _ in range(3):
        world.submit("ip_pledge", who=me)
        reject(world)
    first = world.call("GET", "/notifications?unread=true&limit=2", as_=me).json
    assert len(first["items"]) == 2 and first["cursor"]
    rest = world.call("GET", f"/notifications?unread=true&limit=2&cursor={first['cursor']}", as_=me).json
    assert len(rest["items"]) == 1
    assert {n["id"] for n in first["items"] + rest["items"]} == {n["id"] for n in notices(world, me)}
    other_listing = world.call("GET", f"/notifications?limit=2&cursor={first['cursor']}", as_=me)
    assert other_listing.status == 400 and other_listing.error_codes == ["cursor"]
    bad = world.call("GET", "/notifications?unread=yes", as_=me)
    assert bad.status == 400 and bad.json["errors"][0]["path"] == "/unread"


def test_the_deadline_schedule_flags_a_late_review_once_and_window_staff_see_it(world, monkeypatch):
    me = world.enterprise()
    app_id = world.submit("ip_pledge", who=me).json["id"]
    assert tick(world, "deadlines") == {"flagged": 0, "released": 0, "complaints_flagged": 0}
    later = world.container.clock.now() + timedelta(days=30)
    monkeypatch.setattr(world.container.clock, "now", lambda: later)
    assert tick(world, "deadlines") == {"flagged": 1, "released": 0, "complaints_flagged": 0}
    assert tick(world, "deadlines") == {"flagged": 0, "released": 0, "complaints_flagged": 0}          # a retried or second run changes nothing
    [late] = world.call("GET", "/reviews?status=overdue", as_=("window", "w001")).json["items"]
    assert (late["application_id"], late["agency"], late["status"]) == (app_id, "ipo", "pending")
    assert late["overdue_at"]
    [pending] = world.call("GET", "/reviews", as_=("agency", "ipo")).json["items"]
    assert pending["id"] == late["id"]                          # the IP office still decides it
    [notice] = notices(world, me)
    assert notice["kind"] == "overdue" and late["due"] in notice["text_zh"]
    history = world.call("GET", f"/applications/{app_id}", as_=me).json["history"]
    assert [h["action"] for h in history].count("review_overdue") == 1
    world.pump()
    assert [m["kind"] for m in world.queue_messages("notifications")] == ["overdue"]
    reply = world.call("POST", f"/reviews/{late['id']}/decision", as_=("agency", "ipo"),
                       body={"approved": True, "reason": "登记完成"})
    assert reply.status == 200
    assert world.call("GET", "/reviews?status=overdue", as_=("window", "w001")).json["items"] == []


def test_a_bank_never_learns_a_review_was_late(world, monkeypatch):
    app_id = world.submit("ip_pledge").json["id"]
    later = world.container.clock.now() + timedelta(days=30)
    monkeypatch.setattr(world.container.clock, "now", lambda: later)
    tick(world, "deadlines")
    review = world.call("GET", "/reviews", as_=("agency", "ipo")).json["items"][0]
    world.call("POST", f"/reviews/{review['id']}/decision", as_=("agency", "ipo"), body={"approved": True, "reason": "ok"})
    seen = world.call("GET", f"/applications/{app_id}", as_=("bank", "ICBC-BJ")).json
    assert "review_overdue" not in [h["action"] for h in seen["history"]]
    own = world.call("GET", f"/applications/{app_id}", as_=("agency", "ipo")).json
    assert "review_overdue" in [h["action"] for h in own["history"]]
