"""Integration tier: the real Chalice app through its test client, AWS played by moto in-process.

Each test gets a fresh moto account with the table, queues and bucket provisioned from
`chalicelib.resources`. Forms, rules and the catalog are loaded once per session (they are
read-only), as they are once per cold start in Lambda.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from chalice.test import Client
from moto import mock_aws

from chalicelib import bootstrap
from chalicelib.adapters.provision import provision
from chalicelib.adapters.stream_reader import StreamReader
from tests.builders import upload_material, valid_body, valid_uscc, with_materials


@pytest.fixture(scope="session")
def read_only_parts():
    from chalicelib.rules_engine import DecisionEngine, RuleBook
    container = bootstrap.Container()
    return {"forms": container.forms, "engine": DecisionEngine(RuleBook.load()), "catalog": container.catalog}


@dataclass
class Reply:
    status: int
    json: object
    headers: dict

    @property
    def error_codes(self) -> list[str]:
        return [e["code"] for e in self.json["errors"]]


class World:
    """The service as its users meet it: HTTP calls with tokens, and SQS queues."""

    def __init__(self, client: Client, container):
        self.client, self.container = client, container
        self._tokens: dict[tuple[str, str], str] = {}
        streams = container.client("dynamodbstreams", account_id_endpoint_mode="disabled")
        self._stream = StreamReader(container.dynamodb, streams, container.resources.table_name)

    # -- HTTP ---------------------------------------------------------------------------------
    def token(self, role: str, subject: str) -> str:
        key = (role, subject)
        if key not in self._tokens:
            reply = self.call("POST", "/auth/dev-token", body={"role": role, "subject": subject})
            assert reply.status == 200, reply.json
            self._tokens[key] = reply.json["token"]
        return self._tokens[key]

    def call(self, method: str, path: str, *, as_: tuple[str, str] | None = None, body=None,
             raw: bytes | str | None = None, headers: dict | None = None) -> Reply:
        hdrs = {"Content-Type": "application/json"} | (headers or {})
        if as_ is not None:
            hdrs["Authorization"] = f"Bearer {self.token(*as_)}"
        payload = raw if raw is not None else (json.dumps(body) if body is not None else None)
        resp = self.client.http.request(method, path, headers=hdrs, body=payload)
        text = resp.body.decode() if isinstance(resp.body, bytes) else resp.body
        return Reply(resp.status_code, json.loads(text) if text else None, dict(resp.headers))

    # -- the people ---------------------------------------------------------------------------
    def enterprise(self, n: int = 1) -> tuple[str, str]:
        return ("enterprise", valid_uscc(n))

    def submit(self, scenario: str, who: tuple[str, str] | None = None, **overrides) -> Reply:
        """Submit the scenario's example body, with every material the rules ask for uploaded first
        (unless the overrides name `materials`)."""
        who = who or self.enterprise()
        body = valid_body(scenario, **{"enterprise.uscc": who[1], **overrides})
        if "materials" not in overrides:
            body = with_materials(self.as_caller(who), body)
        return self.call("POST", "/applications", as_=who, body=body)

    def upload(self, who: tuple[str, str], kind: str, **kwargs) -> str:
        """A material of `who` uploaded through its signed POST (see tests.builders.upload_material)."""
        material_id, self.last_upload_status = upload_material(self.as_caller(who), kind, **kwargs)
        return material_id

    def as_caller(self, who: tuple[str, str]):
        """`call(method, path, body) -> (status, json)` as `who` (for tests.builders' helpers)."""
        def call(method: str, path: str, body=None):
            reply = self.call(method, path, as_=who, body=body)
            return reply.status, reply.json
        return call

    # -- the fan-out and the queues ---------------------------------------------------------------
    def pump(self) -> int:
        """Feed new stream records to the deployed fan-out handler, as Lambda would."""
        event = self._stream.poll()
        if event["Records"]:
            self.client.lambda_.invoke("fan_out", event)
        return len(event["Records"])

    def queue_messages(self, key: str, delete: bool = True, types: bool = False) -> list[dict]:
        """Bodies with their `message_id` attribute as `_message_id` (and `type` as `_type` if asked)."""
        sqs = self.container.sqs
        url = self.container.sender.queue_url(key)
        out = []
        while True:
            resp = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
            msgs = resp.get("Messages", [])
            if not msgs:
                return out
            for m in msgs:
                attributes = m["MessageAttributes"]
                out.append(json.loads(m["Body"]) | {"_message_id": attributes["message_id"]["StringValue"]}
                           | ({"_type": attributes["type"]["StringValue"]} if types else {}))
                if delete:
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


@pytest.fixture
def world(read_only_parts):
    with mock_aws():
        container = bootstrap.reset(None, **dict(read_only_parts))
        provision(container)
        from app import app
        with Client(app) as client:
            yield World(client, container)
    bootstrap.reset()
