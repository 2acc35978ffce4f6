"""Offline proof that the packaged template deploys: cfn-lint and the SAM transform, per region.

`make package` calls `check_template` and fails on any error, so a template CloudFormation would
refuse never leaves a developer's machine or CI. Both target regions are checked because they
differ (the China regions have no Cognito user pools, and their ARNs use the `aws-cn` partition).

The SAM transform is aws-sam-translator, the library CloudFormation's `AWS::Serverless`
transform runs; its output is linted again as plain CloudFormation. What this cannot prove
without an account: that names are free (bucket, Cognito domain), service quotas, and that the
code runs in Lambda (tests/integration/test_packaging.py imports the unpacked zip for that).
"""
from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

REGIONS = ("us-east-1", "cn-north-1")
PLACEHOLDER_CODE = "s3://artifacts/deployment.zip"   # `aws cloudformation package` puts an S3 URI here


def lint(template: dict, region: str) -> tuple[list[str], list[str]]:
    """cfn-lint's (errors, warnings) for one region, as printable lines."""
    from cfnlint.api import ManualArgs, lint as cfn_lint
    matches = cfn_lint(json.dumps(template), config=ManualArgs(regions=[region]))
    lines = [(m.rule.id, f"{region} {m.rule.id} {m.message} ({'/'.join(map(str, m.path or []))})")
             for m in matches]
    return [l for rule, l in lines if rule.startswith("E")], [l for rule, l in lines if rule.startswith("W")]


def translate(template: dict, region: str) -> dict:
    """The SAM transform as CloudFormation runs it, offline (no managed policies are referenced)."""
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator
    sam = copy.deepcopy(template)
    for resource in sam["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = PLACEHOLDER_CODE
    session = boto3.session.Session(region_name=region, aws_access_key_id="offline", aws_secret_access_key="offline")
    return Translator({}, Parser(), boto_session=session).translate(sam, {})


def check_template(template: dict, regions=REGIONS) -> tuple[list[str], list[str]]:
    """(errors, warnings) of the SAM template and of its transform, in every region."""
    from samtranslator.model.exceptions import InvalidDocumentException
    errors, warnings = [], []
    for region in regions:
        for stage, doc in (("sam", template), ("cloudformation", None)):
            if doc is None:
                try:
                    doc = translate(template, region)
                except InvalidDocumentException as exc:
                    errors += [f"{region} SAM transform: {cause.message}" for cause in exc.causes]
                    continue
            found, warned = lint(doc, region)
            errors += [f"[{stage}] {line}" for line in found]
            warnings += [f"[{stage}] {line}" for line in warned]
    return errors, warnings


def main(path: str) -> int:
    errors, warnings = check_template(json.loads(Path(path).read_text()))
    for line in warnings:
        print("warning:", line, file=sys.stderr)
    for line in errors:
        print("error:", line, file=sys.stderr)
    print(f"template check: {len(errors)} errors, {len(warnings)} warnings in {', '.join(REGIONS)}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
