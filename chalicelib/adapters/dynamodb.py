"""The application store on one DynamoDB table.

Item layout (every access in the API contract is a GetItem or a Query; nothing Scans):

| item            | PK                 | SK        | GSI1 (PK / SK)                  | GSI2                      | GSI3                      |
|-----------------|--------------------|-----------|---------------------------------|---------------------------|---------------------------|
| application     | APP#<id>           | A         | OWNER#<uscc> / <created>#<id>   | STATUS#<s> / <created>#<id> | APPS / <created>#<id>     |
| history entry   | APP#<id>           | H#<seq>   |                                 |                           |                           |
| review (index)  | REVIEW#<rid>       | R         | AGENCY#<agency> / <status>#<created>#<rid> | REVIEWS#AWAITING / <due>#<rid> ¹ | REVIEWS#OVERDUE / <due>#<rid> ² |
| bank's copy     | BANKAPP#<id>#<bank> | B        | BANK#<bank> / <status>#<sent>#<id> |                         |                           |
| notification    | NOTICES#<uscc>     | N#<id>    |                                 |                           |                           |
| unread copy ³   | NOTICES#<uscc>     | U#<id>    |                                 |                           |                           |
| outbox message  | OUTBOX#<msg id>    | O         |                                 |                           | OUTBOX / <created>#<msg>  |
| parked message  | OUTBOX#<msg id>    | O         |                                 |                           | OUTBOX#PARKED / <created>#<msg> |
| idempotency     | IDEM#<scope>#<key> | I         |                                 |                           |                           |
| counters        | STATS              | TOTAL     |                                 |                           |                           |
| rule version    | RULESET#<name>     | V#<ver>   |                                 |                           | RULES / <published>#<name>#<ver> |
| rule proposal   | RULESET#<name>     | P#<ver>   |                                 |                           |                           |
| rule history    | RULESET#<name>     | H#<seq>   |                                 |                           |                           |
| rules revision  | RULES              | HEAD      |                                 |                           |                           |
| approved owner  | STATS#OWNER#<uscc> | S         |                                 |                           |                           |
| group counters  | STATS#<dimension>  | G#<key>   |                                 |                           |                           |
| group owner     | STATS#GOWNER#<d>#<key>#<uscc> | S         |                                 |                           |                           |
| renewal waiting ⁴ | RENEWAL#<app id> | W         |                                 | RENEWALS#WAITING / <due>#<id> |  |
| complaint       | COMPLAINT#<id>     | C         | COMPLAINTS#OWNER#<uscc> / <created>#<id> | COMPLAINTS#<status> / <due>#<id> ⁵ | COMPLAINTS / <created>#<id> |
| its reviewer's copy | COMPLAINT#<id> | AGENCY    | COMPLAINTS#AGENCY#<agency> / <created>#<id> |        |                           |
| material        | MAT#<id>           | M         |                                 |                           |                           |
| material's use  | MAT#<id>           | APP#<app id> |                              |                           |                           |
| thread, message | THREAD#<id>        | T, M#<msg>   | (see adapters/dynamodb_threads.py)                                                      |

The application, its history, review index, outbox and counters change in one transaction, with
a condition on the application's version: the optimistic lock that turns a race into a 409.
¹ only while the review is pending and not yet found late: the deadline sweep's Query
(`GSI2SK < today`) reads late ones and nothing else, however many applications there are.
² only while it is pending and found late: window staff's list.
³ a copy of the notification while it is unread, deleted with the read mark in one
transaction: "unread" is a Query of the enterprise's own partition (`U#`), strongly consistent
(a notification just read is never listed again, which a GSI's eventual reads could do), and it
costs the items listed, not the ones read long ago. Notification ids are time-ordered (ULIDs),
so both lists are read backwards for newest first.
⁴ in the index only while a renewal is with its previous bank alone (put without the keys in the
transaction that ends that): the deadline schedule's Query (`GSI2SK < today`) finds the ones to
send to the others.

⁵ `COMPLAINTS#open` is also the deadline schedule's Query (`GSI2SK < today`): a complaint leaves
it when it is flagged overdue or answered. A complaint about a review has a copy under its
reviewer (a purchasing unit), written in the same transaction, so that reviewer lists its own.
History entries (an application's and a ruleset's) are put only if absent: nothing rewrites one,
and no code path deletes one.
Documents are stored as JSON strings: one attribute to read, no Decimal conversions.
"""
from __future__ import annotations

import base64
import json
from dataclasses import asdict
from decimal import Decimal

from ..domain.application import Application, HistoryEntry
from ..domain.complaints import Complaint
from ..domain.money import to_fen_decimal
from ..jsontext import dumps
from ..domain.messages import NOTIFICATION, message_type
from ..domain.notifications import NOTIFICATIONS_QUEUE, Notification
from ..domain.material import AWAITING_UPLOAD, Material
from .dynamodb_threads import DynamoThreadStore
from ..services.ports import (BankEntry, IdempotencyKeyTaken, IdempotencyRecord, MaterialRecord, MaterialTaken, OutboxItem,
                              Page, ParkedMessage,
                              PublishedRuleset, parked_message, RenewalEntry, ReviewEntry, RuleProposal, RulesetPublication, Snapshot,
                              StaleVersion, StatsChange, VersionTaken)

STATS_KEY = {"PK": {"S": "STATS"}, "SK": {"S": "TOTAL"}}
RULES_HEAD_KEY = {"PK": {"S": "RULES"}, "SK": {"S": "HEAD"}}
PARKED = "OUTBOX#PARKED"   # GSI3 partition of messages whose queue does not exist
AWAITING = "REVIEWS#AWAITING"   # GSI2 partition: pending reviews not yet found late, by due day
RENEWALS = "RENEWALS#WAITING"   # GSI2 partition: renewals with their previous bank alone, by due day
OVERDUE = "REVIEWS#OVERDUE"     # GSI3 partition: pending reviews found late, by due day
COUNTERS = ("approved_count", "approved_amount", "approved_enterprises", "approved_sme_count",
            "approved_first_loan_count")


def _s(value: str) -> dict:
    return {"S": value}


def _encode_cursor(key: dict | None) -> str | None:
    if not key:
        return None
    return base64.urlsafe_b64encode(dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict | None:
    """A cursor is an opaque LastEvaluatedKey; a tampered one raises ValueError (→ 400)."""
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except Exception as exc:
        raise ValueError("malformed cursor") from exc
    if not isinstance(key, dict) or not all(
            isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in key.values()):
        raise ValueError("malformed cursor")
    return key


class DynamoApplicationStore(DynamoThreadStore):
    def __init__(self, client, table_name: str):
        self._db = client
        self._table = table_name

    # ---- reads ----------------------------------------------------------------------------
    def get(self, app_id: str) -> Application | None:
        item = self._db.get_item(TableName=self._table, ConsistentRead=True,
                                 Key={"PK": _s(f"APP#{app_id}"), "SK": _s("A")}).get("Item")
        return self._app(item) if item else None

    def get_with_history(self, app_id: str) -> Snapshot | None:
        items = self._query_all(KeyConditionExpression="PK = :pk",
                                ExpressionAttributeValues={":pk": _s(f"APP#{app_id}")},
                                ConsistentRead=True)
        apps = [i for i in items if i["SK"]["S"] == "A"]
        if not apps:
            return None
        history = [HistoryEntry(**json.loads(i["doc"]["S"])) for i in items if i["SK"]["S"].startswith("H#")]
        return Snapshot(self._app(apps[0]), sorted(history, key=lambda h: h.seq))

    def list_for_owner(self, owner: str, limit: int, cursor: str | None) -> Page:
        return self._page("GSI1", f"OWNER#{owner}", limit, cursor, newest_first=True, parse=self._app)

    def list_all(self, status: str | None, limit: int, cursor: str | None) -> Page:
        if status:
            return self._page("GSI2", f"STATUS#{status}", limit, cursor, newest_first=True, parse=self._app)
        return self._page("GSI3", "APPS", limit, cursor, newest_first=True, parse=self._app)

    def pending_reviews(self, agency: str, limit: int, cursor: str | None) -> Page:
        return self._page("GSI1", f"AGENCY#{agency}", limit, cursor, newest_first=False,
                          parse=self._review, sk_prefix="pending#")

    def review_entry(self, review_id: str) -> ReviewEntry | None:
        item = self._db.get_item(TableName=self._table, ConsistentRead=True,
                                 Key={"PK": _s(f"REVIEW#{review_id}"), "SK": _s("R")}).get("Item")
        return self._review(item) if item else None

    def bank_pending(self, bank: str, limit: int, cursor: str | None) -> Page:
        return self._page("GSI1", f"BANK#{bank}", limit, cursor, newest_first=False,
                          parse=lambda i: BankEntry(**json.loads(i["doc"]["S"])), sk_prefix="sent#")

    def reviews_due_before(self, day: str, limit: int, cursor: str | None) -> Page:
        return self._page("GSI2", AWAITING, limit, cursor, newest_first=False, parse=self._review, sk_below=day)

    def renewals_due_before(self, day: str, limit: int, cursor: str | None) -> Page:
        return self._page("GSI2", RENEWALS, limit, cursor, newest_first=False,
                          parse=lambda i: RenewalEntry(**json.loads(i["doc"]["S"])), sk_below=day)

    def overdue_reviews(self, limit: int, cursor: str | None) -> Page:
        return self._page("GSI3", OVERDUE, limit, cursor, newest_first=False, parse=self._review)

    def notifications(self, recipient: str, unread_only: bool, limit: int, cursor: str | None) -> Page:
        return self._page(None, f"NOTICES#{recipient}", limit, cursor, newest_first=True,
                          parse=self._notification, sk_prefix="U#" if unread_only else "N#")

    def mark_notification_read(self, recipient: str, notification_id: str, at: str) -> Notification | None:
        """The read mark and the unread copy's removal in one transaction."""
        pk = _s(f"NOTICES#{recipient}")
        key = {"PK": pk, "SK": _s(f"N#{notification_id}")}
        try:
            self._db.transact_write_items(TransactItems=[
                {"Update": {"TableName": self._table, "Key": key, "ConditionExpression": "attribute_exists(PK)",
                            "UpdateExpression": "SET read_at = if_not_exists(read_at, :at)",
                            "ExpressionAttributeValues": {":at": _s(at)}}},
                {"Delete": {"TableName": self._table, "Key": {"PK": pk, "SK": _s(f"U#{notification_id}")}}}])
        except self._db.exceptions.TransactionCanceledException as exc:
            codes = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
            if codes[:1] == ["ConditionalCheckFailed"]:
                return None
            raise
        item = self._db.get_item(TableName=self._table, Key=key, ConsistentRead=True)["Item"]
        return self._notification(item)

    def idempotent_response(self, scope: str, key: str) -> IdempotencyRecord | None:
        item = self._db.get_item(TableName=self._table, ConsistentRead=True,
                                 Key={"PK": _s(f"IDEM#{scope}#{key}"), "SK": _s("I")}).get("Item")
        return IdempotencyRecord(**json.loads(item["doc"]["S"])) if item else None

    def stats(self) -> dict:
        item = self._db.get_item(TableName=self._table, Key=STATS_KEY, ConsistentRead=True).get("Item", {})
        return {name: Decimal(item[name]["N"]) if name in item else Decimal(0) for name in COUNTERS}

    def grouped_stats(self, dimension: str) -> dict[str, dict]:
        items = self._query_all(KeyConditionExpression="PK = :pk",
                                ExpressionAttributeValues={":pk": _s(f"STATS#{dimension}")}, ConsistentRead=True)
        return {i["SK"]["S"][2:]: {name: Decimal(i[name]["N"]) if name in i else Decimal(0) for name in COUNTERS}
                for i in sorted(items, key=lambda i: i["SK"]["S"])}

    def parked_outbox(self, limit: int) -> list[ParkedMessage]:
        resp = self._db.query(TableName=self._table, IndexName="GSI3", Limit=limit,
                              KeyConditionExpression="GSI3PK = :pk",
                              ExpressionAttributeValues={":pk": _s(PARKED)})
        return [parked_message(outbox_item_from_image(i), i["parked_at"]["S"], i["parked_reason"]["S"])
                for i in resp.get("Items", [])]

    def pending_outbox(self, limit: int) -> list[OutboxItem]:
        resp = self._db.query(TableName=self._table, IndexName="GSI3", Limit=limit,
                              KeyConditionExpression="GSI3PK = :pk",
                              ExpressionAttributeValues={":pk": _s("OUTBOX")})
        return [outbox_item_from_image(i) for i in resp.get("Items", [])]

    # ---- writes ---------------------------------------------------------------------------
    def save(self, app: Application, *, idempotency: IdempotencyRecord | None = None,
             notifications: list[Notification] = ()) -> None:
        history, outbox, stats = app.new_history, app.outbox, app.stats_change()
        ops = [self._put_application(app)]
        ops += [self._put_history(app.id, h) for h in history]
        ops += [self._put_review(app, r) for r in app.reviews]
        ops += [self._put_bank_entry(b) for b in BankEntry.all_of(app)]
        if app.first_bank is not None:
            ops.append(self._renewal_index(app))
        ops += [self._put_outbox(m, app.updated_at) for m in outbox]
        for n in notifications:
            ops += [*self._put_notification(n), self._put_outbox(gateway_message(n), n.at)]
        ops += [self._put_material_use(material_id, app.id) for material_id in app.new_materials]
        if stats is not None:
            ops += self._count_approval(stats)
        self._commit(ops, idempotency, f"application {app.id}")

    def _commit(self, ops: list, idempotency: IdempotencyRecord | None, what: str) -> None:
        """One transaction: `ops`, then the idempotency record if any. IdempotencyKeyTaken when
        that record's condition failed (the key was used meanwhile), else StaleVersion."""
        if idempotency is not None:
            ops = [*ops, self._put_idempotency(idempotency)]
        try:
            self._db.transact_write_items(TransactItems=ops)
        except self._db.exceptions.TransactionCanceledException as exc:
            codes = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
            if idempotency is not None and len(codes) == len(ops) and codes[-1] == "ConditionalCheckFailed":
                raise IdempotencyKeyTaken() from exc
            raise StaleVersion(f"{what} changed concurrently: {codes}") from exc

    def outbox_pending(self, message_ids: list[str]) -> set[str]:
        """Which of these messages are still waiting in the outbox (not yet delivered)."""
        found: set[str] = set()
        unique = list(dict.fromkeys(message_ids))
        for start in range(0, len(unique), 100):
            request = {self._table: {"Keys": [{"PK": _s(f"OUTBOX#{m}"), "SK": _s("O")} for m in unique[start:start + 100]],
                                     "ProjectionExpression": "message_id, parked_at", "ConsistentRead": True}}
            while request:
                resp = self._db.batch_get_item(RequestItems=request)
                found.update(i["message_id"]["S"] for i in resp.get("Responses", {}).get(self._table, [])
                             if "parked_at" not in i)
                request = resp.get("UnprocessedKeys") or None
        return found

    def park_outbox(self, message_ids: list[str], reason: str, at: str) -> None:
        """Move each message to the parked index; one already delivered (gone) stays gone."""
        for m in message_ids:
            try:
                self._db.update_item(
                    TableName=self._table, Key={"PK": _s(f"OUTBOX#{m}"), "SK": _s("O")},
                    ConditionExpression="attribute_exists(PK)",
                    UpdateExpression="SET GSI3PK = :parked, parked_at = :at, parked_reason = :why",
                    ExpressionAttributeValues={":parked": _s(PARKED), ":at": _s(at), ":why": _s(reason[:500])})
            except self._db.exceptions.ConditionalCheckFailedException:
                continue

    def delete_outbox(self, message_ids: list[str]) -> None:
        for start in range(0, len(message_ids), 25):
            batch = message_ids[start:start + 25]
            request = {self._table: [{"DeleteRequest": {"Key": {"PK": _s(f"OUTBOX#{m}"), "SK": _s("O")}}}
                                     for m in batch]}
            while request:
                request = self._db.batch_write_item(RequestItems=request).get("UnprocessedItems") or None

    # ---- item builders --------------------------------------------------------------------
    def _put_application(self, app: Application) -> dict:
        record = app.to_record() | {"version": app.version + 1}
        order = f"{app.created_at}#{app.id}"
        item = {
            "PK": _s(f"APP#{app.id}"), "SK": _s("A"), "doc": _s(dumps(record)),
            "version": {"N": str(app.version + 1)}, "status": _s(app.status.value),
            "GSI1PK": _s(f"OWNER#{app.owner}"), "GSI1SK": _s(order),
            "GSI2PK": _s(f"STATUS#{app.status.value}"), "GSI2SK": _s(order),
            "GSI3PK": _s("APPS"), "GSI3SK": _s(order),
        }
        put = {"TableName": self._table, "Item": item}
        if app.version == 0:
            put["ConditionExpression"] = "attribute_not_exists(PK)"
        else:
            put["ConditionExpression"] = "version = :v"
            put["ExpressionAttributeValues"] = {":v": {"N": str(app.version)}}
        return {"Put": put}

    def _put_history(self, app_id: str, entry: HistoryEntry) -> dict:
        doc = {"seq": entry.seq, "at": entry.at, "actor": entry.actor, "action": entry.action,
               "from_status": entry.from_status, "to_status": entry.to_status, "detail": entry.detail,
               "round": entry.round}
        return {"Put": {"TableName": self._table, "ConditionExpression": "attribute_not_exists(PK)",
                        "Item": {"PK": _s(f"APP#{app_id}"), "SK": _s(f"H#{entry.seq:06d}"),
                                 "doc": _s(dumps(doc))}}}

    def _put_review(self, app: Application, review) -> dict:
        entry = ReviewEntry.of(app.id, review)
        item = {"PK": _s(f"REVIEW#{review.id}"), "SK": _s("R"), "doc": _s(dumps(entry.to_dict())),
                "GSI1PK": _s(f"AGENCY#{review.agency}"),
                "GSI1SK": _s(f"{review.status.value}#{review.created_at}#{review.id}")}
        if entry.awaiting_deadline:
            item |= {"GSI2PK": _s(AWAITING), "GSI2SK": _s(f"{entry.due}#{entry.id}")}
        elif entry.overdue:
            item |= {"GSI3PK": _s(OVERDUE), "GSI3SK": _s(f"{entry.due}#{entry.id}")}
        return {"Put": {"TableName": self._table, "Item": item}}

    def _put_bank_entry(self, entry: BankEntry) -> dict:
        """The application as one bank has it, under that bank in GSI1 by status and sent time."""
        item = {"PK": _s(f"BANKAPP#{entry.application_id}#{entry.bank}"), "SK": _s("B"),
                "doc": _s(dumps(entry.to_dict())), "GSI1PK": _s(f"BANK#{entry.bank}"),
                "GSI1SK": _s(f"{entry.status}#{entry.sent_at}#{entry.application_id}")}
        return {"Put": {"TableName": self._table, "Item": item}}

    def _renewal_index(self, app: Application) -> dict:
        """Put without the index keys once the wait is over: it leaves the sparse index as a review
        does (a Put, so the deadline schedule needs no DeleteItem)."""
        item = {"PK": _s(f"RENEWAL#{app.id}"), "SK": _s("W")}
        entry = RenewalEntry.of(app)
        if entry is not None:
            item |= {"doc": _s(dumps({"application_id": entry.application_id, "due": entry.due})),
                     "GSI2PK": _s(RENEWALS), "GSI2SK": _s(f"{entry.due}#{app.id}")}
        return {"Put": {"TableName": self._table, "Item": item}}

    def _put_notification(self, n: Notification) -> list[dict]:
        """The notification and its unread copy (see the layout)."""
        doc = _s(dumps(n.to_record()))
        return [{"Put": {"TableName": self._table, "ConditionExpression": "attribute_not_exists(PK)",
                         "Item": {"PK": _s(f"NOTICES#{n.recipient}"), "SK": _s(f"{kind}#{n.id}"), "doc": doc}}}
                for kind in ("N", "U")]

    def _put_outbox(self, message, now: str) -> dict:
        return {"Put": {"TableName": self._table, "Item": {
            "PK": _s(f"OUTBOX#{message.message_id}"), "SK": _s("O"),
            "message_id": _s(message.message_id), "queue": _s(message.queue),
            "type": _s(message.type or message_type(message.queue, message.body)),
            "body": _s(dumps(message.body)),
            "GSI3PK": _s("OUTBOX"), "GSI3SK": _s(f"{now}#{message.message_id}")}}}

    def _count_groups(self, change: StatsChange) -> list[dict]:
        """Each group's counters (item `STATS#<dimension>` / `G#<key>`, one partition per
        dimension so `grouped_stats` is one Query) and, for its enterprise count, how many of the
        group's approvals are the owner's (`STATS#GOWNER#<dimension>#<key>#<owner>`, `n`: read
        first, written on the condition it is unchanged, so a race is a StaleVersion and a retry)."""
        moving = [g for g in change.groups if g.approvals]
        markers = {(g.dimension, g.key): {"PK": _s(f"STATS#GOWNER#{g.dimension}#{g.key}#{change.owner}"), "SK": _s("S")}
                   for g in moving}
        held = self._counts_held(list(markers.values()))
        ops = []
        for g in change.groups:
            ent, marker_op = 0, None
            if g.approvals:
                key = markers[(g.dimension, g.key)]
                before = held.get(key["PK"]["S"], 0)
                after = before + g.approvals
                ent = (after > 0) - (before > 0)
                if before == 0 and after > 0:
                    marker_op = {"Put": {"TableName": self._table, "Item": {**key, "n": {"N": str(after)}},
                                         "ConditionExpression": "attribute_not_exists(PK)"}}
                elif before > 0:
                    unchanged = {"ConditionExpression": "n = :before",
                                 "ExpressionAttributeValues": {":before": {"N": str(before)}}}
                    marker_op = ({"Delete": {"TableName": self._table, "Key": key, **unchanged}} if after <= 0 else
                                 {"Update": {"TableName": self._table, "Key": key, "UpdateExpression": "SET n = :after",
                                             **unchanged, "ExpressionAttributeValues": {
                                                 ":before": {"N": str(before)}, ":after": {"N": str(after)}}}})
            ops.append({"Update": {
                "TableName": self._table, "Key": {"PK": _s(f"STATS#{g.dimension}"), "SK": _s(f"G#{g.key}")},
                "UpdateExpression": ("ADD approved_count :n, approved_amount :amt, approved_sme_count :sme, "
                                     "approved_first_loan_count :fl, approved_enterprises :ent"),
                "ExpressionAttributeValues": {":n": {"N": str(g.approvals)}, ":amt": {"N": g.amount},
                                              ":sme": {"N": str(g.sme)}, ":fl": {"N": str(g.first_loan)},
                                              ":ent": {"N": str(ent)}}}})
            if marker_op is not None:
                ops.append(marker_op)
        return ops

    def _counts_held(self, keys: list[dict]) -> dict[str, int]:
        found: dict[str, int] = {}
        request = {self._table: {"Keys": keys, "ConsistentRead": True}} if keys else None
        while request:
            resp = self._db.batch_get_item(RequestItems=request)
            found.update((i["PK"]["S"], int(i["n"]["N"])) for i in resp.get("Responses", {}).get(self._table, []))
            request = resp.get("UnprocessedKeys") or None
        return found

    def _count_approval(self, change: StatsChange) -> list[dict]:
        """Counters move in the same transaction as the approval (no Scan behind /stats)."""
        if not change.new_approval:
            return self._count_groups(change) + [{"Update": {"TableName": self._table, "Key": STATS_KEY, "UpdateExpression": "ADD approved_amount :amt",
                                "ExpressionAttributeValues": {":amt": {"N": str(to_fen_decimal(change.amount))}}}}]
        marker_key = {"PK": _s(f"STATS#OWNER#{change.owner}"), "SK": _s("S")}
        first_for_owner = "Item" not in self._db.get_item(
            TableName=self._table, Key=marker_key, ConsistentRead=True)
        values = {":one": {"N": "1"}, ":amt": {"N": str(change.amount)},
                  ":sme": {"N": "1" if change.sme else "0"},
                  ":fl": {"N": "1" if change.first_loan else "0"},
                  ":ent": {"N": "1" if first_for_owner else "0"}}
        ops = self._count_groups(change) + [{"Update": {
            "TableName": self._table, "Key": STATS_KEY,
            "UpdateExpression": ("ADD approved_count :one, approved_amount :amt, approved_sme_count :sme, "
                                 "approved_first_loan_count :fl, approved_enterprises :ent"),
            "ExpressionAttributeValues": values}}]
        if first_for_owner:
            ops.append({"Put": {"TableName": self._table, "Item": marker_key,
                                "ConditionExpression": "attribute_not_exists(PK)"}})
        return ops

    def _put_idempotency(self, rec: IdempotencyRecord) -> dict:
        doc = {"scope": rec.scope, "key": rec.key, "request_hash": rec.request_hash,
               "status_code": rec.status_code, "response": rec.response, "expires_at": rec.expires_at}
        return {"Put": {"TableName": self._table, "ConditionExpression": "attribute_not_exists(PK)",
                        "Item": {"PK": _s(f"IDEM#{rec.scope}#{rec.key}"), "SK": _s("I"),
                                 "doc": _s(dumps(doc)), "expires_at": {"N": str(rec.expires_at)}}}}

    def _put_material_use(self, material_id: str, app_id: str) -> dict:
        return {"Put": {"TableName": self._table, "Item": {"PK": _s(f"MAT#{material_id}"), "SK": _s(f"APP#{app_id}")}}}

    # ---- materials ----------------------------------------------------------------------------
    def add_material(self, material: Material) -> None:
        try:
            self._db.put_item(TableName=self._table, ConditionExpression="attribute_not_exists(PK)",
                              Item=self._material_item(material))
        except self._db.exceptions.ConditionalCheckFailedException as exc:
            raise MaterialTaken(material.id) from exc

    def material(self, material_id: str, *, uses: bool = True) -> MaterialRecord | None:
        if not uses:
            item = self._db.get_item(TableName=self._table, Key={"PK": _s(f"MAT#{material_id}"), "SK": _s("M")},
                                     ConsistentRead=True).get("Item")
            return MaterialRecord(Material.from_record(json.loads(item["doc"]["S"]))) if item else None
        items = self._query_all(KeyConditionExpression="PK = :pk",
                                ExpressionAttributeValues={":pk": _s(f"MAT#{material_id}")}, ConsistentRead=True)
        found = [i for i in items if i["SK"]["S"] == "M"]
        if not found:
            return None
        uses = tuple(i["SK"]["S"][len("APP#"):] for i in items if i["SK"]["S"].startswith("APP#"))
        return MaterialRecord(Material.from_record(json.loads(found[0]["doc"]["S"])), uses)

    def materials(self, material_ids: list[str]) -> dict[str, Material]:
        found: dict[str, Material] = {}
        unique = list(dict.fromkeys(material_ids))   # BatchGetItem refuses a key asked twice
        for start in range(0, len(unique), 100):
            request = {self._table: {"Keys": [{"PK": _s(f"MAT#{m}"), "SK": _s("M")} for m in unique[start:start + 100]],
                                     "ProjectionExpression": "doc", "ConsistentRead": True}}
            while request:
                resp = self._db.batch_get_item(RequestItems=request)
                for item in resp.get("Responses", {}).get(self._table, []):
                    material = Material.from_record(json.loads(item["doc"]["S"]))
                    found[material.id] = material
                request = resp.get("UnprocessedKeys") or None
        return found

    def settle_material(self, material: Material) -> Material:
        try:
            self._db.put_item(TableName=self._table, Item=self._material_item(material),
                              ConditionExpression="#st = :awaiting", ExpressionAttributeNames={"#st": "status"},
                              ExpressionAttributeValues={":awaiting": _s(AWAITING_UPLOAD)})
        except self._db.exceptions.ConditionalCheckFailedException:
            return self.material(material.id, uses=False).material
        return material

    @staticmethod
    def _material_item(material: Material) -> dict:
        return {"PK": _s(f"MAT#{material.id}"), "SK": _s("M"), "status": _s(material.status),
                "doc": _s(dumps(material.to_record()))}

    # ---- published rules (policy staff) ------------------------------------------------------
    def publish_ruleset(self, published: PublishedRuleset, entry: RulesetPublication) -> None:
        try:
            self._db.transact_write_items(TransactItems=self._publication_items(published, entry))
        except self._db.exceptions.TransactionCanceledException as exc:
            codes = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
            if codes[:1] == ["ConditionalCheckFailed"] or len(codes) < 2:
                raise VersionTaken(f"{published.ruleset} {published.version}") from exc
            raise StaleVersion(f"{entry.ruleset} history changed concurrently: {codes}") from exc

    def _publication_items(self, published: PublishedRuleset, entry: RulesetPublication) -> list[dict]:
        """The version, its history entry (neither overwritten) and the rules revision bump."""
        item = {"PK": _s(f"RULESET#{published.ruleset}"), "SK": _s(f"V#{published.version}"),
                "doc": _s(dumps(asdict(published))), "GSI3PK": _s("RULES"),
                "GSI3SK": _s(f"{published.published_at}#{published.ruleset}#{published.version}")}
        history = {"PK": _s(f"RULESET#{entry.ruleset}"), "SK": _s(f"H#{entry.seq:06d}"),
                   "doc": _s(dumps(asdict(entry)))}
        return [
            {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": "attribute_not_exists(PK)"}},
            {"Put": {"TableName": self._table, "Item": history, "ConditionExpression": "attribute_not_exists(PK)"}},
            {"Update": {"TableName": self._table, "Key": RULES_HEAD_KEY, "UpdateExpression": "ADD revision :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}}]

    def propose_ruleset(self, proposal: RuleProposal, entry: RulesetPublication) -> None:
        key = {"PK": _s(f"RULESET#{proposal.ruleset}")}
        try:
            self._db.transact_write_items(TransactItems=[
                {"Put": {"TableName": self._table, "ConditionExpression": "attribute_not_exists(PK)",
                         "Item": {**key, "SK": _s(f"P#{proposal.version}"), "doc": _s(dumps(asdict(proposal)))}}},
                {"ConditionCheck": {"TableName": self._table, "Key": {**key, "SK": _s(f"V#{proposal.version}")},
                                    "ConditionExpression": "attribute_not_exists(PK)"}},
                {"Put": {"TableName": self._table, "ConditionExpression": "attribute_not_exists(PK)",
                         "Item": {**key, "SK": _s(f"H#{entry.seq:06d}"), "doc": _s(dumps(asdict(entry)))}}}])
        except self._db.exceptions.TransactionCanceledException as exc:
            codes = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
            if "ConditionalCheckFailed" in codes[:2]:
                raise VersionTaken(f"{proposal.ruleset} {proposal.version}") from exc
            raise StaleVersion(f"{entry.ruleset} history changed concurrently: {codes}") from exc

    def approve_ruleset(self, proposal: RuleProposal, published: PublishedRuleset,
                        entry: RulesetPublication) -> None:
        key = {"PK": _s(f"RULESET#{proposal.ruleset}"), "SK": _s(f"P#{proposal.version}")}
        approved = dumps(asdict(proposal) | {"status": "approved", "approved_by": published.approved_by,
                                              "approved_at": published.published_at})
        try:
            self._db.transact_write_items(TransactItems=[
                {"Put": {"TableName": self._table, "Item": {**key, "doc": _s(approved), "status": _s("approved")},
                         "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(#st)",
                         "ExpressionAttributeNames": {"#st": "status"}}},
                *self._publication_items(published, entry)])
        except self._db.exceptions.TransactionCanceledException as exc:
            codes = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
            if "ConditionalCheckFailed" in codes[:2]:
                raise VersionTaken(f"{proposal.ruleset} {proposal.version}") from exc
            raise StaleVersion(f"{entry.ruleset} history changed concurrently: {codes}") from exc

    def rule_proposals(self, ruleset: str) -> list[RuleProposal]:
        items = self._query_all(KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
                                ExpressionAttributeValues={":pk": _s(f"RULESET#{ruleset}"), ":p": _s("P#")},
                                ConsistentRead=True)
        return sorted((RuleProposal(**json.loads(i["doc"]["S"])) for i in items), key=lambda p: p.proposed_at)

    def ruleset_history(self, ruleset: str) -> list[RulesetPublication]:
        items = self._query_all(KeyConditionExpression="PK = :pk AND begins_with(SK, :h)",
                                ExpressionAttributeValues={":pk": _s(f"RULESET#{ruleset}"), ":h": _s("H#")},
                                ConsistentRead=True)
        return [RulesetPublication(**json.loads(i["doc"]["S"])) for i in items]

    def published_rulesets(self) -> list[PublishedRuleset]:
        items = self._query_all(IndexName="GSI3", KeyConditionExpression="GSI3PK = :pk",
                                ExpressionAttributeValues={":pk": _s("RULES")})
        return [PublishedRuleset(**json.loads(i["doc"]["S"])) for i in items]

    def rules_revision(self) -> int:
        item = self._db.get_item(TableName=self._table, Key=RULES_HEAD_KEY, ConsistentRead=True).get("Item")
        return int(item["revision"]["N"]) if item else 0

    def all_applications(self, page_size: int = 100):
        """Every stored application, newest first, a page at a time (a Query, not a Scan)."""
        cursor = None
        while True:
            page = self.list_all(None, page_size, cursor)
            yield from page.items
            cursor = page.cursor
            if not cursor:
                return

    # ---- complaints ---------------------------------------------------------------------------
    def save_complaint(self, complaint: Complaint, *, notifications: list[Notification] = (),
                       idempotency: IdempotencyRecord | None = None) -> None:
        ops = [self._put_complaint(complaint)]
        if complaint.agency:
            ops.append(self._put_complaint_copy(complaint))
        for n in notifications:
            ops += [*self._put_notification(n), self._put_outbox(gateway_message(n), n.at)]
        self._commit(ops, idempotency, f"complaint {complaint.id}")

    def complaint(self, complaint_id: str) -> Complaint | None:
        item = self._db.get_item(TableName=self._table, ConsistentRead=True,
                                 Key={"PK": _s(f"COMPLAINT#{complaint_id}"), "SK": _s("C")}).get("Item")
        return self._complaint(item) if item else None

    def complaints_for_owner(self, owner: str, limit: int, cursor: str | None) -> Page:
        return self._page("GSI1", f"COMPLAINTS#OWNER#{owner}", limit, cursor, newest_first=True,
                          parse=self._complaint)

    def complaints_for_agency(self, agency: str, limit: int, cursor: str | None) -> Page:
        return self._page("GSI1", f"COMPLAINTS#AGENCY#{agency}", limit, cursor, newest_first=True,
                          parse=self._complaint)

    def complaints(self, status: str | None, limit: int, cursor: str | None) -> Page:
        if status is None:
            return self._page("GSI3", "COMPLAINTS", limit, cursor, newest_first=True, parse=self._complaint)
        return self._page("GSI2", f"COMPLAINTS#{status}", limit, cursor, newest_first=status == "closed",
                          parse=self._complaint)

    def complaints_due_before(self, day: str, limit: int, cursor: str | None) -> Page:
        return self._page("GSI2", "COMPLAINTS#open", limit, cursor, newest_first=False, parse=self._complaint,
                          sk_below=day)

    def _put_complaint(self, c: Complaint) -> dict:
        order = f"{c.created_at}#{c.id}"
        item = {"PK": _s(f"COMPLAINT#{c.id}"), "SK": _s("C"), "doc": _s(dumps(c.to_record())),
                "version": {"N": str(c.version + 1)},
                "GSI1PK": _s(f"COMPLAINTS#OWNER#{c.owner}"), "GSI1SK": _s(order),
                "GSI2PK": _s(f"COMPLAINTS#{c.status}"), "GSI2SK": _s(f"{c.due}#{c.id}"),
                "GSI3PK": _s("COMPLAINTS"), "GSI3SK": _s(order)}
        put = {"TableName": self._table, "Item": item}
        if c.version == 0:
            put["ConditionExpression"] = "attribute_not_exists(PK)"
        else:
            put["ConditionExpression"] = "version = :v"
            put["ExpressionAttributeValues"] = {":v": {"N": str(c.version)}}
        return {"Put": put}

    def _put_complaint_copy(self, c: Complaint) -> dict:
        """The reviewer's listing: the same document under its agency (kept with the complaint)."""
        return {"Put": {"TableName": self._table, "Item": {
            "PK": _s(f"COMPLAINT#{c.id}"), "SK": _s("AGENCY"), "doc": _s(dumps(c.to_record())),
            "version": {"N": str(c.version + 1)},
            "GSI1PK": _s(f"COMPLAINTS#AGENCY#{c.agency}"), "GSI1SK": _s(f"{c.created_at}#{c.id}")}}}

    @staticmethod
    def _complaint(item: dict) -> Complaint:
        return Complaint.from_record(json.loads(item["doc"]["S"]), int(item["version"]["N"]))

    # ---- helpers --------------------------------------------------------------------------
    @staticmethod
    def _app(item: dict) -> Application:
        return Application.from_record(json.loads(item["doc"]["S"]))

    @staticmethod
    def _review(item: dict) -> ReviewEntry:
        return ReviewEntry(**json.loads(item["doc"]["S"]))

    @staticmethod
    def _notification(item: dict) -> Notification:
        return Notification.from_record(json.loads(item["doc"]["S"]) | {"read": "read_at" in item})

    def _page(self, index: str | None, pk: str, limit: int, cursor: str | None, *, newest_first: bool,
              parse, sk_prefix: str | None = None, sk_below: str | None = None) -> Page:
        """One page of a Query on `index` (None: the table's own keys)."""
        pk_name, sk_name = (f"{index}PK", f"{index}SK") if index else ("PK", "SK")
        condition = f"{pk_name} = :pk"
        values = {":pk": _s(pk)}
        if sk_prefix:
            condition += f" AND begins_with({sk_name}, :pre)"
            values[":pre"] = _s(sk_prefix)
        if sk_below:
            condition += f" AND {sk_name} < :below"
            values[":below"] = _s(sk_below)
        kwargs = dict(TableName=self._table, Limit=limit,
                      KeyConditionExpression=condition, ExpressionAttributeValues=values,
                      ScanIndexForward=not newest_first)
        if index:
            kwargs["IndexName"] = index
        else:
            kwargs["ConsistentRead"] = True   # the table's own keys: a change just made is seen
        start = decode_cursor(cursor)
        if start:
            kwargs["ExclusiveStartKey"] = start
        resp = self._db.query(**kwargs)
        return Page([parse(i) for i in resp.get("Items", [])], _encode_cursor(resp.get("LastEvaluatedKey")))

    def _query_all(self, **kwargs) -> list[dict]:
        items, start = [], None
        while True:
            if start:
                kwargs["ExclusiveStartKey"] = start
            resp = self._db.query(TableName=self._table, **kwargs)
            items += resp.get("Items", [])
            start = resp.get("LastEvaluatedKey")
            if not start:
                return items


def gateway_message(n: Notification) -> OutboxItem:
    """A notification's message to the SMS/e-mail gateway, identified by the notification's id."""
    return OutboxItem(message_id=n.id, queue=NOTIFICATIONS_QUEUE, body=n.gateway_message(), type=NOTIFICATION)


def outbox_item_from_image(image: dict) -> OutboxItem:
    """Read an outbox item from a table item or a stream record's NewImage (same shape)."""
    return OutboxItem(message_id=image["message_id"]["S"], queue=image["queue"]["S"],
                      body=json.loads(image["body"]["S"]), type=(image.get("type") or {}).get("S"))
