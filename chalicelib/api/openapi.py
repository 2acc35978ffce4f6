"""`GET /openapi.json`: the API described from the routes as declared and the forms as loaded.

Routes, roles and statuses come from `endpoint(...)` declarations (ROUTE_DOCS); application
bodies are the form schemas themselves (inlined, so any OpenAPI 3.1 tool can read them). A test
keeps this document and the app's routes in step.
"""
from __future__ import annotations

from ..domain.application import ROLES, STATS_GROUPS, Status
from ..domain.offers import REPAYMENTS
from ..forms.requests import (ACCEPTANCE, AMENDMENT, BANK_DECISION, CALL_PROPOSAL, CALL_REQUEST, COMPLAINT,
                              COMPLAINT_ANSWER, MATERIAL, THREAD, THREAD_MESSAGE, WITHDRAWAL, review_decision)
from .http import ROUTE_DOCS

ERROR = {"type": "object", "required": ["errors"], "properties": {"errors": {
    "type": "array", "minItems": 1, "items": {
        "type": "object", "required": ["path", "code", "message_zh", "message_en"],
        "properties": {"path": {"type": "string"}, "code": {"type": "string"},
                       "message_zh": {"type": "string"}, "message_en": {"type": "string"},
                       "line": {"type": "integer", "description": "the line of a rule file the error is on"}}}}}}
BODIES = {
    ("POST", "/applications/{app_id}/bank-decision"): BANK_DECISION,
    ("POST", "/applications/{app_id}/amend"): AMENDMENT,
    ("POST", "/applications/{app_id}/accept"): ACCEPTANCE,
    ("POST", "/applications/{app_id}/withdraw"): WITHDRAWAL,
    ("POST", "/materials"): MATERIAL,
    ("POST", "/complaints"): COMPLAINT,
    ("POST", "/complaints/{complaint_id}/answer"): COMPLAINT_ANSWER,
    ("POST", "/threads"): THREAD,
    ("POST", "/threads/{thread_id}/messages"): THREAD_MESSAGE,
    ("POST", "/threads/{thread_id}/call-requests"): CALL_REQUEST,
    ("POST", "/threads/{thread_id}/call-requests/{request_id}/propose"): CALL_PROPOSAL,
    ("POST", "/auth/dev-token"): {
        "type": "object", "required": ["role", "subject"], "additionalProperties": False,
        "properties": {"role": {"enum": list(ROLES)},
                       "subject": {"type": "string"}}},
    ("POST", "/rules/simulate"): {
        "type": "object", "required": ["files"], "additionalProperties": False,
        "properties": {"files": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                       "as_of": {"type": "string", "format": "date"}}},
    ("PUT", "/rules/{ruleset}"): {
        "type": "object", "required": ["content"], "additionalProperties": False,
        "properties": {"content": {"type": "string"}}},
}
# What a success returns, as the design's API contract fixes it: the keys a client may rely on
# and their types. Objects stay open (a new key is not a breaking change); routes not listed
# here are documented as "any JSON".
STRING, NUMBER, INTEGER, BOOLEAN = {"type": "string"}, {"type": "number"}, {"type": "integer"}, {"type": "boolean"}
STRINGS = {"type": "array", "items": STRING}
NULLABLE_STRING = {"type": ["string", "null"]}
STATUS = {"enum": [s.value for s in Status]}
# A bank's view of an application that another bank's offer was accepted on (services.views.CLOSED).
SEEN_STATUS = {"enum": [s.value for s in Status] + ["closed"]}


def _object(required: dict, **optional) -> dict:
    return {"type": "object", "required": list(required), "properties": {**required, **optional}}


def _list(item: dict) -> dict:
    return {"type": "array", "items": item}


def _page(item: dict) -> dict:
    return _object({"items": _list(item), "cursor": NULLABLE_STRING})


BANK = _object({"code": STRING, "name_zh": STRING, "name_en": STRING})
PRODUCT = _object({"id": STRING, "bank": STRING, "name_zh": STRING, "name_en": STRING, "scenarios": STRINGS,
                   "min_amount": NUMBER, "max_amount": NUMBER, "min_term_months": INTEGER,
                   "max_term_months": INTEGER, "annual_rate_min": NUMBER, "annual_rate_max": NUMBER})
RULE_VERSION = _object({"ruleset": STRING, "version": STRING, "sha256": STRING})
DECISION = _object({
    "eligible": BOOLEAN, "enterprise_size": NULLABLE_STRING,
    "first_loan_subsidy": _object({"eligible": BOOLEAN, "interest_subsidy_rate": {"type": ["number", "null"]},
                                   "guarantee_fee_subsidy_rate_cap": {"type": ["number", "null"]}}),
    "required_reviews": STRINGS,
    "required_materials": STRINGS,
    "missing_materials": _list(_object({"kind": STRING, "zh": STRING, "en": STRING})),
    "reasons": _list(_object({"rule": STRING, "zh": STRING, "en": STRING})),
    "rules": _list(RULE_VERSION)},
    fact_sources={"type": "object"},
    warnings=_list(_object({"path": STRING, "code": STRING, "zh": STRING, "en": STRING, "source": STRING})))
SECTION = _object({"source": STRING, "as_of": NULLABLE_STRING, "source_name": _object({"zh": STRING, "en": STRING})})
LIST_SECTION = _object({"items": _list({"type": "object"}), "source": STRING, "as_of": NULLABLE_STRING})
RECORDS = _object({"uscc": STRING, "registration": SECTION, "tax": SECTION, "social_insurance": SECTION,
                   **{s: LIST_SECTION for s in ("real_estate", "patents", "trademarks", "ip_pledges",
                                                "procurement_contracts")}})
RECORDS_READ = _object({"id": STRING, "uscc": STRING, "reader_role": STRING, "reader": STRING, "at": STRING,
                        "what": {"enum": ["records", "ip_background"]}, "application_id": NULLABLE_STRING})
WHITELIST_ENTRY = _object({"uscc": STRING, "name": STRING, "pledgeable_patents": _list(_object(
    {"number": STRING, "title": STRING, "type": STRING, "valid_until": STRING})), "added_at": STRING,
    "added_by": STRING})
REVIEW = _object({"id": STRING, "application_id": STRING, "agency": STRING, "status": STRING, "due": STRING},
                 overdue_at=NULLABLE_STRING, round=INTEGER, working_days_left=INTEGER)
NOTICE = _object({"round": INTEGER, "since": STRING,
                  "items": _list(_object({"agency": STRING, "note": STRING}, kind=STRING))})
NOTIFICATION = _object({"id": STRING, "kind": STRING, "at": STRING, "text_zh": STRING, "text_en": STRING,
                        "read": BOOLEAN}, application_id=STRING)
APPLICATION = _object(  # every party's view; a bank or an agency sees less of `decision` and `banks`
    {"id": STRING, "scenario": STRING, "status": SEEN_STATUS, "created_at": STRING, "decision": {"type": "object"},
     "reviews": _list(_object({"agency": STRING, "status": STRING})),
     "history": _list(_object({"at": STRING, "action": STRING}, round=INTEGER))},
    banks=_list(_object({"code": STRING, "status": STRING})),
    notice={"oneOf": [NOTICE, {"type": "null"}]})
YUAN = NUMBER
OFFER = _object({"bank": STRING, "amount": YUAN, "annual_rate": NUMBER, "term_months": INTEGER,
                 "guarantee_fee_rate": NUMBER, "repayment": {"enum": list(REPAYMENTS)}, "interest": YUAN,
                 "interest_by_repayment": _object({name: YUAN for name in REPAYMENTS}),
                 "interest_subsidy": YUAN, "guarantee_fee": YUAN, "guarantee_fee_subsidy": YUAN,
                 "subsidy": {"enum": ["interest", "guarantee_fee", None]}, "net_cost": YUAN, "accepted": BOOLEAN})
COMPLAINT_VIEW = _object(
    {"id": STRING, "status": {"enum": ["open", "overdue", "closed"]}, "due": STRING, "channel": STRING,
     "channel_name": {"oneOf": [_object({"zh": STRING, "en": STRING}), {"type": "null"}]},
     "about": {"enum": ["review", "bank", "service"]}, "text": STRING, "uscc": STRING, "created_at": STRING,
     "application_id": NULLABLE_STRING, "agency": NULLABLE_STRING, "overdue_at": NULLABLE_STRING,
     "answer": {"oneOf": [_object({"text": STRING, "by": STRING, "at": STRING}), {"type": "null"}]}},
    recorded_by=STRING)
CALL = _object({"id": STRING, "kind": {"enum": ["voice", "video"]}, "slot": STRING,
                "status": {"enum": ["requested", "confirmed", "proposed"]}, "requested_at": STRING},
               proposed_slot=STRING, answered_at=STRING)
THREAD_SUMMARY = _object({"id": STRING, "subject": STRING, "owner": STRING, "created_at": STRING, "last_at": STRING,
                          "last_from": {"enum": ["enterprise", "window"]}, "unanswered": BOOLEAN,
                          "unread_enterprise": INTEGER, "unread_window": INTEGER, "call_requests": _list(CALL)},
                         application_id=STRING)
THREAD_MESSAGE_VIEW = _object({"id": STRING, "from": {"enum": ["enterprise", "window"]}, "text": STRING,
                               "at": STRING, "read": BOOLEAN}, author=STRING)
THREAD_VIEW = {**THREAD_SUMMARY, "required": [*THREAD_SUMMARY["required"], "messages"],
               "properties": {**THREAD_SUMMARY["properties"], "messages": _list(THREAD_MESSAGE_VIEW)}}
SUMMARY = _object({"id": STRING, "scenario": STRING, "status": STATUS, "amount": NUMBER, "created_at": STRING})
STATS_FIGURES = _object({"approved_count": INTEGER, "approved_amount": NUMBER,
                         "average_amount_per_enterprise": NUMBER, "sme_share": NUMBER, "first_loan_share": NUMBER})
RESPONSES = {
    ("GET", "/banks"): _list(BANK),
    ("GET", "/products"): _list(PRODUCT),
    ("GET", "/forms"): _list(_object({"id": STRING, "name_zh": STRING, "name_en": STRING})),
    ("GET", "/forms/{scenario}"): {"type": "object"},
    ("POST", "/eligibility"): DECISION,
    ("POST", "/applications"): APPLICATION,
    ("GET", "/applications"): _page(SUMMARY),
    ("GET", "/applications/{app_id}"): APPLICATION,
    ("POST", "/applications/{app_id}/withdraw"): SUMMARY,
    ("POST", "/applications/{app_id}/amend"): APPLICATION,
    ("GET", "/applications/{app_id}/offers"): _list(OFFER),
    ("POST", "/applications/{app_id}/accept"): APPLICATION,
    ("GET", "/reviews"): _page(REVIEW),
    ("POST", "/reviews/{review_id}/decision"): REVIEW,
    ("GET", "/banks/{code}/queue"): _object({"queue_url": STRING}),
    ("GET", "/banks/{code}/applications"): _page(_object(
        {"application_id": STRING, "bank": STRING, "status": STRING, "sent_at": STRING, "scenario": STRING,
         "amount": NUMBER}, decided_at=NULLABLE_STRING)),
    ("POST", "/applications/{app_id}/bank-decision"): _object(
        {"application_id": STRING, "bank": STRING, "status": STRING, "application_status": STATUS}),
    ("GET", "/notifications"): _page(NOTIFICATION),
    ("POST", "/threads"): THREAD_VIEW,
    ("GET", "/threads"): {**_page(THREAD_SUMMARY), "properties": {**_page(THREAD_SUMMARY)["properties"],
                                                                  "unread": INTEGER}},
    ("GET", "/threads/{thread_id}"): THREAD_VIEW,
    ("POST", "/threads/{thread_id}/messages"): {**THREAD_MESSAGE_VIEW, "required": [
        *THREAD_MESSAGE_VIEW["required"], "thread"], "properties": {**THREAD_MESSAGE_VIEW["properties"],
                                                                    "thread": THREAD_SUMMARY}},
    ("POST", "/threads/{thread_id}/call-requests"): CALL,
    ("POST", "/threads/{thread_id}/call-requests/{request_id}/confirm"): CALL,
    ("POST", "/threads/{thread_id}/call-requests/{request_id}/propose"): CALL,
    ("POST", "/notifications/{notification_id}/read"): NOTIFICATION,
    ("GET", "/stats"): {"oneOf": [STATS_FIGURES, _object({
        "group_by": {"enum": list(STATS_GROUPS)},
        "groups": _list({**STATS_FIGURES, "required": ["key", *STATS_FIGURES["required"]],
                         "properties": {"key": STRING, **STATS_FIGURES["properties"]}})})]},
    ("POST", "/auth/dev-token"): _object({"token": STRING, "expires_in": INTEGER}),
    ("GET", "/rules"): _object({"evaluation_order": STRINGS, "rulesets": _list(RULE_VERSION)}),
    ("POST", "/rules/simulate"): _object({"checked": INTEGER, "changed": INTEGER, "changes": _list({"type": "object"})},
                                         cases=_list(_object({"case": STRING, "passed": {"type": "boolean"}}))),
    ("PUT", "/rules/{ruleset}"): _object({"ruleset": STRING, "version": STRING, "sha256": STRING, "status": STRING,
                                          "impact": {"type": "object"}}),
    ("GET", "/rules/{ruleset}/versions/{version}"): _object({"ruleset": STRING, "version": STRING, "status": STRING,
                                                            "content": STRING}),
    ("POST", "/rules/{ruleset}/versions/{version}/approve"): _object(
        {"ruleset": STRING, "version": STRING, "status": STRING, "approved_by": STRING, "published_at": STRING}),
    ("GET", "/outbox/parked"): _object({"items": _list(_object(
        {"message_id": STRING, "queue": STRING, "application_id": NULLABLE_STRING, "parked_at": STRING,
         "reason": STRING}))}),
    ("GET", "/applications/{app_id}/replay"): _object({"application_id": STRING, "same": BOOLEAN,
                                                       "rules": _list(RULE_VERSION)}),
    ("GET", "/materials/kinds"): _list(_object({"kind": STRING, "zh": STRING, "en": STRING})),
    ("POST", "/materials"): _object({"id": STRING, "kind": STRING, "status": STRING, "upload": _object(
        {"url": STRING, "fields": {"type": "object"}, "expires_at": STRING})}),
    ("GET", "/materials/{material_id}"): _object(
        {"id": STRING, "kind": STRING, "filename": STRING, "content_type": STRING, "size": INTEGER,
         "sha256": STRING, "status": {"enum": ["awaiting_upload", "uploaded", "rejected"]}}, download_url=STRING),
    ("POST", "/complaints"): COMPLAINT_VIEW,
    ("GET", "/complaints"): _page(COMPLAINT_VIEW),
    ("GET", "/complaints/{complaint_id}"): COMPLAINT_VIEW,
    ("POST", "/complaints/{complaint_id}/answer"): COMPLAINT_VIEW,
    ("GET", "/openapi.json"): _object({"openapi": STRING, "paths": {"type": "object"}}),
    ("GET", "/enterprises/{uscc}/records"): RECORDS,
    ("GET", "/enterprises/{uscc}/records/reads"): _page(RECORDS_READ),
    ("GET", "/forms/{scenario}/prefill"): _object({"scenario": STRING, "enterprise": {"type": "object"},
                                                   "renewal": BOOLEAN, "details": {"type": "object"}}),
    ("GET", "/ip/whitelist"): _page(WHITELIST_ENTRY),
    ("PUT", "/ip/whitelist/{uscc}"): WHITELIST_ENTRY,
    ("DELETE", "/ip/whitelist/{uscc}"): _object({"uscc": STRING, "removed": BOOLEAN}),
    ("GET", "/applications/{app_id}/ip-background"): _object(
        {"uscc": STRING, "application_id": STRING, "patents": LIST_SECTION, "trademarks": LIST_SECTION,
         "ip_pledges": LIST_SECTION}),
}
QUERY = {
    ("GET", "/products"): ["scenario", "bank"],
    ("GET", "/applications"): ["status", "cursor", "limit"],
    ("GET", "/reviews"): ["status", "cursor", "limit"],
    ("GET", "/banks/{code}/applications"): ["cursor", "limit"],
    ("GET", "/notifications"): ["unread", "cursor", "limit"],
    ("GET", "/threads"): ["unanswered", "cursor", "limit"],
    ("GET", "/enterprises/{uscc}/records/reads"): ["cursor", "limit"],
    ("GET", "/ip/whitelist"): ["cursor", "limit"],
    ("GET", "/complaints"): ["status", "cursor", "limit"],
    ("GET", "/stats"): ["group_by", "format"],
}
QUERY_SCHEMAS = {"group_by": {"type": "string", "enum": list(STATS_GROUPS)},
                 "format": {"type": "string", "enum": ["json", "csv"]}}
# Routes that also answer in another media type than JSON (by a query parameter).
OTHER_CONTENT = {("GET", "/stats"): {"text/csv; charset=utf-8": {"schema": {
    "type": "string", "description": "?format=csv: UTF-8 with a BOM, a zh+en header row, a row per group"}}},
    ("GET", "/"): {"text/html; charset=utf-8": {"schema": {
        "type": "string", "description": "Accept: text/html: the web portal's page"}}},
    ("GET", "/portal/{file}"): {"text/javascript; charset=utf-8": {"schema": {"type": "string"}},
                                "text/css; charset=utf-8": {"schema": {"type": "string"}}}}
FAILURES = {"400": "bad input", "401": "no or bad token", "403": "a role that may never do this",
            "404": "unknown, or not yours", "409": "conflict", "413": "body over the size limit",
            "415": "not JSON", "422": "breaks a business rule"}


def _application_body(forms) -> dict:
    from ..forms.registry import inline
    return {"oneOf": [inline(forms.schema(sid)) for sid in forms.scenario_ids()]}


# The POSTs that take an Idempotency-Key (a retry with it changes nothing twice).
IDEMPOTENT = {"/applications", "/applications/{app_id}/withdraw", "/applications/{app_id}/amend",
              "/applications/{app_id}/accept", "/complaints",
              "/applications/{app_id}/bank-decision", "/reviews/{review_id}/decision",
              "/threads", "/threads/{thread_id}/messages"}


def _operation(doc, forms, bodies: dict) -> dict:
    op = {"operationId": f"{doc.method.lower()}_{doc.path.strip('/').replace('/', '_').replace('{', '').replace('}', '') or 'index'}",
          "summary": doc.summary, "parameters": [], "responses": {
              str(doc.status): {"description": "success", "content": {"application/json": {
                  "schema": RESPONSES.get((doc.method, doc.path), {})}}}}}
    for name in [p.strip("{}") for p in doc.path.split("/") if p.startswith("{")]:
        op["parameters"].append({"name": name, "in": "path", "required": True,
                                 "schema": {"type": "string", "maxLength": 128}})
    for name in QUERY.get((doc.method, doc.path), []):
        op["parameters"].append({"name": name, "in": "query", "required": False,
                                 "schema": QUERY_SCHEMAS.get(name, {"type": "string"})})
    op["responses"][str(doc.status)]["content"].update(OTHER_CONTENT.get((doc.method, doc.path), {}))
    if doc.path in IDEMPOTENT and doc.method == "POST":
        op["parameters"].append({"name": "Idempotency-Key", "in": "header", "required": False,
                                 "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,128}$"}})
    body = _application_body(forms) if doc.path in ("/applications", "/eligibility") and doc.method == "POST" \
        else bodies.get((doc.method, doc.path))
    if body is not None:
        op["requestBody"] = {"required": doc.body, "content": {"application/json": {"schema": body}}}
    if doc.roles:
        op["security"] = [{"bearer": []}]
        op["x-roles"] = list(doc.roles)
    for status, text in FAILURES.items():
        op["responses"][status] = {"description": text, "content": {"application/json": {"schema": ERROR}}}
    return op


def build(forms, material_kinds: tuple[str, ...] = ()) -> dict:
    """`material_kinds`: the catalog's kinds (rules/outcomes.yaml), which a review's `missing` names."""
    bodies = {**BODIES, ("POST", "/reviews/{review_id}/decision"): review_decision(tuple(material_kinds))}
    paths: dict = {}
    for (method, path), doc in sorted(ROUTE_DOCS.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        paths.setdefault(path, {})[method.lower()] = _operation(doc, forms, bodies)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Getting Credit One-Stop (获得信贷“一件事”)", "version": "v1",
                 "description": "One application, every agency and bank, one consolidated result."},
        "paths": paths,
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
                       "schemas": {"Error": ERROR}},
    }
