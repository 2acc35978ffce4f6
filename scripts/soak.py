"""`make soak`: thousands of applications through faults, retries and duplicates, then a reconciliation.

Drives the real app (Chalice's test client) on moto in-process. Every AWS call fails with a
retryable error at the configured rate (throttling for DynamoDB, a server error for SQS), as a
whole, as AWS fails it (never the reads moto makes inside a transaction); a
client whose request still failed retries it with the same Idempotency-Key, as a real client
would. Agencies approve or reject at random, banks approve or decline at random, stream batches
are sometimes delivered twice, sometimes out of order, sometimes lost with the handler (a crash
between commit and delivery) and recovered by the sweep. At the end every application, every
state change and every message is counted against what the driver did. Some reviews are left
undecided; a month later the deadline schedule runs twice at once, and again, under the same
faults: each late review must be flagged, and its enterprise notified, exactly once. Some
reviews return the application for more material; the enterprise amends it and the agency
reviews the next round. Every notification (a rejection, a return, each bank decision, each
late review, an acceptance) must be stored once and reach the gateway's queue. Some applications
are withdrawn at the banks; every approved one is accepted at one of the banks that approved (some
twice, as a retrying client would): the chosen bank must get one `accepted` message, every other
bank that had it one `closed`, and the approved amount must be the accepted offers'. Finally every
figure of `GET /stats`, city-wide and by month, scenario, bank and district, must equal the same
figure recomputed from the stored applications (scripts/stats_check.py); each difference is
printed with its figure, group, counter value and recomputed value.

    make soak                      # 5,000 applications, 5% of AWS calls failing
    SOAK_APPS=500 make soak        # a quicker run
"""
from __future__ import annotations

import json
import os
import random
import sys
import threading
import time
from collections import Counter
from chalicelib.domain.application import SCENARIOS

APPS = int(os.environ.get("SOAK_APPS", "5000"))
FAULT_RATE = float(os.environ.get("SOAK_FAULT_RATE", "0.06"))  # the measured share counts the fault-free reconciliation too
SEED = int(os.environ.get("SOAK_SEED", "2026"))
BANKS = ("ICBC-BJ", "BOB-BJ")
QUEUES = [f"bank:{b}" for b in BANKS] + ["agency:hr", "agency:ipo", "agency:realestate", "agency:purchaser",
                                         "notifications"]
LEFT_PENDING = 0.05   # the share of reviews no agency decides: the deadline schedule finds them late
RETURNED = 0.10       # the share of first-round reviews that return the application for more
WITHDRAWN_AT_BANKS = 0.05   # the share of applications at the banks that their enterprise withdraws
ACCEPTED_TWICE = 0.2        # the share of acceptances a client sends again with the same key
OFFERED = {bank: 500_000 - 100_000 * n for n, bank in enumerate(BANKS)}   # each bank's approved amount


def no_backoff_sleep() -> None:
    """botocore sleeps (exponential backoff) before each retry; the soak checks correctness, not
    timing, so retries happen at once and thousands of injected faults fit in minutes."""
    import logging

    from botocore.retries import quota, standard
    standard.ExponentialBackoff.delay_amount = lambda self, context: 0
    # botocore's retry quota (500 tokens per client, 5 per retry) is a circuit breaker for an
    # outage; under a sustained 6% fault storm without backoff it runs dry within a few hundred
    # applications and every later call fails on its first error, which is not what is tested here.
    quota.RetryQuota.acquire = lambda self, capacity_amount: True
    logging.getLogger("getting-credit").setLevel(logging.CRITICAL)   # the app's 500s are expected here
    logging.getLogger("getting_credit.api").setLevel(logging.CRITICAL)


def prepare_environment() -> None:
    os.environ.update({"GC_STAGE": "test", "AWS_ACCESS_KEY_ID": "soak", "AWS_SECRET_ACCESS_KEY": "soak",
                       "AWS_DEFAULT_REGION": "us-east-1"})
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "GC_AWS_ENDPOINT_URL"):
        os.environ.pop(var, None)


class Faults:
    """Fails a share of AWS calls inside moto, before they touch anything, with retryable errors."""

    def __init__(self, rng: random.Random, rate: float):
        self.rng, self.rate, self.injected, self.calls = rng, rate, Counter(), Counter()

    def install(self) -> None:
        from moto.core.exceptions import JsonRESTError
        from moto.dynamodb.models import DynamoDBBackend
        from moto.sqs.models import SQSBackend
        faults = self

        inside = threading.local()   # a call moto makes inside another (a transaction reads each item)

        def wrap(cls, name, error, status):
            real = getattr(cls, name)

            def flaky(self, *args, **kwargs):
                if getattr(inside, "call", False):   # an API call fails as a whole, never part-way
                    return real(self, *args, **kwargs)
                faults.calls[name] += 1
                if faults.rng.random() < faults.rate:
                    faults.injected[name] += 1
                    exc = JsonRESTError(error, "injected by the soak run")
                    exc.code = status
                    raise exc
                inside.call = True
                try:
                    return real(self, *args, **kwargs)
                finally:
                    inside.call = False
            setattr(cls, name, flaky)
        for name in ("transact_write_items", "get_item", "query", "batch_get_item", "batch_write_item"):
            wrap(DynamoDBBackend, name, "ThrottlingException", 400)
        for name in ("send_message_batch", "receive_message"):
            wrap(SQSBackend, name, "InternalError", 500)


class Driver:
    def __init__(self, client, container, rng: random.Random):
        self.client, self.container, self.rng = client, container, rng
        self.tokens: dict = {}
        self.retried = 0
        self.expected: dict[str, dict] = {}
        self.materials: dict = {}             # (enterprise, scenario) -> its uploaded materials
        self.left: set[str] = set()           # reviews nobody decides
        self.delivered: Counter = Counter()   # message_id -> times a consumer received it
        self.pump = lambda: None              # fan-out and queue reading, run every few changes
        self.stats_mismatches: list[str] = []  # GET /stats against the applications, after the run
        self.changes = 0

    def changed(self) -> None:
        """Keep the fan-out and the consumers going while work happens, as in production."""
        self.changes += 1
        if self.changes % 50 == 0:
            self.pump()

    def token(self, role, subject):
        if (role, subject) not in self.tokens:
            reply = self.request("POST", "/auth/dev-token", None, {"role": role, "subject": subject})
            self.tokens[(role, subject)] = reply[1]["token"]
        return self.tokens[(role, subject)]

    def request(self, method, path, who, body, key=None):
        """Like a careful client: a 5xx is retried with the same Idempotency-Key."""
        headers = {"Content-Type": "application/json"}
        if who:
            headers["Authorization"] = f"Bearer {self.token(*who)}"
        if key:
            headers["Idempotency-Key"] = key
        for attempt in range(8):
            resp = self.client.http.request(method, path, headers=headers, body=json.dumps(body) if body is not None else None)
            if resp.status_code < 500:
                return resp.status_code, json.loads(resp.body) if resp.body else None
            self.retried += 1
        raise RuntimeError(f"{method} {path} kept failing: {resp.body[:200]}")

    def submit(self, n: int) -> str | None:
        from tests.builders import valid_body, valid_uscc, with_materials
        scenario = SCENARIOS[n % len(SCENARIOS)]
        who = ("enterprise", valid_uscc(10_000 + n % 400))
        body = valid_body(scenario, **{"enterprise.uscc": who[1]})
        if (who, scenario) not in self.materials:   # each enterprise uploads a scenario's materials once
            self.materials[(who, scenario)] = with_materials(
                lambda method, path, sent: self.request(method, path, who, sent), body)["materials"]
        body["materials"] = self.materials[(who, scenario)]
        status, reply = self.request("POST", "/applications", who, body, key=f"submit-{n}")
        self.changed()
        if status != 201:
            raise RuntimeError(f"submission {n} refused: {status} {reply}")
        self.expected[reply["id"]] = {"who": who, "scenario": scenario, "reviews": reply["decision"]["required_reviews"],
                                      "outcome": None, "bank_decisions": {}, "late_reviews": 0, "returned": 0,
                                      "amended": False, "accepted": None, "withdrawn_at_banks": False}
        return reply["id"]

    def review_everything(self) -> None:
        left = self.left
        for agency in {a for e in self.expected.values() for a in e["reviews"]}:
            cursor = ""
            while True:
                status, page = self.request("GET", f"/reviews?status=pending&limit=100{cursor}", ("agency", agency), None)
                todo = [r for r in page["items"] if r["id"] not in left]
                if not todo:
                    break
                cursor = f"&cursor={page['cursor']}" if page["cursor"] else ""
                for review in todo:
                    exp = self.expected[review["application_id"]]
                    if exp["outcome"] is None and self.rng.random() < LEFT_PENDING:
                        left.add(review["id"])      # nobody decides it: late a month from now
                        exp["outcome"], exp["late_reviews"] = "in_review", 1
                        continue
                    if not exp["returned"] and self.rng.random() < RETURNED:
                        body = {"outcome": "returned", "missing": [{"kind": "other", "note": "soak"}], "reason": "soak"}
                        exp["returned"], exp["outcome"] = 1, "returned"
                    else:
                        approve = self.rng.random() < 0.85
                        body = {"approved": approve, "reason": "soak"}
                        exp["outcome"] = None if approve else "rejected"
                    status, _ = self.request("POST", f"/reviews/{review['id']}/decision", ("agency", agency),
                                             body, key=f"review-{review['id']}")
                    assert status == 200, status
                    self.changed()

    def amend_returned(self) -> None:
        """Each returned application amended once (as it was: the agency settles what it asked)."""
        for app_id, exp in self.expected.items():
            if exp["outcome"] == "returned":
                status, reply = self.request("POST", f"/applications/{app_id}/amend", exp["who"], {},
                                             key=f"amend-{app_id}")
                assert status == 200 and reply["status"] == "in_review", (status, reply)
                exp["outcome"], exp["amended"] = None, True
                self.changed()

    def banks_decide(self) -> None:
        for app_id, exp in self.expected.items():
            if exp["outcome"] in ("rejected", "in_review"):
                continue
            if self.rng.random() < WITHDRAWN_AT_BANKS:
                status, reply = self.request("POST", f"/applications/{app_id}/withdraw", exp["who"], {},
                                             key=f"withdraw-{app_id}")
                assert status == 200 and reply["status"] == "withdrawn", (status, reply)
                exp["outcome"], exp["withdrawn_at_banks"] = "withdrawn", True
                self.changed()
                continue
            for bank in BANKS:
                approve = self.rng.random() < 0.5
                body = {"approved": approve, "reason": "soak"}
                if approve:   # inside the bank's published products, as the platform requires
                    from tests.builders import valid_offer
                    body = valid_offer(exp["scenario"], bank, amount=OFFERED[bank], reason="soak")
                status, _ = self.request("POST", f"/applications/{app_id}/bank-decision", ("bank", bank), body,
                                         key=f"bank-{bank}-{app_id}")
                assert status == 200, (status, app_id)
                exp["bank_decisions"][bank] = approve
            exp["outcome"] = "approved" if any(exp["bank_decisions"].values()) else "declined"

    def accept_offers(self) -> None:
        """Each approved application accepted at one of the banks that approved it."""
        for app_id, exp in self.expected.items():
            if exp["outcome"] != "approved":
                continue
            bank = self.rng.choice([b for b, approved in exp["bank_decisions"].items() if approved])
            sends = 2 if self.rng.random() < ACCEPTED_TWICE else 1
            replies = [self.request("POST", f"/applications/{app_id}/accept", exp["who"], {"bank": bank},
                                    key=f"accept-{app_id}") for _ in range(sends)]
            assert all(r == replies[0] for r in replies) and replies[0][0] == 200, replies
            exp["outcome"], exp["accepted"] = "accepted", bank
            self.changed()


def deadlines_pass(container) -> Counter:
    """A month on, the deadline schedule runs twice at once (a retry racing the next run) and then
    until a whole run flags nothing; a run that an injected fault stopped is simply run again (what
    it flagged before the fault is counted by the reconciliation, from the store)."""
    import threading
    from datetime import timedelta
    from chalicelib.services.deadlines import flag_overdue_reviews

    class MonthLater:
        def now(self, real=container.clock):
            return real.now() + timedelta(days=31)

    container.clock = MonthLater()
    runs = Counter()

    def run() -> int:
        for _ in range(20):
            runs["deadline_runs"] += 1
            try:
                return flag_overdue_reviews(container)
            except Exception:  # noqa: BLE001 - an AWS fault: the schedule runs again
                runs["deadline_runs_stopped_by_a_fault"] += 1
        return -1
    racing = [threading.Thread(target=run) for _ in range(2)]
    for t in racing:
        t.start()
    for t in racing:
        t.join()
    while run() != 0:
        pass
    return runs


def deliver(driver, reader, rng, lost: Counter) -> None:
    """Feed the stream to the fan-out handler with duplicates, reordering and lost batches; then
    the banks and agencies read their queues (as they do all day: moto's SQS slows as a queue fills)."""
    from chalicelib.handlers import deliver_outbox_records
    _feed(reader, rng, lost, deliver_outbox_records)
    for queue in QUEUES:
        driver.delivered.update(drain(driver.container, queue))


def _feed(reader, rng, lost, deliver_outbox_records) -> None:
    event = reader.poll()
    records = event["Records"]
    if not records:
        return
    if rng.random() < 0.1:
        lost["batches"] += 1          # the handler died with this batch; the sweep must make it good
        return
    if rng.random() < 0.2:
        records = list(reversed(records))
    for attempt in range(6):
        try:
            deliver_outbox_records(records)
            break
        except Exception:  # noqa: BLE001 - an SQS fault: Lambda would retry the batch
            continue
    if rng.random() < 0.2:
        try:
            deliver_outbox_records(records)   # a duplicate delivery of the same batch
        except Exception:  # noqa: BLE001
            pass


WRONG_TYPE: Counter = Counter()   # bank messages whose `type` attribute is not the one their id says


def expected_type(message_id: str) -> str | None:
    for kind in ("accepted", "closed"):
        if f":{kind}:" in message_id:
            return kind
    return "application" if ":bank:" in message_id else None


def drain(container, queue: str) -> Counter:
    sqs, url, seen = container.sqs, container.sender.queue_url(queue), Counter()
    while True:
        try:
            msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                       MessageAttributeNames=["All"]).get("Messages", [])
        except Exception:  # noqa: BLE001 - injected fault: ask again
            continue
        if not msgs:
            return seen
        for m in msgs:
            message_id = m["MessageAttributes"]["message_id"]["StringValue"]
            seen[message_id] += 1
            kind = (m["MessageAttributes"].get("type") or {}).get("StringValue")
            if queue.startswith("bank:") and kind != expected_type(message_id):
                WRONG_TYPE[message_id] += 1
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


def reconcile(driver) -> dict:
    """Compare the stored world with what the driver did; every count should be zero."""
    from chalicelib.services import fanout
    container = driver.container
    while True:
        try:
            if not container.store.pending_outbox(100):
                break
            fanout.sweep(container)
        except Exception:  # noqa: BLE001 - a fault during the sweep: sweep again
            continue
    stored = {a.id: a for a in container.store.all_applications()}
    lost_apps = [i for i in driver.expected if i not in stored]
    unexpected = [i for i in stored if i not in driver.expected]
    wrong_status = [i for i, e in driver.expected.items() if i in stored and stored[i].status.value != e["outcome"]]
    doubled = []
    for app_id in driver.expected:
        history = container.store.get_with_history(app_id).history
        actions = Counter((h.action, h.detail.get("bank") or h.detail.get("review_id")) for h in history)
        if any(count > 1 for count in actions.values()):
            doubled.append(app_id)
    sent_to_banks = {i for i, a in stored.items() if any(b.sent_at for b in a.banks)}
    expected_messages = {f"{i}:bank:{b}" for i in sent_to_banks for b in BANKS}
    expected_messages |= {r.id for a in stored.values() for r in a.reviews}
    # An acceptance: `accepted` to the chosen bank, `closed` to the other; a withdrawal at the banks: `closed` to both.
    for i, e in driver.expected.items():
        if e["accepted"]:
            expected_messages |= {f"{i}:accepted:{e['accepted']}"} | {f"{i}:closed:{b}" for b in BANKS if b != e["accepted"]}
        if e["withdrawn_at_banks"]:
            expected_messages |= {f"{i}:closed:{b}" for b in BANKS}
    # Notifications: what each application's enterprise must have been told, from what the driver
    # did (a rejection, each bank decision, each late review), against what the store holds.
    told = stored_notifications(container, {e["who"][1] for e in driver.expected.values()})
    notifications_expected = {i: int(e["outcome"] == "rejected") + e["returned"] + len(e["bank_decisions"])
                              + e["late_reviews"] + int(e["accepted"] is not None) for i, e in driver.expected.items()}
    by_application = Counter(n.application_id for n in told)
    notifications_wrong = [i for i, n in notifications_expected.items() if by_application[i] != n]
    expected_messages |= {n.id for n in told}
    delivered = driver.delivered
    for queue in QUEUES:
        delivered.update(drain(container, queue))
    stats = container.store.stats()
    from scripts import stats_check
    driver.stats_mismatches = stats_check.check(
        lambda path: _ok(driver.request("GET", path, ("window", "w001"), None), path), stored.values())
    approved = sum(1 for e in driver.expected.values() if e["outcome"] == "accepted")
    approved_amount = sum(OFFERED[e["accepted"]] for e in driver.expected.values() if e["accepted"])
    return {
        "applications_submitted": len(driver.expected),
        "applications_stored": len(stored),
        "lost_applications": len(lost_apps),
        "unexpected_applications": len(unexpected),
        "wrong_final_status": len(wrong_status),
        "transitions_applied_twice": len(doubled),
        "notifications_expected": sum(notifications_expected.values()),
        "notifications_stored": len(told),
        "applications_told_wrongly_(notifications_lost_or_twice)": len(notifications_wrong),
        "applications_returned_and_amended": sum(e["amended"] for e in driver.expected.values()),
        "second_rounds_stored": sum(1 for a in stored.values() if a.round == 2),
        "late_reviews_expected": sum(e["late_reviews"] for e in driver.expected.values()),
        "late_reviews_flagged": sum(1 for a in stored.values() for r in a.reviews if r.is_overdue),
        "messages_expected": len(expected_messages),
        "lost_messages": len(expected_messages - set(delivered)),
        "unexpected_messages": len(set(delivered) - expected_messages),
        "redelivered_duplicates_(consumers_dedupe_by_message_id)": sum(c - 1 for c in delivered.values()),
        "applications_withdrawn_at_banks": sum(e["withdrawn_at_banks"] for e in driver.expected.values()),
        "offers_accepted": approved,
        "approved_counter_mismatch": abs(int(stats["approved_count"]) - approved),
        "approved_amount_mismatch_(yuan)": float(abs(stats["approved_amount"] - approved_amount)),
        "bank_messages_of_the_wrong_type": len(WRONG_TYPE),
        "statistics_figures_unlike_the_applications": len(driver.stats_mismatches),
    }


def _ok(reply: tuple[int, object], path: str):
    status, body = reply
    if status != 200:
        raise RuntimeError(f"GET {path}: HTTP {status} {body}")
    return body


def stored_notifications(container, owners) -> list:
    """Every notification of these enterprises, read a page at a time (a Query per owner)."""
    out = []
    for owner in owners:
        cursor = None
        while True:
            page = container.store.notifications(owner, False, 100, cursor)
            out += page.items
            cursor = page.cursor
            if not cursor:
                break
    return out


def main() -> int:
    prepare_environment()
    no_backoff_sleep()
    from chalice.test import Client
    from moto import mock_aws

    from scripts import moto_patches
    moto_patches.apply()
    rng = random.Random(SEED)
    with mock_aws():
        from chalicelib import bootstrap
        from chalicelib.adapters.provision import provision
        from chalicelib.adapters.stream_reader import StreamReader
        container = bootstrap.reset(None)
        provision(container)
        faults = Faults(rng, FAULT_RATE)
        faults.install()
        streams = container.client("dynamodbstreams", account_id_endpoint_mode="disabled")
        reader = StreamReader(container.dynamodb, streams, container.resources.table_name)
        from app import app
        started = time.perf_counter()
        lost = Counter()
        with Client(app) as client:
            driver = Driver(client, container, rng)
            driver.pump = lambda: deliver(driver, reader, rng, lost)
            for n in range(APPS):
                driver.submit(n)
            deliver(driver, reader, rng, lost)
            driver.review_everything()
            deliver(driver, reader, rng, lost)
            driver.amend_returned()
            deliver(driver, reader, rng, lost)
            driver.review_everything()    # the amended ones' next round
            deliver(driver, reader, rng, lost)
            driver.banks_decide()
            deliver(driver, reader, rng, lost)
            driver.accept_offers()
            deliver(driver, reader, rng, lost)
            deadline_runs = deadlines_pass(container)
            deliver(driver, reader, rng, lost)
            faults.rate = 0.0  # reconcile on a healthy system
            report = reconcile(driver)
        elapsed = time.perf_counter() - started
    report.update({"aws_calls_failed_by_injection": sum(faults.injected.values()),
                   "aws_calls_made": sum(faults.calls.values()),
                   "injected_failure_rate": round(sum(faults.injected.values()) / max(1, sum(faults.calls.values())), 4),
                   "client_retries_after_5xx": driver.retried, **deadline_runs, "stream_batches_lost_with_the_handler": lost["batches"],
                   "seconds": round(elapsed, 1)})
    width = max(map(len, report))
    print("\nSoak reconciliation")
    for key, value in report.items():
        print(f"  {key.ljust(width)}  {value}")
    for line in driver.stats_mismatches:
        print(f"  statistics: {line}")
    bad = [k for k in ("lost_applications", "unexpected_applications", "wrong_final_status",
                       "transitions_applied_twice", "lost_messages", "unexpected_messages",
                       "approved_counter_mismatch", "approved_amount_mismatch_(yuan)", "bank_messages_of_the_wrong_type",
                       "applications_told_wrongly_(notifications_lost_or_twice)",
                       "statistics_figures_unlike_the_applications")
           if report[k]]
    if report["late_reviews_flagged"] != report["late_reviews_expected"]:
        bad.append("late_reviews_flagged")
    if report["second_rounds_stored"] != report["applications_returned_and_amended"]:
        bad.append("second_rounds_stored")
    print("\nRESULT: " + ("PASS — nothing lost, nothing applied twice" if not bad else f"FAIL — {', '.join(bad)}"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
