"""The AWS resources the service needs, defined once.

The local stack (`make run`), the tests and the deployment template are all built from these
definitions, so a queue or an index cannot exist in one place and be missing in another.
"""
from __future__ import annotations

from dataclasses import dataclass

AGENCY_KINDS = ("hr", "ipo", "realestate", "purchaser")
MAX_RECEIVE_COUNT = 5          # deliveries before a message is parked on its dead-letter queue
QUEUE_VISIBILITY_SECONDS = 60
INDEXES = ("GSI1", "GSI2", "GSI3")


def agency_kind(agency_id: str) -> str:
    """`purchaser:PU-110000-0001` → `purchaser`: every purchasing unit shares one queue."""
    return agency_id.split(":", 1)[0]


@dataclass(frozen=True)
class QueueSpec:
    key: str        # logical address used in outbox items: "agency:hr", "bank:ICBC-BJ"
    name: str
    dlq_name: str


@dataclass(frozen=True)
class Resources:
    prefix: str

    @property
    def table_name(self) -> str:
        return f"{self.prefix}-main"

    @property
    def bucket_name(self) -> str:
        return f"{self.prefix}-materials"

    def agency_queue(self, agency_id: str) -> QueueSpec:
        return self._queue(f"agency:{agency_kind(agency_id)}", f"agency-{agency_kind(agency_id)}")

    def bank_queue(self, bank_code: str) -> QueueSpec:
        return self._queue(f"bank:{bank_code}", f"bank-{bank_code}")

    def queue_for_key(self, key: str) -> QueueSpec:
        kind, _, ident = key.partition(":")
        if kind == "agency":
            return self.agency_queue(ident)
        if kind == "bank":
            return self.bank_queue(ident)
        raise ValueError(f"unknown queue key {key!r}")

    def all_queues(self, bank_codes) -> list[QueueSpec]:
        return [self.agency_queue(k) for k in AGENCY_KINDS] + [self.bank_queue(c) for c in bank_codes]

    def _queue(self, key: str, suffix: str) -> QueueSpec:
        name = f"{self.prefix}-{suffix}"
        return QueueSpec(key=key, name=name, dlq_name=f"{name}-dlq")

    def table_definition(self) -> dict:
        """CreateTable arguments: one table, three overloaded indexes, a stream for the outbox."""
        attrs = ["PK", "SK"] + [f"{i}{part}" for i in INDEXES for part in ("PK", "SK")]
        return {
            "TableName": self.table_name,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in attrs],
            "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"},
                          {"AttributeName": "SK", "KeyType": "RANGE"}],
            "GlobalSecondaryIndexes": [{
                "IndexName": i,
                "KeySchema": [{"AttributeName": f"{i}PK", "KeyType": "HASH"},
                              {"AttributeName": f"{i}SK", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            } for i in INDEXES],
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        }

    def cloudformation(self, bank_codes) -> dict:
        """The same resources as a template to merge into `chalice package` output."""
        table = self.table_definition()
        resources: dict = {
            "MainTable": {"Type": "AWS::DynamoDB::Table", "Properties": {
                **{k: v for k, v in table.items()},
                "TimeToLiveSpecification": {"AttributeName": "expires_at", "Enabled": True},
            }},
            "MaterialsBucket": {"Type": "AWS::S3::Bucket", "Properties": {
                "BucketName": self.bucket_name,
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True, "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
            }},
        }
        for spec in self.all_queues(bank_codes):
            logical = "Q" + "".join(ch for ch in spec.name.title() if ch.isalnum())
            resources[logical + "Dlq"] = {"Type": "AWS::SQS::Queue", "Properties": {
                "QueueName": spec.dlq_name, "MessageRetentionPeriod": 1209600}}
            resources[logical] = {"Type": "AWS::SQS::Queue", "Properties": {
                "QueueName": spec.name,
                "VisibilityTimeout": QUEUE_VISIBILITY_SECONDS,
                "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [logical + "Dlq", "Arn"]},
                                  "maxReceiveCount": MAX_RECEIVE_COUNT}}}
        return {"Resources": resources}
