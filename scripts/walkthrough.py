"""Walk a credit loan and an IP-pledge loan through a running stack, as its users would.

    make run                                  # in one terminal
    .venv/bin/python -m scripts.walkthrough   # in another (API_URL to point elsewhere)

Only HTTP and a standard SQS client (boto3) are used: the enterprise uploads the materials the
rules ask for (a signed POST straight to S3, here the stack's moto), submits, the IP office
returns it for one more item (需补正), the enterprise reads the one notice, uploads the item and
amends, the IP office approves the second round, the bank polls its queue, fetches the application, downloads a material and decides,
the enterprise reads the consolidated result. The credit loan goes to two banks: both approve, the
enterprise compares the offers (cheapest first) and accepts one, and the other bank reads a message
of type `closed` (accepted_elsewhere) from its own queue. Exits non-zero, saying where, if any step does not behave.
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


def post_file(upload: dict, filename: str, content: bytes) -> int:
    """A browser's multipart POST of one file to a presigned S3 POST; S3's HTTP status."""
    boundary = "----walkthrough" + os.urandom(8).hex()
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in upload["fields"].items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
    data = b"".join(parts) + f"--{boundary}--\r\n".encode()
    req = urllib.request.Request(upload["url"], data=data, method="POST",
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def upload(kind: str, names: dict, enterprise: str) -> str:
    import hashlib
    content = f"%PDF-1.7 {names['en']}\n".encode()
    declared = {"kind": kind, "filename": f"{kind}.pdf", "content_type": "application/pdf",
                "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
    material = expect(201, call("POST", "/materials", declared, enterprise), f"sign an upload: {names['zh']}")
    status = post_file(material["upload"], declared["filename"], content)
    if status >= 300:
        raise WalkFailed(f"S3 refused the upload of {kind}: HTTP {status}")
    print(f"  ✓ uploaded to S3 with the signed POST: {kind}")
    return material["id"]


def upload_missing(body: dict, enterprise: str) -> list[str]:
    """Upload one file for each kind of material the decision says is missing (一次性告知)."""
    decision = expect(200, call("POST", "/eligibility", body, enterprise), "the enterprise checks what is missing")
    return [upload(missing["kind"], missing, enterprise) for missing in decision["missing_materials"]]


def pending_review(agency: str, reviewer: str, app_id: str) -> dict:
    pending = expect(200, call("GET", "/reviews?status=pending", token=agency), f"{reviewer} lists its reviews")
    review = next((r for r in pending["items"] if r["application_id"] == app_id), None)
    if review is None:
        raise WalkFailed(f"{reviewer} does not see a review for {app_id}")
    return review


def returned_and_amended(app_id: str, reviewer: str, agency: str, enterprise: str) -> None:
    """The agency asks for one more item; the enterprise reads the one notice and amends."""
    ask = {"kind": "other", "note": "质押登记申请表（加盖公章）"}
    review = pending_review(agency, reviewer, app_id)
    expect(200, call("POST", f"/reviews/{review['id']}/decision",
                     {"outcome": "returned", "missing": [ask], "reason": "缺质押登记申请表"}, agency),
           f"{reviewer} returns it for more")
    seen = expect(200, call("GET", f"/applications/{app_id}", token=enterprise), "the enterprise reads its application")
    if seen["status"] != "returned" or seen["notice"]["items"] != [{"agency": reviewer, **ask}]:
        raise WalkFailed(f"expected one notice of the missing item, got {seen['status']} {seen.get('notice')}")
    told = expect(200, call("GET", "/notifications?unread=true", token=enterprise), "the enterprise reads its notifications")
    if not any(n["kind"] == "returned" and n["application_id"] == app_id for n in told["items"]):
        raise WalkFailed("the enterprise was not notified of the return")
    print(f"  ✓ one notice of everything missing: {seen['status_text']['zh']}")
    added = upload("other", {"zh": "质押登记申请表", "en": "Pledge registration form"}, enterprise)
    amended = expect(200, call("POST", f"/applications/{app_id}/amend", {"materials": [*seen["materials"], added]},
                               enterprise), "the enterprise amends")
    if amended["status"] != "in_review" or amended["round"] != 2:
        raise WalkFailed(f"expected the amended application in review, round 2, got {amended['status']}")
    print("  ✓ amended: back to the IP office only, round 2")


def download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return resp.read()


def bank_queue_client(queue: dict):
    """A plain boto3 SQS client for the queue the API named (the local stack takes any key)."""
    import boto3
    endpoint = "/".join(queue["queue_url"].split("/", 3)[:3])
    return boto3.client("sqs", endpoint_url=endpoint, region_name=queue["region"],
                        aws_access_key_id="bank", aws_secret_access_key="bank")


def poll_for(sqs, queue_url: str, app_id: str, bank: str = BANK, kind: str = "application",
             seconds: float = 20.0) -> dict:
    """The first message of type `kind` (its `type` attribute) about `app_id` on the bank's queue."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        resp = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                   MessageAttributeNames=["All"])
        for msg in resp.get("Messages", []):
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=msg["ReceiptHandle"])
            body = json.loads(msg["Body"])
            typed = (msg.get("MessageAttributes") or {}).get("type", {}).get("StringValue")
            if body.get("application_id") == app_id and typed == kind:
                print(f"  ✓ {bank} polled its SQS queue and found a message of type {kind} for {app_id}")
                return body
    raise WalkFailed(f"no {kind} message for {app_id} reached {bank}'s queue within {seconds} s")


def bank_approves(bank_code: str, scenario: str, app_id: str) -> dict:
    """The bank polls its queue, fetches the application, downloads its materials and approves it
    at the lowest rate its published products allow (the platform refuses any other)."""
    bank = token("bank", bank_code)
    queue = expect(200, call("GET", f"/banks/{bank_code}/queue", token=bank), f"{bank_code} asks for its queue")
    message = poll_for(bank_queue_client(queue), queue["queue_url"], app_id, bank_code)
    full = expect(200, call("GET", f"/applications/{app_id}", token=bank), f"{bank_code} fetches the application")
    if full["amount"] != message["amount"]:
        raise WalkFailed("the queue message and the application disagree on the amount")
    for material_id in full.get("materials") or []:
        import hashlib
        material = expect(200, call("GET", f"/materials/{material_id}", token=bank), f"{bank_code} reads a material")
        if material["status"] != "uploaded" or \
                hashlib.sha256(download(material["download_url"])).hexdigest() != material["sha256"]:
            raise WalkFailed(f"{bank_code} could not download {material_id} as declared")
        print(f"  ✓ {bank_code} downloaded {material['kind']} through its signed link")
    chosen = [p for p in full.get("products") or []]
    published = expect(200, call("GET", f"/products?scenario={scenario}&bank={bank_code}"),
                       f"{bank_code}'s products")
    rates = [p["annual_rate_min"] for p in published if not chosen or p["id"] in chosen]
    expect(200, call("POST", f"/applications/{app_id}/bank-decision", {
        "approved": True, "amount": message["amount"], "annual_rate": min(rates),
        "term_months": message["term_months"], "guarantee_fee_rate": 0.008, "reason": "同意授信"}, bank),
        f"{bank_code} approves")
    return queue


def compare_and_accept(app_id: str, enterprise: str, queues: dict[str, dict]) -> None:
    """Two approvals side by side, cheapest first; the enterprise accepts the cheapest and the
    other bank reads `closed` (and nothing naming the winner) from its own SQS queue."""
    offers = expect(200, call("GET", f"/applications/{app_id}/offers", token=enterprise),
                    "the enterprise compares the offers")
    banks = [o["bank"] for o in offers]
    if sorted(banks) != sorted(queues):
        raise WalkFailed(f"expected one offer from each of {sorted(queues)}, got {banks}")
    costs = [o["net_cost"] for o in offers]
    if costs != sorted(costs):
        raise WalkFailed(f"the offers are not cheapest first: {list(zip(banks, costs))}")
    print("  ✓ " + ", ".join(f"{b}: net {c:,.2f} 元" for b, c in zip(banks, costs)))
    chosen, other = banks[0], banks[1]
    accepted = expect(200, call("POST", f"/applications/{app_id}/accept", {"bank": chosen}, enterprise),
                      f"the enterprise accepts {chosen}'s offer")
    if accepted["status"] != "accepted":
        raise WalkFailed(f"expected the application accepted, got {accepted['status']}")
    closed = poll_for(bank_queue_client(queues[other]), queues[other]["queue_url"], app_id, other, "closed")
    if closed != {"application_id": app_id, "reason": "accepted_elsewhere"}:
        raise WalkFailed(f"{other}'s closed message is not as documented: {closed}")
    print(f"  ✓ {other} was told closed (accepted_elsewhere), without learning which bank won")


def walk(scenario: str, reviewer: str | None) -> None:
    print(f"\n{scenario}:")
    body = example_body(scenario)
    enterprise = token("enterprise", body["enterprise"]["uscc"])
    body["materials"] = upload_missing(body, enterprise)
    app = expect(201, call("POST", "/applications", body, enterprise), "the enterprise submits once")
    app_id = app["id"]
    if reviewer:
        agency = token("agency", reviewer)
        returned_and_amended(app_id, reviewer, agency, enterprise)
        review = pending_review(agency, reviewer, app_id)
        expect(200, call("POST", f"/reviews/{review['id']}/decision",
                         {"approved": True, "reason": "材料齐全，审核通过"}, agency), f"{reviewer} approves")
    lenders = app["banks"] if isinstance(app.get("banks"), list) else body["banks"]
    codes = [b["code"] if isinstance(b, dict) else b for b in lenders]
    queues = {code: bank_approves(code, scenario, app_id) for code in codes}
    result = expect(200, call("GET", f"/applications/{app_id}", token=enterprise), "the enterprise reads the result")
    if result["status"] != "approved" or not result["result"]["offers"]:
        raise WalkFailed(f"expected an approved application with an offer, got {result['status']}")
    print(f"  → {result['status_text']['zh']} / {result['status_text']['en']}")
    if scenario == "credit" and len(queues) < 2:
        raise WalkFailed(f"the credit walk needs two banks to compare, the form's example names {codes}")
    if len(queues) > 1:
        compare_and_accept(app_id, enterprise, queues)


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
