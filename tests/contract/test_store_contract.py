"""One suite, two stores: the in-memory fake must behave like DynamoDB (on moto)."""
from decimal import Decimal

import boto3
import pytest
from botocore.config import Config
from moto import mock_aws

from chalicelib.adapters.dynamodb import DynamoApplicationStore
from chalicelib.adapters.memory import InMemoryApplicationStore
from chalicelib.adapters.provision import create_table
from chalicelib.domain.decision import Decision
from chalicelib.domain.application import Actor, Application, BankOffer
from chalicelib.resources import Resources
from chalicelib.services.ports import IdempotencyKeyTaken, IdempotencyRecord, StaleVersion


@pytest.fixture(params=["memory", "dynamodb"])
def store(request):
    if request.param == "memory":
        yield InMemoryApplicationStore()
        return
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1", config=Config(retries={"max_attempts": 1}))
        resources = Resources("gc-contract")
        create_table(client, resources)
        yield DynamoApplicationStore(client, resources.table_name)


def new_app(app_id: str, owner: str = "U1", created: str = "2026-11-25T09:00:00.000+08:00",
            reviews=(("hr", "2026-12-02"),), materials=None) -> Application:
    form = {"scenario": "entrepreneurship_guarantee", "amount": 100, "term_months": 12,
            "banks": ["ICBC-BJ"], "first_loan": True, "enterprise": {"uscc": owner, "name": "n"},
            **({"materials": materials} if materials else {})}
    return Application.submit(app_id=app_id, owner=Actor("enterprise", owner), form=form,
                              decision=Decision(eligible=True, enterprise_size="small"), now=created,
                              reviews=[(f"{app_id}-R{n}", a, due) for n, (a, due) in enumerate(reviews)])


def save(store, app: Application, **kwargs) -> None:
    """As the service commits: the store writes, then the aggregate drops the effects it wrote."""
    store.save(app, **kwargs)
    app.committed()


def test_a_saved_application_reads_back_with_its_history(store):
    app = new_app("A1")
    save(store, app)
    snap = store.get_with_history("A1")
    assert snap.application.to_record() == app.to_record()
    assert [h.action for h in snap.history] == ["submitted"]
    assert store.get("missing") is None and store.get_with_history("missing") is None


def test_a_stale_version_loses_and_writes_nothing(store):
    save(store, new_app("A1"))
    first, second = store.get("A1"), store.get("A1")
    first.decide_review("A1-R0", Actor("agency", "hr"), True, "ok", "2026-11-25T10:00:00.000+08:00")
    save(store, first)
    second.decide_review("A1-R0", Actor("agency", "hr"), False, "no", "2026-11-25T10:00:01.000+08:00")
    with pytest.raises(StaleVersion):
        save(store, second)
    assert store.get("A1").status.value == "at_banks"
    assert len(store.get_with_history("A1").history) == 3


def test_saving_the_same_new_application_twice_is_stale(store):
    save(store, new_app("A1"))
    with pytest.raises(StaleVersion):
        save(store, new_app("A1"))


def test_an_idempotency_key_is_taken_once(store):
    rec = IdempotencyRecord("enterprise:U1:submit", "k1", "h", 201, {"id": "A1"}, 2_000_000_000)
    save(store, new_app("A1"), idempotency=rec)
    with pytest.raises(IdempotencyKeyTaken):
        save(store, new_app("A2"), idempotency=rec)
    assert store.get("A2") is None
    assert store.idempotent_response("enterprise:U1:submit", "k1").response == {"id": "A1"}


def test_owner_listing_is_newest_first_and_pages_with_a_cursor(store):
    for n in range(5):
        save(store, new_app(f"A{n}", created=f"2026-11-25T09:00:0{n}.000+08:00"))
    save(store, new_app("B1", owner="U2"))
    first = store.list_for_owner("U1", 3, None)
    assert [a.id for a in first.items] == ["A4", "A3", "A2"]
    rest = store.list_for_owner("U1", 3, first.cursor)
    assert [a.id for a in rest.items] == ["A1", "A0"]
    assert rest.cursor is None or store.list_for_owner("U1", 3, rest.cursor).items == []


def test_window_listing_filters_by_status(store):
    save(store, new_app("A1"))
    save(store, new_app("A2", reviews=()))
    assert [a.id for a in store.list_all("at_banks", 10, None).items] == ["A2"]
    assert {a.id for a in store.list_all(None, 10, None).items} == {"A1", "A2"}


def test_pending_reviews_are_oldest_first_and_leave_the_list_once_decided(store):
    for n in range(3):
        save(store, new_app(f"A{n}", created=f"2026-11-25T09:00:0{n}.000+08:00"))
    assert [r.application_id for r in store.pending_reviews("hr", 10, None).items] == ["A0", "A1", "A2"]
    app = store.get("A1")
    app.decide_review("A1-R0", Actor("agency", "hr"), True, "ok", "2026-11-25T10:00:00.000+08:00")
    save(store, app)
    assert [r.application_id for r in store.pending_reviews("hr", 10, None).items] == ["A0", "A2"]
    assert store.review_entry("A1-R0").status == "approved"
    assert store.pending_reviews("ipo", 10, None).items == []


def test_a_bank_lists_applications_sent_to_it_oldest_first_until_it_decides(store):
    save(store, new_app("A1", reviews=(("hr", "2026-12-02"),)))          # still in review: not sent
    for n in (2, 3):
        save(store, new_app(f"A{n}", created=f"2026-11-25T09:00:0{n}.000+08:00", reviews=()))
    assert [(b.application_id, b.status) for b in store.bank_pending("ICBC-BJ", 10, None).items] == [
        ("A2", "sent"), ("A3", "sent")]
    app = store.get("A2")
    app.record_bank_decision(Actor("bank", "ICBC-BJ"), BankOffer(False, "no"), "2026-11-25T10:00:00.000+08:00")
    save(store, app)
    assert [b.application_id for b in store.bank_pending("ICBC-BJ", 10, None).items] == ["A3"]
    assert store.bank_pending("BOB-BJ", 10, None).items == []


def test_outbox_holds_messages_until_deleted(store):
    save(store, new_app("A1", reviews=()))
    pending = store.pending_outbox(10)
    assert {m.queue for m in pending} == {"bank:ICBC-BJ"}
    store.delete_outbox([m.message_id for m in pending])
    assert store.pending_outbox(10) == []


def test_approval_counters_count_each_enterprise_once(store):
    for app_id, owner in (("A1", "U1"), ("A2", "U1"), ("A3", "U2")):
        app = new_app(app_id, owner=owner, reviews=())
        save(store, app)
        app.record_bank_decision(Actor("bank", "ICBC-BJ"),
                                 BankOffer(True, "ok", 100.0, 0.04, 12), "2026-11-25T10:00:00.000+08:00")
        app.form["first_loan"] = app_id != "A3"
        save(store, app)   # the counters move by what the aggregate reports (`stats_change()`)
    stats = store.stats()
    assert (stats["approved_count"], stats["approved_enterprises"], stats["approved_first_loan_count"]) == (3, 2, 2)
    assert stats["approved_amount"] == 300


def test_each_outbox_message_keeps_its_type(store):
    save(store, new_app("A1"))
    save(store, new_app("A2", reviews=()))
    assert {(m.queue, m.type) for m in store.pending_outbox(10)} == {("agency:hr", "review_requested"),
                                                                    ("bank:ICBC-BJ", "application")}


def sent_to_two_banks(store):
    """An application with no review, saved as sent to ICBC-BJ and BOB-BJ."""
    app = new_app("A1", reviews=())
    app.form["banks"] = ["ICBC-BJ", "BOB-BJ"]
    app.banks.append(type(app.banks[0])("BOB-BJ", app.banks[0].status, app.banks[0].sent_at))
    save(store, app)
    return app


def test_accepting_another_offer_than_the_first_moves_only_the_approved_amount(store):
    app = sent_to_two_banks(store)
    at = "2026-11-25T10:00:00.000+08:00"
    app.record_bank_decision(Actor("bank", "ICBC-BJ"), BankOffer(True, "ok", 100.5, 0.04, 12), at)
    app.record_bank_decision(Actor("bank", "BOB-BJ"), BankOffer(True, "ok", 80.25, 0.04, 12), at)
    save(store, app)
    app.accept(Actor("enterprise", "U1"), "BOB-BJ", at)
    save(store, app)
    stats = store.stats()
    assert (stats["approved_count"], stats["approved_enterprises"], stats["approved_sme_count"]) == (1, 1, 1)
    assert stats["approved_amount"] == Decimal("80.25")
    queued = {(m.queue, m.type, m.body.get("reason")) for m in store.pending_outbox(10)}
    assert {("bank:BOB-BJ", "accepted", None), ("bank:ICBC-BJ", "closed", "accepted_elsewhere")} <= queued


def _approve(store, app_id, owner, bank, amount, at, district=None, scenario=None, first_loan=True):
    app = new_app(app_id, owner=owner, reviews=())
    app.form["banks"], app.banks[0].code = [bank], bank
    if district:
        app.form["enterprise"]["district"] = district
    if scenario:
        app.scenario = app.form["scenario"] = scenario
    app.form["first_loan"] = first_loan
    save(store, app)
    app.record_bank_decision(Actor("bank", bank), BankOffer(True, "ok", amount, 0.04, 12), at)
    save(store, app)
    return app


def test_counters_per_month_scenario_bank_and_district_count_each_enterprise_once_per_group(store):
    _approve(store, "A1", "U1", "ICBC-BJ", 100.0, "2026-11-30T23:59:00.000+08:00", "haidian")
    _approve(store, "A2", "U1", "BOB-BJ", 50.5, "2026-12-01T00:01:00.000+08:00", "haidian", "tech_ip", False)
    _approve(store, "A3", "U2", "ICBC-BJ", 30.0, "2026-12-02T09:00:00.000+08:00", "chaoyang")
    save(store, new_app("A4", owner="U3", reviews=()))   # not approved: in no group
    by_month = store.grouped_stats("month")
    assert list(by_month) == ["2026-11", "2026-12"]   # the Beijing-time month of the approval
    assert (by_month["2026-12"]["approved_count"], by_month["2026-12"]["approved_enterprises"],
            by_month["2026-12"]["approved_amount"], by_month["2026-12"]["approved_first_loan_count"]) == (2, 2, Decimal("80.5"), 1)
    by_district = store.grouped_stats("district")
    assert {k: (v["approved_count"], v["approved_enterprises"]) for k, v in by_district.items()} == {
        "chaoyang": (1, 1), "haidian": (2, 1)}
    assert {k: v["approved_amount"] for k, v in store.grouped_stats("scenario").items()} == {
        "entrepreneurship_guarantee": 130, "tech_ip": Decimal("50.5")}
    assert {k: v["approved_sme_count"] for k, v in store.grouped_stats("bank").items()} == {"BOB-BJ": 1, "ICBC-BJ": 2}
    assert store.stats()["approved_count"] == 3   # the city-wide counters are kept as before


@pytest.mark.parametrize("another_at_icbc", [True, False])
def test_accepting_another_bank_s_offer_moves_the_approval_to_that_bank_s_group(store, another_at_icbc):
    app = sent_to_two_banks(store)
    at = "2026-11-25T10:00:00.000+08:00"
    app.record_bank_decision(Actor("bank", "ICBC-BJ"), BankOffer(True, "ok", 100.5, 0.04, 12), at)
    save(store, app)
    if another_at_icbc:
        _approve(store, "A2", "U1", "ICBC-BJ", 10.0, at)   # the same enterprise keeps an approval at ICBC
    app.record_bank_decision(Actor("bank", "BOB-BJ"), BankOffer(True, "ok", 80.25, 0.04, 12), at)
    save(store, app)
    app.accept(Actor("enterprise", "U1"), "BOB-BJ", "2026-12-03T10:00:00.000+08:00")
    save(store, app)
    figures = lambda s: (s["approved_count"], s["approved_amount"], s["approved_enterprises"], s["approved_sme_count"])
    by_bank = store.grouped_stats("bank")
    n = int(another_at_icbc)
    assert figures(by_bank["ICBC-BJ"]) == (n, 10 * n, n, n)   # its last approval gone, ICBC counts no enterprise
    assert figures(by_bank["BOB-BJ"]) == (1, Decimal("80.25"), 1, 1)
    # month (of the first approval, not of the acceptance), scenario, district: the amount changes
    assert figures(store.grouped_stats("month")["2026-11"]) == (1 + n, Decimal("80.25") + 10 * n, 1, 1 + n)
    assert figures(store.grouped_stats("district")["unknown"]) == (1 + n, Decimal("80.25") + 10 * n, 1, 1 + n)
    assert store.stats()["approved_amount"] == Decimal("80.25") + 10 * n


def test_a_renewal_with_its_previous_bank_alone_is_listed_by_due_day_until_that_ends(store):
    at = "2026-11-25T10:00:00.000+08:00"
    for app_id, due in (("A1", "2026-11-30"), ("A2", "2026-11-27"), ("A3", "2026-12-09")):
        app = Application.submit(
            app_id=app_id, owner=Actor("enterprise", "U1"), now=at, reviews=[], renewal_due=due,
            decision=Decision(eligible=True, enterprise_size="small"),
            form={"scenario": "credit", "amount": 100, "term_months": 12, "banks": ["ICBC-BJ", "BOB-BJ"],
                  "renewal": True, "details": {"previous_loan": {"bank": "BOB-BJ"}},
                  "enterprise": {"uscc": "U1", "name": "n"}})
        save(store, app)
    first = store.renewals_due_before("2026-12-01", 1, None)
    rest = store.renewals_due_before("2026-12-01", 1, first.cursor)
    assert [(e.application_id, e.due) for e in first.items + rest.items] == [("A2", "2026-11-27"), ("A1", "2026-11-30")]
    app = store.get("A2")
    assert app.release_if_due("2026-12-01", at)
    save(store, app)
    assert [e.application_id for e in store.renewals_due_before("2026-12-31", 10, None).items] == ["A1", "A3"]
    assert {m.queue for m in store.pending_outbox(20) if m.body.get("application_id") == "A2"} == {
        "bank:BOB-BJ", "bank:ICBC-BJ"}


def test_a_tampered_cursor_is_refused(store):
    with pytest.raises(ValueError):
        store.list_for_owner("U1", 3, "not-a-cursor!")


def published(version: str, seq: int, before: str | None = None):
    from chalicelib.services.ports import PublishedRuleset, RulesetPublication
    at = f"2026-11-25T09:00:0{seq}.000+08:00"
    sha = version.replace(".", "").ljust(64, "a")
    return (PublishedRuleset("eligibility", version, "ruleset: eligibility", sha, "policy:p1", at),
            RulesetPublication("eligibility", seq, at, "policy:p1", version, sha,
                               before, before.replace(".", "").ljust(64, "a") if before else None))


def test_a_published_ruleset_version_is_stored_once_and_bumps_the_revision(store):
    from chalicelib.services.ports import VersionTaken
    first, entry = published("2026.1", 1)
    assert store.rules_revision() == 0
    store.publish_ruleset(first, entry)
    with pytest.raises(VersionTaken):
        store.publish_ruleset(first, published("2026.1", 2, before="2026.1")[1])
    assert store.published_rulesets() == [first]
    assert store.ruleset_history("eligibility") == [entry]
    assert store.rules_revision() == 1


def test_a_ruleset_history_entry_is_written_once_with_its_version_and_never_rewritten(store):
    from chalicelib.services.ports import StaleVersion
    first, entry = published("2026.1", 1)
    store.publish_ruleset(first, entry)
    rival, rival_entry = published("2026.2", 1)          # read the history before `first` was written
    with pytest.raises(StaleVersion):
        store.publish_ruleset(rival, rival_entry)
    assert store.published_rulesets() == [first]          # the version did not go in without its entry
    assert store.ruleset_history("eligibility") == [entry] and store.rules_revision() == 1
    second, second_entry = published("2026.2", 2, before="2026.1")
    store.publish_ruleset(second, second_entry)
    assert store.ruleset_history("eligibility") == [entry, second_entry]
    assert store.ruleset_history("enterprise_size") == []
    assert second_entry.to_dict()["before"] == entry.to_dict()["after"]


def test_all_applications_pages_through_everything(store):
    for n in range(7):
        save(store, new_app(f"A{n}", created=f"2026-11-25T09:00:0{n}.000+08:00"))
    assert [a.id for a in store.all_applications(page_size=3)] == [f"A{n}" for n in range(6, -1, -1)]


def test_outbox_pending_tells_delivered_from_waiting_messages(store):
    save(store, new_app("A1", reviews=()))
    waiting = [m.message_id for m in store.pending_outbox(10)]
    assert store.outbox_pending(waiting + ["never-existed"]) == set(waiting)
    store.delete_outbox(waiting)
    assert store.outbox_pending(waiting) == set()


def test_a_parked_message_leaves_delivery_and_is_listed_for_staff(store):
    save(store, new_app("A1", reviews=()))
    [message] = store.pending_outbox(10)
    store.park_outbox([message.message_id, "already-delivered"], "bank:ICBC-BJ: no such queue",
                      "2026-11-25T10:00:00.000+08:00")
    assert store.pending_outbox(10) == []
    assert store.outbox_pending([message.message_id]) == set()     # a replayed stream record skips it
    [parked] = store.parked_outbox(10)
    assert (parked.message_id, parked.queue, parked.application_id, parked.reason) == (
        message.message_id, "bank:ICBC-BJ", "A1", "bank:ICBC-BJ: no such queue")
    store.delete_outbox([message.message_id])
    assert store.parked_outbox(10) == []


def proposal(version: str, by: str = "policy:p1"):
    from chalicelib.services.ports import RuleProposal
    return RuleProposal("eligibility", version, "ruleset: eligibility", version.replace(".", "").ljust(64, "b"),
                        by, "2026-11-25T09:00:00.000+08:00")


def entry(seq: int, version: str, action: str, before: str | None = None):
    from chalicelib.services.ports import RulesetPublication
    return RulesetPublication("eligibility", seq, f"2026-11-25T09:00:0{seq}.000+08:00", "policy:p1", version,
                              version.replace(".", "").ljust(64, "b"), before, None, action)


def test_a_proposal_decides_nothing_until_approved_once(store):
    from chalicelib.services.ports import PublishedRuleset, VersionTaken
    store.propose_ruleset(proposal("2026.1"), entry(1, "2026.1", "proposed"))
    with pytest.raises(VersionTaken):
        store.propose_ruleset(proposal("2026.1"), entry(2, "2026.1", "proposed"))
    assert store.published_rulesets() == [] and store.rules_revision() == 0
    assert [p.status for p in store.rule_proposals("eligibility")] == ["proposed"]

    approved = PublishedRuleset("eligibility", "2026.1", "ruleset: eligibility", proposal("2026.1").sha256,
                                "policy:p1", "2026-11-25T09:00:02.000+08:00", "policy:p2")
    store.approve_ruleset(proposal("2026.1"), approved, entry(2, "2026.1", "approved"))
    with pytest.raises(VersionTaken):
        store.approve_ruleset(proposal("2026.1"), approved, entry(3, "2026.1", "approved"))
    assert store.published_rulesets() == [approved] and store.rules_revision() == 1
    [stored] = store.rule_proposals("eligibility")
    assert (stored.status, stored.approved_by) == ("approved", "policy:p2")
    assert [e.action for e in store.ruleset_history("eligibility")] == ["proposed", "approved"]


# ---- notifications and deadlines ---------------------------------------------------------------
def notification(n: int, recipient: str = "U1", app_id: str = "A1"):
    from chalicelib.domain.notifications import Notification
    return Notification(id=f"N{n:04d}", recipient=recipient, kind="offer", at=f"2026-11-25T10:00:0{n % 10}.000+08:00",
                        text_zh=f"通知 {n}", text_en=f"notice {n}", application_id=app_id)


def test_notifications_are_written_with_the_change_and_their_gateway_message(store):
    app = new_app("A1", reviews=())
    save(store, app, notifications=[notification(1)])
    [listed] = store.notifications("U1", False, 10, None).items
    assert listed == notification(1) and listed.read is False
    gateway = [m for m in store.pending_outbox(10) if m.queue == "notifications"]
    assert [(m.message_id, m.body) for m in gateway] == [("N0001", {
        "notification_id": "N0001", "uscc": "U1", "kind": "offer", "text_zh": "通知 1", "text_en": "notice 1"})]
    assert store.notifications("U2", False, 10, None).items == []


def test_a_change_that_loses_its_race_writes_no_notification(store):
    save(store, new_app("A1"))
    first, second = store.get("A1"), store.get("A1")
    save(store, first, notifications=[notification(1)])
    with pytest.raises(StaleVersion):
        save(store, second, notifications=[notification(2)])
    assert [n.id for n in store.notifications("U1", False, 10, None).items] == ["N0001"]
    assert {m.message_id for m in store.pending_outbox(10) if m.queue == "notifications"} == {"N0001"}


def test_notifications_list_newest_first_in_pages_and_unread_ones_until_read(store):
    app = new_app("A1", reviews=())
    save(store, app, notifications=[notification(n) for n in range(1, 6)])
    first = store.notifications("U1", False, 3, None)
    assert [n.id for n in first.items] == ["N0005", "N0004", "N0003"]
    assert [n.id for n in store.notifications("U1", False, 3, first.cursor).items] == ["N0002", "N0001"]
    read = store.mark_notification_read("U1", "N0004", "2026-11-25T11:00:00.000+08:00")
    assert read.id == "N0004" and read.read is True
    assert store.mark_notification_read("U1", "N0004", "2026-11-25T12:00:00.000+08:00").read is True
    assert [n.id for n in store.notifications("U1", True, 10, None).items] == ["N0005", "N0003", "N0002", "N0001"]
    assert [n.read for n in store.notifications("U1", False, 10, None).items] == [False, True, False, False, False]
    assert store.mark_notification_read("U2", "N0005", "2026-11-25T11:00:00.000+08:00") is None   # not U2's
    assert store.mark_notification_read("U1", "N9999", "2026-11-25T11:00:00.000+08:00") is None


def test_reviews_past_their_due_day_are_found_until_flagged_and_then_listed_as_overdue(store):
    for n, due in enumerate(("2026-12-01", "2026-11-30", "2026-12-02", "2026-12-03")):
        save(store, new_app(f"A{n}", reviews=(("hr", due),)))
    assert [r.due for r in store.reviews_due_before("2026-12-03", 10, None).items] == [
        "2026-11-30", "2026-12-01", "2026-12-02"]          # earliest first; due on the day is not late
    page = store.reviews_due_before("2026-12-03", 2, None)
    app = store.get(page.items[0].application_id)
    assert app.mark_overdue(page.items[0].id, "2026-12-03", "2026-12-03T00:00:05.000+08:00")
    save(store, app)
    # the next page starts after the last one read, though an item of the first page left the list
    assert [r.due for r in store.reviews_due_before("2026-12-03", 2, page.cursor).items] == ["2026-12-02"]
    assert [r.due for r in store.reviews_due_before("2026-12-03", 10, None).items] == ["2026-12-01", "2026-12-02"]
    [late] = store.overdue_reviews(10, None).items
    assert (late.application_id, late.status, late.overdue_at) == ("A1", "pending", "2026-12-03T00:00:05.000+08:00")
    app = store.get("A1")
    app.decide_review("A1-R0", Actor("agency", "hr"), True, "ok", "2026-12-03T09:00:00.000+08:00")
    save(store, app)
    assert store.overdue_reviews(10, None).items == []
    assert store.review_entry("A1-R0").status == "approved"


def test_a_returned_and_amended_application_keeps_every_round_and_moves_between_status_lists(store):
    save(store, new_app("A1", reviews=(("hr", "2026-12-02"), ("ipo", "2026-12-02"))))
    app = store.get("A1")
    app.decide_review("A1-R0", Actor("agency", "hr"), True, "ok", "2026-11-25T10:00:00.000+08:00")
    app.return_for_more("A1-R1", Actor("agency", "ipo"), [{"kind": "patent_certificate", "note": "证书"}],
                        "缺证书", "2026-11-25T11:00:00.000+08:00")
    save(store, app)
    assert [a.id for a in store.list_all("returned", 10, None).items] == ["A1"]
    assert store.pending_reviews("ipo", 10, None).items == []
    back = store.get("A1")
    assert back.notice == app.notice and back.notice["items"][0]["agency"] == "ipo"
    back.amend(Actor("enterprise", "U1"), back.form | {"materials": ["M1"]}, back.decision,
               [("A1-R2", "ipo", "2026-12-09")], "2026-11-26T09:00:00.000+08:00")
    save(store, back)
    assert store.list_all("returned", 10, None).items == []
    assert [a.id for a in store.list_all("in_review", 10, None).items] == ["A1"]
    pending = store.pending_reviews("ipo", 10, None).items
    assert [(r.id, r.round) for r in pending] == [("A1-R2", 2)]
    assert (store.review_entry("A1-R1").status, store.review_entry("A1-R1").round) == ("returned", 1)
    assert store.pending_reviews("hr", 10, None).items == []
    snap = store.get_with_history("A1")
    assert [(h.action, h.round) for h in snap.history] == [
        ("submitted", 1), ("review_approved", 1), ("review_returned", 1), ("returned", 1), ("amended", 2)]
    assert snap.application.round == 2 and snap.application.notice is None
    assert {m.message_id for m in store.pending_outbox(100)} >= {"A1-R0", "A1-R1", "A1-R2"}


# ---- complaints ------------------------------------------------------------------------------------
def complaint(cid: str, owner: str = "U1", due: str = "2026-12-02", agency: str | None = None,
              created: str = "2026-11-25T09:00:00.000+08:00"):
    from chalicelib.domain.complaints import Complaint
    return Complaint.file(complaint_id=cid, owner=owner, channel="online", about="review" if agency else "service",
                          text="投诉", due=due, now=created, application_id="A1" if agency else None, agency=agency)


def save_complaint(store, c, **kwargs) -> None:
    store.save_complaint(c, **kwargs)
    c.committed()


def test_a_complaint_reads_back_and_a_stale_version_loses_and_writes_nothing(store):
    save_complaint(store, complaint("C1"))
    assert store.complaint("C1").to_record() == complaint("C1").to_record() and store.complaint("C1").version == 1
    assert store.complaint("C2") is None
    with pytest.raises(StaleVersion):
        save_complaint(store, complaint("C1"))                 # the same new complaint twice
    first, second = store.complaint("C1"), store.complaint("C1")
    first.answer_with("已处理", "w1", "2026-11-26T09:00:00.000+08:00")
    save_complaint(store, first, notifications=[notification(1)])
    assert second.mark_overdue("2026-12-03", "2026-12-03T00:00:00.000+08:00")
    with pytest.raises(StaleVersion):
        save_complaint(store, second, notifications=[notification(2)])
    assert store.complaint("C1").status == "closed" and store.complaint("C1").version == 2
    assert [n.id for n in store.notifications("U1", False, 10, None).items] == ["N0001"]
    assert {m.message_id for m in store.pending_outbox(10) if m.queue == "notifications"} == {"N0001"}


def test_a_complaint_idempotency_key_is_taken_once(store):
    rec = IdempotencyRecord("enterprise:U1:complaint", "k1", "h", 201, {"id": "C1"}, 2_000_000_000)
    save_complaint(store, complaint("C1"), idempotency=rec)
    with pytest.raises(IdempotencyKeyTaken):
        save_complaint(store, complaint("C2"), idempotency=rec)
    assert store.complaint("C2") is None


def test_complaints_list_by_owner_and_reviewer_newest_first_in_pages(store):
    for n in range(3):
        save_complaint(store, complaint(f"C{n}", agency="purchaser:PU-1", created=f"2026-11-2{n}T09:00:00.000+08:00"))
    save_complaint(store, complaint("C9", owner="U2", agency="purchaser:PU-2"))
    first = store.complaints_for_owner("U1", 2, None)
    assert [c.id for c in first.items] == ["C2", "C1"] and first.cursor
    assert [c.id for c in store.complaints_for_owner("U1", 2, first.cursor).items] == ["C0"]
    assert [c.id for c in store.complaints_for_agency("purchaser:PU-1", 10, None).items] == ["C2", "C1", "C0"]
    assert [c.id for c in store.complaints_for_agency("purchaser:PU-2", 10, None).items] == ["C9"]
    assert store.complaints_for_agency("hr", 10, None).items == []
    assert [c.id for c in store.complaints(None, 10, None).items] == ["C9", "C2", "C1", "C0"]
    c1 = store.complaint("C1")
    c1.answer_with("已处理", "w1", "2026-11-26T09:00:00.000+08:00")
    save_complaint(store, c1)
    [copy] = [c for c in store.complaints_for_agency("purchaser:PU-1", 10, None).items if c.id == "C1"]
    assert copy.status == "closed" and copy.answer["text"] == "已处理"      # the reviewer's copy follows


def test_open_complaints_past_due_are_listed_until_flagged_or_answered(store):
    save_complaint(store, complaint("C1", due="2026-12-01"))
    save_complaint(store, complaint("C2", due="2026-12-02"))
    save_complaint(store, complaint("C3", due="2026-12-03"))
    assert [c.id for c in store.complaints_due_before("2026-12-03", 10, None).items] == ["C1", "C2"]
    page = store.complaints_due_before("2026-12-03", 1, None)
    assert [c.id for c in page.items] == ["C1"]
    late = store.complaint("C1")
    late.mark_overdue("2026-12-03", "2026-12-03T00:00:00.000+08:00")
    save_complaint(store, late)                                 # leaves the list while it is paged
    assert [c.id for c in store.complaints_due_before("2026-12-03", 1, page.cursor).items] == ["C2"]
    answered = store.complaint("C2")
    answered.answer_with("已处理", "w1", "2026-12-03T01:00:00.000+08:00")
    save_complaint(store, answered)
    assert store.complaints_due_before("2026-12-03", 10, None).items == []
    assert [c.id for c in store.complaints("overdue", 10, None).items] == ["C1"]
    assert [c.id for c in store.complaints("open", 10, None).items] == ["C3"]
    assert [c.id for c in store.complaints("closed", 10, None).items] == ["C2"]
