"""8. End to end: a credit loan from `POST /applications` to the message on its bank's SQS queue.

The stack runs as a new user starts it (`python -m scripts.local_stack` on a free port, its own
moto server inside, the table's stream followed into the fan-out handler). Each enterprise (a
valid USCC, a dev token, its materials uploaded once through the signed S3 POST as the portal
does) submits credit applications one after another, each with its own Idempotency-Key and
naming one bank; the enterprises spread over `BANKS` so no queue grows long (moto's SQS slows
as a queue fills). Each bank reads its own queue with a plain boto3 client (long polling, as a
bank would), deletes what it read, and notes when each application's message arrived.

Latency is that arrival time minus the moment the client began the POST: the HTTP request, the
decision, the transaction, the stream, the fan-out and SQS, as a bank sees it. Runs at 1 and at
20 enterprises at once (threads; `applications` says how many at each); the target is p99 ≤ 1 s at 20.
"""
from __future__ import annotations

import json
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

from .burst import ROOT, local_stack
from .timing import median, percentile

SECTION = "8 end to end"
BANKS = ("ICBC-BJ", "BOB-BJ", "CCB-BJ", "BOC-BJ", "ABC-BJ")
TARGET_SECONDS = 1.0
PATIENCE = 30.0     # a message later than this is counted as lost, and fails the section


def call(api: str, method: str, path: str, body=None, token: str | None = None, key: str | None = None):
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {}),
               **({"Idempotency-Key": key} if key else {})}
    request = urllib.request.Request(api + path, method=method, headers=headers,
                                     data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


class Bank(threading.Thread):
    """One bank reading its queue all along: the arrival time of each application's message."""

    def __init__(self, api: str, code: str):
        super().__init__(name=f"bank-{code}", daemon=True)
        import boto3
        _, minted = call(api, "POST", "/auth/dev-token", {"role": "bank", "subject": code})
        status, queue = call(api, "GET", f"/banks/{code}/queue", token=minted["token"])
        assert status == 200, queue
        endpoint = "/".join(queue["queue_url"].split("/", 3)[:3])
        self.sqs = boto3.client("sqs", endpoint_url=endpoint, region_name=queue["region"],
                                aws_access_key_id="bank", aws_secret_access_key="bank")
        self.url, self.code = queue["queue_url"], code
        self.arrived: dict[str, float] = {}
        self.changed = threading.Condition()
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            messages = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                                MessageAttributeNames=["All"]).get("Messages", [])
            now = time.perf_counter()
            if not messages:
                continue
            self.sqs.delete_message_batch(QueueUrl=self.url, Entries=[
                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(messages)])
            with self.changed:
                for m in messages:
                    kind = (m.get("MessageAttributes") or {}).get("type", {}).get("StringValue")
                    if kind == "application":
                        self.arrived.setdefault(json.loads(m["Body"])["application_id"], now)
                self.changed.notify_all()

    def wait_for(self, app_id: str, seconds: float) -> float | None:
        with self.changed:
            self.changed.wait_for(lambda: app_id in self.arrived, timeout=seconds)
            return self.arrived.get(app_id)


class Enterprise:
    """A signed-in enterprise with its materials uploaded once, applying to one bank."""

    def __init__(self, api: str, seed: int, bank: str):
        from tests.builders import valid_body, valid_uscc, with_materials
        self.api, self.bank, uscc = api, bank, valid_uscc(70_000 + seed)
        _, minted = call(api, "POST", "/auth/dev-token", {"role": "enterprise", "subject": uscc})
        self.token = minted["token"]
        body = valid_body("credit", **{"enterprise.uscc": uscc, "banks": [bank], "products": [f"{bank}-credit-01"]})
        self.body = with_materials(lambda method, path, sent: call(api, method, path, sent, self.token), body)

    def submit(self) -> tuple[str, float, float]:
        """The new application's id, when the POST began and when its answer came."""
        began = time.perf_counter()
        status, reply = call(self.api, "POST", "/applications", self.body, self.token, key=str(uuid.uuid4()))
        if status != 201:
            raise RuntimeError(f"submission refused: HTTP {status} {json.dumps(reply, ensure_ascii=False)[:300]}")
        return reply["id"], began, time.perf_counter()


def round_of(enterprises: list[Enterprise], banks: dict[str, Bank], each: int) -> dict:
    """Every enterprise submits `each` applications in a row, all at once; latencies in seconds."""
    latencies, answers, lost, errors, start = [], [], [], [], threading.Event()

    def apply(enterprise: Enterprise) -> None:
        start.wait()
        for _ in range(each):
            try:
                app_id, began, answered = enterprise.submit()
            except Exception as exc:  # noqa: BLE001 - counted, and the section fails
                errors.append(str(exc))
                continue
            arrived = banks[enterprise.bank].wait_for(app_id, PATIENCE)
            if arrived is None:
                lost.append(app_id)
            else:
                latencies.append(arrived - began)
                answers.append(answered - began)
    threads = [threading.Thread(target=apply, args=(e,)) for e in enterprises]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    start.set()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return {"applications": len(latencies) + len(lost) + len(errors), "lost": len(lost), "errors": errors[:3],
            "p50_ms": median(latencies) * 1000, "p99_ms": percentile(latencies, 0.99) * 1000,
            "max_ms": max(latencies, default=float("nan")) * 1000, "per_second": len(latencies) / wall,
            # where the time goes: the POST's answer, then the stream, fan-out and SQS after it
            "post_p50_ms": median(answers) * 1000, "post_p99_ms": percentile(answers, 0.99) * 1000,
            "after_post_p50_ms": median([t - a for t, a in zip(latencies, answers)]) * 1000,
            "after_post_p99_ms": percentile([t - a for t, a in zip(latencies, answers)], 0.99) * 1000}


def run(results, applications: dict | None = None, warm: int = 3) -> None:
    """`applications`: concurrency level → applications at that level, shared among its enterprises."""
    applications = applications or {1: 30, 20: 200}
    concurrency = tuple(applications)
    sys.path.insert(0, str(ROOT))
    with local_stack() as port:
        api = f"http://127.0.0.1:{port}"
        banks = {code: Bank(api, code) for code in BANKS}
        for bank in banks.values():
            bank.start()
        try:
            enterprises = [Enterprise(api, n, BANKS[n % len(BANKS)]) for n in range(max(concurrency))]
            round_of(enterprises[:1], banks, warm)   # forms, rules, AWS clients loaded once
            for n in concurrency:
                figures = round_of(enterprises[:n], banks, max(1, applications[n] // n))
                report(results, n, figures)
        finally:
            for bank in banks.values():
                bank.stopping.set()
            for bank in banks.values():
                bank.join(timeout=3)


def report(results, n: int, figures: dict) -> None:
    name = f"{n} concurrent enterprise{'s' if n > 1 else ''}"
    results.add(SECTION, f"{name}: lost or refused", figures["lost"] + len(figures["errors"]), "", "0",
                figures["lost"] + len(figures["errors"]) == 0)
    results.add(SECTION, f"{name}: p50 POST → bank's queue", figures["p50_ms"], "ms")
    if n >= 20:
        results.add(SECTION, f"{name}: p99 POST → bank's queue", figures["p99_ms"], "ms",
                    f"≤ {TARGET_SECONDS:g} s", figures["p99_ms"] <= TARGET_SECONDS * 1000)
    else:
        results.add(SECTION, f"{name}: p99 POST → bank's queue", figures["p99_ms"], "ms")
    results.detail(SECTION, **{f"enterprises_{n}": figures})
