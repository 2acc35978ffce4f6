"""Who read an enterprise's records, and the IP green channel's whitelist: items in the one table.

| item            | PK             | SK            |
|-----------------|----------------|---------------|
| records read    | READS#<uscc>   | R#<read id>   |  read ids are ULIDs: a backwards Query is newest first
| whitelist entry | IPWHITELIST    | E#<uscc>      |  one small partition: the list banks page through

Every read of either is a Query on its partition; a read is put only if absent (never rewritten).
"""
from __future__ import annotations

import json
import threading

from ..jsontext import dumps
from ..services.ports import Page, RecordsRead, WhitelistEntry
from .dynamodb import decode_cursor, _encode_cursor
from .memory import _page_after

WHITELIST = "IPWHITELIST"


class DynamoRecordsLog:
    def __init__(self, client, table_name: str):
        self._db, self._table = client, table_name

    def log_read(self, read: RecordsRead) -> None:
        self._db.put_item(TableName=self._table, ConditionExpression="attribute_not_exists(PK)",
                          Item={"PK": {"S": f"READS#{read.uscc}"}, "SK": {"S": f"R#{read.id}"},
                                "doc": {"S": dumps(read.to_dict())}})

    def reads(self, uscc: str, limit: int, cursor: str | None) -> Page:
        page = self._query(f"READS#{uscc}", "R#", limit, cursor, newest_first=True)
        return Page([RecordsRead(**json.loads(i["doc"]["S"])) for i in page.items], page.cursor)

    def whitelist_put(self, entry: WhitelistEntry) -> bool:
        old = self._db.put_item(TableName=self._table, ReturnValues="ALL_OLD",
                                Item={"PK": {"S": WHITELIST}, "SK": {"S": f"E#{entry.uscc}"},
                                      "doc": {"S": dumps(entry.to_dict())}}).get("Attributes")
        return not old

    def whitelist_remove(self, uscc: str) -> bool:
        old = self._db.delete_item(TableName=self._table, ReturnValues="ALL_OLD",
                                   Key={"PK": {"S": WHITELIST}, "SK": {"S": f"E#{uscc}"}}).get("Attributes")
        return bool(old)

    def whitelist(self, limit: int, cursor: str | None) -> Page:
        page = self._query(WHITELIST, "E#", limit, cursor, newest_first=False)
        return Page([_entry(json.loads(i["doc"]["S"])) for i in page.items], page.cursor)

    def _query(self, pk: str, prefix: str, limit: int, cursor: str | None, newest_first: bool) -> Page:
        kwargs = dict(TableName=self._table, Limit=limit, ConsistentRead=True, ScanIndexForward=not newest_first,
                      KeyConditionExpression="PK = :pk AND begins_with(SK, :pre)",
                      ExpressionAttributeValues={":pk": {"S": pk}, ":pre": {"S": prefix}})
        start = decode_cursor(cursor)
        if start:
            kwargs["ExclusiveStartKey"] = start
        resp = self._db.query(**kwargs)
        return Page(resp.get("Items", []), _encode_cursor(resp.get("LastEvaluatedKey")))


def _entry(doc: dict) -> WhitelistEntry:
    return WhitelistEntry(**{**doc, "pledgeable_patents": tuple(doc["pledgeable_patents"])})


class InMemoryRecordsLog:
    def __init__(self):
        self._lock = threading.Lock()
        self._reads: dict[str, list[RecordsRead]] = {}
        self._whitelist: dict[str, WhitelistEntry] = {}

    def log_read(self, read: RecordsRead) -> None:
        with self._lock:
            self._reads.setdefault(read.uscc, []).append(read)

    def reads(self, uscc: str, limit: int, cursor: str | None) -> Page:
        with self._lock:
            rows = list(self._reads.get(uscc, ()))
        # newest first: page by the inverted id so "after the cursor" means "older"
        return _page_after(rows, lambda r: (_inverted(r.id),), limit, cursor)

    def whitelist_put(self, entry: WhitelistEntry) -> bool:
        with self._lock:
            new = entry.uscc not in self._whitelist
            self._whitelist[entry.uscc] = entry
            return new

    def whitelist_remove(self, uscc: str) -> bool:
        with self._lock:
            return self._whitelist.pop(uscc, None) is not None

    def whitelist(self, limit: int, cursor: str | None) -> Page:
        with self._lock:
            rows = list(self._whitelist.values())
        return _page_after(rows, lambda e: (e.uscc,), limit, cursor)


def _inverted(text: str) -> str:
    return "".join(chr(0x10FFFF - ord(c)) for c in text)
