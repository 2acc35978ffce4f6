"""5. Queue throughput: applications per second from submission to a bank's hands, on the local stack.

The AWS backend is the local stack's moto server (`make run`'s), in its own process; the app
runs in this one through Chalice's test client, its AWS clients pointed at that server, as
`make run` points them. Three stages, each timed over the whole batch:

1. submission: credit applications POSTed one after another (credit needs no agency review, so
   every submission puts two bank messages, one per chosen bank, in the outbox);
2. fan-out: the table's stream read by `StreamReader` and fed to `handlers.deliver_outbox_records`,
   as `make run`'s fan-out loop does, until every outbox message is on its queue;
3. a bank's poll: ICBC-BJ empties its queue with a plain boto3 SQS client, ten messages a call,
   deleting each batch it read.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

SECTION = "5 queue"
BANK = "ICBC-BJ"
ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def moto_server():
    """The local stack's moto server in a child process; yields its port."""
    child = subprocess.Popen([sys.executable, "-m", "bench.moto_server"], cwd=ROOT, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        yield int(child.stdout.readline())
    finally:
        child.stdin.close()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()


@contextmanager
def local_world(port: int):
    """The app and a provisioned account on the server, configured as scripts/local_stack.py does."""
    from scripts.local_stack import configure_environment
    configure_environment(port)
    os.environ.pop("GC_RESOURCE_PREFIX", None)
    from chalice.test import Client

    from chalicelib import bootstrap
    from chalicelib.adapters.provision import provision

    from .aws_meter import AwsMeter
    from .world import World
    container = bootstrap.reset(None)
    provision(container)
    meter = AwsMeter()
    meter.attach(container.dynamodb)
    meter.attach(container.sqs)
    from app import app
    with Client(app) as client:
        world = World(client, container, meter)
        meter.attach(world.stream._streams)
        yield world
    bootstrap.reset()


def submit_all(world, count: int) -> float:
    from tests.builders import valid_body, valid_uscc
    who = ("enterprise", valid_uscc(7))
    world.token(*who)
    began = time.perf_counter()
    for _ in range(count):
        reply = world.call("POST", "/applications", as_=who, body=valid_body("credit", **{"enterprise.uscc": who[1]}))
        assert reply.status == 201, reply.body
    return time.perf_counter() - began


def fan_out_all(world, expected: int, patience: float = 60.0) -> float:
    from chalicelib.handlers import deliver_outbox_records
    began = time.perf_counter()
    delivered = 0
    while delivered < expected:
        records = world.stream.poll()["Records"]
        if records:
            delivered += deliver_outbox_records(records)
        elif time.perf_counter() - began > patience:
            raise TimeoutError(f"fan-out delivered {delivered} of {expected} messages")
    return time.perf_counter() - began


def bank_poll_all(world, expected: int, patience: float = 60.0) -> float:
    """The bank's side: any SQS client, its queue URL from the API."""
    import boto3
    queue_reply = world.call("GET", f"/banks/{BANK}/queue", as_=("bank", BANK))
    sqs = boto3.client("sqs", endpoint_url=world.container.settings.aws_endpoint_url,
                       region_name=queue_reply.body["region"])
    world.meter.attach(sqs)
    url = queue_reply.body["queue_url"]
    began = time.perf_counter()
    received = 0
    while received < expected:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                       MessageAttributeNames=["All"]).get("Messages", [])
        if messages:
            sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(messages)])
            received += len(messages)
        elif time.perf_counter() - began > patience:
            raise TimeoutError(f"the bank received {received} of {expected} messages")
    return time.perf_counter() - began


def metered(world, stage):
    """Run a stage; its seconds, and the AWS calls it made (count, time, by operation)."""
    before = world.meter.snapshot()
    seconds = stage()
    return seconds, world.meter.snapshot().minus(before)


def run(results, applications: int = 500) -> None:
    with moto_server() as port, local_world(port) as world:
        world.stream.poll()                       # provisioning leaves nothing to deliver; start at now
        stages = {"submission": metered(world, lambda: submit_all(world, applications)),
                  "fan-out": metered(world, lambda: fan_out_all(world, 2 * applications)),
                  "bank poll": metered(world, lambda: bank_poll_all(world, applications))}
    for stage, (seconds, aws) in stages.items():
        results.add(SECTION, f"{stage}: applications/s", applications / seconds, "/s")
        results.add(SECTION, f"{stage}: share of time inside AWS calls", 100 * aws.seconds / seconds, "%")
    total = sum(seconds for seconds, _ in stages.values())
    results.add(SECTION, "end to end (sum of stages): applications/s", applications / total, "/s")
    results.detail(SECTION, applications=applications, backend="moto server (scripts.local_stack), own process",
                   seconds={stage: s for stage, (s, _) in stages.items()},
                   aws_calls={stage: dict(aws.calls) for stage, (_, aws) in stages.items()},
                   aws_seconds_by_operation={stage: {op: round(t, 3) for op, t in aws.op_seconds.items()}
                                             for stage, (_, aws) in stages.items()})
