"""Count and time every AWS call a boto3 client makes, with botocore's own event hooks.

A call is timed from `provide-client-params` (the first event of a call, before botocore
validates and serialises the parameters) to `after-call` or `after-call-error` (the response
parsed, retries included): everything between our code handing parameters to boto3 and getting
its answer back. With moto in-process that includes moto's work; against DynamoDB it would be the
network and the service instead. Writes are counted from the request parameters, as DynamoDB
bills them: each Put, Update or Delete of a transaction or batch is one item written.
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

WRITE_KINDS = ("Put", "Update", "Delete")
SINGLE_WRITES = {"PutItem": "Put", "UpdateItem": "Update", "DeleteItem": "Delete"}


@dataclass
class Usage:
    """What the calls between two snapshots cost."""
    calls: Counter = field(default_factory=Counter)       # operation name → count
    seconds: float = 0.0
    writes: Counter = field(default_factory=Counter)      # Put/Update/Delete → items
    op_seconds: Counter = field(default_factory=Counter)  # operation name → seconds

    @property
    def call_count(self) -> int:
        return sum(self.calls.values())

    @property
    def items_written(self) -> int:
        return sum(self.writes.values())

    def minus(self, earlier: "Usage") -> "Usage":
        return Usage(self.calls - earlier.calls, self.seconds - earlier.seconds, self.writes - earlier.writes,
                     self.op_seconds - earlier.op_seconds)

    def copy(self) -> "Usage":
        return Usage(Counter(self.calls), self.seconds, Counter(self.writes), Counter(self.op_seconds))


def writes_of(operation: str, params: dict) -> Counter:
    if operation in SINGLE_WRITES:
        return Counter({SINGLE_WRITES[operation]: 1})
    if operation == "TransactWriteItems":
        return Counter(next(iter(item)) for item in params.get("TransactItems", ())
                       if next(iter(item)) in WRITE_KINDS)
    if operation == "BatchWriteItem":
        return Counter("Put" if "PutRequest" in r else "Delete"
                       for requests in params.get("RequestItems", {}).values() for r in requests)
    return Counter()


class AwsMeter:
    """Attach to clients; `snapshot()` before and after a request, subtract for its usage."""

    def __init__(self):
        self._total = Usage()
        self._lock = threading.Lock()

    def attach(self, client) -> None:
        events = client.meta.events
        events.register("provide-client-params", self._began)
        events.register("after-call", self._ended)
        events.register("after-call-error", self._ended)

    def _began(self, params=None, model=None, context=None, **_):
        if context is not None:
            context["bench_started"] = time.perf_counter()
            context["bench_operation"] = model.name if model is not None else "?"
            context["bench_writes"] = writes_of(context["bench_operation"], params or {})

    def _ended(self, context=None, **_):
        if context is None or "bench_started" not in context:
            return
        elapsed = time.perf_counter() - context.pop("bench_started")
        with self._lock:
            self._total.calls[context["bench_operation"]] += 1
            self._total.op_seconds[context["bench_operation"]] += elapsed
            self._total.seconds += elapsed
            self._total.writes.update(context["bench_writes"])

    def snapshot(self) -> Usage:
        with self._lock:
            return self._total.copy()
