"""The application state machine, on plain objects: no AWS, no HTTP."""
import pytest

from chalicelib.domain.decision import Decision
from chalicelib.domain.application import (Actor, Application, BankOffer, BankStatus, ReviewStatus,
                                           Status)
from chalicelib.domain.errors import Conflict

OWNER = Actor("enterprise", "91110108MA01ABCD1X")
HR = Actor("agency", "hr")
ICBC = Actor("bank", "ICBC-BJ")
BOB = Actor("bank", "BOB-BJ")
T0 = "2026-11-25T09:00:00.000+08:00"
T1 = "2026-11-25T10:00:00.000+08:00"
T2 = "2026-11-25T11:00:00.000+08:00"


def form(scenario="credit", banks=("ICBC-BJ", "BOB-BJ")):
    return {"scenario": scenario, "amount": 1_000_000, "term_months": 12, "banks": list(banks),
            "first_loan": True, "enterprise": {"uscc": OWNER.subject, "name": "示例科技"}}


def submitted(scenario="credit", reviews=(), banks=("ICBC-BJ", "BOB-BJ")):
    decision = Decision(eligible=True, enterprise_size="small")
    return Application.submit(app_id="A1", owner=OWNER, form=form(scenario, banks), decision=decision,
                              now=T0, reviews=[(f"R{n}", agency, "2026-12-02") for n, agency in enumerate(reviews)])


def approve(amount=800_000):
    return BankOffer(approved=True, reason="ok", amount=amount, annual_rate=0.0345, term_months=12)


def test_a_credit_loan_goes_straight_to_every_chosen_bank():
    app = submitted()
    assert app.status is Status.AT_BANKS
    assert [m.queue for m in app.outbox] == ["bank:ICBC-BJ", "bank:BOB-BJ"]
    assert all(b.status is BankStatus.SENT for b in app.banks)
    assert [h.action for h in app.new_history] == ["submitted", "sent_to_banks"]


def test_a_reviewed_scenario_waits_for_its_agency_and_no_bank_sees_it():
    app = submitted("entrepreneurship_guarantee", reviews=("hr",))
    assert app.status is Status.IN_REVIEW
    assert [m.queue for m in app.outbox] == ["agency:hr"]
    assert not app.was_sent_to("ICBC-BJ")


def test_the_last_approved_review_sends_the_application_to_the_banks():
    app = submitted("receivable_confirmation", reviews=("hr", "purchaser:PU-1"))
    app.committed()
    app.decide_review("R0", HR, True, "资格符合", T1)
    assert app.status is Status.IN_REVIEW and app.outbox == []
    app.decide_review("R1", Actor("agency", "purchaser:PU-1"), True, "合同属实", T2)
    assert app.status is Status.AT_BANKS
    assert {m.queue for m in app.outbox} == {"bank:ICBC-BJ", "bank:BOB-BJ"}


def test_a_rejected_review_ends_the_application_with_the_agency_reason():
    app = submitted("entrepreneurship_guarantee", reviews=("hr",))
    app.decide_review("R0", HR, False, "不属于就业困难人员", T1)
    assert app.status is Status.REJECTED
    assert app.reviews[0].reason == "不属于就业困难人员"
    assert all(b.status is BankStatus.CANCELLED for b in app.banks)


def test_a_review_cannot_be_decided_twice():
    app = submitted("entrepreneurship_guarantee", reviews=("hr",))
    app.decide_review("R0", HR, True, "ok", T1)
    with pytest.raises(Conflict):
        app.decide_review("R0", HR, False, "changed my mind", T2)


def test_the_first_bank_approval_approves_and_counts_once():
    app = submitted()
    app.record_bank_decision(ICBC, approve(), T1)
    assert app.status is Status.APPROVED
    change = app.stats_change()
    assert (change.owner, change.amount, change.sme, change.first_loan, change.new_approval) == (
        OWNER.subject, 800_000, True, True, True)
    assert {(g.dimension, g.key, g.approvals, g.amount, g.sme, g.first_loan) for g in change.groups} == {
        ("month", T1[:7], 1, "800000", 1, 1), ("scenario", app.scenario, 1, "800000", 1, 1),
        ("district", app.form.get("enterprise", {}).get("district") or "unknown", 1, "800000", 1, 1),
        ("bank", "ICBC-BJ", 1, "800000", 1, 1)}
    app.committed()
    app.record_bank_decision(BOB, approve(900_000), T2)
    assert app.status is Status.APPROVED and app.stats_change() is None
    assert app.first_approval().code == "ICBC-BJ"


def test_the_application_is_declined_only_when_every_bank_declines():
    app = submitted()
    app.record_bank_decision(ICBC, BankOffer(approved=False, reason="流水不足"), T1)
    assert app.status is Status.AT_BANKS
    app.record_bank_decision(BOB, BankOffer(approved=False, reason="行业限额"), T2)
    assert app.status is Status.DECLINED


def test_a_bank_cannot_decide_twice():
    app = submitted()
    app.record_bank_decision(ICBC, approve(), T1)
    with pytest.raises(Conflict):
        app.record_bank_decision(ICBC, BankOffer(approved=False, reason="oops"), T2)


def test_withdrawal_is_possible_until_a_bank_approves():
    app = submitted()
    app.withdraw(OWNER, "不再需要", T1)
    assert app.status is Status.WITHDRAWN
    assert all(b.status is BankStatus.CANCELLED for b in app.banks)
    approved = submitted()
    approved.record_bank_decision(ICBC, approve(), T1)
    with pytest.raises(Conflict):
        approved.withdraw(OWNER, "", T2)


def test_a_withdrawn_application_takes_no_more_decisions():
    app = submitted("ip_pledge", reviews=("ipo",))
    app.withdraw(OWNER, "", T1)
    assert app.reviews[0].status is ReviewStatus.CANCELLED
    with pytest.raises(Conflict):
        app.decide_review("R0", Actor("agency", "ipo"), True, "ok", T2)


def test_every_change_appends_history_with_actor_and_before_after_status():
    app = submitted("ip_pledge", reviews=("ipo",))
    app.decide_review("R0", Actor("agency", "ipo"), True, "质押登记完成", T1)
    app.record_bank_decision(ICBC, approve(), T2)
    rows = [(h.seq, h.actor, h.action, h.from_status, h.to_status) for h in app.new_history]
    assert rows == [
        (1, "enterprise:91110108MA01ABCD1X", "submitted", None, "in_review"),
        (2, "agency:ipo", "review_approved", "in_review", "in_review"),
        (3, "agency:ipo", "sent_to_banks", "in_review", "at_banks"),
        (4, "bank:ICBC-BJ", "bank_approved", "at_banks", "approved"),
    ]


def test_the_stored_record_round_trips():
    app = submitted("ip_pledge", reviews=("ipo",))
    again = Application.from_record(app.to_record())
    assert again.to_record() == app.to_record()
