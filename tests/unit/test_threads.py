"""Consultation on the fakes: threads, unread counts for each side, answers that notify, and call
requests in the window's hours on PRC working days (调休 make-up Saturdays included)."""
from __future__ import annotations

from datetime import date

import pytest

from chalicelib.adapters.clock import ChinaWorkingCalendar
from chalicelib.domain.application import Actor, Application
from chalicelib.domain.decision import Decision
from chalicelib.domain.errors import Conflict, NotFound, ValidationFailed
from chalicelib.domain.threads import ServiceHours, ServiceHoursError
from chalicelib.services import notifications
from chalicelib.services import threads as use_cases
from tests.builders import valid_uscc
from tests.unit.fakes import MovableClock, in_memory_deps

ME = Actor("enterprise", valid_uscc(1))
OTHER = Actor("enterprise", valid_uscc(2))
STAFF = Actor("window", "w001")


@pytest.fixture
def clock():
    return MovableClock(date(2025, 10, 9))     # a Thursday, 10:00 Beijing time


@pytest.fixture
def deps(clock):
    return in_memory_deps(None, clock, ChinaWorkingCalendar())


def start(deps, who=ME, key=None, **body) -> dict:
    status, thread = use_cases.start_thread(deps, who, {"subject": "贷款贴息怎么申请", "text": "请问首贷贴息需要什么材料？",
                                                        **body}, key)
    assert status == 201
    return thread


def own_application(deps, owner: Actor = ME) -> str:
    form = {"scenario": "credit", "amount": 100, "term_months": 12, "banks": ["ICBC-BJ"],
            "enterprise": {"uscc": owner.subject, "name": "n"}}
    app = Application.submit(app_id="APP1", owner=owner, form=form, decision=Decision(eligible=True), now="2025-10-09T09:00:00.000+08:00",
                             reviews=[])
    deps.store.save(app)
    return app.id


def answer(deps, thread_id: str, text: str = "需要营业执照和财务报表。") -> dict:
    return use_cases.post_message(deps, STAFF, thread_id, {"text": text})


# ---- threads and unread counts ------------------------------------------------------------------
def test_a_new_thread_holds_the_question_trimmed_and_is_unread_by_the_window(deps):
    thread = start(deps, subject="  首贷贴息  ", text="\n 请问需要什么材料？ \n")
    assert (thread["subject"], thread["unread_window"], thread["unread_enterprise"]) == ("首贷贴息", 1, 0)
    assert [(m["from"], m["text"]) for m in thread["messages"]] == [("enterprise", "请问需要什么材料？")]
    assert thread["unanswered"] is True and "author" not in thread["messages"][0]


@pytest.mark.parametrize("field,value,code", [("text", "   ", "length"), ("text", "字" * 2001, "length"),
                                              ("subject", "\t", "length"), ("subject", "题" * 201, "length")])
def test_blank_or_too_long_texts_are_refused_at_their_field(deps, field, value, code):
    with pytest.raises(ValidationFailed) as caught:
        start(deps, **{field: value})
    assert [(e.path, e.code) for e in caught.value.errors] == [(f"/{field}", code)]
    assert use_cases.list_threads(deps, ME, None, None, 20)["items"] == []


def test_a_thread_about_an_application_must_be_about_the_enterprise_s_own(deps):
    app_id = own_application(deps)
    assert start(deps, application_id=app_id)["application_id"] == app_id
    with pytest.raises(NotFound):
        start(deps, who=OTHER, application_id=app_id)
    with pytest.raises(NotFound):
        start(deps, application_id="NOSUCH")


def test_an_answer_counts_as_unread_for_the_enterprise_until_it_reads_the_thread(deps):
    thread = start(deps)
    answer(deps, thread["id"])
    answer(deps, thread["id"], "也可以在线提交。")
    mine = use_cases.list_threads(deps, ME, None, None, 20)
    assert mine["unread"] == 2 and mine["items"][0]["unread_enterprise"] == 2
    read = use_cases.get_thread(deps, ME, thread["id"])
    assert read["unread_enterprise"] == 0 and [m["read"] for m in read["messages"]] == [False, True, True]
    assert use_cases.list_threads(deps, ME, None, None, 20)["unread"] == 0
    # answering is not reading: the window's count drops when staff open the thread
    assert use_cases.list_threads(deps, STAFF, None, None, 20)["items"][0]["unread_window"] == 1
    assert use_cases.get_thread(deps, STAFF, thread["id"])["unread_window"] == 0
    assert [m["read"] for m in use_cases.get_thread(deps, ME, thread["id"])["messages"]] == [True, True, True]


def test_the_enterprise_s_unread_total_adds_up_its_threads(deps, clock):
    first, second = start(deps), start(deps, subject="另一个问题")
    answer(deps, first["id"])
    answer(deps, second["id"])
    answer(deps, second["id"])
    assert use_cases.list_threads(deps, ME, None, None, 20)["unread"] == 3
    use_cases.get_thread(deps, ME, second["id"])
    assert use_cases.list_threads(deps, ME, None, None, 20)["unread"] == 1


def test_an_answer_by_the_window_notifies_the_enterprise_in_the_app_and_through_the_gateway(deps):
    thread = start(deps)
    answer(deps, thread["id"])
    [notice] = notifications.list_notifications(deps, ME, None, None, 20)["items"]
    assert notice["kind"] == "message_answered" and "贷款贴息怎么申请" in notice["text_zh"]
    assert "answered your question" in notice["text_en"]
    [message] = [m for m in deps.store.pending_outbox(10) if m.queue == "notifications"]
    assert message.body["uscc"] == ME.subject and message.body["notification_id"] == notice["id"]


def test_the_enterprise_s_own_messages_notify_no_one(deps):
    thread = start(deps)
    use_cases.post_message(deps, ME, thread["id"], {"text": "补充一下：我们是小微企业。"})
    assert notifications.list_notifications(deps, ME, None, None, 20)["items"] == []
    assert use_cases.get_thread(deps, STAFF, thread["id"])["unread_window"] == 0


def test_threads_are_the_owner_s_and_the_window_s_only(deps):
    thread = start(deps)
    for call in (lambda: use_cases.get_thread(deps, OTHER, thread["id"]),
                 lambda: use_cases.post_message(deps, OTHER, thread["id"], {"text": "hi"}),
                 lambda: use_cases.get_thread(deps, ME, "NOSUCH")):
        with pytest.raises(NotFound):
            call()
    assert use_cases.list_threads(deps, OTHER, None, None, 20) == {"items": [], "cursor": None, "unread": 0}


def test_the_window_lists_every_thread_newest_activity_first_and_the_unanswered_ones(deps, clock):
    first = start(deps)
    clock.set(date(2025, 10, 9), 11)
    second = start(deps, who=OTHER)
    clock.set(date(2025, 10, 9), 12)
    answer(deps, first["id"])
    everything = use_cases.list_threads(deps, STAFF, None, None, 20)
    assert [t["id"] for t in everything["items"]] == [first["id"], second["id"]] and "unread" not in everything
    assert [t["id"] for t in use_cases.list_threads(deps, STAFF, "true", None, 20)["items"]] == [second["id"]]
    with pytest.raises(ValidationFailed):
        use_cases.list_threads(deps, ME, "true", None, 20)


def test_pages_of_threads_follow_sealed_cursors(deps, clock):
    ids = []
    for hour in (9, 10, 11):
        clock.set(date(2025, 10, 9), hour)
        ids.append(start(deps)["id"])
    page = use_cases.list_threads(deps, ME, None, None, 2)
    rest = use_cases.list_threads(deps, ME, None, page["cursor"], 2)
    assert [t["id"] for t in page["items"] + rest["items"]] == ids[::-1] and rest["cursor"] is None
    with pytest.raises(ValidationFailed):
        use_cases.list_threads(deps, STAFF, None, page["cursor"], 2)   # sealed for another listing


def test_a_retried_question_or_message_with_its_idempotency_key_is_written_once(deps):
    first = start(deps, key="q-1")
    assert start(deps, key="q-1") == first
    one = use_cases.post_message(deps, ME, first["id"], {"text": "还有一个问题"}, "m-1")
    assert use_cases.post_message(deps, ME, first["id"], {"text": "还有一个问题"}, "m-1") == one
    assert len(use_cases.get_thread(deps, STAFF, first["id"])["messages"]) == 2
    with pytest.raises(Conflict):
        use_cases.post_message(deps, ME, first["id"], {"text": "另一句话"}, "m-1")


# ---- call requests ------------------------------------------------------------------------------
def call(deps, thread_id: str, slot: str, kind: str = "voice") -> dict:
    return use_cases.request_call(deps, ME, thread_id, {"kind": kind, "slot": slot})


def slot_error(deps, thread_id: str, slot: str) -> tuple[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        call(deps, thread_id, slot)
    [error] = caught.value.errors
    assert error.message_zh and error.message_en
    return error.path, error.code


def test_a_call_on_a_make_up_saturday_is_taken_and_on_an_ordinary_saturday_refused(deps):
    thread = start(deps)
    made = call(deps, thread["id"], "2025-10-11T10:00:00+08:00", "video")     # 调休: a working Saturday
    assert (made["status"], made["kind"], made["slot"]) == ("requested", "video", "2025-10-11T10:00:00+08:00")
    assert slot_error(deps, thread["id"], "2025-10-18T10:00:00+08:00") == ("/slot", "not_working_day")
    assert slot_error(deps, thread["id"], "2026-01-01T10:00:00+08:00") == ("/slot", "not_working_day")  # New Year, a Thursday


@pytest.mark.parametrize("slot", ["2025-10-10T12:30:00+08:00",   # lunch
                                  "2025-10-10T11:45:00+08:00",   # a 30-minute call would run into lunch
                                  "2025-10-10T08:59:00+08:00", "2025-10-10T17:30:00+08:00"])
def test_a_slot_outside_the_window_s_hours_is_refused(deps, slot):
    thread = start(deps)
    assert slot_error(deps, thread["id"], slot) == ("/slot", "outside_working_hours")


def test_a_slot_without_an_offset_is_beijing_time_and_one_with_another_offset_is_converted(deps):
    thread = start(deps)
    assert call(deps, thread["id"], "2025-10-10T13:30")["slot"] == "2025-10-10T13:30:00+08:00"
    assert call(deps, thread["id"], "2025-10-10T01:00:00Z")["slot"] == "2025-10-10T09:00:00+08:00"
    assert slot_error(deps, thread["id"], "2025-10-10T09:00:00-05:00") == ("/slot", "outside_working_hours")


def test_a_slot_in_the_past_or_not_a_time_is_refused(deps, clock):
    thread = start(deps)
    assert slot_error(deps, thread["id"], "2025-10-09T09:30:00+08:00") == ("/slot", "past")
    assert slot_error(deps, thread["id"], "tomorrow at ten") == ("/slot", "format")


def test_only_the_owner_asks_for_a_call(deps):
    thread = start(deps)
    with pytest.raises(NotFound):
        use_cases.request_call(deps, OTHER, thread["id"], {"kind": "voice", "slot": "2025-10-10T10:00"})


def test_the_window_confirms_a_call_once_and_the_enterprise_is_told_when(deps):
    thread = start(deps)
    asked = call(deps, thread["id"], "2025-10-11T10:00")
    assert [t["id"] for t in use_cases.list_threads(deps, STAFF, "true", None, 20)["items"]] == [thread["id"]]
    answer(deps, thread["id"])
    # answered in words, but the call is still to be answered: it stays on the window's list
    assert [t["id"] for t in use_cases.list_threads(deps, STAFF, "true", None, 20)["items"]] == [thread["id"]]
    confirmed = use_cases.answer_call(deps, STAFF, thread["id"], asked["id"])
    assert confirmed["status"] == "confirmed"
    assert use_cases.list_threads(deps, STAFF, "true", None, 20)["items"] == []
    latest = notifications.list_notifications(deps, ME, None, None, 20)["items"][0]
    assert latest["kind"] == "call_confirmed" and "2025-10-11 10:00" in latest["text_zh"]
    with pytest.raises(Conflict):
        use_cases.answer_call(deps, STAFF, thread["id"], asked["id"], {"slot": "2025-10-13T10:00"})


def test_the_window_proposes_another_slot_which_must_also_be_in_its_hours(deps):
    thread = start(deps)
    asked = call(deps, thread["id"], "2025-10-10T09:00")
    with pytest.raises(ValidationFailed) as caught:
        use_cases.answer_call(deps, STAFF, thread["id"], asked["id"], {"slot": "2025-10-12T10:00"})   # Sunday
    assert caught.value.errors[0].path == "/slot"
    proposed = use_cases.answer_call(deps, STAFF, thread["id"], asked["id"], {"slot": "2025-10-13T14:00"})
    assert (proposed["status"], proposed["proposed_slot"]) == ("proposed", "2025-10-13T14:00:00+08:00")
    [notice] = notifications.list_notifications(deps, ME, None, None, 20)["items"]
    assert notice["kind"] == "call_proposed" and "2025-10-13 14:00" in notice["text_en"]
    with pytest.raises(NotFound):
        use_cases.answer_call(deps, STAFF, thread["id"], "NOSUCH")


# ---- the hours are data ---------------------------------------------------------------------------
def test_the_shipped_hours_load_and_say_they_are_an_assumption():
    hours = use_cases.load_service_hours()
    assert "assumption" in hours.source and hours.in_words()[1] == "09:00–12:00, 13:30–17:30"


@pytest.mark.parametrize("doc", [{}, {"source": "x", "utc_offset": "+08:00", "call_minutes": 30, "periods": []},
                                 {"source": "x", "utc_offset": "+08:00", "call_minutes": 30,
                                  "periods": [{"start": "12:00", "end": "09:00"}]},
                                 {"source": "x", "utc_offset": "+08:00", "call_minutes": 30,
                                  "periods": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}]}])
def test_hours_that_make_no_sense_are_refused_when_loaded(doc):
    with pytest.raises(ServiceHoursError):
        ServiceHours.from_dict(doc)


def test_an_answer_that_loses_a_race_is_written_once_on_a_fresh_read(deps):
    """Another message lands between the answer's read and its write: the answer is retried on
    the thread as it now is, and neither message nor count is lost or doubled."""
    from chalicelib.domain.threads import ThreadMessage
    thread = start(deps)
    save = deps.store.save_thread

    def racing(changed, **kwargs):
        if changed.new_messages and changed.new_messages[0].side == "window" and not racing.done:
            racing.done = True
            meanwhile = deps.store.thread(changed.id)
            meanwhile.post(ThreadMessage("ID9999", changed.id, "enterprise", ME.label, "等一下", changed.last_at))
            save(meanwhile)
        return save(changed, **kwargs)
    racing.done = False
    deps.store.save_thread = racing
    answer(deps, thread["id"])
    read = use_cases.get_thread(deps, STAFF, thread["id"])
    assert [m["from"] for m in read["messages"]] == ["enterprise", "window", "enterprise"]
    assert use_cases.list_threads(deps, ME, None, None, 20)["unread"] == 1
    assert len(notifications.list_notifications(deps, ME, None, None, 20)["items"]) == 1
