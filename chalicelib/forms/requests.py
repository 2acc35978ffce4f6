"""The bodies of the decision routes (an agency's review, a bank's offer) as JSON Schemas.

One schema per body, checked here and published by `api/openapi.py`, so the document and the
check cannot drift apart. Errors come back all at once, worded from the schema's own titles as
the loan forms' are (`messages.translate`).
"""
from __future__ import annotations

from functools import lru_cache

from ..domain.errors import BODY_NOT_AN_OBJECT, FieldError
from ..domain.material import CONTENT_TYPES, MAX_BYTES
from .messages import label_of, translate

_REASON = {"type": "string", "minLength": 1, "maxLength": 1000, "format": "plain_text",
           "pattern": r"\S", "title": "Reason", "x-title-zh": "理由"}

REVIEW_DECISION = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "An agency's review decision", "x-title-zh": "部门审核决定",
    "type": "object", "additionalProperties": False, "required": ["approved", "reason"],
    "properties": {
        "approved": {"type": "boolean", "title": "Approved", "x-title-zh": "是否通过"},
        "reason": _REASON,
    },
}

BANK_DECISION = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "A bank's decision", "x-title-zh": "银行审批决定",
    "type": "object", "additionalProperties": False, "required": ["approved", "reason"],
    "properties": {
        "approved": {"type": "boolean", "title": "Approved", "x-title-zh": "是否批准"},
        "reason": _REASON,
        "amount": {"type": "number", "format": "yuan", "exclusiveMinimum": 0, "maximum": 10_000_000_000,
                   "title": "Amount approved (yuan)", "x-title-zh": "批准金额（元）"},
        "annual_rate": {"type": "number", "exclusiveMinimum": 0, "maximum": 0.36,
                        "title": "Annual interest rate (fraction, e.g. 0.0385)", "x-title-zh": "年利率（小数，如 0.0385）"},
        "term_months": {"type": "integer", "minimum": 1, "maximum": 360,
                        "title": "Term (months)", "x-title-zh": "期限（月）"},
        "guarantee_fee_rate": {"type": "number", "minimum": 0, "maximum": 0.1,
                               "title": "Guarantee fee rate (fraction a year)", "x-title-zh": "担保费率（年化小数）"},
    },
    # An approval states its terms (a decline's are ignored).
    "if": {"properties": {"approved": {"const": True}}, "required": ["approved"]},
    "then": {"required": ["amount", "annual_rate", "term_months"]},
}

WITHDRAWAL_REASON_MAX = 500
# Checked by hand in services/applications.withdraw (its one error names the limit); published here.
WITHDRAWAL = {"type": "object", "additionalProperties": False,
              "properties": {"reason": {"type": "string", "maxLength": WITHDRAWAL_REASON_MAX}}}

MATERIAL = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "A material to upload", "x-title-zh": "待上传的材料",
    "type": "object", "additionalProperties": False,
    "required": ["kind", "filename", "content_type", "size", "sha256"],
    "properties": {
        # the kinds are policy data (rules/outcomes.yaml, GET /materials/kinds), checked by the service
        "kind": {"type": "string", "pattern": "^[a-z_]{1,40}$", "title": "Kind of material", "x-title-zh": "材料种类"},
        "filename": {"type": "string", "minLength": 1, "maxLength": 200, "format": "plain_text",
                     "pattern": r"^[^/\\]*[^/\\\s][^/\\]*$", "title": "File name", "x-title-zh": "文件名"},
        "content_type": {"enum": list(CONTENT_TYPES), "title": "Content type (PDF, JPEG or PNG)",
                         "x-title-zh": "文件类型（PDF、JPEG 或 PNG）"},
        "size": {"type": "integer", "minimum": 1, "maximum": MAX_BYTES, "title": "Size in bytes (at most 10 MiB)",
                 "x-title-zh": "文件大小（字节，不超过 10 MiB）"},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$", "title": "SHA-256 of the file (64 lower-case hex digits)",
                   "x-title-zh": "文件的 SHA-256（64 位小写十六进制）"},
    },
}

SCHEMAS = {"review_decision": REVIEW_DECISION, "bank_decision": BANK_DECISION, "material": MATERIAL}


@lru_cache(maxsize=None)
def _validator(name: str):
    from .registry import _format_checker, _validator_class
    return _validator_class()(SCHEMAS[name], format_checker=_format_checker())


@lru_cache(maxsize=None)
def _labels(name: str) -> dict:
    schema = SCHEMAS[name]
    return {"": label_of(schema), **{f"/{key}": label_of(sub) for key, sub in schema["properties"].items()}}


def problems(name: str, body) -> list[FieldError]:
    """Every way `body` breaks schema `name` ([] when it is valid)."""
    if not isinstance(body, dict):
        return [BODY_NOT_AN_OBJECT]
    found = {}
    for error in _validator(name).iter_errors(body):
        for out in translate(error, _labels(name)):
            if out.path == "/reason" and out.code == "pattern":   # only blanks
                out = FieldError("/reason", "blank", "请填写理由（1–1000 字）", "Give a reason (1–1000 characters)")
            found.setdefault((out.path, out.code), out)
    return sorted(found.values(), key=lambda e: (e.path, e.code))
