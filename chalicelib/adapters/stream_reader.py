"""Read the table's DynamoDB stream outside Lambda, to feed the same fan-out handler.

In AWS, Lambda's event-source mapping reads the stream. Locally (`make run`) and in tests this
reader does it: it follows every shard from its oldest record and returns records shaped as in
a Lambda event (`{"Records": [...]}`).
"""
from __future__ import annotations


class StreamReader:
    def __init__(self, dynamodb, streams, table_name: str):
        self._streams = streams
        self._arn = dynamodb.describe_table(TableName=table_name)["Table"]["LatestStreamArn"]
        self._iterators: dict[str, str | None] = {}

    def _refresh_shards(self) -> None:
        shards = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]["Shards"]
        for shard in shards:
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators:
                self._iterators[shard_id] = self._streams.get_shard_iterator(
                    StreamArn=self._arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]

    def poll(self, limit: int = 1000) -> dict:
        """Records added since the last poll, as a Lambda stream event."""
        self._refresh_shards()
        records = []
        for shard_id, iterator in list(self._iterators.items()):
            if iterator is None:
                continue
            resp = self._streams.get_records(ShardIterator=iterator, Limit=limit)
            records += resp.get("Records", [])
            self._iterators[shard_id] = resp.get("NextShardIterator")
        return {"Records": [self._as_lambda_record(r) for r in records]}

    def _as_lambda_record(self, record: dict) -> dict:
        """boto3 parses timestamps into datetimes; Lambda delivers epoch seconds."""
        dynamodb = dict(record["dynamodb"])
        created = dynamodb.get("ApproximateCreationDateTime")
        if hasattr(created, "timestamp"):
            dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
        return {**record, "dynamodb": dynamodb, "eventSourceARN": self._arn}
