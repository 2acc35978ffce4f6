"""The bodies of the decision routes (an agency's review, a bank's offer) as JSON Schemas.

One schema per body, checked here and published by `api/openapi.py`, so the document and the
check cannot drift apart. Errors come back all at once, worded from the schema's own titles as
the loan forms' are (`messages.translate`).
"""
from __future__ import annotations

from functools import lru_cache

from ..domain.errors import BODY_NOT_AN_OBJECT, FieldError
from ..domain.material import CONTENT_TYPES, MAX_BYTES
from ..domain.offers import REPAYMENTS
from .messages import label_of, translate

_REASON = {"type": "string", "minLength": 1, "maxLength": 1000, "format": "plain_text",
           "pattern": r"\S", "title": "Reason", "x-title-zh": "理由"}

REVIEW_OUTCOMES = ("approved", "rejected", "returned")
MISSING_MAX, NOTE_MAX = 20, 500


@lru_cache(maxsize=None)
def review_decision(material_kinds: tuple[str, ...]) -> dict:
    """An agency's decision: `approved: true|false` (v1) or `outcome`, which may also be `returned`
    with the `missing` items. `kind` is one of the material kinds (rules/outcomes.yaml), so the
    schema is made from that catalog, once per set of kinds."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "An agency's review decision", "x-title-zh": "部门审核决定",
        "type": "object", "additionalProperties": False, "required": ["reason"],
        "properties": {
            "approved": {"type": "boolean", "title": "Approved", "x-title-zh": "是否通过"},
            "outcome": {"enum": list(REVIEW_OUTCOMES), "title": "Outcome", "x-title-zh": "审核结果"},
            "missing": {
                "type": "array", "minItems": 1, "maxItems": MISSING_MAX,
                "title": "What is missing", "x-title-zh": "需补正的事项",
                "items": {"type": "object", "additionalProperties": False, "required": ["note"],
                          "title": "A missing item", "x-title-zh": "补正事项",
                          "properties": {
                              "kind": {"enum": list(material_kinds), "title": "Kind of material",
                                       "x-title-zh": "材料种类"},
                              "note": {"type": "string", "minLength": 1, "maxLength": NOTE_MAX,
                                       "format": "plain_text", "pattern": r"\S",
                                       "title": "What to provide", "x-title-zh": "补正说明"}}}},
            "reason": _REASON,
        },
        # exactly one of `approved` and `outcome`; `missing` with `returned` and only then
        "anyOf": [{"required": ["approved"]}, {"required": ["outcome"]}],
        "dependentSchemas": {"approved": {"not": {"required": ["outcome"]}}},
        "if": {"properties": {"outcome": {"const": "returned"}}, "required": ["outcome"]},
        "then": {"required": ["missing"]},
        "else": {"not": {"required": ["missing"]}},
    }


# What the hand-written combinations above mean to a reviewer, by the keyword that failed.
_COMBINATION_ERRORS = {
    "anyOf": FieldError("/outcome", "required", "审核结果为必填项：outcome（approved、rejected 或 returned）",
                        "Outcome is required: outcome (approved, rejected or returned)"),
    ("not", "outcome"): FieldError("/outcome", "conflicting_fields", "approved 与 outcome 只能填写一个",
                                   "Give either approved or outcome, not both"),
    ("not", "missing"): FieldError("/missing", "not_allowed", "只有退回补正（outcome 为 returned）时才填写需补正的事项",
                                   "List what is missing only when returning it (outcome returned)"),
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
        "repayment": {"enum": list(REPAYMENTS),
                      "title": "Repayment: equal_instalment (等额本息) or interest_only (按月付息、到期还本, the default)",
                      "x-title-zh": "还款方式：equal_instalment（等额本息）或 interest_only（按月付息、到期还本，默认）"},
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

# An amendment names the form's fields it replaces; the amended whole is then checked against its
# scenario's form (services/applications.amend), so only the outline is checked here.
AMENDMENT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "An amendment of a returned application", "x-title-zh": "补正",
    "type": "object", "additionalProperties": False,
    "properties": {
        "materials": {"type": "array", "items": {"type": "string"}, "title": "Materials (replace the list)",
                      "x-title-zh": "申请材料（替换原列表）"},
        "details": {"type": "object", "title": "Scenario details (replace them)", "x-title-zh": "场景信息（替换原信息）"},
    },
}

# The enterprise takes one bank's offer (the bank must have approved: checked by the service, 422).
ACCEPTANCE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Accept one bank's offer", "x-title-zh": "接受银行的批复方案",
    "type": "object", "additionalProperties": False, "required": ["bank"],
    "properties": {"bank": {"type": "string", "pattern": "^[A-Z0-9-]{2,32}$", "title": "Bank code",
                            "x-title-zh": "银行代码"}},
}

# Consultation (domain/threads.py): lengths are checked once blanks are trimmed, by the service.
_THREAD_TEXT = {"type": "string", "format": "plain_text", "minLength": 1, "title": "Message (1–2000 characters)",
                "x-title-zh": "留言（1–2000 字）"}
_SLOT = {"type": "string", "minLength": 1, "maxLength": 40,
         "title": "Slot: ISO date and time, Asia/Shanghai if it has no offset",
         "x-title-zh": "预约时间：ISO 日期时间，无时区时按北京时间"}
THREAD = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "A question to the service window", "x-title-zh": "向服务窗口咨询",
    "type": "object", "additionalProperties": False, "required": ["subject", "text"],
    "properties": {
        "application_id": {"type": "string", "minLength": 1, "maxLength": 64, "title": "Application (yours)",
                           "x-title-zh": "相关申请（本企业的）"},
        "subject": {"type": "string", "format": "plain_text", "minLength": 1, "title": "Subject (1–200 characters)",
                    "x-title-zh": "主题（1–200 字）"},
        "text": _THREAD_TEXT},
}
THREAD_MESSAGE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "A message in a thread", "x-title-zh": "咨询留言",
    "type": "object", "additionalProperties": False, "required": ["text"], "properties": {"text": _THREAD_TEXT},
}
CALL_REQUEST = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "A call request", "x-title-zh": "预约通话",
    "type": "object", "additionalProperties": False, "required": ["kind", "slot"],
    "properties": {"kind": {"enum": ["voice", "video"], "title": "Kind: voice or video",
                            "x-title-zh": "方式：voice（语音）或 video（视频）"},
                   "slot": _SLOT},
}
CALL_PROPOSAL = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Another slot for a call", "x-title-zh": "建议的其他通话时间",
    "type": "object", "additionalProperties": False, "required": ["slot"], "properties": {"slot": _SLOT},
}
THREAD_SCHEMAS = {"thread": THREAD, "thread_message": THREAD_MESSAGE, "call_request": CALL_REQUEST,
                  "call_proposal": CALL_PROPOSAL}

SCHEMAS = {"bank_decision": BANK_DECISION, "amendment": AMENDMENT, "material": MATERIAL, "acceptance": ACCEPTANCE,
           **THREAD_SCHEMAS}


def schema(name: str, material_kinds: tuple[str, ...] = ()) -> dict:
    return review_decision(material_kinds) if name == "review_decision" else SCHEMAS[name]


@lru_cache(maxsize=None)
def _validator(name: str, material_kinds: tuple[str, ...]):
    from .registry import _format_checker, _validator_class
    return _validator_class()(schema(name, material_kinds), format_checker=_format_checker())


@lru_cache(maxsize=None)
def _fast(name: str, material_kinds: tuple[str, ...]):
    """The loan forms' fast path for this schema (`registry.FastCheck`), or None where it has none:
    jsonschema-rs says "valid" in microseconds; any other verdict is jsonschema's to word. The
    pure-Python validator cost a review decision about 0.3 ms of its own code (`bench handler`)."""
    from .registry import fast_check
    return fast_check(schema(name, material_kinds))


@lru_cache(maxsize=None)
def _labels(name: str, material_kinds: tuple[str, ...]) -> dict:
    labels = {}

    def walk(node: dict, path: str) -> None:
        labels[path] = label_of(node)
        for key, sub in (node.get("properties") or {}).items():
            walk(sub, f"{path}/{key}")
        if isinstance(node.get("items"), dict):
            walk(node["items"], f"{path}/*")
    walk(schema(name, material_kinds), "")
    return labels


def _combination_error(error) -> FieldError | None:
    if error.validator == "anyOf":
        return _COMBINATION_ERRORS["anyOf"]
    if error.validator == "not":
        return _COMBINATION_ERRORS.get(("not", (error.validator_value.get("required") or [""])[0]))
    return None


def problems(name: str, body, material_kinds: tuple[str, ...] = ()) -> list[FieldError]:
    """Every way `body` breaks schema `name` ([] when it is valid)."""
    if not isinstance(body, dict):
        return [BODY_NOT_AN_OBJECT]
    fast = _fast(name, material_kinds)
    if fast is not None and fast.is_valid(body):
        return []
    found = {}
    for error in _validator(name, material_kinds).iter_errors(body):
        combined = _combination_error(error)
        for out in [combined] if combined else translate(error, _labels(name, material_kinds)):
            if out.path == "/reason" and out.code == "pattern":   # only blanks
                out = FieldError("/reason", "blank", "请填写理由（1–1000 字）", "Give a reason (1–1000 characters)")
            elif out.path.endswith("/note") and out.code == "pattern":
                out = FieldError(out.path, "blank", f"请填写补正说明（1–{NOTE_MAX} 字）",
                                 f"Say what to provide (1–{NOTE_MAX} characters)")
            found.setdefault((out.path, out.code), out)
    return sorted(found.values(), key=lambda e: (e.path, e.code))


# ---- complaints (services/complaints.py) -----------------------------------------------------------
COMPLAINT_TEXT_MAX = 2000
_COMPLAINT_TEXT = {"type": "string", "minLength": 1, "maxLength": COMPLAINT_TEXT_MAX, "format": "plain_text",
                   "pattern": r"\S", "title": "What the complaint says", "x-title-zh": "投诉内容"}
COMPLAINT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "A complaint", "x-title-zh": "投诉",
    "type": "object", "additionalProperties": False, "required": ["about", "text"],
    "properties": {
        "about": {"enum": ["review", "bank", "service"], "title": "About: review, bank or service",
                  "x-title-zh": "投诉对象：review（部门审核）、bank（银行）或 service（服务）"},
        "text": _COMPLAINT_TEXT,
        "application_id": {"type": "string", "pattern": "^[0-9A-Za-z-]{1,64}$", "title": "Application",
                           "x-title-zh": "相关申请"},
        "agency": {"type": "string", "pattern": "^(hr|ipo|realestate|purchaser:[A-Za-z0-9][A-Za-z0-9-]{0,63})$",
                   "title": "The reviewing agency complained about", "x-title-zh": "被投诉的审核部门"},
        # window staff recording a complaint for an enterprise: whose, and by which channel
        # (the channels are data: data/complaints.yaml, checked by the service)
        "uscc": {"type": "string", "format": "uscc", "title": "Enterprise's unified social credit code",
                 "x-title-zh": "企业统一社会信用代码"},
        "channel": {"type": "string", "pattern": "^[a-z0-9_]{1,40}$", "title": "Channel", "x-title-zh": "投诉渠道"},
    },
}
COMPLAINT_ANSWER = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "The window's answer to a complaint", "x-title-zh": "投诉答复",
    "type": "object", "additionalProperties": False, "required": ["text"],
    "properties": {"text": {**_COMPLAINT_TEXT, "title": "The answer", "x-title-zh": "答复内容"}},
}
SCHEMAS.update(complaint=COMPLAINT, complaint_answer=COMPLAINT_ANSWER)
