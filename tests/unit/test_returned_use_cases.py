"""Returned and amended, through the use cases on the fakes, with two agencies on one application
(the shipped rules give each scenario one: `TwoReviews` adds the HR bureau to an IP pledge)."""
from __future__ import annotations

from datetime import date

import pytest

from chalicelib.adapters.clock import ChinaWorkingCalendar
from chalicelib.bootstrap import Container
from chalicelib.domain.application import Actor
from chalicelib.domain.errors import NotFound
from chalicelib.services import applications as use_cases
from chalicelib.services import notifications
from tests.builders import uploaded_in_memory, valid_body, valid_uscc
from tests.unit.fakes import MovableClock, in_memory_deps

ME, OTHER = Actor("enterprise", valid_uscc(1)), Actor("enterprise", valid_uscc(2))
IPO, HR = Actor("agency", "ipo"), Actor("agency", "hr")
ASK_IPO = {"kind": "patent_certificate", "note": "专利证书须为最新著录项目"}
ASK_HR = {"note": "近三个月社保缴纳证明"}


class TwoReviews:
    """The real engine, with the HR bureau's review added to every IP pledge."""

    def __init__(self, engine):
        self._engine = engine

    def __getattr__(self, name):
        return getattr(self._engine, name)

    def decide(self, facts, as_of, *args, **kwargs):
        decision = self._engine.decide(facts, as_of, *args, **kwargs)
        if "ipo" not in decision.required_reviews:
            return decision
        return decision._replace(required_reviews=(*decision.required_reviews, "hr"),
                                 review_deadlines={**decision.review_deadlines, "hr": 5})


@pytest.fixture(scope="module")
def engine():
    from chalicelib.rules_engine import DecisionEngine, RuleBook
    return TwoReviews(DecisionEngine(RuleBook.load()))


@pytest.fixture
def deps(engine) -> Container:
    return in_memory_deps(engine, MovableClock(date(2026, 11, 25)), ChinaWorkingCalendar())


def submitted(deps) -> dict:
    body = uploaded_in_memory(deps, ME, valid_body("ip_pledge", **{"enterprise.uscc": ME.subject}))
    status, app = use_cases.submit(deps, ME, body)
    assert status == 201 and [r["agency"] for r in app["reviews"]] == ["ipo", "hr"]
    return app


def review_of(app: dict, agency: Actor) -> str:
    return next(r["id"] for r in app["reviews"] if r["agency"] == agency.subject and r["status"] == "pending")


def give_back(deps, agency: Actor, review_id: str, *items) -> dict:
    return use_cases.decide_review(deps, agency, review_id, {"outcome": "returned", "missing": list(items),
                                                             "reason": "材料不全"})


def approve(deps, agency: Actor, review_id: str) -> dict:
    return use_cases.decide_review(deps, agency, review_id, {"approved": True, "reason": "属实"})


def my_notices(deps) -> list[dict]:
    return notifications.list_notifications(deps, ME, None, None, 100)["items"]


def gateway_messages(deps) -> list:
    return [m for m in deps.store.pending_outbox(1000) if m.queue == "notifications"]


def test_a_return_waits_for_the_other_pending_review_then_the_enterprise_is_told_once(deps):
    app = submitted(deps)
    assert give_back(deps, IPO, review_of(app, IPO), ASK_IPO)["application_status"] == "in_review"
    seen = use_cases.get_application(deps, ME, app["id"])
    assert seen["status"] == "in_review" and seen["notice"] is None
    assert my_notices(deps) == [] and gateway_messages(deps) == []
    assert approve(deps, HR, review_of(app, HR))["application_status"] == "returned"
    seen = use_cases.get_application(deps, ME, app["id"])
    assert seen["notice"]["items"] == [{"agency": "ipo", **ASK_IPO}]
    [notice] = my_notices(deps)
    assert notice["kind"] == "returned" and "专利证书" in notice["text_zh"]
    assert [m.message_id for m in gateway_messages(deps)] == [notice["id"]]


def test_two_agencies_returning_make_one_merged_notice_and_both_review_again(deps):
    app = submitted(deps)
    give_back(deps, HR, review_of(app, HR), ASK_HR)
    give_back(deps, IPO, review_of(app, IPO), ASK_IPO, {"kind": "other", "note": "质押登记申请表"})
    seen = use_cases.get_application(deps, ME, app["id"])
    assert [(i["agency"], i["note"]) for i in seen["notice"]["items"]] == [
        ("ipo", ASK_IPO["note"]), ("ipo", "质押登记申请表"), ("hr", ASK_HR["note"])]
    [notice] = my_notices(deps)
    assert "知识产权局" in notice["text_zh"] and "人力资源和社会保障局" in notice["text_zh"]
    assert "3. " in notice["text_en"] and len(gateway_messages(deps)) == 1

    amended = use_cases.amend(deps, ME, app["id"], {})
    again = {r["agency"]: r for r in amended["reviews"] if r["round"] == 2}
    assert set(again) == {"ipo", "hr"} and amended["status"] == "in_review"
    assert [r["id"] for r in use_cases.list_reviews(deps, HR, None, None, 10)["items"]] == [again["hr"]["id"]]


def test_an_amendment_goes_only_to_the_returning_agency_and_approvals_stand(deps):
    app = submitted(deps)
    approve(deps, HR, review_of(app, HR))
    give_back(deps, IPO, review_of(app, IPO), ASK_IPO)
    before = {m.message_id for m in deps.store.pending_outbox(1000)}
    amended = use_cases.amend(deps, ME, app["id"], {})
    new = [m for m in deps.store.pending_outbox(1000) if m.message_id not in before]
    assert [(m.queue, m.body["round"]) for m in new] == [("agency:ipo", 2)]
    assert use_cases.list_reviews(deps, HR, None, None, 10)["items"] == []
    assert [(r["agency"], r["round"], r["status"]) for r in amended["reviews"]] == [
        ("ipo", 1, "returned"), ("hr", 1, "approved"), ("ipo", 2, "pending")]
    decided = approve(deps, IPO, review_of(amended, IPO))
    assert decided["application_status"] == "at_banks"


def test_a_rejection_wins_over_a_waiting_return(deps):
    app = submitted(deps)
    give_back(deps, IPO, review_of(app, IPO), ASK_IPO)
    use_cases.decide_review(deps, HR, review_of(app, HR), {"outcome": "rejected", "reason": "不符合条件"})
    seen = use_cases.get_application(deps, ME, app["id"])
    assert seen["status"] == "rejected" and seen["notice"] is None
    assert [n["kind"] for n in my_notices(deps)] == ["rejected"]


def test_nobody_but_the_owner_can_amend(deps):
    app = submitted(deps)
    give_back(deps, HR, review_of(app, HR), ASK_HR)
    approve(deps, IPO, review_of(app, IPO))
    for stranger in (OTHER, HR, Actor("window", "w001")):
        with pytest.raises(NotFound):
            use_cases.amend(deps, stranger, app["id"], {})
    assert use_cases.get_application(deps, ME, app["id"])["status"] == "returned"


def test_an_amendment_keeps_the_material_it_adds_and_does_not_retag_the_kept_ones(deps):
    import hashlib
    from chalicelib.services import materials
    from tests.builders import SAMPLE_PDF
    app = submitted(deps)
    give_back(deps, IPO, review_of(app, IPO), ASK_IPO)
    approve(deps, HR, review_of(app, HR))
    created = materials.create(deps, ME, {"kind": "patent_certificate", "filename": "new.pdf",
                                          "content_type": "application/pdf", "size": len(SAMPLE_PDF),
                                          "sha256": hashlib.sha256(SAMPLE_PDF).hexdigest()})
    assert deps.files.receive_post(created["upload"]["fields"], SAMPLE_PDF) == 204
    added = deps.store.material(created["id"]).material.key
    asked, keep = [], deps.files.keep
    deps.files.keep = lambda key: asked.append(key) or keep(key)
    amended = use_cases.amend(deps, ME, app["id"], {"materials": [*app["materials"], created["id"]]})
    assert amended["status"] == "in_review" and amended["materials"][-1] == created["id"]
    assert asked == [added] and deps.files.tags[added] == "kept"
