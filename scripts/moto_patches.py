"""Make moto's DynamoDB cost what DynamoDB costs: the items a call touches, not the whole table.

moto 5.2 deep-copies every table a transaction touches, once per item of the transaction, so it
can roll back. With a stream enabled the copy includes every stream record ever written: 400
submissions took 170 s and 8 GB here, and the growth is quadratic. DynamoDB evaluates every
condition of a transaction against the state before it and applies all or nothing; this does
the same (check every condition, then apply), with a lock so concurrent requests to the
embedded server stay atomic. An item that fails while being applied (an invalid update, an
attribute of the wrong type) undoes the items applied before it and their stream records, so a
failing transaction leaves nothing behind, as in DynamoDB.

moto 5.2 also answers every Query by sorting the whole table (all_items), comparing DynamoType
objects: a read of one application cost O(table). A Query on the table's own key now looks only
at that partition, and whole-table sorts use plain values as keys.

moto 5.2 stores whatever a browser POSTs to a presigned POST, ignoring the policy; S3 refuses a
file whose size or fields the policy does not allow, and applies the `tagging` field. The patch
does both (the signature is not checked: moto accepts any credentials), so a material upload
behaves locally as on AWS: the wrong size or content type is refused by "S3" itself.

moto 5.2's server lists its own package directory (a `listdir` and an `isdir` per service, about
150) on every request, to find the service a request is for, while holding the dispatcher's one
lock: under 20 concurrent clients of `make run` every AWS call queued behind those file-system
calls. The installed services do not change while the server runs: they are listed once.

Used only by the tests, `make run`, `make soak` and `make bench`, never in AWS.
"""
from __future__ import annotations

import contextlib
import threading

_lock = threading.RLock()
_applied = False


def _check_then_apply(self, transact_items):
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (MultipleTransactionsException, TooManyTransactionsException,
                                          TransactionCanceledException, TransactWriteSingleOpException)

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    with _lock:
        seen, plan, errors = set(), [], []
        for item in transact_items:
            if len(item) > 1:
                raise TransactWriteSingleOpException
            op_type, op = next(iter(item.items()))
            table = self.get_table(op["TableName"])
            if op_type == "Put":
                attrs = op["Item"]
                key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = attrs[table.range_key_attr]
            else:
                key = op["Key"]
            identity = (op["TableName"], str(sorted(key.items())))
            if identity in seen:
                raise MultipleTransactionsException()
            seen.add(identity)
            current = self.get_item(op["TableName"], key)
            failure = (None, None, None)
            if op.get("ConditionExpression") is not None:
                condition = get_filter_expression(op["ConditionExpression"], op.get("ExpressionAttributeNames"),
                                         op.get("ExpressionAttributeValues"))
                if not condition.expr(current):
                    old = current.to_json()["Attributes"] if (
                        op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current) else None
                    failure = ("ConditionalCheckFailed", "The conditional request failed", old)
            errors.append(failure)
            plan.append((op_type, op, key))
        if any(code is not None for code, _, _ in errors):
            raise TransactionCanceledException(errors)
        _apply_all_or_nothing(self, plan)


def _apply_all_or_nothing(backend, plan) -> None:
    """Apply each write; if one raises, put every touched item back as it was and drop the stream
    records the earlier writes made, then re-raise (the caller holds `_lock`)."""
    import copy
    saved, shards = [], {}
    for _, op, key in plan:
        table = backend.get_table(op["TableName"])
        current = backend.get_item(op["TableName"], key)
        saved.append((table, key, copy.deepcopy(current)))
        if table.stream_shard is not None:
            shards.setdefault(id(table.stream_shard), (table.stream_shard, len(table.stream_shard.items)))
    try:
        for op_type, op, key in plan:
            names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            if op_type == "Put":
                backend.put_item(op["TableName"], op["Item"], expression_attribute_names=names,
                                 expression_attribute_values=values)
            elif op_type == "Delete":
                backend.delete_item(op["TableName"], key, expression_attribute_names=names,
                                    expression_attribute_values=values)
            elif op_type == "Update":
                backend.update_item(op["TableName"], key, update_expression=op["UpdateExpression"],
                                    expression_attribute_names=names, expression_attribute_values=values)
    except Exception:
        for table, key, before in reversed(saved):
            _restore(table, key, before)
        for shard, length in shards.values():
            del shard.items[length:]
        raise


def _restore(table, key: dict, before) -> None:
    from moto.dynamodb.models.dynamo_type import DynamoType
    hash_value = DynamoType(key[table.hash_key_attr])
    range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
    if range_value is None:
        if before is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = before
        return
    partition = table.items[hash_value]
    if before is None:
        partition.pop(range_value, None)
        if not partition:
            table.items.pop(hash_value, None)
    else:
        partition[range_value] = before


def _plain(key) -> tuple:
    if key is None:
        return ("",)
    return (key.type, float(key.value) if key.type == "N" else key.value)


def _all_items_cheaply(self):
    items = []
    for hash_set in self.items.values():
        if self.range_key_attr:
            items.extend(hash_set.values())
        else:
            items.append(hash_set)
    return sorted(items, key=lambda x: (_plain(x.hash_key), _plain(x.range_key)))


def _partition_query(real_query):
    import inspect
    signature = inspect.signature(real_query)

    def query(self, *args, **kwargs):
        call = signature.bind(self, *args, **kwargs).arguments
        hash_key = call.get("hash_key")
        if call.get("index_name") is not None or hash_key is None or not self.range_key_attr:
            return real_query(self, *args, **kwargs)
        partition = list(self.items.get(hash_key, {}).values())
        with _lock:  # the instance attribute shadows the method for this one call only
            self.all_items = lambda: sorted(partition, key=lambda x: _plain(x.range_key))
            try:
                return real_query(self, *args, **kwargs)
            finally:
                del self.all_items
    return query


# Form fields S3 does not hold to a policy condition.
_POST_EXEMPT = {"policy", "x-amz-signature", "file", "awsaccesskeyid", "signature"}


def _s3_error(status: int, code: str, message: str):
    body = f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{message}</Message></Error>'
    return status, {"Content-Type": "application/xml"}, body


def _policy_refusal(fields: dict, size: int, bucket: str):
    """S3's verdict on a POST's policy: None if it holds, else the error response."""
    import base64
    import json
    from datetime import datetime, timezone
    try:
        policy = json.loads(base64.b64decode(fields["policy"]))
        expires = datetime.strptime(policy["expiration"].replace("Z", "+0000")[:19] + "+0000",
                                    "%Y-%m-%dT%H:%M:%S%z")
    except (ValueError, KeyError, TypeError):
        return _s3_error(400, "InvalidPolicyDocument", "Invalid Policy: Invalid JSON.")
    if expires < datetime.now(timezone.utc):
        return _s3_error(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
    values = {k.lower(): v for k, v in fields.items()} | {"bucket": bucket}
    covered = set()
    for condition in policy.get("conditions", []):
        if isinstance(condition, dict):
            (name, expected), = condition.items()
            op = "eq"
        elif condition[0] == "content-length-range":
            low, high = int(condition[1]), int(condition[2])
            if size > high:
                return _s3_error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
            if size < low:
                return _s3_error(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
            continue
        else:
            op, name, expected = condition[0], condition[1].lstrip("$"), condition[2]
        name = name.lower()
        covered.add(name)
        actual = values.get(name)
        if actual is None or (actual != expected if op == "eq" else not actual.startswith(expected)):
            return _s3_error(403, "AccessDenied", f'Invalid according to Policy: Policy Condition failed: '
                                                  f'["{op}", "${name}", "{expected}"]')
    extra = sorted(n for n in values if n not in covered and n not in _POST_EXEMPT and n != "bucket"
                   and not n.startswith("x-ignore-"))
    if extra:
        return _s3_error(403, "AccessDenied", f"Invalid according to Policy: Extra input fields: {extra[0]}")
    return None


def _post_policy_enforced(real_post):
    def post(self, request, bucket_name):
        fields = {k: v[0] for k, v in (self.querystring or {}).items() if isinstance(v, list) and v}
        if "policy" not in fields or "key" not in fields:
            return real_post(self, request, bucket_name)
        content = self.body if isinstance(self.body, (bytes, str)) else b""
        refused = _policy_refusal(fields, len(content.encode() if isinstance(content, str) else content),
                                  bucket_name)
        if refused is not None:
            return refused
        response = real_post(self, request, bucket_name)
        if "tagging" in fields and response[0] < 300:
            import xmltodict
            tags = xmltodict.parse(fields["tagging"])["Tagging"]["TagSet"]["Tag"]
            tags = tags if isinstance(tags, list) else [tags]
            stored = self.backend.get_object(bucket_name, fields["key"])
            self.backend.put_object_tagging(stored, {t["Key"]: t["Value"] for t in tags})
        return response
    return post


def _listed_once(real_list):
    listed: list = []

    def list_of_moto_modules():
        if not listed:
            listed.append(tuple(real_list()))
        return listed[0]
    return list_of_moto_modules


_originals: dict = {}


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table
    from moto import backends
    from moto.s3.responses import S3Response
    _originals.update({(backends, "list_of_moto_modules"): backends.list_of_moto_modules,
                       (DynamoDBBackend, "transact_write_items"): DynamoDBBackend.transact_write_items,
                       (Table, "all_items"): Table.all_items, (Table, "query"): Table.query,
                       (S3Response, "_bucket_response_post"): S3Response._bucket_response_post})
    S3Response._bucket_response_post = _post_policy_enforced(S3Response._bucket_response_post)
    backends.list_of_moto_modules = _listed_once(backends.list_of_moto_modules)
    DynamoDBBackend.transact_write_items = _check_then_apply
    Table.all_items = _all_items_cheaply
    Table.query = _partition_query(Table.query)
    _applied = True


@contextlib.contextmanager
def unpatched():
    """moto as it ships, for a test that holds a patch to moto's own behaviour."""
    patched = {(owner, name): getattr(owner, name) for owner, name in _originals}
    for (owner, name), original in _originals.items():
        setattr(owner, name, original)
    try:
        yield
    finally:
        for (owner, name), mine in patched.items():
            setattr(owner, name, mine)
