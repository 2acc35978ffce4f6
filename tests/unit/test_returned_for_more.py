"""Returned for more material (需补正), on the aggregate alone: one notice when no review is
pending, an amendment that only the returning agencies review again, every round on record."""
import pytest

from chalicelib.domain.application import Actor, Application, ReviewStatus, Status
from chalicelib.domain.decision import Decision
from chalicelib.domain.errors import Conflict

OWNER = Actor("enterprise", "91110108MA01ABCD1X")
HR, IPO, PU = Actor("agency", "hr"), Actor("agency", "ipo"), Actor("agency", "purchaser:PU-1")
T0, T1, T2, T3, T4 = (f"2026-11-25T{h:02d}:00:00.000+08:00" for h in (9, 10, 11, 12, 13))
PATENT = {"kind": "patent_certificate", "note": "质押专利的专利证书"}


def form(**changes):
    return {"scenario": "receivable_confirmation", "amount": 1_000_000, "term_months": 12,
            "banks": ["ICBC-BJ"], "first_loan": True, "enterprise": {"uscc": OWNER.subject, "name": "示例科技"},
            "details": {"contract_no": "C-1"}, "materials": [], **changes}


def submitted(*agencies):
    app = Application.submit(app_id="A1", owner=OWNER, form=form(), decision=Decision(eligible=True),
                              now=T0, reviews=[(f"R{n}", a, "2026-12-02") for n, a in enumerate(agencies)])
    app.committed()
    return app


def returned_app():
    app = submitted("hr", "ipo")
    app.decide_review("R0", HR, True, "资格符合", T1)
    app.return_for_more("R1", IPO, [PATENT], "缺专利证书", T2)
    app.committed()
    return app


def test_a_return_while_another_review_is_pending_tells_the_enterprise_nothing_yet():
    app = submitted("hr", "ipo")
    app.return_for_more("R1", IPO, [PATENT], "缺专利证书", T1)
    assert app.status is Status.IN_REVIEW and app.notice is None and app.notices == []
    assert app.review("R1").status is ReviewStatus.RETURNED
    app.decide_review("R0", HR, True, "资格符合", T2)
    assert app.status is Status.RETURNED
    assert app.notice == {"round": 1, "since": T2, "items": [{"agency": "ipo", **PATENT}]}
    assert [(n.kind, n.facts["items"]) for n in app.notices] == [("returned", [{"agency": "ipo", **PATENT}])]
    assert not any(m.queue.startswith("bank:") for m in app.outbox)


def test_two_agencies_returning_make_one_notice_with_every_item():
    app = submitted("hr", "ipo", "purchaser:PU-1")
    app.return_for_more("R0", HR, [{"note": "劳动合同"}], "补材料", T1)
    app.decide_review("R2", PU, True, "合同属实", T2)
    app.return_for_more("R1", IPO, [PATENT, {"kind": "other", "note": "质押登记申请表"}], "补材料", T3)
    assert app.status is Status.RETURNED
    assert [i["agency"] for i in app.notice["items"]] == ["hr", "ipo", "ipo"]
    assert len(app.notices) == 1 and app.notices[0].kind == "returned"
    assert [h.action for h in app.new_history][-1] == "returned"


def test_a_rejection_wins_over_a_waiting_return_and_no_notice_goes_out():
    app = submitted("hr", "ipo")
    app.return_for_more("R1", IPO, [PATENT], "缺专利证书", T1)
    app.decide_review("R0", HR, False, "不属于就业困难人员", T2)
    assert app.status is Status.REJECTED and app.notice is None
    assert [n.kind for n in app.notices] == ["rejected"]


def test_an_amendment_goes_back_only_to_the_agencies_that_returned_it():
    app = returned_app()
    app.amend(OWNER, form(materials=["M1"]), Decision(eligible=True), [("R2", "ipo", "2026-12-09")], T3)
    assert app.status is Status.IN_REVIEW and app.round == 2 and app.notice is None
    assert [(m.queue, m.body["round"]) for m in app.outbox] == [("agency:ipo", 2)]
    assert app.form["materials"] == ["M1"]
    hr_review = app.review("R0")
    assert hr_review.status is ReviewStatus.APPROVED and hr_review.round == 1   # approvals stand
    assert [(r.agency, r.round, r.status.value) for r in app.current_reviews] == [("hr", 1, "approved"),
                                                                                 ("ipo", 2, "pending")]
    entry = app.new_history[-1]
    assert (entry.action, entry.from_status, entry.to_status, entry.round) == ("amended", "returned", "in_review", 2)
    assert entry.detail == {"changed": ["materials"], "reviews": ["ipo"]}


def test_the_second_round_approved_sends_it_to_the_banks_and_the_first_round_stays_on_record():
    app = returned_app()
    app.amend(OWNER, form(materials=["M1"]), Decision(eligible=True), [("R2", "ipo", "2026-12-09")], T3)
    app.committed()
    app.decide_review("R2", IPO, True, "质押登记完成", T4)
    assert app.status is Status.AT_BANKS
    assert [m.queue for m in app.outbox] == ["bank:ICBC-BJ"]
    assert app.bank_message()["reviews"] == [{"agency": "hr", "status": "approved", "decided_at": T1},
                                             {"agency": "ipo", "status": "approved", "decided_at": T4}]
    assert [(r.id, r.round, r.status.value) for r in app.reviews] == [
        ("R0", 1, "approved"), ("R1", 1, "returned"), ("R2", 2, "approved")]
    assert app.review("R1").missing == [PATENT]


def test_a_returned_review_of_an_earlier_round_cannot_be_decided_again():
    app = returned_app()
    app.amend(OWNER, form(), Decision(eligible=True), [("R2", "ipo", "2026-12-09")], T3)
    with pytest.raises(Conflict) as caught:
        app.decide_review("R1", IPO, True, "ok", T4)
    assert caught.value.errors[0].code == "review_closed"


def test_only_a_returned_application_can_be_amended():
    app = submitted("hr")
    with pytest.raises(Conflict) as caught:
        app.amend(OWNER, form(), Decision(eligible=True), [], T1)
    assert caught.value.errors[0].code == "not_returned" and app.round == 1


def test_an_agency_the_new_decision_requires_reviews_too_and_approvals_stand():
    app = returned_app()
    assert app.agencies_to_review_again(["hr", "ipo"]) == ["ipo"]
    assert app.agencies_to_review_again(["hr", "ipo", "purchaser:PU-1"]) == ["ipo", "purchaser:PU-1"]


def test_a_returned_application_can_be_withdrawn_and_every_round_reads_back_from_its_record():
    app = returned_app()
    again = Application.from_record(app.to_record() | {"version": app.version})
    assert again.notice == app.notice and again.review("R1").missing == [PATENT]
    app.withdraw(OWNER, "不再需要", T3)
    assert app.status is Status.WITHDRAWN
