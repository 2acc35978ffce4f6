"""Schemathesis fuzzes every operation the live `GET /openapi.json` describes.

The app runs for real: Chalice's local dev server on a free loopback port, AWS played by moto in
this process, the table and queues provisioned from `chalicelib.resources`. Every operation gets
schema-valid and schema-breaking requests, first with the token of a role it names (`x-roles`),
then with no token at all. The checks: never a 5xx; every 4xx body in the contract's error shape;
statuses, content types and bodies as the document declares them; schema-breaking input refused;
a refused write stores nothing, and a submission stores exactly one application. Seeded
(`derandomize`) and bounded, so every run sends the same requests.

Schemathesis's own pytest entry (`from_fixture` + `parametrize`) cannot be used: 4.32.5 writes
`Node._nodeid`, which pytest 9.2 no longer has. So each operation is one pytest case that runs a
Hypothesis test over schemathesis's strategies and checks, which is what that entry does.
"""
from __future__ import annotations

import functools
import json
import threading
from dataclasses import dataclass, field

import pytest
import requests
import schemathesis
from chalice.config import Config as ChaliceConfig
from chalice.local import ChaliceRequestHandler, create_local_server
from hypothesis import HealthCheck, Phase, given, settings, strategies as st
from moto import mock_aws
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, negative_data_rejection,
                                               response_schema_conformance, status_code_conformance)

from app import app
from chalicelib import bootstrap
from chalicelib.adapters.provision import provision
from tests.builders import forms, valid_body, valid_uscc, with_materials

HOST = "127.0.0.1"
FUZZER = {"enterprise": valid_uscc(4242), "agency": "ipo", "bank": "ICBC-BJ", "policy": "policy-fuzz",
          "window": "window-fuzz"}
OPERATIONS = sorted((method, path) for path, methods in app.routes.items() for method in methods)
IDS = [f"{method} {path}" for method, path in OPERATIONS]
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
MAX_EXAMPLES = 15            # per operation, with a token; about 20 operations
MAX_EXAMPLES_NO_TOKEN = 4    # per operation, without one (the answer is a 401 before anything else)


# ---- the running app ------------------------------------------------------------------------
@dataclass
class Live:
    url: str
    tokens: dict[str, str] = field(default_factory=dict)
    real: dict[str, list[str]] = field(default_factory=dict)         # path parameter → ids that exist
    submitted: dict[str, str] = field(default_factory=dict)          # Idempotency-Key → application id
    session: requests.Session = field(default_factory=requests.Session)

    def call(self, method: str, path: str, role: str | None = None, body=None) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return self.session.request(method, self.url + path, json=body, headers=headers, timeout=30)

    def stored(self) -> dict:
        """What a refused write must leave as it was: every application as the window sees it,
        the fuzzing enterprise's own list, and the rule versions on record."""
        every, cursor = [], None
        while True:
            reply = self.call("GET", "/applications?limit=100" + (f"&cursor={cursor}" if cursor else ""), "window")
            assert reply.status_code == 200, reply.text
            every += reply.json()["items"]
            cursor = reply.json()["cursor"]
            if not cursor:
                break
        mine = self.call("GET", "/applications?limit=100", "enterprise").json()
        assert mine["cursor"] is None, "the fuzzing enterprise has more applications than one page"
        return {"all": sorted(every, key=lambda a: a["id"]), "mine": sorted(a["id"] for a in mine["items"]),
                "rules": self.call("GET", "/rules", "policy").json()}


class _Handler(ChaliceRequestHandler):
    # The handler writes headers and body apart; with Nagle's algorithm on, every reply waits out
    # the client's delayed ACK (~40 ms), which was most of a run's time and none of the app's.
    disable_nagle_algorithm = True


@pytest.fixture(scope="module")
def live(read_only_parts):
    with mock_aws():
        container = bootstrap.reset(None, **dict(read_only_parts))
        provision(container)
        app_class = app.__class__           # create_local_server swaps in a thread-local subclass
        config = ChaliceConfig.create(chalice_stage="test", app_name="getting-credit")
        server = create_local_server(app, config, HOST, 0).server      # port 0: a free one
        server.RequestHandlerClass = functools.partial(_Handler, app_object=app, config=config)
        thread = threading.Thread(target=server.serve_forever, name="chalice-local", daemon=True)
        thread.start()
        try:
            live = Live(f"http://{HOST}:{server.server_address[1]}")
            for role, subject in FUZZER.items():
                reply = live.call("POST", "/auth/dev-token", body={"role": role, "subject": subject})
                assert reply.status_code == 200, reply.text
                live.tokens[role] = reply.json()["token"]
            live.real = seed_real_objects(live)
            yield live
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
            app.__class__ = app_class
            bootstrap.reset()


def seed_real_objects(live: Live) -> dict[str, list[str]]:
    """Things that exist, for path parameters to name now and then, so the fuzzer gets past the
    404: a credit loan at ICBC-BJ (bank decisions, then withdrawal), an IP-pledge loan (withdrawal)
    and a second IP-pledge loan whose review only the review route sees (withdrawal runs first);
    a complaint of the fuzzing enterprise (read, then answered)."""
    ids = {}

    def as_enterprise(method, path, body):
        reply = live.call(method, path, "enterprise", body)
        return reply.status_code, reply.json()
    for name, scenario in (("credit", "credit"), ("ip", "ip_pledge"), ("ip_reviewed", "ip_pledge")):
        body = with_materials(as_enterprise, valid_body(scenario, **{"enterprise.uscc": FUZZER["enterprise"]}))
        reply = live.call("POST", "/applications", "enterprise", body)
        assert reply.status_code == 201, reply.text
        ids[name] = reply.json()["id"]
    reviews = live.call("GET", "/reviews?status=pending", "agency").json()["items"]
    review = [r["id"] for r in reviews if r["application_id"] == ids["ip_reviewed"]]
    assert review, "the IP-pledge application should wait for the IP office"
    material = live.call("GET", f"/applications/{ids['ip']}", "enterprise").json()["materials"][0]
    complaint = live.call("POST", "/complaints", "enterprise", {"about": "service", "text": "热线打不通"})
    assert complaint.status_code == 201, complaint.text
    thread, call = seed_thread(live)
    return {"app_id": [ids["credit"], ids["ip"]], "review_id": review, "code": [FUZZER["bank"]],
            "material_id": [material], "thread_id": [thread], "request_id": [call],
            "complaint_id": [complaint.json()["id"]],
            "scenario": ["credit", "ip_pledge"], "ruleset": ["eligibility", "first_loan_subsidy"]}


def seed_thread(live: Live) -> tuple[str, str]:
    """A consultation thread of the fuzzing enterprise with a call request for the next working day."""
    from datetime import date
    from chalicelib.adapters.clock import ChinaWorkingCalendar
    thread = live.call("POST", "/threads", "enterprise", {"subject": "fuzz", "text": "a question"})
    assert thread.status_code == 201, thread.text
    day = ChinaWorkingCalendar().add_working_days(date.today(), 1)
    call = live.call("POST", f"/threads/{thread.json()['id']}/call-requests", "enterprise",
                     {"kind": "voice", "slot": f"{day}T10:00:00+08:00"})
    assert call.status_code == 201, call.text
    return thread.json()["id"], call.json()["id"]


@pytest.fixture(scope="module")
def api(live):
    """The document as a client reads it: fetched from the running app."""
    return schemathesis.openapi.from_url(live.url + "/openapi.json", config=schemathesis.Config())


# ---- checks -----------------------------------------------------------------------------------
@schemathesis.check
def errors_in_the_contract_shape(ctx, response, case):
    """Every 4xx body is {"errors": [{path, code, message_zh, message_en}]}, path a JSON pointer."""
    if not 400 <= response.status_code < 500:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(f"{response.status_code} with a body that is not JSON: {response.content[:200]!r}")
    assert isinstance(body, dict) and set(body) == {"errors"}, f"not the contract's error shape: {body!r}"
    assert isinstance(body["errors"], list) and body["errors"], f"no error listed: {body!r}"
    for error in body["errors"]:
        # `line`: only on an error about a rule file's text (the portal's editor marks that line)
        assert isinstance(error, dict) and set(error) - {"line"} == {"path", "code", "message_zh", "message_en"}, error
        assert isinstance(error.get("line", 1), int) and error.get("line", 1) > 0, error
        assert all(isinstance(value, str) for key, value in error.items() if key != "line"), error
        assert error["code"] and error["message_zh"] and error["message_en"], error
        assert error["path"] == "" or error["path"].startswith("/"), f"path is not a JSON pointer: {error}"
    return True


CHECKS = [not_a_server_error, errors_in_the_contract_shape, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]

# ---- driving one operation --------------------------------------------------------------------
def roles_of(operation) -> list[str]:
    return operation.definition.raw.get("x-roles") or []


def cases_for(operation):
    """Schema-valid and schema-breaking cases; application bodies also start from each form's
    example (the fuzzer's own USCC), as a generated body almost never passes the check digits."""
    strategies = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    if operation.method.upper() == "POST" and operation.path in ("/applications", "/eligibility"):
        strategies.append(st.sampled_from(forms().scenario_ids()).flatmap(lambda scenario: operation.as_strategy(
            GenerationMode.POSITIVE, body=valid_body(scenario, **{"enterprise.uscc": FUZZER["enterprise"]}))))
    return st.one_of(strategies)


def aim_at_real_objects(case, live: Live, pick: int) -> None:
    for name in list(case.path_parameters or {}):
        if name in live.real:
            choices = live.real[name]
            case.path_parameters[name] = choices[pick % len(choices)]


def call_checked(case, live: Live, role: str | None):
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    if role is not None:
        case.headers["Authorization"] = f"Bearer {live.tokens[role]}"
    write = case.method.upper() in WRITES
    before = live.stored() if write else None
    response = case.call_and_validate(checks=CHECKS, session=live.session)
    if not write:
        return response
    after = live.stored()
    if 400 <= response.status_code < 500:
        assert after == before, f"a refused {case.method} {case.formatted_path} changed what is stored"
    if (case.method.upper(), case.operation.path) == ("POST", "/applications"):
        assert_one_application_per_submission(case, response, live, before["mine"], after["mine"])
    return response


def assert_one_application_per_submission(case, response, live: Live, before: list[str], after: list[str]):
    if response.status_code != 201:
        assert after == before, f"a {response.status_code} submission stored an application"
        return
    key = {k.lower(): v for k, v in case.headers.items()}.get("idempotency-key")
    new_id = response.json()["id"]
    if key in live.submitted:       # the same key again: the first answer, nothing stored twice
        assert new_id == live.submitted[key] and after == before, "a replayed submission stored again"
        return
    assert sorted(after) == sorted(before + [new_id]), "a 201 submission stored other than one application"
    if key is not None:
        live.submitted[key] = new_id


def fuzz(operation, live: Live, max_examples: int, run_one) -> None:
    """`run_one(case, pick)` on seeded cases; now and then with path parameters that exist."""
    @settings(max_examples=max_examples, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=cases_for(operation), pick=st.integers(min_value=0, max_value=99), real=st.booleans())
    def run(case, pick, real):
        if real:
            aim_at_real_objects(case, live, pick)
        run_one(case, pick)

    run()


# ---- the tests ----------------------------------------------------------------------------------
def test_the_document_names_exactly_the_operations_fuzzed_here(api):
    documented = {(method.upper(), path) for path, ops in api.raw_schema["paths"].items() for method in ops}
    assert documented == set(OPERATIONS)


@pytest.mark.parametrize("method,path", OPERATIONS, ids=IDS)
def test_any_request_with_a_token_of_a_role_the_operation_names(api, live, method, path):
    operation = api[path][method]
    roles = roles_of(operation)
    fuzz(operation, live, MAX_EXAMPLES,
         lambda case, pick: call_checked(case, live, roles[pick % len(roles)] if roles else None))


@pytest.mark.parametrize("method,path", OPERATIONS, ids=IDS)
def test_any_request_without_a_token(api, live, method, path):
    operation = api[path][method]
    roles = roles_of(operation)

    def run_one(case, pick):
        response = call_checked(case, live, None)
        if roles:
            assert response.status_code == 401, (case.method, case.formatted_path, response.text)

    fuzz(operation, live, MAX_EXAMPLES_NO_TOKEN, run_one)


BODY_OPERATIONS = [(m, p) for m, p in OPERATIONS if m in WRITES]


@pytest.mark.parametrize("method,path", BODY_OPERATIONS, ids=[f"{m} {p}" for m, p in BODY_OPERATIONS])
def test_half_a_surrogate_pair_is_refused_where_the_json_is_read(api, live, method, path):
    """JSON may spell "\\ud800" alone; Python reads it into a str no UTF-8 encoder takes, which
    was a 500 on submission, simulation and publication. (Schemathesis never sends one: its
    strings must encode as UTF-8.) Refused when the body is read, pointing at the string."""
    operation = api[path][method]
    if "requestBody" not in operation.definition.raw:
        pytest.skip("takes no body")
    roles = roles_of(operation)
    url = live.url + path.format(**{name: live.real[name][0] for name in live.real})
    headers = {"Content-Type": "application/json"} | (
        {"Authorization": f"Bearer {live.tokens[roles[0]]}"} if roles else {})
    before = live.stored()
    for raw, pointer in (('{"reason": "\\ud800"}', "/reason"), ('{"files": ["ok", "\\udfff\\ud800"]}', "/files/1"),
                         ('{"a": {"b\\udc00": 1}}', "/a")):
        reply = live.session.request(method, url, data=raw.encode(), headers=headers, timeout=30)
        assert reply.status_code == 400, reply.text
        assert [(e["path"], e["code"]) for e in reply.json()["errors"]] == [(pointer, "invalid_unicode")]
    assert live.stored() == before


@pytest.mark.parametrize("method,path,body,pointer", [
    ("PUT", "/rules/eligibility", {"content": "ruleset: eligibility\u0007"}, "/content"),
    ("POST", "/rules/simulate", {"files": ["ruleset: eligibility\u0007"]}, "/files/0")])
def test_a_rule_file_with_a_character_yaml_forbids_is_bad_input(live, method, path, body, pointer):
    reply = live.call(method, path, "policy", body)
    assert reply.status_code == 400, reply.text
    assert reply.json()["errors"][0]["path"] == pointer
