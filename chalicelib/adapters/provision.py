"""Create the table, queues (each with a dead-letter queue) and bucket from `resources`.

Used by `make run` against the embedded moto server and by the tests against moto; AWS stages
get the same definitions through the CloudFormation rendering in `resources.Resources`.
Idempotent: existing resources are left as they are.
"""
from __future__ import annotations

import json

from ..resources import MAX_RECEIVE_COUNT, QUEUE_VISIBILITY_SECONDS, Resources


def create_table(dynamodb, resources: Resources) -> None:
    try:
        dynamodb.create_table(**resources.table_definition())
    except dynamodb.exceptions.ResourceInUseException:
        return
    dynamodb.get_waiter("table_exists").wait(TableName=resources.table_name,
                                             WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})


def create_queues(sqs, resources: Resources, bank_codes) -> dict[str, str]:
    urls = {}
    for spec in resources.all_queues(bank_codes):
        dlq_url = sqs.create_queue(QueueName=spec.dlq_name)["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        urls[spec.key] = sqs.create_queue(QueueName=spec.name, Attributes={
            "VisibilityTimeout": str(QUEUE_VISIBILITY_SECONDS),
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn,
                                         "maxReceiveCount": str(MAX_RECEIVE_COUNT)}),
        })["QueueUrl"]
    return urls


def create_bucket(s3, resources: Resources, region: str) -> None:
    kwargs = {"Bucket": resources.bucket_name}
    if region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    try:
        s3.create_bucket(**kwargs)
    except (s3.exceptions.BucketAlreadyOwnedByYou, s3.exceptions.BucketAlreadyExists):
        pass


def provision(container) -> dict[str, str]:
    """Everything the service needs, in the account `container` points at."""
    resources = container.resources
    create_table(container.dynamodb, resources)
    create_bucket(container.client("s3"), resources, container.settings.region)
    return create_queues(container.sqs, resources, container.catalog.bank_codes())
