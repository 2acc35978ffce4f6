"""Batches: a failed record is reported by itself, retried from where it failed, and nothing is
sent or applied twice; a message nobody can handle ends on its dead-letter queue."""
import copy
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from chalicelib.resources import MAX_RECEIVE_COUNT
from chalicelib.services.ports import OutboxItem

ROOT = Path(__file__).resolve().parents[2]
OFFER = {"approved": True, "amount": 500_000, "annual_rate": 0.04, "term_months": 12, "reason": "ok"}


# -- helpers ---------------------------------------------------------------------------------------
def outbox_records(event, queue: str | None = None) -> list[dict]:
    """The stream records of `event` that insert an outbox message (for `queue`, if given)."""
    out = []
    for record in event["Records"]:
        image = record["dynamodb"].get("NewImage") or {}
        if record["eventName"] == "INSERT" and image.get("PK", {}).get("S", "").startswith("OUTBOX#"):
            if queue is None or image["queue"]["S"] == queue:
                out.append(record)
    return out


def seq(record: dict) -> str:
    return record["dynamodb"]["SequenceNumber"]


def failed_sequence_numbers(response: dict) -> list[str]:
    return [f["itemIdentifier"] for f in response["batchItemFailures"]]


def fan_out(world, event) -> dict:
    """The deployed handler, invoked as Lambda's event source mapping invokes it."""
    return world.client.lambda_.invoke("fan_out", event).payload


def fail_queue(world, queue: str):
    """SQS refuses every SendMessageBatch to one queue (the others work); returns the cure."""
    url = world.container.sender.queue_url(queue)

    def refuse(params, **_):
        if params.get("QueueUrl") == url:
            raise ConnectionError(f"{queue} is unreachable (injected)")
    events = world.container.sqs.meta.events
    events.register_first("provide-client-params.sqs.SendMessageBatch", refuse)
    return lambda: events.unregister("provide-client-params.sqs.SendMessageBatch", refuse)


def put_outbox_item(world, message_id: str, queue: str, body: dict) -> None:
    """An outbox item as the store writes it, committed on its own (a message no queue takes)."""
    world.container.dynamodb.put_item(TableName=world.container.resources.table_name, Item={
        "PK": {"S": f"OUTBOX#{message_id}"}, "SK": {"S": "O"}, "message_id": {"S": message_id},
        "queue": {"S": queue}, "body": {"S": json.dumps(body)},
        "GSI3PK": {"S": "OUTBOX"}, "GSI3SK": {"S": f"2000-01-01T00:00:00+08:00#{message_id}"}})


def fail_sends_to(world, queue: str) -> None:
    """SQS refuses every send to this one queue (it is throttled or unreachable), for the test."""
    sqs = world.container.sqs
    url = world.container.sender.queue_url(queue)

    def hook(params, **_):
        if params.get("QueueUrl") == url:
            raise ConnectionError(f"{queue} is unreachable (injected)")
    sqs.meta.events.register_first("before-parameter-build.sqs.SendMessageBatch", hook)


def delivered(world, *queues: str) -> Counter:
    """How many times each message id reached these queues (read and deleted, as a consumer does)."""
    return Counter(m["_message_id"] for q in queues for m in world.queue_messages(q))


def submit_credit(world, count: int) -> list[str]:
    return [world.submit("credit", who=world.enterprise(n)).json["id"] for n in range(count)]


# -- partial batch responses ----------------------------------------------------------------------
def test_the_response_names_exactly_the_records_whose_queue_failed_and_the_others_are_delivered(world):
    ids = submit_credit(world, 3)
    event = world._stream.poll()
    heal = fail_queue(world, "bank:BOB-BJ")
    response = fan_out(world, event)
    heal()
    assert sorted(failed_sequence_numbers(response)) == sorted(seq(r) for r in outbox_records(event, "bank:BOB-BJ"))
    assert len(response["batchItemFailures"]) == 3
    # a queue that fails does not hold back the others
    assert sorted(m["application_id"] for m in world.queue_messages("bank:ICBC-BJ")) == sorted(ids)
    assert world.queue_messages("bank:BOB-BJ") == []
    assert {i.queue for i in world.container.store.pending_outbox(10)} == {"bank:BOB-BJ"}


def test_the_retry_starts_at_the_first_failed_record_and_sends_nothing_twice(world):
    submit_credit(world, 4)
    reader = world._stream
    event = reader.poll()
    heal = fail_queue(world, "bank:BOB-BJ")
    response = fan_out(world, event)
    heal()
    reader.settle(response)

    retry = reader.poll()
    first_failed = min(n for n, r in enumerate(event["Records"]) if seq(r) in failed_sequence_numbers(response))
    tail = event["Records"][first_failed:]
    assert first_failed > 0 and retry["Records"][:len(tail)] == tail
    # then what the stream got since: the deletes of the outbox items that were delivered
    assert {r["eventName"] for r in retry["Records"][len(tail):]} == {"REMOVE"}
    # the retried batch carries messages that were delivered the first time: they must be skipped
    assert outbox_records(retry, "bank:ICBC-BJ")
    assert fan_out(world, retry) == {"batchItemFailures": []}
    reader.settle({"batchItemFailures": []})
    assert {r["eventName"] for r in reader.poll()["Records"]} == {"REMOVE"}   # nothing fed again

    counts = delivered(world, "bank:ICBC-BJ", "bank:BOB-BJ")
    assert set(counts) == {r["dynamodb"]["NewImage"]["message_id"]["S"] for r in outbox_records(event)}
    assert set(counts.values()) == {1}
    assert world.container.store.pending_outbox(10) == []


def test_one_entry_refused_inside_an_sqs_batch_is_the_only_record_reported(world):
    submit_credit(world, 3)
    event = world._stream.poll()
    url = world.container.sender.queue_url("bank:ICBC-BJ")

    def one_bad_entry(params, **_):   # SQS refuses this one entry and sends the rest
        if params.get("QueueUrl") == url:
            params["Entries"][1]["DelaySeconds"] = 901
    events = world.container.sqs.meta.events
    events.register_first("provide-client-params.sqs.SendMessageBatch", one_bad_entry)
    try:
        response = fan_out(world, event)
    finally:
        events.unregister("provide-client-params.sqs.SendMessageBatch", one_bad_entry)

    refused = outbox_records(event, "bank:ICBC-BJ")[1]
    assert failed_sequence_numbers(response) == [seq(refused)]
    refused_id = refused["dynamodb"]["NewImage"]["message_id"]["S"]
    assert [i.message_id for i in world.container.store.pending_outbox(10)] == [refused_id]
    first = delivered(world, "bank:ICBC-BJ", "bank:BOB-BJ")
    assert refused_id not in first and len(first) == 5

    assert fan_out(world, event) == {"batchItemFailures": []}     # Lambda's retry
    assert delivered(world, "bank:ICBC-BJ", "bank:BOB-BJ") == Counter({refused_id: 1})


def test_a_record_whose_queue_fails_is_reported_and_does_not_block_the_others(world):
    put_outbox_item(world, "poison-1", "agency:ipo", {"application_id": "nobody"})
    fail_sends_to(world, "agency:ipo")
    app_id = world.submit("credit").json["id"]
    reader = world._stream
    event = reader.poll()
    poison = outbox_records(event, "agency:ipo")
    assert len(poison) == 1 and seq(poison[0]) == seq(event["Records"][0])

    response = fan_out(world, event)
    assert failed_sequence_numbers(response) == [seq(poison[0])]
    assert [m["application_id"] for m in world.queue_messages("bank:ICBC-BJ")] == [app_id]
    assert [m["application_id"] for m in world.queue_messages("bank:BOB-BJ")] == [app_id]

    # Lambda re-sends from the poison record: the whole batch again. It is reported again,
    # and the messages behind it are not sent a second time.
    reader.settle(response)
    retry = reader.poll()
    assert retry["Records"][:len(event["Records"])] == event["Records"]
    assert failed_sequence_numbers(fan_out(world, retry)) == [seq(poison[0])]
    assert world.queue_messages("bank:ICBC-BJ") == [] and world.queue_messages("bank:BOB-BJ") == []
    assert [i.message_id for i in world.container.store.pending_outbox(10)] == ["poison-1"]


def test_an_unreadable_outbox_record_is_reported_not_fatal_to_its_batch(world):
    app_id = world.submit("credit").json["id"]
    event = world._stream.poll()
    broken = copy.deepcopy(outbox_records(event)[0])
    broken["dynamodb"]["NewImage"]["body"]["S"] = "{not json"
    broken["dynamodb"]["SequenceNumber"] = "9" * 21
    response = fan_out(world, {"Records": event["Records"] + [broken]})
    assert failed_sequence_numbers(response) == ["9" * 21]
    assert [m["application_id"] for m in world.queue_messages("bank:ICBC-BJ")] == [app_id]


def test_a_batch_in_which_every_record_fails_raises_and_is_fed_again_whole(world):
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
    put_outbox_item(world, "poison-1", "agency:ipo", {"application_id": "nobody"})
    fail_sends_to(world, "agency:ipo")
    reader = world._stream
    event = reader.poll()
    assert [seq(r) for r in event["Records"]] == [seq(r) for r in outbox_records(event)]   # poison only
    with pytest.raises(BatchProcessingError):
        fan_out(world, event)
    reader.settle(None)
    assert reader.poll()["Records"] == event["Records"]


def test_a_duplicated_stream_batch_sends_nothing_twice(world):
    submit_credit(world, 2)
    world.submit("ip_pledge", who=world.enterprise(7))
    event = world._stream.poll()
    assert fan_out(world, event) == {"batchItemFailures": []}
    assert fan_out(world, {"Records": event["Records"][::-1]}) == {"batchItemFailures": []}
    counts = delivered(world, "bank:ICBC-BJ", "bank:BOB-BJ", "agency:ipo")
    assert len(counts) == len(outbox_records(event)) == 5
    assert set(counts.values()) == {1}


def test_the_local_stacks_stream_loop_feeds_a_partly_failed_batch_again_from_its_first_failure(world):
    from chalicelib.handlers import deliver_stream_batch
    from scripts.local_stack import FanOutLoop
    loop = FanOutLoop(world.container, deliver_stream_batch)   # not started: fed by hand
    submit_credit(world, 3)
    heal = fail_queue(world, "bank:BOB-BJ")
    assert loop.feed() is False
    assert len(delivered(world, "bank:ICBC-BJ")) == 3
    heal()
    assert loop.feed() is True
    assert delivered(world, "bank:ICBC-BJ") == Counter()            # not sent again
    assert set(delivered(world, "bank:BOB-BJ").values()) == {1} and world.container.store.pending_outbox(10) == []
    assert loop.feed() is True and delivered(world, "bank:BOB-BJ") == Counter()


# -- queues: dead letters and idempotent consumers -------------------------------------------------
@pytest.mark.parametrize("queue, scenario", [("agency:hr", "entrepreneurship_guarantee"), ("bank:ICBC-BJ", "credit")])
def test_a_message_received_n_times_without_being_deleted_is_parked_on_its_dead_letter_queue(world, queue, scenario):
    app_id = world.submit(scenario).json["id"]
    world.pump()
    sqs = world.container.sqs
    url = world.container.sender.queue_url(queue)
    dlq_url = sqs.get_queue_url(QueueName=world.container.resources.queue_for_key(queue).dlq_name)["QueueUrl"]
    ids = set()
    for attempt in range(1, MAX_RECEIVE_COUNT + 1):   # a consumer that fails on it every time
        msgs = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0, MessageAttributeNames=["All"],
                                   AttributeNames=["ApproximateReceiveCount"])["Messages"]
        assert len(msgs) == 1, attempt
        assert msgs[0]["Attributes"]["ApproximateReceiveCount"] == str(attempt)
        ids.add(msgs[0]["MessageAttributes"]["message_id"]["StringValue"])
    assert sqs.receive_message(QueueUrl=url, VisibilityTimeout=0).get("Messages", []) == []
    parked = sqs.receive_message(QueueUrl=dlq_url, MessageAttributeNames=["All"])["Messages"]
    assert len(parked) == 1
    assert {parked[0]["MessageAttributes"]["message_id"]["StringValue"]} == ids
    assert json.loads(parked[0]["Body"])["application_id"] == app_id


def test_a_bank_that_gets_the_same_message_again_records_its_decision_once(world):
    """The bank keys its decision on the message's `message_id`: SQS redelivering the message
    (not deleted in time) and the outbox sending it again (a crash before its delete) both
    arrive with the same id, and the second decision changes nothing."""
    app_id = world.submit("credit").json["id"]
    world.pump()
    bank = ("bank", "ICBC-BJ")
    url = world.call("GET", "/banks/ICBC-BJ/queue", as_=bank).json["queue_url"]
    sqs = world.container.sqs
    message = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0, MessageAttributeNames=["All"])["Messages"][0]
    key = message["MessageAttributes"]["message_id"]["StringValue"]
    path = f"/applications/{json.loads(message['Body'])['application_id']}/bank-decision"
    first = world.call("POST", path, as_=bank, body=OFFER, headers={"Idempotency-Key": key})
    assert first.status == 200, first.json
    after_first = world.call("GET", f"/applications/{app_id}", as_=("window", "w1")).json
    stats = world.call("GET", "/stats", as_=("window", "w1")).json
    assert [h["action"] for h in after_first["history"]].count("bank_approved") == 1

    # the outbox sends the same message again (its delete was lost): another SQS message, same id
    assert key not in {i.message_id for i in world.container.store.pending_outbox(10)}
    world.container.sender.send("bank:ICBC-BJ", [OutboxItem(key, "bank:ICBC-BJ", json.loads(message["Body"]))])

    replies = []
    while msgs := sqs.receive_message(QueueUrl=url, VisibilityTimeout=0, MessageAttributeNames=["All"],
                                      MaxNumberOfMessages=10).get("Messages", []):
        for again in msgs:
            assert again["MessageAttributes"]["message_id"]["StringValue"] == key
            replies.append(world.call("POST", path, as_=bank, body=OFFER, headers={"Idempotency-Key": key}))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"])   # recorded: delete
    assert len(replies) == 2   # the redelivered SQS message and the re-sent one
    assert all(r.status == 200 and r.json == first.json for r in replies)
    assert world.call("GET", f"/applications/{app_id}", as_=("window", "w1")).json == after_first
    assert world.call("GET", "/stats", as_=("window", "w1")).json == stats


# -- cold start ------------------------------------------------------------------------------------
def test_importing_the_app_does_not_import_powertools():
    """Powertools' batch module costs ~45 ms of imports; only the fan-out function should pay it."""
    code = "import sys, app; print('aws_lambda_powertools' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": "", "GC_STAGE": "test", "AWS_DEFAULT_REGION": "us-east-1"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
