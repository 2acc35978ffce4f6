"""Logs help operators without leaking: a correlation id per request, never a token or an ID number."""
import json
import logging

from tests.builders import valid_body


def test_each_request_logs_one_line_with_its_correlation_id_and_nothing_secret(world, caplog):
    me = world.enterprise()
    body = valid_body("entrepreneurship_guarantee", **{"enterprise.uscc": me[1]})
    id_number = body["details"]["applicant"]["id_number"]
    token = world.token(*me)
    with caplog.at_level(logging.INFO):  # production level; botocore echoes bodies only at DEBUG
        reply = world.call("POST", "/applications", as_=me, body=body, headers={"X-Request-Id": "trace-42"})
        bad = world.call("POST", "/applications", as_=me, body=body | {"amount": -1})
    assert reply.status == 201 and bad.status == 400
    assert reply.headers.get("X-Request-Id") == "trace-42"
    text = caplog.text
    assert token not in text and token[-20:] not in text
    assert id_number not in text and me[1] not in text
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "getting_credit.access"]
    assert {(l["request_id"], l["status"], l["role"]) for l in lines} >= {("trace-42", 201, "enterprise")}
    assert all(l["route"] == "/applications" for l in lines if l["method"] == "POST")
