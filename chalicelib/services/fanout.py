"""Deliver committed outbox messages to their queues, then forget them.

Fed by the table's stream (a Chalice `on_dynamodb_record` handler in AWS, a stream poller in
`make run`, the same function in tests) and by `sweep` for anything the stream could not
deliver. Delivery is at-least-once: a crash after sending and before deleting sends again, and
every message carries a stable `message_id` attribute so consumers can ignore the repeat. A
message whose queue does not exist is parked, not retried: retrying cannot help, and a message
retried forever held back everyone's delivery (window staff see the parked ones).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .applications import now_iso
from .ports import OutboxItem


class DeliveryIncomplete(Exception):
    """Some queues could not be reached; raising makes the stream (or the sweep) try again."""


class SendIncomplete(Exception):
    """Raised by a sender that delivered only part of a group: `undelivered` names the rest."""

    def __init__(self, message: str, undelivered: list[str]):
        super().__init__(message)
        self.undelivered = undelivered


class QueueMissing(Exception):
    """Raised by a sender when the queue does not exist (no retry will reach it)."""


@dataclass
class Delivery:
    """What one delivery did: messages sent now, those parked for good, and the ones still
    waiting, with why."""
    sent: list[str] = field(default_factory=list)
    parked: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)   # message_id -> reason


def deliver_each(deps, items: list[OutboxItem]) -> Delivery:
    """Send `items` grouped by queue (SQS batches of 10); delete each outbox item once it is sent.

    Items already delivered (their outbox item is gone: a retried or duplicated stream batch)
    are skipped, so a retry does not send them again. A queue that fails does not hold back
    the others: its items are reported in `failed` and stay in the outbox. Items for a queue
    that does not exist are parked."""
    outcome = Delivery()
    still_pending = deps.store.outbox_pending([i.message_id for i in items]) if items else set()
    by_queue: dict[str, dict[str, OutboxItem]] = defaultdict(dict)
    for item in items:
        if item.message_id in still_pending:
            by_queue[item.queue][item.message_id] = item   # a duplicated record is sent once
    for queue, group in by_queue.items():
        undelivered: set[str] = set()
        try:
            deps.sender.send(queue, list(group.values()))
        except QueueMissing as exc:
            deps.store.park_outbox(list(group), str(exc), now_iso(deps))
            outcome.parked += list(group)
            continue
        except SendIncomplete as exc:
            undelivered = set(exc.undelivered)
            reason = str(exc)
        except Exception as exc:  # noqa: BLE001 - any SQS failure: keep the group in the outbox
            undelivered = set(group)
            reason = f"{queue}: {type(exc).__name__}: {exc}"
        sent = [m for m in group if m not in undelivered]
        if sent:
            deps.store.delete_outbox(sent)
        outcome.sent += sent
        outcome.failed.update((m, reason) for m in group if m in undelivered)
    return outcome


def deliver(deps, items: list[OutboxItem]) -> int:
    """`deliver_each`, raising DeliveryIncomplete at the end if anything is left in the outbox."""
    outcome = deliver_each(deps, items)
    if outcome.failed:
        raise DeliveryIncomplete("; ".join(sorted(set(outcome.failed.values()))))
    return len(outcome.sent)


SWEEP_PAGE = 100


def sweep(deps, limit: int = SWEEP_PAGE) -> int:
    """Deliver whatever is still in the outbox (crash recovery: `make run` runs it every few
    seconds; in AWS app.py schedules it every five minutes)."""
    return deliver(deps, deps.store.pending_outbox(limit))


PARKED_PAGE = 100


def parked(deps, limit: int = PARKED_PAGE) -> dict:
    """Messages that could not be delivered because their queue does not exist, oldest first:
    each names the application it was for, so window staff can follow it up."""
    return {"items": [p.to_dict() for p in deps.store.parked_outbox(limit)]}
