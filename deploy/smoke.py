"""Smoke test: the template after the SAM transform, created as a stack on moto's CloudFormation.

It proves what linting cannot: every `Ref` and `Fn::GetAtt` resolves, in dependency order, into
resources that exist afterwards (the table with its stream, every queue and its DLQ, the roles,
the functions and the stream's event source mapping). moto does not run the SAM transform (done
first, by aws-sam-translator) nor Lambda code, and `SKIPPED` lists what it cannot create, left
out here and checked by cfn-lint only:
- Cognito user pools, clients, domains and groups, and Secrets Manager secrets: no moto
  CloudFormation support;
- the API Gateway REST API, its stage and deployment: moto needs a `Name` that an API defined by
  an OpenAPI body does not have, and `Lambda::Permission` points at it;
- environment variables built from those (the issuer, the audience, the resolved secret).
moto also accepts but does not create the bucket policy and the CloudWatch alarms (it warns).
"""
from __future__ import annotations

import json

SKIPPED = ("AWS::Cognito::", "AWS::SecretsManager::", "AWS::ApiGateway::", "AWS::Lambda::Permission")
REGION = "us-east-1"


def for_moto(cloudformation: dict) -> dict:
    """The translated template less what moto cannot create (see the module docstring)."""
    template = json.loads(json.dumps(cloudformation))
    template["Resources"] = {k: v for k, v in template["Resources"].items() if not v["Type"].startswith(SKIPPED)}
    template["Outputs"] = {}
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Lambda::Function":
            env = resource["Properties"]["Environment"]["Variables"]
            resource["Properties"]["Environment"]["Variables"] = {k: v for k, v in env.items() if isinstance(v, str)}
    return template


def create_stack(sam: dict) -> dict:
    """Create the stack on moto (inside an active `mock_aws`); returns describe_stacks' stack."""
    import boto3
    from deploy.check import PLACEHOLDER_CODE, translate
    bucket, key = PLACEHOLDER_CODE.removeprefix("s3://").split("/", 1)
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=key, Body=b"PK\x05\x06" + b"\0" * 18)   # an empty zip
    cfn = boto3.client("cloudformation", region_name=REGION)
    cfn.create_stack(StackName="gc-prod", TemplateBody=json.dumps(for_moto(translate(sam, REGION))),
                     Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"])
    return cfn.describe_stacks(StackName="gc-prod")["Stacks"][0]
