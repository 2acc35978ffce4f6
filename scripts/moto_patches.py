"""Make moto's DynamoDB transactions cost what they cost in DynamoDB: the items they touch.

moto 5.2 deep-copies every table a transaction touches, once per item of the transaction, so it
can roll back. With a stream enabled the copy includes every stream record ever written: 400
submissions took 170 s and 8 GB here, and the growth is quadratic. DynamoDB evaluates every
condition of a transaction against the state before it and applies all or nothing; this does
the same (check every condition, then apply), with a lock so concurrent requests to the
embedded server stay atomic. Used only by the tests and `make run`, never in AWS.
"""
from __future__ import annotations

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
        for op_type, op, key in plan:
            names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            if op_type == "Put":
                self.put_item(op["TableName"], op["Item"], expression_attribute_names=names,
                              expression_attribute_values=values)
            elif op_type == "Delete":
                self.delete_item(op["TableName"], key, expression_attribute_names=names,
                                 expression_attribute_values=values)
            elif op_type == "Update":
                self.update_item(op["TableName"], key, update_expression=op["UpdateExpression"],
                                 expression_attribute_names=names, expression_attribute_values=values)


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.dynamodb.models import DynamoDBBackend
    DynamoDBBackend.transact_write_items = _check_then_apply
    _applied = True
