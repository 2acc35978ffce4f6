"""`make package`: the Lambda package carries the data folders, and its one template deploys the
whole service in any account and region (no region, account or placeholder written into it)."""
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from chalicelib.catalog import Catalog
from chalicelib.resources import AGENCY_KINDS, Resources
from deploy.check import check_template
from deploy.template import finish
from scripts.package import package, stage_project

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def packaged(tmp_path_factory):
    work = tmp_path_factory.mktemp("pkg")
    tag = stage_project(work)             # what `make package` runs, in a staging folder
    assert tag.startswith("manylinux")
    merge = work / "resources.json"
    merge.write_text(json.dumps(Resources("gc-prod").cloudformation(Catalog.load().bank_codes())))
    # a user with no AWS configuration at all: no region, no credentials, no profile
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") or k == "AWS_CA_BUNDLE"}
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    done = package(work, merge, Path("out"), env=env, capture=True)   # what `make package` runs
    assert done.returncode == 0, done.stdout + done.stderr
    return work / "out"


@pytest.mark.slow
def test_the_zip_holds_rules_forms_and_catalog(packaged):
    names = set(zipfile.ZipFile(packaged / "deployment.zip").namelist())
    for kind, example in (("rules", ".yaml"), ("forms", "credit.schema.json"), ("data", "catalog.yaml")):
        assert any(n.startswith(f"chalicelib/_bundled/{kind}/") and n.endswith(example) for n in names), kind
    assert "app.py" in names
    assert "chalicelib/_portal/index.html" in names   # the web portal, built by `make portal`
    assert any(n.startswith("chalicelib/_portal/main-") and n.endswith(".js") for n in names)
    # the fan-out handler imports Powertools' batch processor at run time
    assert "aws_lambda_powertools/utilities/batch/__init__.py" in names


@pytest.mark.slow
def test_the_zips_compiled_extensions_import_in_a_clean_interpreter(packaged, tmp_path):
    """A rules engine Lambda loads: the zip holds one durable-rules, the wheel built and audited by
    `make package`, and its C extension imports with nothing but the stdlib and the zip's files
    on the path (-S: no site-packages, -E: no PYTHON* variables); so do the other compiled
    packages every request uses (orjson, jsonschema-rs), from the zip's Linux wheels."""
    names = zipfile.ZipFile(packaged / "deployment.zip").namelist()
    assert names.count("durable_rules_engine.cpython-311-x86_64-linux-gnu.so") == 1
    assert len(names) == len(set(names))
    zipfile.ZipFile(packaged / "deployment.zip").extractall(tmp_path)
    code = ("import sys; sys.path.insert(0, '.'); import durable_rules_engine, durable.lang, orjson, jsonschema_rs; "
            "assert orjson.dumps({'原因': 1}).decode() == '{\"原因\":1}'; print(durable_rules_engine.__file__)")
    done = subprocess.run([sys.executable, "-S", "-E", "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env={"PATH": os.environ["PATH"]})
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).resolve().parent == tmp_path.resolve()


def test_a_wheel_needing_a_newer_glibc_than_lambdas_is_refused(tmp_path, monkeypatch):
    from deploy import wheels
    monkeypatch.setattr(wheels, "build_wheel", lambda spec, dest: tmp_path / "x.whl")
    monkeypatch.setattr(wheels, "glibc_needed", lambda wheel: ("manylinux_2_28_x86_64", (2, 28)))
    with pytest.raises(ValueError, match="glibc 2.28"):
        wheels.vendor_durable_rules(ROOT / "requirements.txt", tmp_path)


@pytest.mark.slow
def test_the_template_declares_the_table_and_every_queue_with_its_dead_letter_queue(packaged):
    template = json.loads((packaged / "sam.json").read_text())
    types = [r["Type"] for r in template["Resources"].values()]
    assert types.count("AWS::DynamoDB::Table") == 1
    # agency kinds, banks and the notifications queue, each with its dead-letter queue
    assert types.count("AWS::SQS::Queue") == 2 * (len(AGENCY_KINDS) + len(Catalog.load().bank_codes()) + 1)


@pytest.mark.slow
def test_the_loader_reads_the_bundled_copies_in_the_unpacked_package(packaged, tmp_path):
    zipfile.ZipFile(packaged / "deployment.zip").extractall(tmp_path)
    code = ("from chalicelib.datafiles import data_dir; from chalicelib.forms import FormRegistry; "
            "from chalicelib.rules_engine import RuleBook; from chalicelib.catalog import Catalog; "
            "print(data_dir('rules')); FormRegistry.load(); RuleBook.load(); print(len(Catalog.load().banks()))")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env={"PATH": os.environ["PATH"]})
    assert done.returncode == 0, done.stderr
    rules_dir, banks = done.stdout.split()
    assert "_bundled" in rules_dir and int(banks) == len(Catalog.load().banks())


def _template(packaged) -> dict:
    return json.loads((packaged / "sam.json").read_text())


def _of_type(template, kind) -> dict:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


@pytest.mark.slow
def test_the_stream_event_source_reads_the_tables_stream_and_honours_partial_batch_responses(packaged):
    """Without FunctionResponseTypes Lambda ignores `batchItemFailures` and counts a failed record
    as processed: its message would wait in the outbox for a sweep instead of being retried."""
    template = _template(packaged)
    sources = [(name, source) for name, r in template["Resources"].items()
               for source in (r.get("Properties", {}).get("Events") or {}).values() if source["Type"] == "DynamoDB"]
    assert [name for name, _ in sources] == ["FanOut"]
    props = sources[0][1]["Properties"]
    assert props["Stream"] == {"Fn::GetAtt": ["MainTable", "StreamArn"]}
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert 0 < props["MaximumRetryAttempts"] <= 100


@pytest.mark.slow
def test_the_template_names_no_region_account_or_placeholder_and_is_compact(packaged):
    text = (packaged / "sam.json").read_text()
    template = json.loads(text)
    without_conditions = json.dumps({k: v for k, v in template.items() if k != "Conditions"})
    for literal in ("REPLACE_WITH", "us-east-1", "cn-north-1", "000000000000", "StreamEnabled", "arn:aws:"):
        assert literal not in without_conditions, literal
    assert "\n" not in text[:1000] and len(text) < 1_000_000   # compact; under CloudFormation's S3 limit


@pytest.mark.slow
def test_every_function_of_the_app_is_in_the_template(packaged):
    functions = _of_type(_template(packaged), "AWS::Serverless::Function")
    handlers = {f["Properties"]["Handler"] for f in functions.values()}
    assert {"app.app", "app.fan_out", "app.sweep", "app.deadlines"} <= handlers
    for scheduled in ("Sweep", "Deadlines"):
        assert any(e["Type"] == "Schedule" for e in functions[scheduled]["Properties"]["Events"].values())


@pytest.mark.slow
def test_the_table_keeps_its_history_and_every_dead_letter_queue_raises_an_alarm(packaged):
    template = _template(packaged)
    table = template["Resources"]["MainTable"]["Properties"]
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["TimeToLiveSpecification"]["Enabled"] is True
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["GSI1", "GSI2", "GSI3"]
    dlqs = {n for n, q in _of_type(template, "AWS::SQS::Queue").items() if q["Properties"]["QueueName"].endswith("-dlq")}
    watched = {a["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
               for a in _of_type(template, "AWS::CloudWatch::Alarm").values()}
    assert dlqs and dlqs <= watched
    names = {q["Properties"]["QueueName"] for q in _of_type(template, "AWS::SQS::Queue").values()}
    assert {"gc-prod-notifications", "gc-prod-notifications-dlq"} <= names


@pytest.mark.slow
def test_the_materials_bucket_is_private_encrypted_tls_only_and_tidied(packaged):
    template = _template(packaged)
    bucket = template["Resources"]["MaterialsBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert bucket["LifecycleConfiguration"]["Rules"][0]["AbortIncompleteMultipartUpload"]
    (policy,) = _of_type(template, "AWS::S3::BucketPolicy").values()
    (deny,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


@pytest.mark.slow
def test_cognito_has_a_group_per_role_and_the_portal_cannot_write_the_subject(packaged):
    """Identity is `cognito:groups` (role) and `custom:subject` (party): a client that could write
    custom:subject would let a user name themselves any enterprise."""
    from chalicelib.api.auth import ROLES
    template = _template(packaged)
    groups = {g["Properties"]["GroupName"] for g in _of_type(template, "AWS::Cognito::UserPoolGroup").values()}
    assert groups == set(ROLES)
    (client,) = _of_type(template, "AWS::Cognito::UserPoolClient").values()
    assert "custom:subject" not in client["Properties"]["WriteAttributes"]
    assert client["Properties"]["AllowedOAuthFlows"] == ["code"]
    assert _of_type(template, "AWS::Cognito::UserPoolDomain")


@pytest.mark.slow
def test_functions_get_their_settings_from_the_stack_and_the_cursor_secret_from_secrets_manager(packaged):
    template = _template(packaged)
    for fn in _of_type(template, "AWS::Serverless::Function").values():
        env = fn["Properties"]["Environment"]["Variables"]
        assert env["GC_CURSOR_SECRET"] == {"Fn::Sub": "{{resolve:secretsmanager:${CursorSecret}:SecretString}}"}
        assert env["GC_JWT_AUDIENCE"]["Fn::If"][1] == {"Ref": "PortalClient"}
        assert "GC_OUTBOX_STREAM_ARN" not in env
    secret = template["Resources"]["CursorSecret"]["Properties"]["GenerateSecretString"]
    assert secret["PasswordLength"] >= 32


@pytest.mark.slow
def test_api_gateway_answers_unknown_routes_and_its_own_errors_in_the_contracts_shape(packaged):
    responses = _template(packaged)["Resources"]["RestAPI"]["Properties"]["DefinitionBody"][
        "x-amazon-apigateway-gateway-responses"]
    assert {"MISSING_AUTHENTICATION_TOKEN", "DEFAULT_4XX", "DEFAULT_5XX", "THROTTLED"} <= set(responses)
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == "404"
    for response in responses.values():
        (error,) = json.loads(response["responseTemplates"]["application/json"])["errors"]
        assert set(error) == {"path", "code", "message_zh", "message_en"} and error["message_zh"]


@pytest.mark.slow
def test_api_gateway_answers_a_method_a_path_lacks_with_405_and_allow_as_the_app_does(packaged):
    """Without these, API Gateway answers DELETE /applications as an unknown route (404)."""
    import app  # noqa: F401 - registers the routes allowed_methods reads
    from chalicelib.api.http import allowed_methods
    paths = _template(packaged)["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    integration = paths["/applications"]["delete"]["x-amazon-apigateway-integration"]
    assert integration["type"] == "mock"
    answer = integration["responses"]["default"]
    assert answer["statusCode"] == "405"
    assert answer["responseParameters"]["method.response.header.Allow"] == "'GET, POST'"
    (error,) = json.loads(answer["responseTemplates"]["application/json"])["errors"]
    assert error["code"] == "method_not_allowed" and error["message_zh"] and error["message_en"]
    for path, operations in paths.items():   # every path's Allow is what the app itself says
        mocked = [op for op in operations.values() if op.get("x-amazon-apigateway-integration", {}).get("type") == "mock"]
        for op in mocked:
            allow = op["x-amazon-apigateway-integration"]["responses"]["default"]["responseParameters"][
                "method.response.header.Allow"]
            assert allow == "'" + ", ".join(allowed_methods(path)) + "'", path


def test_packaging_refuses_a_template_without_the_stream_event_source():
    template = {"Resources": {"APIHandler": {"Type": "AWS::Serverless::Function", "Properties": {"Events": {}}},
                              "RestAPI": {"Type": "AWS::Serverless::Api", "Properties": {"DefinitionBody": {}}}}}
    with pytest.raises(ValueError):
        finish(template, Resources("gc-prod"), ["ICBC-BJ"])


@pytest.mark.slow
@pytest.mark.template_check
def test_the_packaged_template_lints_clean_and_transforms_in_both_regions(packaged):
    """What `make package` checks before it succeeds (cfn-lint + aws-sam-translator, us-east-1 and
    cn-north-1, offline). About 30 s: the slowest check here, kept to one call."""
    errors, warnings = check_template(_template(packaged))
    assert errors == [] and warnings == []


@pytest.mark.template_check
def test_the_check_fails_on_a_template_cloudformation_would_refuse():
    """The two faults the first template had: a placeholder stream ARN and `StreamEnabled`."""
    table = Resources("gc-prod").cloudformation([])["Resources"]["MainTable"]
    table["Properties"]["StreamSpecification"]["StreamEnabled"] = True
    errors, _ = check_template({"Resources": {"MainTable": table}}, regions=("us-east-1",))
    assert any("StreamEnabled" in e for e in errors)


def _policy_statements(template):
    """(owner, statement) for every identity policy in the template: roles' and users' inline ones."""
    for name, r in template["Resources"].items():
        if r["Type"] in ("AWS::IAM::Role", "AWS::IAM::User"):
            for policy in r["Properties"].get("Policies", []):
                for statement in policy["PolicyDocument"]["Statement"]:
                    yield name, statement


def _listed(value):
    return value if isinstance(value, list) else [value]


def _text(resource) -> str:
    return resource if isinstance(resource, str) else resource.get("Fn::Sub", "")


@pytest.mark.slow
def test_no_policy_grants_a_wildcard_beyond_the_named_exceptions(packaged):
    """Least privilege: no `*` in an action, and a `*` in a resource only where ROLE_EXCEPTIONS
    names why AWS leaves no narrower choice, and only for the actions named there."""
    from deploy.template import ROLE_EXCEPTIONS
    template = _template(packaged)
    assert "DefaultRole" not in template["Resources"]
    statements = list(_policy_statements(template))
    assert statements
    for owner, statement in statements:
        assert statement["Effect"] == "Allow"
        actions = set(_listed(statement["Action"]))
        assert not any("*" in a for a in actions), (owner, actions)
        for resource in _listed(statement["Resource"]):
            if "*" in _text(resource):
                allowed, _why = ROLE_EXCEPTIONS[_text(resource)]
                assert actions <= allowed, (owner, actions, resource)
    for fn in _of_type(template, "AWS::Serverless::Function").values():
        assert "Policies" not in fn["Properties"] and fn["Properties"]["Role"]["Fn::GetAtt"][1] == "Arn"


@pytest.mark.slow
def test_each_function_may_do_only_what_it_does(packaged):
    template = _template(packaged)
    granted = {}
    for owner, statement in _policy_statements(template):
        granted.setdefault(owner, set()).update(_listed(statement["Action"]))
    assert not any(a.startswith("sqs:") for a in granted["APIHandlerRole"])     # the API only writes the outbox
    assert "dynamodb:GetRecords" in granted["FanOutRole"] and "dynamodb:GetRecords" not in granted["SweepRole"]
    assert "sqs:SendMessage" in granted["SweepRole"] and not any(a.startswith("s3:") for a in granted["SweepRole"])
    assert not any(a in ("dynamodb:Scan", "dynamodb:DeleteTable") for acts in granted.values() for a in acts)
    measured = [s for owner, s in _policy_statements(template) if owner == "MeasureRole" and
                any(a.startswith("dynamodb:") for a in _listed(s["Action"]))]
    assert [(_listed(s["Action"]), _listed(s["Resource"])) for s in measured] == [(["dynamodb:Query"], [
        {"Fn::Sub": "${MainTable.Arn}/index/GSI3"}, {"Fn::Sub": "${MainTable.Arn}/index/GSI2"}])]
    # the deadline schedule: late reviews from their index, applications written with their
    # notifications (the gateway message leaves through the outbox); no queue, no bucket, no delete
    assert granted["DeadlinesRole"] == {"logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:GetItem",
                                        "dynamodb:PutItem", "dynamodb:Query"}
    [table_grant] = [s for owner, s in _policy_statements(template) if owner == "DeadlinesRole" and
                     "dynamodb:Query" in _listed(s["Action"])]
    assert _listed(table_grant["Resource"]) == [{"Fn::GetAtt": ["MainTable", "Arn"]},
                                                {"Fn::Sub": "${MainTable.Arn}/index/GSI2"}]


@pytest.mark.slow
def test_a_bank_may_receive_and_delete_on_its_own_queue_and_nothing_else(packaged):
    template = _template(packaged)
    resources = Resources("gc-prod")
    for code in Catalog.load().bank_codes():
        logical = resources.queue_logical_id(resources.bank_queue(code))
        statements = [s for owner, s in _policy_statements(template) if owner == logical + "Consumer"]
        assert statements, code
        for statement in statements:
            assert _listed(statement["Resource"]) == [{"Fn::GetAtt": [logical, "Arn"]}]
            assert {"sqs:ReceiveMessage", "sqs:DeleteMessage"} <= set(statement["Action"]) <= {
                "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"}


@pytest.mark.slow
def test_the_translated_template_creates_a_stack_on_motos_cloudformation(packaged):
    """Every reference resolves into real resources (deploy/smoke.py says what moto skips)."""
    import boto3
    from moto import mock_aws
    from deploy.smoke import REGION, create_stack
    with mock_aws():
        stack = create_stack(_template(packaged))
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        table = boto3.client("dynamodb", region_name=REGION).describe_table(TableName="gc-prod-main")["Table"]
        assert table["StreamSpecification"]["StreamViewType"] == "NEW_IMAGE"
        queues = boto3.client("sqs", region_name=REGION).list_queues()["QueueUrls"]
        assert len(queues) == 2 * (len(AGENCY_KINDS) + len(Catalog.load().bank_codes()) + 1)
        (mapping,) = boto3.client("lambda", region_name=REGION).list_event_source_mappings()["EventSourceMappings"]
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert mapping["EventSourceArn"] == table["LatestStreamArn"]


@pytest.mark.slow
def test_the_portal_signs_in_through_the_hosted_ui_and_api_gateway_compresses_its_files(packaged):
    """The portal's first page is ≤ 300 KB gzipped only if API Gateway gzips it; its sign-in page
    needs the hosted UI's domain and the app client (GET /portal/config.json gives them)."""
    from deploy.template import HOSTED_UI
    template = _template(packaged)
    assert template["Resources"]["RestAPI"]["Properties"]["MinimumCompressionSize"] == 1024
    for fn in _of_type(template, "AWS::Serverless::Function").values():
        env = fn["Properties"]["Environment"]["Variables"]
        assert env["GC_PORTAL_AUTH_DOMAIN"]["Fn::If"][1] == {"Fn::Sub": HOSTED_UI}
        assert env["GC_PORTAL_CLIENT_ID"]["Fn::If"][1] == {"Ref": "PortalClient"}
        assert env["GC_PORTAL_REDIRECT_URL"] == {"Ref": "PortalCallbackUrl"}
    assert template["Outputs"]["PortalSignInDomain"]["Value"] == {"Fn::Sub": HOSTED_UI}
