"""Event handlers behind app.py: thin, they decode the event and call a use case."""
from __future__ import annotations

import json
import logging

from .adapters.dynamodb import outbox_item_from_image
from .bootstrap import deps
from .services import fanout
from .services.ports import OutboxItem

log = logging.getLogger("getting_credit.fanout")


class NotDelivered(Exception):
    """This record's message is still in the outbox; its record is reported for a retry."""


def stream_event(event) -> dict:
    """The raw Lambda event (`{"Records": [...]}`) from a Chalice DynamoDBEvent, a raw event or a
    bare list of records."""
    if isinstance(event, dict):
        return event
    if isinstance(event, list):
        return {"Records": [r if isinstance(r, dict) else r.to_dict() for r in event]}
    return event.to_dict()


def outbox_item_of(record: dict) -> OutboxItem | None:
    """The outbox message a stream record inserts; None for any other record (other items,
    modifications, deletes). Raises on an outbox insert it cannot read."""
    if record.get("eventName") != "INSERT":
        return None
    image = record.get("dynamodb", {}).get("NewImage") or {}
    if not image.get("PK", {}).get("S", "").startswith("OUTBOX#"):
        return None
    return outbox_item_from_image(image)


def sequence_of(record: dict) -> str | None:
    """A stream record's identity within its shard (what `batchItemFailures` reports)."""
    return (record.get("dynamodb") or {}).get("SequenceNumber")


def outbox_items_from_stream(records) -> list:
    """Outbox inserts in a DynamoDB stream batch (other items and deletes are ignored)."""
    items = []
    for record in records:
        item = outbox_item_of(record if isinstance(record, dict) else record.to_dict())
        if item is not None:
            items.append(item)
    return items


def deliver_stream_batch(event, context=None) -> dict:
    """The table stream's Lambda handler: `{"batchItemFailures": [{"itemIdentifier": seq}]}`.

    Messages are sent grouped by queue (SQS batches of 10; a queue that fails does not hold
    back the others), then each record is settled through Powertools' BatchProcessor: a record
    whose message is still in the outbox, or that cannot be read, is reported by its sequence
    number. Lambda re-sends the batch from the first reported record; the records after it that
    were delivered are skipped then (their outbox item is gone), so nothing is sent twice. If
    every record fails, BatchProcessor raises and the whole batch is retried."""
    # Imported here, not at module level: it costs ~45 ms on top of `import app` (python -X
    # importtime, mostly asyncio), which only the fan-out function should pay on a cold start.
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    raw = stream_event(event)
    read = {}   # each record parsed once, by its sequence number: an item, None, or why it is unreadable
    for record in raw.get("Records", []):
        try:
            read[sequence_of(record)] = outbox_item_of(record)
        except Exception as exc:  # noqa: BLE001 - unreadable: settle() reports it
            read[sequence_of(record)] = exc
    outcome = fanout.deliver_each(deps(), [i for i in read.values() if isinstance(i, OutboxItem)])

    def settle(record) -> None:
        item = read[sequence_of(record.raw_event)]
        if isinstance(item, Exception):
            raise item
        if item is not None and item.message_id in outcome.failed:
            raise NotDelivered(outcome.failed[item.message_id])

    processor = BatchProcessor(EventType.DynamoDBStreams)
    try:
        return process_partial_response(event=raw, record_handler=settle, processor=processor, context=context)
    finally:
        if processor.fail_messages:
            # One structured line per batch, not a traceback per record: reasons name queues
            # and error types, never a message body.
            log.warning(json.dumps({"event": "fan_out_incomplete", "records": len(raw.get("Records", [])),
                                    "sent": len(outcome.sent), "failed_records": len(processor.fail_messages),
                                    "reasons": sorted({f"{e[0].__name__}: {e[1]}" for e in processor.exceptions})[:10]},
                                   ensure_ascii=False))


def deliver_outbox_records(event) -> int:
    """Deliver a batch's outbox messages and count them; raise DeliveryIncomplete if any is left
    in the outbox (for scripts that retry a whole batch, e.g. `make soak`, `make bench`)."""
    return fanout.deliver(deps(), outbox_items_from_stream(stream_event(event)["Records"]))


def flag_overdue_reviews() -> int:
    """The deadline schedule's work: reviews past their due day flagged, each once."""
    from .services.deadlines import flag_overdue_reviews as flag
    return flag(deps())


def release_renewals() -> int:
    """The deadline schedule's other work: renewals whose previous bank's days passed, sent on."""
    from .services.deadlines import release_renewals as release
    return release(deps())



def flag_overdue_complaints() -> int:
    """The deadline schedule's third work: complaints past their due day flagged, each once."""
    from .services.complaints import flag_overdue_complaints as flag
    return flag(deps())

SWEEP_PAGES = 50   # 5,000 messages per run at most: a run ends well inside Lambda's time limit


def sweep_outbox() -> int:
    """Deliver what is left in the outbox, a page at a time, until it is empty (scheduled in AWS)."""
    delivered = 0
    for _ in range(SWEEP_PAGES):
        sent = fanout.sweep(deps(), fanout.SWEEP_PAGE)
        delivered += sent
        if sent < fanout.SWEEP_PAGE:
            break
    return delivered
