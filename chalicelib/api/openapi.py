"""`GET /openapi.json`: the API described from the routes as declared and the forms as loaded.

Routes, roles and statuses come from `endpoint(...)` declarations (ROUTE_DOCS); application
bodies are the form schemas themselves (inlined, so any OpenAPI 3.1 tool can read them). A test
keeps this document and the app's routes in step.
"""
from __future__ import annotations

from .http import ROUTE_DOCS

ERROR = {"type": "object", "required": ["errors"], "properties": {"errors": {
    "type": "array", "minItems": 1, "items": {
        "type": "object", "required": ["path", "code", "message_zh", "message_en"],
        "properties": {"path": {"type": "string"}, "code": {"type": "string"},
                       "message_zh": {"type": "string"}, "message_en": {"type": "string"}}}}}}
REASON = {"type": "string", "minLength": 1, "maxLength": 1000}
BODIES = {
    ("POST", "/reviews/{review_id}/decision"): {
        "type": "object", "required": ["approved", "reason"], "additionalProperties": False,
        "properties": {"approved": {"type": "boolean"}, "reason": REASON}},
    ("POST", "/applications/{app_id}/bank-decision"): {
        "type": "object", "required": ["approved", "reason"], "additionalProperties": False,
        "properties": {"approved": {"type": "boolean"}, "reason": REASON,
                       "amount": {"type": "number", "exclusiveMinimum": 0, "maximum": 1e10},
                       "annual_rate": {"type": "number", "exclusiveMinimum": 0, "maximum": 0.36},
                       "term_months": {"type": "integer", "minimum": 1, "maximum": 360},
                       "guarantee_fee_rate": {"type": "number", "minimum": 0, "maximum": 0.1}}},
    ("POST", "/applications/{app_id}/withdraw"): {
        "type": "object", "additionalProperties": False, "properties": {"reason": {"type": "string", "maxLength": 500}}},
    ("POST", "/auth/dev-token"): {
        "type": "object", "required": ["role", "subject"], "additionalProperties": False,
        "properties": {"role": {"enum": ["enterprise", "agency", "bank", "policy", "window"]},
                       "subject": {"type": "string"}}},
    ("POST", "/rules/simulate"): {
        "type": "object", "required": ["files"], "additionalProperties": False,
        "properties": {"files": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                       "as_of": {"type": "string", "format": "date"}}},
    ("PUT", "/rules/{ruleset}"): {
        "type": "object", "required": ["content"], "additionalProperties": False,
        "properties": {"content": {"type": "string"}}},
}
QUERY = {
    ("GET", "/products"): ["scenario", "bank"],
    ("GET", "/applications"): ["status", "cursor", "limit"],
    ("GET", "/reviews"): ["status", "cursor", "limit"],
}
FAILURES = {"400": "bad input", "401": "no or bad token", "403": "a role that may never do this",
            "404": "unknown, or not yours", "409": "conflict", "413": "body over the size limit",
            "415": "not JSON", "422": "breaks a business rule"}


def _application_body(forms) -> dict:
    from ..forms.registry import inline
    return {"oneOf": [inline(forms.schema(sid)) for sid in forms.scenario_ids()]}


def _operation(doc, forms) -> dict:
    op = {"operationId": f"{doc.method.lower()}_{doc.path.strip('/').replace('/', '_').replace('{', '').replace('}', '') or 'index'}",
          "summary": doc.summary, "parameters": [], "responses": {
              str(doc.status): {"description": "success", "content": {"application/json": {"schema": {}}}}}}
    for name in [p.strip("{}") for p in doc.path.split("/") if p.startswith("{")]:
        op["parameters"].append({"name": name, "in": "path", "required": True,
                                 "schema": {"type": "string", "maxLength": 128}})
    for name in QUERY.get((doc.method, doc.path), []):
        op["parameters"].append({"name": name, "in": "query", "required": False, "schema": {"type": "string"}})
    if doc.path in ("/applications",) and doc.method == "POST":
        op["parameters"].append({"name": "Idempotency-Key", "in": "header", "required": False,
                                 "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,128}$"}})
    body = _application_body(forms) if doc.path in ("/applications", "/eligibility") and doc.method == "POST" \
        else BODIES.get((doc.method, doc.path))
    if body is not None:
        op["requestBody"] = {"required": doc.body, "content": {"application/json": {"schema": body}}}
    if doc.roles:
        op["security"] = [{"bearer": []}]
        op["x-roles"] = list(doc.roles)
    for status, text in FAILURES.items():
        op["responses"][status] = {"description": text, "content": {"application/json": {"schema": ERROR}}}
    return op


def build(forms) -> dict:
    paths: dict = {}
    for (method, path), doc in sorted(ROUTE_DOCS.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        paths.setdefault(path, {})[method.lower()] = _operation(doc, forms)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Getting Credit One-Stop (获得信贷“一件事”)", "version": "v1",
                 "description": "One application, every agency and bank, one consolidated result."},
        "paths": paths,
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
                       "schemas": {"Error": ERROR}},
    }
