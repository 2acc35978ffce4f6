"""Deliver outbox messages to SQS queues named by their logical key ("bank:ICBC-BJ")."""
from __future__ import annotations

import json
import threading

from ..resources import Resources
from ..services.ports import OutboxItem

BATCH = 10  # SQS's SendMessageBatch limit


class DeliveryFailed(Exception):
    pass


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
            name = self._resources.queue_for_key(queue).name
            url = self._sqs.get_queue_url(QueueName=name)["QueueUrl"]
            with self._lock:
                self._urls[queue] = url
        return url

    def send(self, queue: str, items: list[OutboxItem]) -> None:
        url = self.queue_url(queue)
        for start in range(0, len(items), BATCH):
            chunk = items[start:start + BATCH]
            entries = [{
                "Id": str(n),
                "MessageBody": json.dumps(item.body, ensure_ascii=False),
                # Consumers de-duplicate on this id: a redelivered outbox item carries the same one.
                "MessageAttributes": {"message_id": {"DataType": "String", "StringValue": item.message_id}},
            } for n, item in enumerate(chunk)]
            failed = self._sqs.send_message_batch(QueueUrl=url, Entries=entries).get("Failed", [])
            if failed:
                raise DeliveryFailed(f"{len(failed)} of {len(chunk)} messages to {queue} failed: "
                                     f"{[f.get('Code') for f in failed]}")
