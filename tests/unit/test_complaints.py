"""Complaints on the fakes: filed online or recorded by the window from a channel the seed names,
due in working days (调休 included), seen by the purchasing unit whose review it is about, answered
and closed by the window with the enterprise told, and flagged overdue exactly once."""
from __future__ import annotations

from datetime import date

import pytest

from chalicelib.adapters.clock import ChinaWorkingCalendar
from chalicelib.domain.application import Actor
from chalicelib.domain.complaints import ComplaintRules, rules_problems
from chalicelib.domain.errors import BusinessRuleViolated, Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.services import applications as use_cases
from chalicelib.services import complaints, notifications
from chalicelib.services.complaints import complaint_rules, flag_overdue_complaints
from tests.builders import uploaded_in_memory, valid_body, valid_uscc
from tests.unit.fakes import MovableClock, another_run_between_read_and_write, in_memory_deps

ME = Actor("enterprise", valid_uscc(1))
OTHER = Actor("enterprise", valid_uscc(2))
WINDOW = Actor("window", "w001")


@pytest.fixture(scope="module")
def engine():
    from chalicelib.rules_engine import DecisionEngine, RuleBook
    return DecisionEngine(RuleBook.load())


@pytest.fixture
def deps(engine):
    return in_memory_deps(engine, MovableClock(date(2025, 9, 30)), ChinaWorkingCalendar())


def submit(deps, who: Actor, scenario: str) -> dict:
    body = uploaded_in_memory(deps, who, valid_body(scenario, **{"enterprise.uscc": who.subject}))
    status, app = use_cases.submit(deps, who, body)
    assert status == 201
    return app


def file(deps, who: Actor, **body) -> dict:
    status, complaint = complaints.file_complaint(deps, who, {"about": "service", "text": "窗口电话一直占线"} | body)
    assert status == 201
    return complaint


def purchaser_of(app: dict) -> Actor:
    [agency] = [r["agency"] for r in app["reviews"] if r["agency"].startswith("purchaser:")]
    return Actor("agency", agency)


def my_notices(deps, who: Actor = ME) -> list[dict]:
    return notifications.list_notifications(deps, who, None, None, 100)["items"]


# ---- filing ---------------------------------------------------------------------------------------
def test_an_enterprise_files_online_and_it_is_due_in_five_working_days_across_national_day(deps):
    complaint = file(deps, ME)
    # filed Tuesday 30 September 2025: 1–8 October off, Saturday 11 October a make-up working day (调休)
    assert (complaint["status"], complaint["channel"], complaint["due"]) == ("open", "online", "2025-10-14")
    assert complaint["channel_name"]["zh"] and complaint["uscc"] == ME.subject
    assert "recorded_by" not in complaint


def test_the_answer_period_and_the_channels_are_data_marked_assumed(deps):
    import yaml
    from chalicelib.datafiles import data_dir
    doc = yaml.safe_load((data_dir("data") / "complaints.yaml").read_text(encoding="utf-8"))
    assert doc["answer_within_working_days_assumed"] is True
    rules = complaint_rules()
    assert rules.answer_within_working_days == doc["answer_within_working_days"] == 5
    assert rules.channels_for("enterprise") == ["online"]
    assert rules.channels_for("window") == ["12345", "beijingtong_app", "jingtong_app"]


def test_window_staff_record_a_hotline_complaint_for_the_enterprise_which_sees_it(deps):
    recorded = file(deps, WINDOW, uscc=ME.subject, channel="12345", about="bank", text="银行经理态度差")
    assert (recorded["channel"], recorded["recorded_by"], recorded["uscc"]) == ("12345", "w001", ME.subject)
    assert "12345" in recorded["channel_name"]["zh"]
    assert [c["id"] for c in complaints.list_complaints(deps, ME, None, None, 10)["items"]] == [recorded["id"]]
    assert complaints.list_complaints(deps, OTHER, None, None, 10)["items"] == []


@pytest.mark.parametrize("who,body,path", [
    (WINDOW, {"channel": "12345"}, "/uscc"),                            # whose complaint?
    (WINDOW, {"uscc": ME.subject}, "/channel"),                         # by which channel?
    (WINDOW, {"uscc": ME.subject, "channel": "online"}, "/channel"),    # online is the enterprise's own
    (WINDOW, {"uscc": ME.subject, "channel": "wechat"}, "/channel"),    # not a channel the seed names
    (ME, {"channel": "12345"}, "/channel"),                             # the enterprise files online
    (ME, {"about": "review"}, "/application_id"),                       # which application's review?
    (ME, {"agency": "hr"}, "/agency"),                                  # an agency only for a review
    (ME, {"text": "   "}, "/text"),
    (ME, {"about": "weather"}, "/about"),
])
def test_a_complaint_that_does_not_say_enough_is_400_and_stores_nothing(deps, who, body, path):
    with pytest.raises(ValidationFailed) as caught:
        complaints.file_complaint(deps, who, {"about": "service", "text": "太慢"} | body)
    assert path in [e.path for e in caught.value.errors]
    assert complaints.list_complaints(deps, WINDOW, None, None, 10)["items"] == []


def test_a_channel_the_filer_may_not_use_is_refused_naming_the_channels_it_may_in_words(deps):
    with pytest.raises(ValidationFailed) as caught:
        complaints.file_complaint(deps, WINDOW, {"about": "service", "text": "太慢", "uscc": ME.subject,
                                                 "channel": "wechat"})
    [error] = caught.value.errors
    rules = complaints.complaint_rules()
    for channel_id in rules.channels_for("window"):
        channel = rules.channels[channel_id]
        assert channel.zh in error.message_zh and channel.en in error.message_en, (channel, error)
    assert "beijingtong_app" not in error.message_zh, "the people reading it are not told codes alone"


def test_an_enterprise_complains_only_for_itself_and_about_its_own_applications(deps):
    theirs = submit(deps, OTHER, "credit")
    with pytest.raises(Forbidden):
        file(deps, ME, uscc=OTHER.subject)
    with pytest.raises(NotFound):
        file(deps, ME, application_id=theirs["id"], about="bank")
    with pytest.raises(NotFound):   # nor may the window tie one enterprise's complaint to another's application
        file(deps, WINDOW, uscc=ME.subject, channel="jingtong_app", application_id=theirs["id"], about="bank")


def test_a_review_complaint_names_one_of_the_applications_reviewers(deps):
    mine = submit(deps, ME, "receivable_confirmation")
    with pytest.raises(BusinessRuleViolated) as caught:
        file(deps, ME, application_id=mine["id"], about="review", agency="ipo")
    assert caught.value.errors[0].code == "not_a_reviewer"
    credit = submit(deps, ME, "credit")
    with pytest.raises(BusinessRuleViolated):                 # a credit loan has no review to complain of
        file(deps, ME, application_id=credit["id"], about="review")


def test_a_retry_with_the_same_idempotency_key_files_one_complaint(deps):
    body = {"about": "service", "text": "材料被要求提交了两次"}
    first = complaints.file_complaint(deps, ME, body, "k-1")
    assert complaints.file_complaint(deps, ME, body, "k-1") == first
    assert len(complaints.list_complaints(deps, ME, None, None, 10)["items"]) == 1


# ---- who sees it ----------------------------------------------------------------------------------
def test_the_purchasing_unit_sees_a_complaint_about_its_confirmation_review_and_no_other(deps):
    mine = submit(deps, ME, "receivable_confirmation")
    unit = purchaser_of(mine)
    about_unit = file(deps, ME, application_id=mine["id"], about="review", text="确权迟迟没有结果")
    assert about_unit["agency"] == unit.subject                  # the application's only reviewer
    file(deps, ME, application_id=mine["id"], about="bank", text="银行不回电话")
    file(deps, OTHER, text="网站打不开")
    assert [c["id"] for c in complaints.list_complaints(deps, unit, None, None, 10)["items"]] == [about_unit["id"]]
    assert complaints.get_complaint(deps, unit, about_unit["id"])["text"] == "确权迟迟没有结果"
    other_unit = Actor("agency", "purchaser:PU-OTHER")
    assert complaints.list_complaints(deps, other_unit, None, None, 10)["items"] == []
    for outsider in (other_unit, Actor("agency", "ipo"), OTHER):
        with pytest.raises(NotFound):
            complaints.get_complaint(deps, outsider, about_unit["id"])


def test_lists_page_with_opaque_cursors_bound_to_their_listing(deps):
    for n in range(3):
        file(deps, ME, text=f"第{n}件事")
    first = complaints.list_complaints(deps, ME, None, None, 2)
    rest = complaints.list_complaints(deps, ME, None, first["cursor"], 2)
    assert len(first["items"]) == 2 and len(rest["items"]) == 1 and rest["cursor"] is None
    with pytest.raises(ValidationFailed):                     # another listing's cursor
        complaints.list_complaints(deps, WINDOW, None, first["cursor"], 2)
    with pytest.raises(ValidationFailed):
        complaints.list_complaints(deps, WINDOW, "pending", None, 2)


# ---- answering ------------------------------------------------------------------------------------
def test_the_window_answers_which_closes_it_and_tells_the_enterprise_once(deps):
    complaint = file(deps, ME)
    answered = complaints.answer_complaint(deps, WINDOW, complaint["id"], {"text": "已增加热线坐席"})
    assert answered["status"] == "closed"
    assert answered["answer"]["text"] == "已增加热线坐席" and answered["answer"]["by"] == "w001"
    [notice] = my_notices(deps)
    assert notice["kind"] == "complaint_answered" and "投诉" in notice["text_zh"]
    gateway = [m for m in deps.store.pending_outbox(100) if m.queue == "notifications"]
    assert [(m.body["kind"], m.body["uscc"]) for m in gateway] == [("complaint_answered", ME.subject)]
    with pytest.raises(Conflict):
        complaints.answer_complaint(deps, WINDOW, complaint["id"], {"text": "再答一次"})
    assert len(my_notices(deps)) == 1
    with pytest.raises(NotFound):
        complaints.answer_complaint(deps, WINDOW, "NO-SUCH", {"text": "答复"})


# ---- escalation -----------------------------------------------------------------------------------
def test_an_unanswered_complaint_is_flagged_overdue_once_across_runs_and_listed_to_the_window(deps):
    complaint = file(deps, ME)                                 # due 2025-10-14
    deps.clock.set(date(2025, 10, 14), hour=23)
    assert flag_overdue_complaints(deps) == 0                  # the due day itself is still in time
    deps.clock.set(date(2025, 10, 15), hour=0)
    assert [flag_overdue_complaints(deps) for _ in range(2)] == [1, 0]
    [late] = complaints.list_complaints(deps, WINDOW, "overdue", None, 10)["items"]
    assert (late["id"], late["status"]) == (complaint["id"], "overdue") and late["overdue_at"]
    assert complaints.list_complaints(deps, WINDOW, "open", None, 10)["items"] == []
    [notice] = my_notices(deps)
    assert notice["kind"] == "complaint_overdue" and "2025-10-14" in notice["text_zh"]
    complaints.answer_complaint(deps, WINDOW, complaint["id"], {"text": "抱歉，已处理"})   # late, still answerable
    assert complaints.list_complaints(deps, WINDOW, "overdue", None, 10)["items"] == []
    assert [c["id"] for c in complaints.list_complaints(deps, WINDOW, "closed", None, 10)["items"]] == [complaint["id"]]
    deps.clock.set(date(2025, 12, 1))
    assert flag_overdue_complaints(deps) == 0


def test_two_runs_racing_on_one_complaint_flag_it_once(deps):
    """Run B reads the complaint, run A flags it and commits meanwhile; B's conditional write loses
    on the version, B reads again, finds it flagged and writes nothing."""
    file(deps, ME)
    deps.clock.set(date(2025, 10, 20))
    other_run = another_run_between_read_and_write(deps.store, "complaint", lambda: flag_overdue_complaints(deps))
    assert flag_overdue_complaints(deps) == 0               # run B
    assert other_run == [1]
    assert [n["kind"] for n in my_notices(deps)] == ["complaint_overdue"]


def test_an_answered_complaint_is_never_flagged(deps):
    complaint = file(deps, ME)
    complaints.answer_complaint(deps, WINDOW, complaint["id"], {"text": "已处理"})
    deps.clock.set(date(2025, 11, 1))
    assert flag_overdue_complaints(deps) == 0
    assert [n["kind"] for n in my_notices(deps)] == ["complaint_answered"]


# ---- the data file --------------------------------------------------------------------------------
@pytest.mark.parametrize("doc,problem", [
    ({"answer_within_working_days": 0, "channels": {"online": {"zh": "网", "en": "o", "filed_by": "enterprise"}}},
     "answer_within_working_days"),
    ({"answer_within_working_days": 5, "channels": {"online": {"zh": "网", "filed_by": "enterprise"}}}, "zh and en"),
    ({"answer_within_working_days": 5, "channels": {"x": {"zh": "网", "en": "o", "filed_by": "bank"}}}, "filed_by"),
    ({"answer_within_working_days": 5, "channels": {"x": {"zh": "网", "en": "o", "filed_by": "window"}}},
     "filed_by enterprise"),
    ({"answer_within_working_days": 5}, "channels"),
])
def test_a_complaint_rules_file_with_a_mistake_is_refused(doc, problem):
    assert any(problem in p for p in rules_problems(doc))
    with pytest.raises(ValueError):
        ComplaintRules.from_dict(doc)
