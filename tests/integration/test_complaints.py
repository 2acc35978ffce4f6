"""Complaints through the app on moto: filed online or recorded by window staff from the 12345
hotline, seen by the purchasing unit whose confirmation review it is about and by nobody else,
answered and closed with the enterprise told (in the app and on the gateway queue), and flagged
overdue once by the deadline schedule."""
from __future__ import annotations

from datetime import timedelta

WINDOW = ("window", "w001")


def tick(world, handler: str) -> dict:
    """Run a scheduled handler as EventBridge would."""
    event = world.client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event",
                                                  detail={}, resources=[])
    return world.client.lambda_.invoke(handler, event).payload


def complain(world, who, **body):
    return world.call("POST", "/complaints", as_=who, body={"about": "service", "text": "热线打不通"} | body)


def test_an_enterprise_files_online_and_the_window_records_one_from_the_12345_hotline(world):
    me = world.enterprise()
    online = complain(world, me)
    assert online.status == 201 and online.headers["Location"] == f"/complaints/{online.json['id']}"
    assert (online.json["status"], online.json["channel"], online.json["uscc"]) == ("open", "online", me[1])
    assert online.json["due"] > world.container.clock.now().date().isoformat()
    hotline = complain(world, WINDOW, uscc=me[1], channel="12345", about="bank", text="银行不受理")
    assert hotline.status == 201 and hotline.json["recorded_by"] == "w001"
    assert hotline.json["channel_name"]["en"].startswith("12345")
    mine = world.call("GET", "/complaints", as_=me).json
    assert [c["id"] for c in mine["items"]] == [hotline.json["id"], online.json["id"]]
    assert world.call("GET", "/complaints", as_=world.enterprise(2)).json["items"] == []
    assert world.call("GET", f"/complaints/{online.json['id']}", as_=world.enterprise(2)).status == 404
    refused = complain(world, WINDOW, uscc=me[1], channel="online")
    assert refused.status == 400 and refused.json["errors"][0]["path"] == "/channel"


def test_the_purchasing_unit_sees_the_complaint_about_its_confirmation_review_and_not_others(world):
    me = world.enterprise()
    app = world.submit("receivable_confirmation", who=me).json
    [unit] = [r["agency"] for r in app["reviews"] if r["agency"].startswith("purchaser:")]
    about_review = complain(world, me, about="review", application_id=app["id"], text="确权超时")
    assert about_review.status == 201 and about_review.json["agency"] == unit
    complain(world, me, about="bank", application_id=app["id"])
    complain(world, world.enterprise(2))
    listed = world.call("GET", "/complaints", as_=("agency", unit))
    assert listed.status == 200 and [c["id"] for c in listed.json["items"]] == [about_review.json["id"]]
    assert world.call("GET", f"/complaints/{about_review.json['id']}", as_=("agency", unit)).json["text"] == "确权超时"
    for other in (("agency", "purchaser:PU-999999-0001"), ("agency", "ipo")):
        assert world.call("GET", "/complaints", as_=other).json["items"] == []
        assert world.call("GET", f"/complaints/{about_review.json['id']}", as_=other).status == 404
    assert world.call("GET", "/complaints", as_=("bank", "ICBC-BJ")).status == 403
    not_mine = complain(world, world.enterprise(2), about="review", application_id=app["id"])
    assert not_mine.status == 404


def test_the_window_answers_which_closes_it_and_tells_the_enterprise_in_the_app_and_by_the_gateway(world):
    me = world.enterprise()
    filed = complain(world, me).json
    answer = world.call("POST", f"/complaints/{filed['id']}/answer", as_=WINDOW, body={"text": "已增加坐席"})
    assert answer.status == 200 and answer.json["status"] == "closed" and answer.json["answer"]["text"] == "已增加坐席"
    [notice] = world.call("GET", "/notifications", as_=me).json["items"]
    assert notice["kind"] == "complaint_answered"
    world.pump()
    [message] = world.queue_messages("notifications")
    assert (message["kind"], message["uscc"], message["notification_id"]) == ("complaint_answered", me[1], notice["id"])
    again = world.call("POST", f"/complaints/{filed['id']}/answer", as_=WINDOW, body={"text": "再答"})
    assert again.status == 409 and again.error_codes == ["complaint_closed"]
    assert world.call("POST", f"/complaints/{filed['id']}/answer", as_=me, body={"text": "x"}).status == 403
    assert [c["id"] for c in world.call("GET", "/complaints?status=closed", as_=WINDOW).json["items"]] == [filed["id"]]


def test_the_deadline_schedule_flags_an_unanswered_complaint_once_and_the_window_lists_it(world, monkeypatch):
    me = world.enterprise()
    filed = complain(world, me).json
    assert tick(world, "deadlines")["complaints_flagged"] == 0
    later = world.container.clock.now() + timedelta(days=30)
    monkeypatch.setattr(world.container.clock, "now", lambda: later)
    assert [tick(world, "deadlines")["complaints_flagged"] for _ in range(2)] == [1, 0]
    [late] = world.call("GET", "/complaints?status=overdue", as_=WINDOW).json["items"]
    assert (late["id"], late["status"]) == (filed["id"], "overdue") and late["overdue_at"]
    assert world.call("GET", "/complaints?status=open", as_=WINDOW).json["items"] == []
    kinds = [n["kind"] for n in world.call("GET", "/notifications", as_=me).json["items"]]
    assert kinds == ["complaint_overdue"]
    bad = world.call("GET", "/complaints?status=late", as_=WINDOW)
    assert bad.status == 400 and bad.json["errors"][0]["path"] == "/status"


def test_the_window_pages_through_every_complaint_with_an_opaque_cursor(world):
    for n in range(3):
        complain(world, world.enterprise(n + 1))
    first = world.call("GET", "/complaints?limit=2", as_=WINDOW).json
    assert len(first["items"]) == 2 and first["cursor"]
    rest = world.call("GET", f"/complaints?limit=2&cursor={first['cursor']}", as_=WINDOW).json
    assert len(rest["items"]) == 1 and rest["cursor"] is None
    assert {c["id"] for c in first["items"] + rest["items"]} == {
        c["id"] for c in world.call("GET", "/complaints?limit=10", as_=WINDOW).json["items"]}
    tampered = world.call("GET", f"/complaints?cursor={first['cursor'][:-4]}AAAA", as_=WINDOW)
    assert tampered.status == 400 and tampered.error_codes == ["cursor"]


def test_the_scheduled_gauges_count_complaints_past_their_due_day_flagged_or_not(world, monkeypatch):
    from chalicelib.observability import measure
    container = world.container
    complain(world, world.enterprise())

    def gauge():
        [line] = [l for l in measure(container, []) if "ComplaintsOverdue" in l]
        return line["ComplaintsOverdue"]
    assert gauge() == 0
    later = container.clock.now() + timedelta(days=30)
    monkeypatch.setattr(container.clock, "now", lambda: later)
    assert gauge() == 1                                        # late, not yet flagged
    assert tick(world, "deadlines")["complaints_flagged"] == 1
    assert gauge() == 1                                        # flagged: still counted, once
