"""What `chalice package` cannot say, set on its SAM template: one template for any account and region.

Chalice 1.34 writes the functions, the API and one role shared by every function (with a
wildcard stream policy and nothing for the table). `finish` turns that into the deployable
template:
- the stream event source reads the table's stream by `Fn::GetAtt` (no placeholder ARN), with
  bounded retries and ReportBatchItemFailures (the fan-out handler reports failed records);
- each function gets its own role with only the actions and resources it uses (`ROLE_EXCEPTIONS`
  names the only wildcards, where AWS has no narrower resource), and its own log group;
- a Cognito user pool (one group per role, `custom:subject` writable by administrators only)
  and a hosted-UI client for the portal; the functions read issuer, audience and JWKS from it;
- GC_CURSOR_SECRET is generated in Secrets Manager and resolved at deploy time (never a literal);
- API Gateway's own responses (unknown route, throttling, 4XX, 5XX) in the contract's error shape,
  and a 405 with `Allow` for a method a path lacks, as the app answers locally;
- one consumer identity per queue (a bank, an agency kind, the notifications gateway) that may
  receive and delete on its own queue and nothing else.

Nothing here names a region or an account: ARNs are built from pseudo parameters.
"""
from __future__ import annotations

import json

from chalicelib.api.auth import ROLES
from chalicelib.resources import INDEXES, Resources

STREAM_RETRIES = 10     # then the record is dropped by the stream; its outbox item stays for the sweep
LOG_RETENTION_DAYS = 365
SECRET_LENGTH = 48      # GC_CURSOR_SECRET must be at least 32 characters

# The only wildcard resources a policy may hold: resource → (the actions allowed on it, why).
# (A log group's `Arn` attribute ends in `:*`, its streams, which Lambda names at run time; it is
# granted by `Fn::GetAtt`, on the function's own group only.)
ROLE_EXCEPTIONS = {
    "*": ({"dynamodb:ListStreams"}, "ListStreams has no resource type: IAM grants it only on *"),
    "${MaterialsBucket.Arn}/*": ({"s3:GetObject", "s3:PutObject", "s3:PutObjectTagging"},
                                 "material object keys are minted per upload; the bucket holds nothing else "
                                 "(PutObject and PutObjectTagging sign the uploads, which tag themselves pending)"),
}

TABLE_ACTIONS = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
                 "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
                 "dynamodb:ConditionCheckItem"]
STREAM_ACTIONS = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
SEND_ACTIONS = ["sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"]
CONSUME_ACTIONS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                   "sqs:GetQueueAttributes"]
CONSUMER_ACTIONS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"]
MATERIAL_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:PutObjectTagging"]
# The deadline schedule reads late reviews and waiting renewals (GSI2), reads and writes applications
# with their history, review and renewal index, notification and outbox items (Puts in one
# transaction); its message leaves through
# the outbox and the stream, so it sends to no queue.
DEADLINE_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]


def _gateway_responses() -> dict:
    """API Gateway answers some requests before the app sees them; these say it in the contract's
    shape. An unknown route reaches API Gateway as MISSING_AUTHENTICATION_TOKEN (its 403): 404 here.
    They go into the API's own definition (`x-amazon-apigateway-gateway-responses`), not separate
    resources, which cfn-lint warns drift from a definition body."""
    from chalicelib.api.http import _CHALICE_CODES
    texts = {
        "MISSING_AUTHENTICATION_TOKEN": (404, *_CHALICE_CODES[404]),
        "RESOURCE_NOT_FOUND": (404, *_CHALICE_CODES[404]),
        "THROTTLED": (429, "too_many_requests", "请求过于频繁，请稍后再试", "Too many requests: try again shortly"),
        "REQUEST_TOO_LARGE": (413, *_CHALICE_CODES[413]),
        "DEFAULT_4XX": (None, *_CHALICE_CODES[400]),
        "DEFAULT_5XX": (None, "internal_error", "服务暂时不可用，请稍后再试", "The service failed: try again shortly"),
    }
    out = {}
    for kind, (status, code, zh, en) in texts.items():
        body = {"errors": [{"path": "", "code": code, "message_zh": zh, "message_en": en}]}
        response = {"responseParameters": {"gatewayresponse.header.Content-Type": "'application/json'"},
                    "responseTemplates": {"application/json": json.dumps(body, ensure_ascii=False)}}
        if status:
            response["statusCode"] = str(status)
        out[kind] = response
    return out


VERBS = ("get", "put", "post", "delete", "patch")


def _method_not_allowed(paths: dict) -> None:
    """API Gateway answers a method a path lacks as an unknown route (MISSING_AUTHENTICATION_TOKEN).
    Give each path a mock integration for its other verbs that answers 405 with `Allow` and the
    contract's error body, as `normalize_errors` does locally; no function is invoked."""
    from chalicelib.api.http import _CHALICE_CODES
    code, zh, en = _CHALICE_CODES[405]
    body = json.dumps({"errors": [{"path": "", "code": code, "message_zh": zh, "message_en": en}]}, ensure_ascii=False)
    for operations in paths.values():
        allowed = ", ".join(sorted(verb.upper() for verb in operations if verb in VERBS))
        for verb in VERBS:
            operations.setdefault(verb, {
                "responses": {"405": {"description": "Method not allowed",
                                      "headers": {"Allow": {"type": "string"}, "Content-Type": {"type": "string"}}}},
                "x-amazon-apigateway-integration": {
                    "type": "mock", "passthroughBehavior": "when_no_match",
                    "requestTemplates": {"application/json": '{"statusCode": 405}'},
                    "responses": {"default": {
                        "statusCode": "405",
                        "responseParameters": {"method.response.header.Allow": f"'{allowed}'",
                                               "method.response.header.Content-Type": "'application/json'"},
                        "responseTemplates": {"application/json": body}}}}})


def _cognito(prefix: str) -> dict:
    """The user pool: a role is a group only an administrator assigns; the party is `custom:subject`,
    which the app client may read but never write (a user could otherwise become any enterprise)."""
    resources = {
        "UserPool": {"Type": "AWS::Cognito::UserPool", "Properties": {
            "UserPoolName": f"{prefix}-users",
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
            "AutoVerifiedAttributes": ["email"],
            "UsernameAttributes": ["email"],
            "Policies": {"PasswordPolicy": {"MinimumLength": 12, "RequireLowercase": True,
                                            "RequireNumbers": True, "RequireUppercase": True}},
            "Schema": [{"Name": "subject", "AttributeDataType": "String", "Mutable": True,
                        "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "128"}}],
        }},
        "UserPoolDomain": {"Type": "AWS::Cognito::UserPoolDomain", "Properties": {
            "UserPoolId": {"Ref": "UserPool"}, "Domain": {"Fn::Sub": f"{prefix}-${{AWS::AccountId}}"}}},
        "PortalClient": {"Type": "AWS::Cognito::UserPoolClient", "Properties": {
            "UserPoolId": {"Ref": "UserPool"}, "ClientName": f"{prefix}-portal",
            "GenerateSecret": False,
            "AllowedOAuthFlowsUserPoolClient": True, "AllowedOAuthFlows": ["code"],
            "AllowedOAuthScopes": ["openid", "email", "profile"],
            "SupportedIdentityProviders": ["COGNITO"],
            "CallbackURLs": [{"Ref": "PortalCallbackUrl"}], "LogoutURLs": [{"Ref": "PortalLogoutUrl"}],
            "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            "PreventUserExistenceErrors": "ENABLED",
            "ReadAttributes": ["email", "email_verified", "name", "custom:subject"],
            "WriteAttributes": ["email", "name"],
        }},
    }
    for role in ROLES:
        resources[f"Group{role.title()}"] = {"Type": "AWS::Cognito::UserPoolGroup", "Properties": {
            "UserPoolId": {"Ref": "UserPool"}, "GroupName": role}}
    for resource in resources.values():
        resource["Condition"] = "HasUserPools"
    return resources


# Cognito user pools are not offered in the China regions (cfn-lint's cn-north-1 spec has no
# AWS::Cognito::UserPool): there the template takes an OIDC issuer with the same claims (a role
# group in `cognito:groups`, the party in `custom:subject`) as parameters instead. The condition
# names the regions because cfn-lint evaluates region conditions (not partition ones); it is the
# only place a region is written.
CHINA_REGIONS = ("cn-north-1", "cn-northwest-1")
CONDITIONS = {"HasUserPools": {"Fn::Not": [{"Fn::Or": [
    {"Fn::Equals": [{"Ref": "AWS::Region"}, region]} for region in CHINA_REGIONS]}]}}


PARAMETERS = {
    "SecretsRevision": {"Type": "String", "Default": "1",
                        "Description": "Change after rotating a secret: the functions are updated and read it again"},
    "ExternalIssuer": {"Type": "String", "Default": "",
                       "Description": "China partition only: the token issuer (no Cognito user pools there)"},
    "ExternalJwksUrl": {"Type": "String", "Default": "",
                        "Description": "China partition only: the issuer's JWKS URL"},
    "ExternalAudience": {"Type": "String", "Default": "",
                         "Description": "China partition only: the portal client's audience"},
    "PortalCallbackUrl": {"Type": "String", "Default": "http://localhost:3000/",
                          "Description": "The portal's OAuth callback for the hosted UI: the API's root URL "
                                         "(https://<api-id>.execute-api.<region>.amazonaws.com/v1/), which serves the portal"},
    "PortalLogoutUrl": {"Type": "String", "Default": "http://localhost:3000/",
                        "Description": "Where the hosted UI sends a user after signing out (the same root URL)"},
}


def _statement(actions, resources) -> dict:
    return {"Effect": "Allow", "Action": sorted(actions), "Resource": resources}


def _role(name: str, statements: list) -> dict:
    return {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "Policies": [{"PolicyName": f"{name}Policy",
                      "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}]}}


def _function_statements(name: str, props: dict, queue_arns: list, dlq_arns: list) -> list:
    """What one function may do, from what it is: the API handler reads and writes the table and
    the materials; a stream consumer also reads the stream; every other function (sweep,
    schedules, queue consumers) reads and writes the table and sends to the queues; `measure` and
    `deadlines` do less (see each)."""
    table = [{"Fn::GetAtt": ["MainTable", "Arn"]}] + [{"Fn::Sub": f"${{MainTable.Arn}}/index/{i}"} for i in INDEXES]
    statements = [_statement(["logs:CreateLogStream", "logs:PutLogEvents"],
                             [{"Fn::GetAtt": [f"{name}LogGroup", "Arn"]}]),
                  _statement(TABLE_ACTIONS, table)]
    events = (props.get("Events") or {}).values()
    if props.get("Handler") == "app.measure":   # gauges only: outbox and late-review indexes, DLQ depths
        return [statements[0], _statement(["dynamodb:Query"], [{"Fn::Sub": "${MainTable.Arn}/index/GSI3"},
                                                               {"Fn::Sub": "${MainTable.Arn}/index/GSI2"}]),
                _statement(["sqs:GetQueueUrl", "sqs:GetQueueAttributes"], dlq_arns)]
    if props.get("Handler") == "app.deadlines":
        return [statements[0], _statement(DEADLINE_ACTIONS, [{"Fn::GetAtt": ["MainTable", "Arn"]},
                                                             {"Fn::Sub": "${MainTable.Arn}/index/GSI2"}])]
    if props.get("Handler") == "app.app":
        statements.append(_statement(MATERIAL_ACTIONS, [{"Fn::Sub": "${MaterialsBucket.Arn}/*"}]))
        return statements
    statements.append(_statement(SEND_ACTIONS, queue_arns))
    if any(e["Type"] == "DynamoDB" for e in events):
        statements.append(_statement(STREAM_ACTIONS, [{"Fn::GetAtt": ["MainTable", "StreamArn"]}]))
        statements.append(_statement(["dynamodb:ListStreams"], "*"))
    consumed = [e["Properties"]["Queue"] for e in events if e["Type"] == "SQS"]
    if consumed:
        statements.append(_statement(CONSUME_ACTIONS, consumed))
    return statements


def _pool_or(value: dict, parameter: str) -> dict:
    return {"Fn::If": ["HasUserPools", value, {"Ref": parameter}]}


# The hosted UI's address: the domain prefix (Ref of the UserPoolDomain) under Cognito's own host.
HOSTED_UI = "https://${UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com"


def _environment(prefix: str) -> dict:
    issuer = "https://cognito-idp.${AWS::Region}.${AWS::URLSuffix}/${UserPool}"
    return {
        "GC_JWT_ISSUER": _pool_or({"Fn::Sub": issuer}, "ExternalIssuer"),
        "GC_JWT_AUDIENCE": _pool_or({"Ref": "PortalClient"}, "ExternalAudience"),
        "GC_COGNITO_JWKS_URL": _pool_or({"Fn::Sub": issuer + "/.well-known/jwks.json"}, "ExternalJwksUrl"),
        "GC_CURSOR_SECRET": {"Fn::Sub": "{{resolve:secretsmanager:${CursorSecret}:SecretString}}"},
        # the portal signs in through the hosted UI (code + PKCE); its origin goes into the CSP
        "GC_PORTAL_AUTH_DOMAIN": {"Fn::If": ["HasUserPools", {"Fn::Sub": HOSTED_UI}, {"Ref": "AWS::NoValue"}]},
        "GC_PORTAL_CLIENT_ID": _pool_or({"Ref": "PortalClient"}, "ExternalAudience"),
        "GC_PORTAL_REDIRECT_URL": {"Ref": "PortalCallbackUrl"},
        "GC_PORTAL_LOGOUT_URL": {"Ref": "PortalLogoutUrl"},
        # a dynamic reference is resolved only when its resource changes: bumping this changes it
        "GC_SECRETS_REVISION": {"Ref": "SecretsRevision"},
    }


def _consumers(resources: Resources, bank_codes) -> dict:
    """One IAM user per queue for the party outside AWS that reads it (README: Configuring banks
    and agencies). Access keys are created and rotated by an operator, never in the template."""
    out = {}
    for spec in resources.all_queues(bank_codes):
        logical = resources.queue_logical_id(spec)
        out[logical + "Consumer"] = {"Type": "AWS::IAM::User", "Properties": {
            "UserName": f"{spec.name}-consumer",
            "Policies": [{"PolicyName": "ReadOwnQueue", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                _statement(CONSUMER_ACTIONS, [{"Fn::GetAtt": [logical, "Arn"]}])]}}]}}
    return out


def finish(sam: dict, resources: Resources, bank_codes) -> dict:
    """The packaged SAM template made deployable (see the module docstring); changes `sam` in place."""
    res = sam["Resources"]
    res.pop("DefaultRole", None)
    prefix = resources.prefix
    queue_arns = [{"Fn::GetAtt": [resources.queue_logical_id(s), "Arn"]} for s in resources.all_queues(bank_codes)]
    dlq_arns = [{"Fn::GetAtt": [resources.queue_logical_id(s) + "Dlq", "Arn"]} for s in resources.all_queues(bank_codes)]
    stream_sources = 0
    for name, resource in list(res.items()):
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        props = resource["Properties"]
        props["FunctionName"] = f"{prefix}-{name}"
        variables = props.setdefault("Environment", {}).setdefault("Variables", {})
        variables.pop("GC_OUTBOX_STREAM_ARN", None)
        variables.update(_environment(prefix))
        for source in (props.get("Events") or {}).values():
            if source["Type"] == "DynamoDB":
                source["Properties"].update({
                    "Stream": {"Fn::GetAtt": ["MainTable", "StreamArn"]},
                    "FunctionResponseTypes": ["ReportBatchItemFailures"],
                    "MaximumRetryAttempts": STREAM_RETRIES,
                    "BisectBatchOnFunctionError": True})
                stream_sources += 1
        res[f"{name}LogGroup"] = {"Type": "AWS::Logs::LogGroup", "Properties": {
            "LogGroupName": f"/aws/lambda/{prefix}-{name}", "RetentionInDays": LOG_RETENTION_DAYS}}
        res[f"{name}Role"] = _role(f"{name}Role", _function_statements(name, props, queue_arns, dlq_arns))
        props["Role"] = {"Fn::GetAtt": [f"{name}Role", "Arn"]}
        props.pop("Policies", None)
    if not stream_sources:
        raise ValueError("no DynamoDB stream event source in the packaged template")
    res.update(_cognito(prefix))
    api = res["RestAPI"]["Properties"]["DefinitionBody"]
    api["x-amazon-apigateway-gateway-responses"] = _gateway_responses()
    _method_not_allowed(api.get("paths", {}))
    res.update(_consumers(resources, bank_codes))
    res["CursorSecret"] = {"Type": "AWS::SecretsManager::Secret", "Properties": {
        "Name": f"{prefix}/cursor-secret",
        "Description": "Seals the paging cursors clients hold (GC_CURSOR_SECRET)",
        "GenerateSecretString": {"PasswordLength": SECRET_LENGTH, "ExcludePunctuation": True}}}
    sam.setdefault("Parameters", {}).update(PARAMETERS)
    sam.setdefault("Conditions", {}).update(CONDITIONS)
    sam.setdefault("Outputs", {}).update({
        "UserPoolId": {"Condition": "HasUserPools", "Value": {"Ref": "UserPool"}},
        "PortalClientId": {"Condition": "HasUserPools", "Value": {"Ref": "PortalClient"}},
        "PortalSignInDomain": {"Condition": "HasUserPools", "Value": {"Fn::Sub": HOSTED_UI}},
        "TableName": {"Value": {"Ref": "MainTable"}},
    })
    return sam
