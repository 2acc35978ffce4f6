"""Deliver committed outbox messages to their queues, then forget them.

Fed by the table's stream (a Chalice `on_dynamodb_record` handler in AWS, a stream poller in
`make run`, the same function in tests) and by `sweep` for anything the stream could not
deliver. Delivery is at-least-once: a crash after sending and before deleting sends again, and
every message carries a stable `message_id` attribute so consumers can ignore the repeat.
"""
from __future__ import annotations

from collections import defaultdict

from .ports import OutboxItem


class DeliveryIncomplete(Exception):
    """Some queues could not be reached; raising makes the stream (or the sweep) try again."""


def deliver(deps, items: list[OutboxItem]) -> int:
    """Send `items` grouped by queue; delete each group's outbox items only once it is sent.

    Items already delivered (their outbox item is gone: a retried or duplicated stream batch)
    are skipped, so a retry does not send them again. A queue that fails does not hold back
    the others; the failure is raised at the end so the batch is retried."""
    still_pending = deps.store.outbox_pending([i.message_id for i in items]) if items else set()
    by_queue: dict[str, list[OutboxItem]] = defaultdict(list)
    for item in items:
        if item.message_id in still_pending:
            by_queue[item.queue].append(item)
    failures = []
    for queue, group in by_queue.items():
        try:
            deps.sender.send(queue, group)
        except Exception as exc:  # noqa: BLE001 - any SQS failure: keep it in the outbox
            failures.append(f"{queue}: {type(exc).__name__}")
            continue
        deps.store.delete_outbox([i.message_id for i in group])
    if failures:
        raise DeliveryIncomplete("; ".join(failures))
    return sum(len(g) for g in by_queue.values())


def sweep(deps, limit: int = 100) -> int:
    """Deliver whatever is still in the outbox (crash recovery; scheduled in AWS)."""
    return deliver(deps, deps.store.pending_outbox(limit))
