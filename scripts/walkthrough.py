"""Walk a credit loan and an IP-pledge loan through a running stack, as its users would.

    make run                                  # in one terminal
    .venv/bin/python -m scripts.walkthrough   # in another (API_URL to point elsewhere)

Only HTTP and a standard SQS client (boto3) are used: the enterprise submits, the IP office
reviews, the bank polls its queue, fetches the application and decides, the enterprise reads
the consolidated result. Exits non-zero, saying where, if any step does not behave.
"""
from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request

API = os.environ.get("API_URL", "http://127.0.0.1:8000").rstrip("/")
BANK = "ICBC-BJ"


class WalkFailed(Exception):
    pass


def call(method: str, path: str, body=None, token: str | None = None) -> tuple[int, object]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(API + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def expect(status: int, reply: tuple[int, object], step: str):
    if reply[0] != status:
        raise WalkFailed(f"{step}: expected HTTP {status}, got {reply[0]}: {json.dumps(reply[1], ensure_ascii=False)}")
    print(f"  ✓ {step}")
    return reply[1]


def token(role: str, subject: str) -> str:
    return expect(200, call("POST", "/auth/dev-token", {"role": role, "subject": subject}),
                  f"sign in as {role} {subject}")["token"]


def example_body(scenario: str) -> dict:
    """A body made of the form's own examples, as the portal pre-fills it."""
    schema = expect(200, call("GET", f"/forms/{scenario}"), f"read the {scenario} form")
    return {name: prop["examples"][0] for name, prop in schema["properties"].items()
            if prop.get("examples") and name != "as_of"}


def bank_queue_client(queue: dict):
    """A plain boto3 SQS client for the queue the API named (the local stack takes any key)."""
    import boto3
    endpoint = "/".join(queue["queue_url"].split("/", 3)[:3])
    return boto3.client("sqs", endpoint_url=endpoint, region_name=queue["region"],
                        aws_access_key_id="bank", aws_secret_access_key="bank")


def poll_for(sqs, queue_url: str, app_id: str, seconds: float = 20.0) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        resp = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        for msg in resp.get("Messages", []):
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=msg["ReceiptHandle"])
            body = json.loads(msg["Body"])
            if body.get("application_id") == app_id:
                print(f"  ✓ the bank polled its SQS queue and found {app_id}")
                return body
    raise WalkFailed(f"application {app_id} did not reach {BANK}'s queue within {seconds} s")


def walk(scenario: str, reviewer: str | None) -> None:
    print(f"\n{scenario}:")
    body = example_body(scenario)
    enterprise = token("enterprise", body["enterprise"]["uscc"])
    bank = token("bank", BANK)
    app = expect(201, call("POST", "/applications", body, enterprise), "the enterprise submits once")
    app_id = app["id"]
    if reviewer:
        agency = token("agency", reviewer)
        pending = expect(200, call("GET", "/reviews?status=pending", token=agency), f"{reviewer} lists its reviews")
        review = next((r for r in pending["items"] if r["application_id"] == app_id), None)
        if review is None:
            raise WalkFailed(f"{reviewer} does not see a review for {app_id}")
        expect(200, call("POST", f"/reviews/{review['id']}/decision",
                         {"approved": True, "reason": "材料齐全，审核通过"}, agency), f"{reviewer} approves")
    queue = expect(200, call("GET", f"/banks/{BANK}/queue", token=bank), "the bank asks for its queue")
    message = poll_for(bank_queue_client(queue), queue["queue_url"], app_id)
    full = expect(200, call("GET", f"/applications/{app_id}", token=bank), "the bank fetches the application")
    if full["amount"] != message["amount"]:
        raise WalkFailed("the queue message and the application disagree on the amount")
    # A bank lends at a rate its published products allow (the platform refuses any other).
    chosen = [p for p in full.get("products") or []]
    published = expect(200, call("GET", f"/products?scenario={scenario}&bank={BANK}"), "the bank's products")
    rates = [p["annual_rate_min"] for p in published if not chosen or p["id"] in chosen]
    expect(200, call("POST", f"/applications/{app_id}/bank-decision", {
        "approved": True, "amount": message["amount"], "annual_rate": min(rates),
        "term_months": message["term_months"], "guarantee_fee_rate": 0.008, "reason": "同意授信"}, bank),
        "the bank approves")
    result = expect(200, call("GET", f"/applications/{app_id}", token=enterprise), "the enterprise reads the result")
    if result["status"] != "approved" or not result["result"]["offers"]:
        raise WalkFailed(f"expected an approved application with an offer, got {result['status']}")
    print(f"  → {result['status_text']['zh']} / {result['status_text']['en']}")


def main() -> int:
    try:
        walk("credit", None)
        walk("ip_pledge", "ipo")
    except (WalkFailed, urllib.error.URLError) as exc:
        print(f"\nFAILED: {exc}", file=sys.stderr)
        return 1
    print("\nBoth loans went from one submission to one consolidated result.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
