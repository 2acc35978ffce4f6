"""The AWS resources the service needs, defined once.

The local stack (`make run`), the tests and the deployment template are all built from these
definitions, so a queue or an index cannot exist in one place and be missing in another.
"""
from __future__ import annotations

from dataclasses import dataclass

AGENCY_KINDS = ("hr", "ipo", "realestate", "purchaser")
MAX_RECEIVE_COUNT = 5          # deliveries before a message is parked on its dead-letter queue
QUEUE_VISIBILITY_SECONDS = 60
DLQ_RETENTION_SECONDS = 14 * 24 * 3600   # SQS's longest: time for an operator to redrive
INDEXES = ("GSI1", "GSI2", "GSI3")
NOTIFICATIONS_KEY = "notifications"     # the SMS/e-mail gateway's queue (DESIGN: Notifications)
UPLOAD_ABORT_DAYS = 1          # an unfinished multipart upload is removed after a day
UNREFERENCED_UPLOAD_DAYS = 7   # a material no application names (still tagged state=pending) expires
MATERIAL_STATE_TAG, MATERIAL_PENDING = "state", "pending"   # an upload's tag until an application names it


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
        if key == NOTIFICATIONS_KEY:
            return self.notifications_queue()
        raise ValueError(f"unknown queue key {key!r}")

    def notifications_queue(self) -> QueueSpec:
        return self._queue(NOTIFICATIONS_KEY, NOTIFICATIONS_KEY)

    def all_queues(self, bank_codes) -> list[QueueSpec]:
        return ([self.agency_queue(k) for k in AGENCY_KINDS] + [self.bank_queue(c) for c in bank_codes]
                + [self.notifications_queue()])

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

    @staticmethod
    def queue_logical_id(spec: QueueSpec) -> str:
        """`gc-prod-bank-ICBC-BJ` → `QGcProdBankIcbcBj`: the queue's name in the template."""
        return "Q" + "".join(ch for ch in spec.name.title() if ch.isalnum())

    def cloudformation(self, bank_codes) -> dict:
        """The same resources as a template to merge into `chalice package` output.

        CloudFormation differs from CreateTable in one key: a stream is on when it has a view type
        (`StreamEnabled` is not a property there). Point-in-time recovery makes the table
        restorable (README: Restoring the table); every dead-letter queue has an alarm, since a
        message there waits for an operator."""
        table = self.table_definition()
        table["StreamSpecification"] = {"StreamViewType": table["StreamSpecification"]["StreamViewType"]}
        resources: dict = {
            "MainTable": {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain",
                          "UpdateReplacePolicy": "Retain", "Properties": {
                **table,
                "TimeToLiveSpecification": {"AttributeName": "expires_at", "Enabled": True},
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                "SSESpecification": {"SSEEnabled": True},
            }},
            "MaterialsBucket": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain",
                                "UpdateReplacePolicy": "Retain", "Properties": {
                "BucketName": self.bucket_name,
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True, "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
                "VersioningConfiguration": {"Status": "Enabled"},
                "LifecycleConfiguration": {"Rules": [{
                    "Id": "tidy", "Status": "Enabled",
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": UPLOAD_ABORT_DAYS},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}, {
                    # uploads never named by an application (submission retags them state=kept)
                    "Id": "unreferenced-uploads", "Status": "Enabled",
                    "TagFilters": [{"Key": MATERIAL_STATE_TAG, "Value": MATERIAL_PENDING}],
                    "ExpirationInDays": UNREFERENCED_UPLOAD_DAYS}]},
            }},
            "MaterialsBucketPolicy": {"Type": "AWS::S3::BucketPolicy", "Properties": {
                "Bucket": {"Ref": "MaterialsBucket"},
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                    "Resource": [{"Fn::GetAtt": ["MaterialsBucket", "Arn"]},
                                 {"Fn::Sub": "${MaterialsBucket.Arn}/*"}],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}},
            "OperatorAlarms": {"Type": "AWS::SNS::Topic", "Properties": {
                "TopicName": f"{self.prefix}-alarms"}},
        }
        for spec in self.all_queues(bank_codes):
            logical = self.queue_logical_id(spec)
            resources[logical + "Dlq"] = {"Type": "AWS::SQS::Queue", "Properties": {
                "QueueName": spec.dlq_name, "MessageRetentionPeriod": DLQ_RETENTION_SECONDS,
                "SqsManagedSseEnabled": True}}
            resources[logical] = {"Type": "AWS::SQS::Queue", "Properties": {
                "QueueName": spec.name,
                "VisibilityTimeout": QUEUE_VISIBILITY_SECONDS,
                "SqsManagedSseEnabled": True,
                "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [logical + "Dlq", "Arn"]},
                                  "maxReceiveCount": MAX_RECEIVE_COUNT}}}
            resources[logical + "DlqAlarm"] = {"Type": "AWS::CloudWatch::Alarm", "Properties": {
                "AlarmName": f"{spec.dlq_name}-not-empty",
                "AlarmDescription": f"Messages parked on {spec.dlq_name}: see README, Moving dead letters back",
                "Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
                "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [logical + "Dlq", "QueueName"]}}],
                "Statistic": "Maximum", "Period": 300, "EvaluationPeriods": 1, "Threshold": 1,
                "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching",
                "AlarmActions": [{"Ref": "OperatorAlarms"}]}}
        return {"Resources": resources}
