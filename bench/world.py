"""The service on moto in-process, driven through Chalice's test client, as the integration tests do.

Like tests/integration/conftest.py: `scripts.moto_patches` applied, a fresh moto account, the
table, queues and bucket provisioned from `chalicelib.resources`, the real `app` behind
`chalice.test.Client`. Added for measuring: the Lambda handler (`app(event, context)`, what
Lambda would bill) is timed on every request, and the container's DynamoDB and SQS clients
carry an `AwsMeter`, so a request's time splits into our code and AWS calls.
"""
from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass

from .aws_meter import AwsMeter, Usage

TEST_ENV = {"GC_STAGE": "test", "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": "us-east-1"}


def test_stage_environment() -> None:
    """The test stage (dev tokens on), dummy credentials, no endpoint: moto answers in-process.
    Must run before `app` is imported: the app decides at import whether dev routes exist."""
    os.environ.update(TEST_ENV)
    for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "GC_AWS_ENDPOINT_URL",
                "GC_RESOURCE_PREFIX", "AWS_REGION"):
        os.environ.pop(var, None)


class TimedApp:
    """Stands in for the Chalice app inside the local gateway; times each handler invocation."""

    def __init__(self, app):
        self._app = app
        self.last_seconds = 0.0

    def __call__(self, event, context):
        began = time.perf_counter()
        try:
            return self._app(event, context)
        finally:
            self.last_seconds = time.perf_counter() - began

    def __getattr__(self, name):
        return getattr(self._app, name)


@dataclass
class Measured:
    status: int
    body: object
    handler_seconds: float
    aws: Usage

    @property
    def own_seconds(self) -> float:
        return self.handler_seconds - self.aws.seconds


class World:
    def __init__(self, client, container, meter: AwsMeter):
        from chalicelib.adapters.stream_reader import StreamReader
        self.client, self.container, self.meter = client, container, meter
        gateway = client.http._local_gateway
        if not isinstance(gateway._app_object, TimedApp):
            gateway._app_object = TimedApp(gateway._app_object)
        self.timed = gateway._app_object
        self._tokens: dict[tuple[str, str], str] = {}
        streams = container.client("dynamodbstreams", account_id_endpoint_mode="disabled")
        self.stream = StreamReader(container.dynamodb, streams, container.resources.table_name)

    def token(self, role: str, subject: str) -> str:
        if (role, subject) not in self._tokens:
            reply = self.call("POST", "/auth/dev-token", body={"role": role, "subject": subject})
            assert reply.status == 200, reply.body
            self._tokens[(role, subject)] = reply.body["token"]
        return self._tokens[(role, subject)]

    def call(self, method: str, path: str, *, as_: tuple[str, str] | None = None, body=None) -> Measured:
        headers = {"Content-Type": "application/json"}
        if as_ is not None:
            headers["Authorization"] = f"Bearer {self.token(*as_)}"
        before = self.meter.snapshot()
        resp = self.client.http.request(method, path, headers=headers,
                                        body=json.dumps(body) if body is not None else b"")
        usage = self.meter.snapshot().minus(before)
        text = resp.body.decode() if isinstance(resp.body, bytes) else resp.body
        return Measured(resp.status_code, json.loads(text) if text else None, self.timed.last_seconds, usage)

    def pump(self) -> int:
        """Stream records → the fan-out handler, as Lambda's event source mapping would."""
        from chalicelib.handlers import deliver_outbox_records
        records = self.stream.poll()["Records"]
        if records:
            deliver_outbox_records(records)
        return len(records)


def second_container(world: World, prefix: str) -> World:
    """Another table, queues and bucket (names under `prefix`) in the same moto account, sharing
    the app, the compiled rules and the meter; `activate` chooses which one requests use."""
    from chalicelib import bootstrap
    from chalicelib.adapters.provision import provision
    from chalicelib.settings import Settings
    settings = Settings.from_env({**os.environ, "GC_RESOURCE_PREFIX": prefix})
    container = bootstrap.Container(settings)
    container.use_engine(world.container.engine)
    provision(container)
    world.meter.attach(container.dynamodb)
    world.meter.attach(container.sqs)
    return World(world.client, container, world.meter)


def activate(world: World) -> None:
    """Route the app's requests to `world`'s container. The app reaches its adapters only through
    `bootstrap.deps()`, which returns this module-level container; the bench swaps it between
    requests to measure two tables side by side (private, and only here)."""
    from chalicelib import bootstrap
    bootstrap._container = world.container


@contextmanager
def moto_world(engine=None):
    """A provisioned moto account and the app on it; `engine` shares an already compiled one."""
    test_stage_environment()
    from chalice.test import Client
    from moto import mock_aws

    from chalicelib import bootstrap
    from chalicelib.adapters.provision import provision
    from scripts import moto_patches
    moto_patches.apply()
    with mock_aws():
        container = bootstrap.reset(None, **({"engine": engine} if engine is not None else {}))
        provision(container)
        meter = AwsMeter()
        meter.attach(container.dynamodb)
        meter.attach(container.sqs)
        meter.attach(container.files.client)
        from app import app
        with Client(app) as client:
            yield World(client, container, meter)
    bootstrap.reset()
