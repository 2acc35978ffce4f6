"""Read the table's DynamoDB stream outside Lambda, to feed the same fan-out handler.

In AWS, Lambda's event-source mapping reads the stream. Locally (`make run`) and in tests this
reader does it: it follows every shard from its oldest record and returns records shaped as in
a Lambda event (`{"Records": [...]}`). Like the mapping with ReportBatchItemFailures, it can be
told how a batch went (`settle`): the next poll then starts each shard again from its first
failed record (or from the batch's start if the handler raised), followed by new records.
"""
from __future__ import annotations

import time

SHARD_REFRESH_SECONDS = 1.0   # how often the stream's shard list is read again (a new shard is rare)


class StreamReader:
    def __init__(self, dynamodb, streams, table_name: str):
        self._streams = streams
        self._arn = dynamodb.describe_table(TableName=table_name)["Table"]["LatestStreamArn"]
        self._iterators: dict[str, str | None] = {}
        self._given: dict[str, list[dict]] = {}    # shard -> records of the last poll
        self._again: dict[str, list[dict]] = {}    # shard -> records to give again, in order
        self._refreshed = float("-inf")

    def _refresh_shards(self) -> None:
        """New shards, at most once a second: a DescribeStream on every poll was a third of an
        idle poll's calls, and polls follow each other at once while records keep coming."""
        if time.monotonic() - self._refreshed < SHARD_REFRESH_SECONDS:
            return
        self._refreshed = time.monotonic()
        shards = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]["Shards"]
        for shard in shards:
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators:
                self._iterators[shard_id] = self._streams.get_shard_iterator(
                    StreamArn=self._arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]

    def poll(self, limit: int = 1000) -> dict:
        """Records a settled failure left to retry, then those added since the last poll, as a
        Lambda stream event. (A caller that never calls `settle` just gets the new records.)"""
        self._refresh_shards()
        given: dict[str, list[dict]] = {}
        try:
            for shard_id, iterator in list(self._iterators.items()):
                records = given[shard_id] = self._again.pop(shard_id, [])
                if iterator is not None:
                    resp = self._streams.get_records(ShardIterator=iterator, Limit=limit)
                    records += [self._as_lambda_record(r) for r in resp.get("Records", [])]
                    self._iterators[shard_id] = resp.get("NextShardIterator")
        except Exception:
            # A failed read loses nothing: what was already taken is given again next time.
            self._again.update((shard, records) for shard, records in given.items() if records)
            raise
        self._given = {shard: records for shard, records in given.items() if records}
        return {"Records": [r for records in self._given.values() for r in records]}

    def settle(self, response: dict | None) -> None:
        """How the handler took the last poll's batch: its partial batch response, or None if it
        raised. As Lambda does, each shard resumes at its first failed record (sequence numbers
        only order records within a shard); records before it count as processed."""
        failed = None if response is None else {
            f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
        for shard_id, records in self._given.items():
            first = 0 if failed is None else next(
                (n for n, r in enumerate(records) if r["dynamodb"]["SequenceNumber"] in failed), None)
            if first is not None:
                self._again[shard_id] = records[first:]
        self._given = {}

    def _as_lambda_record(self, record: dict) -> dict:
        """boto3 parses timestamps into datetimes; Lambda delivers epoch seconds."""
        dynamodb = dict(record["dynamodb"])
        created = dynamodb.get("ApproximateCreationDateTime")
        if hasattr(created, "timestamp"):
            dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
        return {**record, "dynamodb": dynamodb, "eventSourceARN": self._arn}
