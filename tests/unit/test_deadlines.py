"""Deadlines that escalate, on the fakes: working days as the PRC calendar counts them (调休
included), a late review flagged exactly once, and the enterprise told."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from chalicelib.adapters.clock import ChinaWorkingCalendar
from chalicelib.bootstrap import Container
from chalicelib.domain.application import Actor
from chalicelib.services import applications as use_cases
from chalicelib.services import notifications
from chalicelib.services.deadlines import flag_overdue_reviews
from tests.builders import uploaded_in_memory, valid_body, valid_uscc
from tests.unit.fakes import MovableClock, another_run_between_read_and_write, in_memory_deps

ME = Actor("enterprise", valid_uscc(1))
IPO = Actor("agency", "ipo")
WINDOW = Actor("window", "w001")


@pytest.fixture(scope="module")
def engine():
    from chalicelib.rules_engine import DecisionEngine, RuleBook
    return DecisionEngine(RuleBook.load())


@pytest.fixture
def deps(engine) -> Container:
    return in_memory_deps(engine, MovableClock(date(2025, 9, 30)), ChinaWorkingCalendar())


def submit_ip_pledge(deps, on: date) -> dict:
    deps.clock.set(on)
    body = uploaded_in_memory(deps, ME, valid_body("ip_pledge", **{"enterprise.uscc": ME.subject}))
    status, app = use_cases.submit(deps, ME, body)
    assert status == 201
    return app


def my_notices(deps) -> list[dict]:
    return notifications.list_notifications(deps, ME, None, None, 100)["items"]


# ---- the calendar ---------------------------------------------------------------------------------
def test_working_days_skip_the_national_day_holiday():
    calendar = ChinaWorkingCalendar()
    # 2025: 1–8 October off; Tuesday 30 September + 1 working day is Thursday 9 October
    assert calendar.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    # + 5 crosses the holiday and counts Saturday 11 October, a make-up working day (调休)
    assert calendar.add_working_days(date(2025, 9, 30), 5) == date(2025, 10, 14)


def test_a_make_up_working_saturday_or_sunday_counts_and_an_ordinary_weekend_does_not():
    calendar = ChinaWorkingCalendar()
    assert calendar.add_working_days(date(2025, 10, 10), 1) == date(2025, 10, 11)   # Saturday, 调休
    assert calendar.add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)     # Sunday, 调休
    assert calendar.add_working_days(date(2025, 10, 17), 1) == date(2025, 10, 20)   # an ordinary weekend


def test_every_day_of_the_years_kept_is_judged_as_the_holidays_package_judges_it():
    import holidays
    package, calendar = holidays.China(), ChinaWorkingCalendar()
    days = [date(2019, 12, 31) + timedelta(days=n) for n in range(8 * 366)]
    differ = [d for d in days if calendar.is_working_day(d) != package.is_working_day(d)]
    assert differ == [], "the kept working days differ from the package's"
    assert calendar.add_working_days(date(9999, 12, 30), 1) == date(9999, 12, 31)   # the last year has no next


def test_working_days_left_count_the_holiday_calendar_not_weekdays():
    calendar = ChinaWorkingCalendar()
    # From Tuesday 30 September 2025 to Tuesday 14 October: 10 weekdays, but 1–8 October are off
    # and Saturday 11 October is a make-up working day: 5 working days left
    assert calendar.working_days_until(date(2025, 9, 30), date(2025, 10, 14)) == 5
    assert calendar.working_days_until(date(2025, 10, 14), date(2025, 10, 14)) == 0       # due today
    assert calendar.working_days_until(date(2025, 10, 15), date(2025, 10, 14)) == -1      # a day late
    # due Thursday 9 October, first seen again on Monday 13 October: the 9th, 10th and the make-up
    # Saturday 11th are working days gone by
    assert calendar.working_days_until(date(2025, 10, 13), date(2025, 10, 9)) == -3


def test_the_enterprise_sees_a_reviews_working_days_left_as_the_calendar_counts_them(deps):
    app = submit_ip_pledge(deps, date(2025, 9, 30))
    [review] = app["reviews"]
    assert (review["due"], review["working_days_left"]) == ("2025-10-09", 1)   # not 7 weekdays
    deps.clock.set(date(2025, 10, 8))                                          # the last day off
    [review] = use_cases.get_application(deps, ME, app["id"])["reviews"]
    assert review["working_days_left"] == 1
    deps.clock.set(date(2025, 10, 9))
    assert use_cases.get_application(deps, ME, app["id"])["reviews"][0]["working_days_left"] == 0
    [own] = use_cases.get_application(deps, IPO, app["id"])["reviews"]          # the agency's own review
    assert own["working_days_left"] == 0


# ---- flagging -------------------------------------------------------------------------------------
def test_a_deadline_across_national_day_is_late_only_after_the_first_working_day_back(deps):
    app = submit_ip_pledge(deps, date(2025, 9, 30))
    assert [r["due"] for r in app["reviews"]] == ["2025-10-09"]   # the IP office: 1 working day
    for day in (date(2025, 10, 1), date(2025, 10, 8), date(2025, 10, 9)):
        deps.clock.set(day, hour=23)
        assert flag_overdue_reviews(deps) == 0, day
    deps.clock.set(date(2025, 10, 10), hour=0)
    assert flag_overdue_reviews(deps) == 1
    [notice] = my_notices(deps)
    assert (notice["kind"], notice["application_id"], notice["read"]) == ("overdue", app["id"], False)
    assert "知识产权局" in notice["text_zh"] and "2025-10-09" in notice["text_zh"]
    assert "the IP office" in notice["text_en"] and "2025-10-09" in notice["text_en"]


def test_a_deadline_on_a_make_up_saturday_is_late_on_the_sunday(deps):
    app = submit_ip_pledge(deps, date(2025, 10, 10))
    assert [r["due"] for r in app["reviews"]] == ["2025-10-11"]
    deps.clock.set(date(2025, 10, 11), hour=22)
    assert flag_overdue_reviews(deps) == 0
    deps.clock.set(date(2025, 10, 12))
    assert flag_overdue_reviews(deps) == 1


def test_a_late_review_is_flagged_once_however_often_the_schedule_runs(deps):
    app = submit_ip_pledge(deps, date(2025, 9, 30))
    deps.clock.set(date(2025, 10, 20))
    assert [flag_overdue_reviews(deps) for _ in range(3)] == [1, 0, 0]
    assert [n["kind"] for n in my_notices(deps)] == ["overdue"]
    stored = use_cases.get_application(deps, ME, app["id"])
    assert [h["action"] for h in stored["history"]].count("review_overdue") == 1
    assert stored["status"] == "in_review" and stored["reviews"][0]["status"] == "pending"
    gateway = [m for m in deps.store.pending_outbox(100) if m.queue == "notifications"]
    assert len(gateway) == 1 and gateway[0].body["kind"] == "overdue" and gateway[0].body["uscc"] == ME.subject


def test_two_runs_racing_on_one_review_flag_it_once(deps):
    """Run B reads the application, run A flags and commits meanwhile; B's write loses the
    version race, B reads again, finds it flagged and writes nothing."""
    submit_ip_pledge(deps, date(2025, 9, 30))
    deps.clock.set(date(2025, 10, 20))
    other_run = another_run_between_read_and_write(deps.store, "get", lambda: flag_overdue_reviews(deps))
    assert flag_overdue_reviews(deps) == 0                # run B
    assert other_run == [1]
    assert [n["kind"] for n in my_notices(deps)] == ["overdue"]


def test_a_review_decided_in_time_or_late_is_never_flagged_again(deps):
    app = submit_ip_pledge(deps, date(2025, 9, 30))
    review_id = app["reviews"][0]["id"]
    deps.clock.set(date(2025, 10, 20))
    flag_overdue_reviews(deps)
    assert [r["id"] for r in use_cases.list_reviews(deps, WINDOW, "overdue", None, 10)["items"]] == [review_id]
    assert [r["id"] for r in use_cases.list_reviews(deps, IPO, None, None, 10)["items"]] == [review_id]  # still its to decide
    use_cases.decide_review(deps, IPO, review_id, {"approved": True, "reason": "登记完成"})
    assert use_cases.list_reviews(deps, WINDOW, "overdue", None, 10)["items"] == []
    deps.clock.set(date(2025, 11, 20))
    assert flag_overdue_reviews(deps) == 0


def test_each_role_lists_only_its_own_kind_of_review(deps):
    from chalicelib.domain.errors import ValidationFailed
    with pytest.raises(ValidationFailed):
        use_cases.list_reviews(deps, WINDOW, "pending", None, 10)
    with pytest.raises(ValidationFailed):
        use_cases.list_reviews(deps, IPO, "overdue", None, 10)
