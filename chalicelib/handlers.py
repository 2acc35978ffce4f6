"""Event handlers behind app.py: thin, they decode the event and call a use case."""
from __future__ import annotations

from .adapters.dynamodb import outbox_item_from_image
from .bootstrap import deps
from .services import fanout


def outbox_items_from_stream(records) -> list:
    """Outbox inserts in a DynamoDB stream batch (other items and deletes are ignored)."""
    items = []
    for record in records:
        raw = record if isinstance(record, dict) else record.to_dict()
        if raw.get("eventName") != "INSERT":
            continue
        image = raw.get("dynamodb", {}).get("NewImage") or {}
        if image.get("PK", {}).get("S", "").startswith("OUTBOX#"):
            items.append(outbox_item_from_image(image))
    return items


def deliver_outbox_records(event) -> int:
    records = event if isinstance(event, list) else list(event)
    return fanout.deliver(deps(), outbox_items_from_stream(records))
