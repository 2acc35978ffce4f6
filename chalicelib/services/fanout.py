"""Deliver committed outbox messages to their queues, then forget them.

Fed by the table's stream (a Chalice `on_dynamodb_record` handler in AWS, a stream poller in
`make run`, the same function in tests) and by `sweep` for anything the stream could not
deliver. Delivery is at-least-once: a crash after sending and before deleting sends again, and
every message carries a stable `message_id` attribute so consumers can ignore the repeat.
"""
from __future__ import annotations

from collections import defaultdict

from .ports import OutboxItem


def deliver(deps, items: list[OutboxItem]) -> int:
    """Send `items` grouped by queue; delete each group's outbox items only once it is sent."""
    by_queue: dict[str, list[OutboxItem]] = defaultdict(list)
    for item in items:
        by_queue[item.queue].append(item)
    for queue, group in by_queue.items():
        deps.sender.send(queue, group)   # raises: the stream retries the batch
        deps.store.delete_outbox([i.message_id for i in group])
    return len(items)


def sweep(deps, limit: int = 100) -> int:
    """Deliver whatever is still in the outbox (crash recovery; scheduled in AWS)."""
    return deliver(deps, deps.store.pending_outbox(limit))
