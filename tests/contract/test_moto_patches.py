"""scripts/moto_patches.py replaces moto's transactions and queries: each patch answers as moto
itself (and DynamoDB) does. Every case runs twice, on the patched and on the unpatched moto."""
import boto3
from botocore.config import Config
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from scripts import moto_patches

TABLE = "patch-check"


@pytest.fixture(params=["patched", "unpatched"])
def table(request):
    with mock_aws():
        db = boto3.client("dynamodb", region_name="us-east-1")
        db.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"},
                                              {"AttributeName": "SK", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"},
                                   {"AttributeName": "SK", "KeyType": "RANGE"}],
                        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
        if request.param == "unpatched":
            with moto_patches.unpatched():
                yield db
        else:
            yield db


def put(pk: str, **attrs) -> dict:
    return {"Put": {"TableName": TABLE, "Item": {"PK": {"S": pk}, "SK": {"S": "A"}, **attrs}}}


def keys(db) -> list[str]:
    return sorted(i["PK"]["S"] for pk in ("a", "b", "c", "counter")
                  for i in db.query(TableName=TABLE, KeyConditionExpression="PK = :p",
                                    ExpressionAttributeValues={":p": {"S": pk}})["Items"])


def stream_records(db) -> int:
    streams = boto3.client("dynamodbstreams", region_name="us-east-1",
                           config=Config(account_id_endpoint_mode="disabled"))
    arn = db.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    return len(streams.get_records(ShardIterator=it)["Records"])


def test_a_failing_condition_on_the_last_item_leaves_no_earlier_write(table):
    table.put_item(TableName=TABLE, Item={"PK": {"S": "c"}, "SK": {"S": "A"}, "v": {"N": "1"}})
    before = stream_records(table)
    with pytest.raises(ClientError) as caught:
        table.transact_write_items(TransactItems=[
            put("a"), put("b"),
            {"Put": {**put("c")["Put"], "ConditionExpression": "attribute_not_exists(PK)"}}])
    assert caught.value.response["Error"]["Code"] == "TransactionCanceledException"
    codes = [r.get("Code") for r in caught.value.response["CancellationReasons"]]
    assert codes == ["None", "None", "ConditionalCheckFailed"]
    assert keys(table) == ["c"]
    assert stream_records(table) == before


def test_an_item_that_fails_while_being_applied_leaves_no_earlier_write(table):
    """An ADD to a text attribute is refused only when the update runs, after the other puts."""
    table.put_item(TableName=TABLE, Item={"PK": {"S": "counter"}, "SK": {"S": "A"}, "total": {"S": "text"}})
    before = stream_records(table)
    with pytest.raises(ClientError) as caught:
        table.transact_write_items(TransactItems=[
            put("a", v={"N": "1"}),
            {"Update": {"TableName": TABLE, "Key": {"PK": {"S": "counter"}, "SK": {"S": "A"}},
                        "UpdateExpression": "ADD total :n", "ExpressionAttributeValues": {":n": {"N": "5"}}}}])
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert keys(table) == ["counter"]
    assert table.get_item(TableName=TABLE, Key={"PK": {"S": "counter"}, "SK": {"S": "A"}})["Item"]["total"] == {"S": "text"}
    assert stream_records(table) == before


def test_a_transaction_that_succeeds_writes_every_item_and_its_stream_records(table):
    before = stream_records(table)
    table.transact_write_items(TransactItems=[put("a"), put("b")])
    assert keys(table) == ["a", "b"]
    assert stream_records(table) == before + 2


def test_a_query_on_one_partition_returns_its_items_in_key_order(table):
    for sk in ("H#000010", "A", "H#000002"):
        table.put_item(TableName=TABLE, Item={"PK": {"S": "a"}, "SK": {"S": sk}})
    table.put_item(TableName=TABLE, Item={"PK": {"S": "b"}, "SK": {"S": "A"}})
    items = table.query(TableName=TABLE, KeyConditionExpression="PK = :p AND begins_with(SK, :h)",
                        ExpressionAttributeValues={":p": {"S": "a"}, ":h": {"S": "H#"}}, ScanIndexForward=False)
    assert [i["SK"]["S"] for i in items["Items"]] == ["H#000010", "H#000002"]


def test_moto_server_lists_the_same_services_once_not_on_every_request(monkeypatch):
    """moto's server listed its package directory on every request, under its dispatcher's lock."""
    import os

    from moto import backends
    moto_patches.apply()
    shipped = list(moto_patches._originals[(backends, "list_of_moto_modules")]())
    assert list(backends.list_of_moto_modules()) == shipped and "sqs" in shipped

    def no_listing(path):
        raise AssertionError("moto listed its directory again")
    monkeypatch.setattr(os, "listdir", no_listing)
    assert list(backends.list_of_moto_modules()) == shipped
