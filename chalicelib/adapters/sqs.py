"""Deliver outbox messages to SQS queues named by their logical key ("bank:ICBC-BJ")."""
from __future__ import annotations

import json
import logging
import threading

from ..resources import Resources
from ..services.fanout import QueueMissing, SendIncomplete
from ..services.ports import OutboxItem

BATCH = 10  # SQS's SendMessageBatch limit
NO_SUCH_QUEUE = ("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist")

log = logging.getLogger("getting_credit.fanout")


class SqsSender:
    def __init__(self, client, resources: Resources):
        self._sqs = client
        self._resources = resources
        self._urls: dict[str, str] = {}
        self._lock = threading.Lock()

    def queue_url(self, queue: str) -> str:
        with self._lock:
            url = self._urls.get(queue)
        if url is None:
            try:
                name = self._resources.queue_for_key(queue).name
                url = self._sqs.get_queue_url(QueueName=name)["QueueUrl"]
            except ValueError as exc:
                raise QueueMissing(f"{queue}: no such queue ({exc})") from exc
            except self._sqs.exceptions.ClientError as exc:
                if _error_code(exc) in NO_SUCH_QUEUE:
                    raise QueueMissing(f"{queue}: no such queue ({name})") from exc
                raise
            with self._lock:
                self._urls[queue] = url
        return url

    def send(self, queue: str, items: list[OutboxItem]) -> None:
        """Send in batches of 10. If some entries fail, the others are still sent and
        SendIncomplete names exactly the undelivered ones, so only those are retried."""
        url = self.queue_url(queue)
        undelivered: list[str] = []
        for start in range(0, len(items), BATCH):
            chunk = items[start:start + BATCH]
            entries = [{
                "Id": str(n),
                "MessageBody": json.dumps(item.body, ensure_ascii=False),
                # Consumers de-duplicate on this id: a redelivered outbox item carries the same one.
                "MessageAttributes": {"message_id": {"DataType": "String", "StringValue": item.message_id},
                                      "type": {"DataType": "String", "StringValue": item.message_type}},
            } for n, item in enumerate(chunk)]
            try:
                failed = self._sqs.send_message_batch(QueueUrl=url, Entries=entries).get("Failed", [])
            except Exception as exc:
                if start == 0 and _error_code(exc) in NO_SUCH_QUEUE:
                    with self._lock:
                        self._urls.pop(queue, None)     # deleted since we looked it up
                    raise QueueMissing(f"{queue}: no such queue") from exc
                if start == 0:
                    raise   # nothing sent: the whole group is undelivered
                raise SendIncomplete(f"{queue}: {type(exc).__name__} after {start} messages",
                                     undelivered + [i.message_id for i in items[start:]]) from exc
            if failed:
                codes = sorted({f.get("Code", "?") for f in failed})
                undelivered += [chunk[int(f["Id"])].message_id for f in failed]
                log.warning("SendMessageBatch to %s: %d of %d entries failed (%s)", queue, len(failed),
                            len(chunk), ",".join(codes))
        if undelivered:
            raise SendIncomplete(f"{queue}: {len(undelivered)} of {len(items)} messages failed", undelivered)


def _error_code(exc: Exception) -> str | None:
    return getattr(exc, "response", {}).get("Error", {}).get("Code")
