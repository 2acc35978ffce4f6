"""`make run`'s stack as a new user meets it: a real HTTP server, an embedded moto server, boto3 SQS."""
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_scripted_walk_of_a_credit_and_an_ip_pledge_loan_succeeds(stack):
    url, _ = stack
    walk = subprocess.run([sys.executable, "-m", "scripts.walkthrough"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=os.environ | {"API_URL": url})
    assert walk.returncode == 0, walk.stdout + walk.stderr
    assert "amended: back to the IP office only, round 2" in walk.stdout   # returned, amended, then approved
    # The credit loan: two banks approve, the enterprise accepts the cheaper, the other reads `closed`.
    assert "the enterprise compares the offers" in walk.stdout
    assert "was told closed (accepted_elsewhere)" in walk.stdout


def test_an_enterprise_of_the_data_zone_prefills_and_submits_with_no_material_and_sees_recorded_facts(stack):
    import json
    from scripts import datazone
    from tests.builders import valid_body
    url, _ = stack
    records = datazone.find(lambda r: r["registration"]["industry_code"].startswith("65")
                            and r["social_insurance"]["insured_staff"] < 60)

    def call(method, path, body=None, token=None):
        request = urllib.request.Request(url + path, method=method, data=json.dumps(body).encode() if body else None,
                                         headers={"Content-Type": "application/json",
                                                  **({"Authorization": f"Bearer {token}"} if token else {})})
        try:
            with urllib.request.urlopen(request, timeout=10) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())
    _, minted = call("POST", "/auth/dev-token", {"role": "enterprise", "subject": records["uscc"]})
    token = minted["token"]
    status, body = call("GET", "/forms/credit/prefill", token=token)
    assert status == 200 and body["enterprise"]["name"] == records["registration"]["name"]
    example = valid_body("credit")
    body |= {"amount": example["amount"], "term_months": example["term_months"], "purpose": example["purpose"],
             "banks": ["ICBC-BJ"], "first_loan": True, "details": example["details"] | body["details"]}
    assert body["materials"] == []
    status, app = call("POST", "/applications", body, token=token)
    assert status == 201, app
    sources = app["decision"]["fact_sources"]
    assert sources["employees"]["source"] == "social_insurance" and sources["annual_revenue_wan"]["source"] == "tax"
    assert app["decision"]["facts"]["employees"] == records["social_insurance"]["insured_staff"]


def raw_request(url: str, method: str, path: str) -> tuple[int, dict, bytes]:
    import http.client
    from urllib.parse import urlsplit
    conn = http.client.HTTPConnection(urlsplit(url).netloc, timeout=10)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


@pytest.mark.parametrize("method,path", [("GET", "/no/such/route"), ("TRACE", "/no/such/route"),
                                         ("POST", "/applications/x/y/z")])
def test_a_request_for_no_route_is_404_in_the_contracts_shape(stack, method, path):
    """Chalice's local server had answered 403 "Missing Authentication Token", and TRACE 501."""
    import json
    status, headers, body = raw_request(stack[0], method, path)
    assert status == 404
    assert json.loads(body)["errors"][0]["code"] == "not_found"


@pytest.mark.parametrize("method", ["DELETE", "TRACE", "PATCH"])
def test_a_method_a_route_lacks_is_405_with_allow(stack, method):
    import json
    status, headers, body = raw_request(stack[0], method, "/banks")
    assert status == 405 and headers.get("Allow") == "GET"
    assert json.loads(body)["errors"][0]["code"] == "method_not_allowed"


def test_a_burst_of_200_connections_is_served_not_refused(stack):
    """The listen backlog was 5: 35–65 of 200 simultaneous connections timed out."""
    from concurrent.futures import ThreadPoolExecutor
    barrier_free = [stack[0]] * 200

    def fetch(url):
        try:
            return urllib.request.urlopen(url + "/banks", timeout=60).status
        except OSError as exc:
            return repr(exc)
    with ThreadPoolExecutor(max_workers=200) as pool:
        outcomes = list(pool.map(fetch, barrier_free))
    failures = [o for o in outcomes if o != 200]
    assert failures == [], f"{len(failures)} of 200 failed, e.g. {failures[:3]}"


def test_concurrent_requests_each_get_their_own_answer(stack):
    """Each request thread reads its own request (a shared `current_request` mixed bodies up)."""
    import json
    from concurrent.futures import ThreadPoolExecutor

    from tests.builders import valid_body

    def ask(n: int):
        body = json.dumps(valid_body("credit", amount=100_000 + n)).encode()
        request = urllib.request.Request(stack[0] + "/eligibility", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as reply:
            return n, json.loads(reply.read())["facts"]["amount"]
    with ThreadPoolExecutor(max_workers=40) as pool:
        answers = list(pool.map(ask, range(120)))
    assert [amount - 100_000 for _, amount in answers] == [n for n, _ in answers]


def test_ctrl_c_stops_everything_the_stack_started(stack):
    _, proc = stack
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0, out
    assert "API" in out and "queue" in out.lower()
    assert "stopped" in out
