"""The service layer on the fakes: each use case against the in-memory store, no AWS, no HTTP.

The same use cases run on DynamoDB in tests/integration; tests/contract keeps the fake honest.
Only the compiled rules are shared across tests (built once, read-only, as per cold start).
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from chalicelib.adapters.memory import InMemoryApplicationStore
from chalicelib.bootstrap import Container
from chalicelib.domain.application import Actor
from chalicelib.domain.errors import BusinessRuleViolated, Conflict, NotFound, ValidationFailed
from chalicelib.services import applications as use_cases
from chalicelib.services.ports import StaleVersion
from tests.builders import valid_body, valid_offer, valid_uscc
from tests.unit.fakes import in_memory_deps

ME = Actor("enterprise", valid_uscc(1))
HR = Actor("agency", "hr")
ICBC = Actor("bank", "ICBC-BJ")
BOB = Actor("bank", "BOB-BJ")


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 11, 25, 1, 0, tzinfo=timezone.utc)


class WeekdaysOnly:
    """Working days without the holiday tables (the real calendar has its own tests)."""

    def add_working_days(self, start, days: int):
        from datetime import timedelta
        day = start
        while days:
            day += timedelta(days=1)
            days -= day.weekday() < 5
        return day

    def working_days_until(self, today, due) -> int:
        from datetime import timedelta
        if due >= today:
            return sum((today + timedelta(days=n)).weekday() < 5 for n in range(1, (due - today).days + 1))
        return -sum((due + timedelta(days=n)).weekday() < 5 for n in range((today - due).days))


@pytest.fixture(scope="module")
def engine():
    from chalicelib.rules_engine import DecisionEngine, RuleBook
    return DecisionEngine(RuleBook.load())


@pytest.fixture
def deps(engine) -> Container:
    return in_memory_deps(engine, FixedClock(), WeekdaysOnly())


def submit(deps, scenario: str = "credit", who: Actor = ME, key: str | None = None, **overrides) -> dict:
    body = valid_body(scenario, **{"enterprise.uscc": who.subject, **overrides})
    status, app = use_cases.submit(deps, who, body, key)
    assert status == 201
    return app


def approve(deps, app_id: str, bank: Actor = ICBC, key: str | None = None, **offer) -> dict:
    scenario = deps.store.get(app_id).scenario
    return use_cases.bank_decision(deps, bank, app_id, valid_offer(scenario, bank.subject, **offer), key)


# ---- submit -----------------------------------------------------------------------------------
def test_a_credit_loan_is_stored_at_the_banks_with_one_message_per_bank(deps):
    app = submit(deps)
    assert app["status"] == "at_banks" and app["reviews"] == []
    assert {m.queue for m in deps.store.pending_outbox(10)} == {"bank:ICBC-BJ", "bank:BOB-BJ"}
    assert [h.action for h in deps.store.get_with_history(app["id"]).history] == ["submitted", "sent_to_banks"]


def test_an_enterprise_cannot_submit_for_another_uscc(deps):
    body = valid_body("credit", **{"enterprise.uscc": valid_uscc(2)})
    with pytest.raises(Exception) as raised:
        use_cases.submit(deps, ME, body)
    assert raised.value.status == 403
    assert deps.store.pending_outbox(10) == []


def test_a_submission_retried_with_its_key_stores_one_application(deps):
    first = submit(deps, key="k-1")
    again = submit(deps, key="k-1")
    assert again == first
    assert len(deps.store.list_for_owner(ME.subject, 10, None).items) == 1


def test_a_key_reused_for_another_body_is_a_conflict(deps):
    submit(deps, key="k-1")
    with pytest.raises(Conflict) as raised:
        submit(deps, key="k-1", amount=200_000)
    assert raised.value.errors[0].code == "idempotency_key_reused"


# ---- review -----------------------------------------------------------------------------------
def test_the_agency_approval_sends_a_reviewed_application_to_the_banks(deps):
    app = submit(deps, "entrepreneurship_guarantee")
    assert app["status"] == "in_review"
    review = use_cases.list_reviews(deps, HR, "pending", None, 10)["items"][0]
    decided = use_cases.decide_review(deps, HR, review["id"], {"approved": True, "reason": "材料真实"})
    assert decided["application_status"] == "at_banks"
    assert use_cases.list_reviews(deps, HR, "pending", None, 10)["items"] == []
    assert {m.queue for m in deps.store.pending_outbox(10)} >= {"agency:hr", "bank:ICBC-BJ"}


def test_another_agency_cannot_see_the_review(deps):
    submit(deps, "entrepreneurship_guarantee")
    review = use_cases.list_reviews(deps, HR, "pending", None, 10)["items"][0]
    with pytest.raises(NotFound):
        use_cases.decide_review(deps, Actor("agency", "ipo"), review["id"], {"approved": True, "reason": "ok"})


def test_a_review_body_without_a_reason_is_refused_before_anything_is_read(deps):
    with pytest.raises(ValidationFailed):
        use_cases.decide_review(deps, HR, "no-such-review", {"approved": True})


# ---- bank decision ----------------------------------------------------------------------------
def test_the_first_approval_approves_and_counts_once(deps):
    app = submit(deps)
    assert approve(deps, app["id"])["application_status"] == "approved"
    approve(deps, app["id"], BOB)
    stats = use_cases.stats(deps)
    assert stats["approved_count"] == 1 and stats["approved_amount"] == 800_000


def test_stats_grouped_by_bank_and_as_csv_with_a_bom(deps):
    approve(deps, submit(deps)["id"])
    approve(deps, submit(deps)["id"], BOB, amount=500_000)
    grouped = use_cases.stats(deps, "bank")
    assert [(g["key"], g["approved_count"], g["approved_amount"], g["average_amount_per_enterprise"])
            for g in grouped["groups"]] == [("BOB-BJ", 1, 500_000, 500_000), ("ICBC-BJ", 1, 800_000, 800_000)]
    text = use_cases.stats_csv(grouped)
    assert text.startswith("\ufeff银行 bank,批准笔数 approved_count,")
    assert text.splitlines()[1:] == ["BOB-BJ,1,500000.00,500000.00,1.0000,1.0000",
                                     "ICBC-BJ,1,800000.00,800000.00,1.0000,1.0000"]
    with pytest.raises(ValidationFailed) as raised:
        use_cases.stats(deps, "year")
    assert [(e.path, e.code) for e in raised.value.errors] == [("/group_by", "unknown_group_by")]


def test_an_offer_above_the_requested_amount_is_refused_and_nothing_changes(deps):
    app = submit(deps)
    with pytest.raises(BusinessRuleViolated) as raised:
        approve(deps, app["id"], amount=app["amount"] + 1)
    assert "above_requested" in [e.code for e in raised.value.errors]
    assert deps.store.get(app["id"]).status.value == "at_banks"


def test_a_bank_that_was_not_sent_the_application_does_not_find_it(deps):
    app = submit(deps, banks=["ICBC-BJ"], products=[])
    with pytest.raises(NotFound):
        approve(deps, app["id"], BOB)


def test_a_bank_decision_retried_with_its_key_counts_once(deps):
    app = submit(deps)
    first = approve(deps, app["id"], key="d-1")
    assert approve(deps, app["id"], key="d-1") == first
    assert use_cases.stats(deps)["approved_count"] == 1


# ---- withdraw ---------------------------------------------------------------------------------
def test_a_withdrawal_cancels_the_open_work(deps):
    app = submit(deps, "entrepreneurship_guarantee")
    summary = use_cases.withdraw(deps, ME, app["id"], {"reason": "不再需要"})
    assert summary["status"] == "withdrawn"
    assert use_cases.list_reviews(deps, HR, "pending", None, 10)["items"] == []


def test_no_one_else_can_withdraw(deps):
    app = submit(deps)
    with pytest.raises(NotFound):
        use_cases.withdraw(deps, Actor("enterprise", valid_uscc(2)), app["id"], {})


def test_an_approved_application_cannot_be_withdrawn(deps):
    app = submit(deps)
    approve(deps, app["id"])
    with pytest.raises(Conflict) as raised:
        use_cases.withdraw(deps, ME, app["id"], {})
    assert raised.value.errors[0].code == "not_withdrawable"


# ---- conflicts: the optimistic lock -----------------------------------------------------------
class RacingStore(InMemoryApplicationStore):
    """Lets another request commit first, just before this one's next save."""

    def __init__(self):
        super().__init__()
        self.before_next_save = []

    def save(self, app, **kwargs):
        while self.before_next_save:
            self.before_next_save.pop(0)()
        super().save(app, **kwargs)


class AlwaysStale(InMemoryApplicationStore):
    def save(self, app, **kwargs):
        if app.version:
            raise StaleVersion(app.id)
        super().save(app, **kwargs)


def test_a_bank_approval_that_loses_the_race_to_a_withdrawal_is_a_conflict(deps):
    deps.store = RacingStore()
    app = submit(deps)
    deps.store.before_next_save.append(lambda: use_cases.withdraw(deps, ME, app["id"], {"reason": "x"}))
    with pytest.raises(Conflict) as raised:
        approve(deps, app["id"])
    assert raised.value.errors[0].code == "bank_decision_closed"
    assert deps.store.get(app["id"]).status.value == "withdrawn"
    assert use_cases.stats(deps)["approved_count"] == 0


def test_two_banks_racing_both_land_and_the_first_approval_counts_once(deps):
    deps.store = RacingStore()
    app = submit(deps)
    deps.store.before_next_save.append(lambda: approve(deps, app["id"], BOB))
    assert approve(deps, app["id"])["application_status"] == "approved"
    banks = {b.code: b.status.value for b in deps.store.get(app["id"]).banks}
    assert banks == {"ICBC-BJ": "approved", "BOB-BJ": "approved"}
    assert use_cases.stats(deps)["approved_count"] == 1


def test_a_change_that_keeps_losing_the_race_gives_up_with_409(deps):
    deps.store = AlwaysStale()
    app = submit(deps)
    with pytest.raises(Conflict) as raised:
        use_cases.withdraw(deps, ME, app["id"], {})
    assert raised.value.errors[0].code == "concurrent_update"
