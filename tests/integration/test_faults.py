"""Break things on purpose: nothing lost, nothing applied or delivered twice."""
import pytest

from chalicelib.handlers import outbox_items_from_stream
from chalicelib.services import fanout


@pytest.fixture
def throttle(monkeypatch):
    """Make DynamoDB answer the next `times` TransactWriteItems calls with `error`, as it does
    under load (an HTTP 400 with that error type), before touching any item."""
    from moto.core.exceptions import JsonRESTError
    from moto.dynamodb.exceptions import TransactionCanceledException
    from moto.dynamodb.models import DynamoDBBackend
    real = DynamoDBBackend.transact_write_items
    left = [0]
    kind = ["ThrottlingException"]

    def flaky(self, transact_items):
        if left[0] > 0:
            left[0] -= 1
            if kind[0] == "TransactionConflict":  # another transaction held one of the items
                raise TransactionCanceledException([("TransactionConflict", "Transaction is ongoing", None)]
                                                   * len(transact_items))
            raise JsonRESTError(kind[0], "Rate exceeded (injected)")
        return real(self, transact_items)
    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", flaky)

    def arm(times: int, error: str = "ThrottlingException"):
        left[0], kind[0] = times, error
        return left
    return arm


def fail_sqs_sends(client):
    def hook(**_):
        raise ConnectionError("SQS is unreachable (injected)")
    client.meta.events.register_first("before-call.sqs.SendMessageBatch", hook)
    return lambda: client.meta.events.unregister("before-call.sqs.SendMessageBatch", hook)


def bank_ids(world, bank="ICBC-BJ"):
    return [m["application_id"] for m in world.queue_messages(f"bank:{bank}")]


def test_an_sqs_failure_after_the_commit_loses_nothing_and_the_retry_delivers_once(world):
    app_id = world.submit("credit").json["id"]
    event = world._stream.poll()
    heal = fail_sqs_sends(world.container.sqs)
    with pytest.raises(fanout.DeliveryIncomplete):
        fanout.deliver(world.container, outbox_items_from_stream(event["Records"]))
    assert world.call("GET", f"/applications/{app_id}", as_=("window", "w1")).json["status"] == "at_banks"
    assert len(world.container.store.pending_outbox(10)) == 2
    heal()
    retried = world.client.lambda_.invoke("fan_out", event)      # Lambda retries the same batch
    duplicate = world.client.lambda_.invoke("fan_out", event)    # and a duplicate delivery of it changes nothing
    assert retried.payload == duplicate.payload == {"batchItemFailures": []}
    assert bank_ids(world) == [app_id] and bank_ids(world, "BOB-BJ") == [app_id]
    assert world.container.store.pending_outbox(10) == []


def test_a_handler_killed_between_commit_and_delivery_is_made_good_by_the_sweep(world):
    ids = [world.submit("credit", who=world.enterprise(n)).json["id"] for n in range(3)]
    # the stream handler never ran (process killed); the sweep finds the outbox items
    assert fanout.sweep(world.container) == 6
    assert sorted(bank_ids(world)) == sorted(ids)
    world.pump()   # the late stream delivery finds them delivered already
    assert bank_ids(world) == []


def test_the_scheduled_sweep_delivers_a_whole_backlog_page_by_page(world, monkeypatch):
    monkeypatch.setattr(fanout, "SWEEP_PAGE", 2)
    ids = [world.submit("credit", who=world.enterprise(n)).json["id"] for n in range(3)]
    tick = world.client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event",
                                                 detail={}, resources=[])
    assert world.client.lambda_.invoke("sweep", tick).payload == {"delivered": 6}   # three pages of two
    assert sorted(bank_ids(world)) == sorted(ids) and world.container.store.pending_outbox(10) == []
    assert world.client.lambda_.invoke("sweep", tick).payload == {"delivered": 0}
    world.pump()
    assert bank_ids(world) == []


def test_out_of_order_and_duplicated_stream_records_deliver_each_message_once(world):
    ids = [world.submit("credit", who=world.enterprise(n)).json["id"] for n in range(4)]
    event = world._stream.poll()
    shuffled = {"Records": list(reversed(event["Records"])) + event["Records"][:3]}
    world.client.lambda_.invoke("fan_out", shuffled)
    assert sorted(bank_ids(world)) == sorted(ids)


def test_throttled_dynamodb_calls_are_retried_and_the_application_stored_once(world, throttle):
    me = world.enterprise()
    left = throttle(2)
    reply = world.submit("credit", who=me)
    assert reply.status == 201, reply.json
    assert left[0] == 0
    assert len(world.call("GET", "/applications", as_=me).json["items"]) == 1


def test_a_transaction_conflict_on_a_decision_is_retried_not_lost(world, throttle):
    app_id = world.submit("credit").json["id"]
    throttle(1, error="TransactionConflict")
    reply = world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", "ICBC-BJ"),
                       body={"approved": False, "reason": "no"})
    assert reply.status == 200, reply.json
    seen = world.call("GET", f"/applications/{app_id}", as_=("window", "w1")).json
    assert [h["action"] for h in seen["history"]].count("bank_declined") == 1


@pytest.mark.parametrize("route", ["review", "bank"])
def test_a_retried_decision_with_the_same_idempotency_key_applies_once(world, route):
    if route == "review":
        world.submit("ip_pledge")
        review = world.call("GET", "/reviews", as_=("agency", "ipo")).json["items"][0]
        path, who, body = f"/reviews/{review['id']}/decision", ("agency", "ipo"), {"approved": True, "reason": "ok"}
    else:
        app_id = world.submit("credit").json["id"]
        path, who = f"/applications/{app_id}/bank-decision", ("bank", "ICBC-BJ")
        body = {"approved": True, "amount": 500_000, "annual_rate": 0.04, "term_months": 12, "reason": "ok"}
    first = world.call("POST", path, as_=who, body=body, headers={"Idempotency-Key": "retry-1"})
    again = world.call("POST", path, as_=who, body=body, headers={"Idempotency-Key": "retry-1"})
    assert first.status == again.status == 200 and first.json == again.json
    without_key = world.call("POST", path, as_=who, body=body)
    assert without_key.status == 409


def test_two_banks_racing_on_one_application_both_count_and_stats_count_once(world):
    app_id = world.submit("credit").json["id"]
    offer = {"approved": True, "amount": 500_000, "annual_rate": 0.04, "term_months": 12, "reason": "ok"}
    for bank in ("ICBC-BJ", "BOB-BJ"):
        assert world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", bank), body=offer).status == 200
    assert world.call("GET", "/stats", as_=("window", "w1")).json["approved_count"] == 1


def test_a_message_for_a_queue_that_does_not_exist_is_parked_and_holds_back_no_one(world):
    """A rule naming an agency with no queue once left a message retried forever (a stream batch
    resent 547 times) and slowed everyone's delivery: it is parked, and the others go through."""
    sqs = world.container.sqs
    sqs.delete_queue(QueueUrl=world.container.sender.queue_url("agency:ipo"))
    pledge = world.submit("ip_pledge").json["id"]            # needs the IP office's review
    credit = world.submit("credit", who=world.enterprise(2)).json["id"]
    event = world._stream.poll()

    assert world.client.lambda_.invoke("fan_out", event).payload == {"batchItemFailures": []}
    assert sorted(bank_ids(world)) == [credit]
    assert world.container.store.pending_outbox(10) == []
    assert fanout.sweep(world.container) == 0                   # the sweep does not retry it either
    assert world.client.lambda_.invoke("fan_out", event).payload == {"batchItemFailures": []}

    parked = world.call("GET", "/outbox/parked", as_=("window", "w001"))
    assert parked.status == 200, parked.json
    [item] = parked.json["items"]
    assert (item["queue"], item["application_id"], item["kind"]) == ("agency:ipo", pledge, "review_requested")
    assert "agency:ipo" in item["reason"] and "body" not in item
    assert world.call("GET", "/outbox/parked", as_=world.enterprise(1)).status == 403


def test_a_queue_of_an_unknown_kind_is_missing_not_a_crash(world):
    from chalicelib.services.ports import OutboxItem
    with pytest.raises(fanout.QueueMissing):
        world.container.sender.send("courier:nowhere", [OutboxItem("m-1", "courier:nowhere", {"type": "x"})])


def test_a_transient_sqs_failure_is_retried_not_parked(world):
    world.submit("credit")
    event = world._stream.poll()
    heal = fail_sqs_sends(world.container.sqs)
    assert world.client.lambda_.invoke("fan_out", event).payload["batchItemFailures"]
    heal()
    assert world.call("GET", "/outbox/parked", as_=("window", "w001")).json["items"] == []
    assert fanout.sweep(world.container) == 2
