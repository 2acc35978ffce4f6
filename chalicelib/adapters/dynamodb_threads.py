"""Consultation threads in the one table (mixed into `DynamoApplicationStore`).

| item               | PK                    | SK       | GSI1 (PK / SK)                     | GSI2                                  | GSI3                      |
|--------------------|-----------------------|----------|------------------------------------|---------------------------------------|---------------------------|
| thread             | THREAD#<id>           | T        | THREADS#<uscc> / <last_at>#<id>    | THREADS#UNANSWERED / <last_at>#<id> ¹ | THREADS / <last_at>#<id>  |
| message            | THREAD#<id>           | M#<msg>  |                                    |                                       |                           |
| owner's unread sum | THREADUNREAD#<uscc>   | U        |                                    |                                       |                           |

Every list is a Query, newest activity first (`ScanIndexForward=False` on `<last_at>#<id>`); a
thread's messages are one Query of its partition, oldest first (message ids are ULIDs). The
thread, its new messages, the owner's unread sum (`ADD`), the notifications with their gateway
messages and the idempotency record change in one transaction, conditional on the thread's
version: the optimistic lock that makes a lost race a retry, never a lost message or a count
off by one.
¹ only while the thread awaits the window (its last message is the enterprise's, or a call
request is unanswered): window staff's `?unanswered=true` is that sparse partition.
"""
from __future__ import annotations

import json

from ..domain.threads import Thread, ThreadMessage
from ..jsontext import dumps
from ..services.ports import Page

ALL_THREADS, UNANSWERED = "THREADS", "THREADS#UNANSWERED"


def _s(value: str) -> dict:
    return {"S": value}


class DynamoThreadStore:
    """Needs the host store's `_db`, `_table`, `_page`, `_query_all` and item builders."""

    def thread(self, thread_id: str) -> Thread | None:
        item = self._db.get_item(TableName=self._table, ConsistentRead=True,
                                 Key={"PK": _s(f"THREAD#{thread_id}"), "SK": _s("T")}).get("Item")
        return self._thread(item) if item else None

    def thread_messages(self, thread_id: str) -> list[ThreadMessage]:
        items = self._query_all(KeyConditionExpression="PK = :pk AND begins_with(SK, :m)", ConsistentRead=True,
                                ExpressionAttributeValues={":pk": _s(f"THREAD#{thread_id}"), ":m": _s("M#")})
        return [ThreadMessage(**json.loads(i["doc"]["S"])) for i in items]

    def threads_for_owner(self, owner: str, limit: int, cursor: str | None) -> Page:
        return self._page("GSI1", f"THREADS#{owner}", limit, cursor, newest_first=True, parse=self._thread)

    def all_threads(self, unanswered: bool, limit: int, cursor: str | None) -> Page:
        if unanswered:
            return self._page("GSI2", UNANSWERED, limit, cursor, newest_first=True, parse=self._thread)
        return self._page("GSI3", ALL_THREADS, limit, cursor, newest_first=True, parse=self._thread)

    def thread_unread_total(self, owner: str) -> int:
        item = self._db.get_item(TableName=self._table, ConsistentRead=True,
                                 Key={"PK": _s(f"THREADUNREAD#{owner}"), "SK": _s("U")}).get("Item")
        return int(item["n"]["N"]) if item else 0

    def save_thread(self, thread: Thread, *, notifications=(), idempotency=None) -> None:
        from .dynamodb import gateway_message
        ops = [self._put_thread(thread)]
        ops += [{"Put": {"TableName": self._table, "ConditionExpression": "attribute_not_exists(PK)",
                         "Item": {"PK": _s(f"THREAD#{m.thread_id}"), "SK": _s(f"M#{m.id}"),
                                  "doc": _s(dumps(m.to_record()))}}} for m in thread.new_messages]
        for n in notifications:
            ops += [*self._put_notification(n), self._put_outbox(gateway_message(n), n.at)]
        if thread.owner_unread_change:
            ops.append({"Update": {"TableName": self._table, "UpdateExpression": "ADD n :d",
                                   "Key": {"PK": _s(f"THREADUNREAD#{thread.owner}"), "SK": _s("U")},
                                   "ExpressionAttributeValues": {":d": {"N": str(thread.owner_unread_change)}}}})
        self._commit(ops, idempotency, f"thread {thread.id}")

    def _put_thread(self, thread: Thread) -> dict:
        order = _s(f"{thread.last_at}#{thread.id}")
        record = thread.to_record() | {"version": thread.version + 1}
        item = {"PK": _s(f"THREAD#{thread.id}"), "SK": _s("T"), "doc": _s(dumps(record)),
                "version": {"N": str(thread.version + 1)},
                "GSI1PK": _s(f"THREADS#{thread.owner}"), "GSI1SK": order, "GSI3PK": _s(ALL_THREADS), "GSI3SK": order}
        if thread.awaits_window:
            item |= {"GSI2PK": _s(UNANSWERED), "GSI2SK": order}
        put = {"TableName": self._table, "Item": item}
        if thread.version == 0:
            put["ConditionExpression"] = "attribute_not_exists(PK)"
        else:
            put |= {"ConditionExpression": "version = :v", "ExpressionAttributeValues": {":v": {"N": str(thread.version)}}}
        return {"Put": put}

    @staticmethod
    def _thread(item: dict) -> Thread:
        return Thread.from_record(json.loads(item["doc"]["S"]))
