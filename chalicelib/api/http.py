"""The edge: request parsing, authentication and the one mapping of errors to responses.

Routes are declared with `endpoint(...)`, which authenticates, checks the role, parses the body
and turns any domain error into the contract's error body. Chalice's own error responses (415,
405, 500 …) are rewritten into the same shape by `normalize_errors`, so a client only ever has
to read `{"errors": [{path, code, message_zh, message_en}]}`.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
import json
import logging
import math
import re

from chalice import Response

from ..bootstrap import deps
from ..domain.application import Actor
from ..jsontext import dumps
from ..domain.errors import (BODY_NOT_AN_OBJECT, DomainError, FieldError, Forbidden, PayloadTooLarge,
                             Unauthenticated, ValidationFailed)
from . import auth

log = logging.getLogger("getting_credit.api")

VERIFIED_ROLE = "gc:verified_role"
ANYONE = None


def error_body(errors) -> dict:
    return {"errors": [e.to_dict() for e in errors]}


def error_response(exc: DomainError) -> Response:
    return Response(body=error_body(exc.errors), status_code=exc.status,
                    headers={"Content-Type": "application/json"})


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError("number too large")
    return value


def parse_json(request, max_bytes: int):
    raw = request.raw_body or b""
    if len(raw) > max_bytes:
        raise PayloadTooLarge.single("", "too_large", f"请求体超过 {max_bytes // 1024} KiB 上限",
                                     f"The body is larger than the {max_bytes // 1024} KiB limit")
    if not raw.strip():
        raise ValidationFailed.single("", "empty_body", "请求体不能为空", "The request body is empty")
    try:
        body = json.loads(raw, parse_constant=_reject_constant, parse_float=_finite_float)
    except RecursionError:
        raise ValidationFailed.single("", "too_deep", "JSON 嵌套过深", "The JSON is nested too deeply")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed.single("", "malformed_json", f"JSON 格式错误：{exc}", f"Malformed JSON: {exc}")
    pointer = _lone_surrogate_at(body)
    if pointer is not None:
        raise ValidationFailed.single(pointer, "invalid_unicode", "文本含无效的 Unicode 转义（不成对的代理项）",
                                      "The text holds an invalid Unicode escape: half of a surrogate pair")
    return body


_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate_at(body) -> str | None:
    """Where a string holds half a surrogate pair, as a JSON pointer, else None.

    `json.loads` accepts "\\ud800" and yields a str that no UTF-8 encoder (DynamoDB, YAML,
    hashing) will take, so it would fail deep inside; a valid pair is already one character here."""
    stack = [("", body)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, str):
            if _SURROGATE.search(node):
                return pointer
        elif isinstance(node, dict):
            for key, value in node.items():
                if _SURROGATE.search(key):
                    return pointer      # the object holding the key: the pointer must not carry it
                stack.append((pointer + "/" + key.replace("~", "~0").replace("/", "~1"), value))
        elif isinstance(node, list):
            stack.extend((f"{pointer}/{n}", value) for n, value in enumerate(node))
    return None


def require_object(body) -> dict:
    if not isinstance(body, dict):
        raise ValidationFailed(BODY_NOT_AN_OBJECT)
    return body


def authenticate(request, roles) -> Actor:
    header = (request.headers or {}).get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated.single("", "missing_token", "请先登录（缺少 Bearer 令牌）",
                                     "Sign in first: no Bearer token")
    actor = auth.verify(token.strip(), deps().settings)
    if isinstance(getattr(request, "context", None), dict):
        request.context[VERIFIED_ROLE] = actor.role   # for the access log: verified, never re-decoded
    if roles is not ANYONE and actor.role not in roles:
        raise Forbidden.single("", "role_not_allowed", f"角色“{actor.role}”无权执行此操作",
                               f"The role '{actor.role}' may not do this")
    return actor


IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def idempotency_key(request) -> str | None:
    """The optional `Idempotency-Key` header: a retried request with it changes nothing twice."""
    key = (request.headers or {}).get("idempotency-key")
    if key is None:
        return None
    if not IDEMPOTENCY_KEY.match(key):
        raise ValidationFailed.single("/headers/Idempotency-Key", "format",
                                      "Idempotency-Key 须为 1–128 个字母、数字或 . _ : -",
                                      "Idempotency-Key must be 1–128 letters, digits or . _ : -")
    return key


_LIMIT = re.compile(r"[0-9]{1,4}")   # ASCII digits only: "²" and "①" are digits to str.isdigit


def created(status: int, result: dict, collection: str) -> Response:
    """A POST's answer: 201 with the new resource's `Location`, or the status an idempotent
    replay recorded (200/201 alike carry it)."""
    return Response(body=result, status_code=status, headers={"Content-Type": "application/json",
                                                             "Location": f"{collection}/{result['id']}"})


def query_limit(request, default: int = 20, maximum: int = 100) -> int:
    raw = (request.query_params or {}).get("limit")
    if raw is None:
        return default
    if not _LIMIT.fullmatch(raw) or not 1 <= int(raw) <= maximum:
        raise ValidationFailed.single("/limit", "range", f"limit 须为 1–{maximum} 的整数",
                                      f"limit must be an integer from 1 to {maximum}")
    return int(raw)


@dataclass(frozen=True)
class RouteDoc:
    """What the OpenAPI document says of a route (collected as routes are declared)."""
    method: str
    path: str
    roles: tuple | None
    body: bool
    status: int
    summary: str


ROUTE_DOCS: dict[tuple[str, str], RouteDoc] = {}


def endpoint(bp, path: str, *, method: str = "GET", roles=ANYONE, body: bool = False,
             status: int = 200, auth_required: bool = True, auth_optional: bool = False):
    """Register `fn(request, actor, [body], **path_params)` as a route on blueprint `bp`.

    `roles=ANYONE` with `auth_required=False` is a public route; otherwise the caller must
    present a valid token and hold one of `roles`. A public route with `auth_optional` reads a
    token if one is sent (a bad one is still 401) and passes `actor=None` if none is.
    """
    def decorate(fn):
        @functools.wraps(fn)
        def view(**params):
            request = bp.current_request
            try:
                deps().refresh_rules_if_stale()   # rules published meanwhile, checked at most every 30 s
                actor = authenticate(request, roles) if auth_required or (
                    auth_optional and (request.headers or {}).get("authorization")) else None
                args = [request, actor]
                if body:
                    args.append(parse_json(request, deps().settings.max_body_bytes))
                result = fn(*args, **params)
            except DomainError as exc:
                return error_response(exc)
            if isinstance(result, Response):
                return result
            return Response(body=result, status_code=status, headers={"Content-Type": "application/json"})
        bp.route(path, methods=[method])(view)
        ROUTE_DOCS[(method, path)] = RouteDoc(method, path, tuple(roles) if auth_required and roles else None,
                                              body, status, (fn.__doc__ or fn.__name__).strip().splitlines()[0])
        return fn
    return decorate


_CHALICE_CODES = {
    400: ("bad_request", "请求无效", "Bad request"),
    403: ("not_found_or_forbidden", "资源不存在或无权访问", "No such resource, or not for you"),
    404: ("not_found", "资源不存在", "Not found"),
    405: ("method_not_allowed", "不支持该请求方法", "This method is not allowed here"),
    413: ("too_large", "请求体过大", "The body is too large"),
    415: ("unsupported_media_type", "请使用 Content-Type: application/json", "Send Content-Type: application/json"),
}


def allowed_methods(route: str | None) -> list[str]:
    """The methods a route answers (for a 405's `Allow`)."""
    return sorted(method for method, path in ROUTE_DOCS if path == route)


access_log = logging.getLogger("getting_credit.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")


def _request_id(event) -> str:
    """The caller's X-Request-Id if it is sane, else API Gateway's, else a fresh one."""
    import uuid
    given = (getattr(event, "headers", None) or {}).get("x-request-id", "")
    if _REQUEST_ID.match(given or ""):
        return given
    context = getattr(event, "context", None) or {}
    return context.get("requestId") or uuid.uuid4().hex


def log_requests(event, get_response):
    """Middleware: one structured line per request with a correlation id.

    Only method, route, status, duration and role are logged: never a token, a body, a query
    string or an identifier of a person or an enterprise."""
    import time
    from ..observability import correlated, request_metrics
    started = time.perf_counter()
    request_id = _request_id(event)
    context = getattr(event, "context", None) or {}
    route = context.get("resourcePath")
    application_id = (getattr(event, "uri_params", None) or {}).get("app_id")   # /applications/{app_id}/...
    with correlated(request_id=request_id, application_id=application_id):
        response = get_response(event)
        response.headers["X-Request-Id"] = request_id
        if access_log.isEnabledFor(logging.INFO):
            access_log.info(json.dumps({
                "request_id": request_id, "method": getattr(event, "method", None),
                "route": route, "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 2), "role": context.get(VERIFIED_ROLE),
                **({"application_id": application_id} if application_id else {})}))
        request_metrics(getattr(event, "method", None), route, response.status_code)
    return response


def normalize_errors(event, get_response):
    """Middleware: every error leaves in the contract's shape, and no stack trace leaves at all."""
    try:
        response = get_response(event)
    except Exception:  # pragma: no cover - Chalice already turns these into a 500 response
        log.exception("unhandled error")
        response = Response(body={}, status_code=500)
    if response.status_code < 400:
        return readable(response)
    body = response.body
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        return readable(response)
    if response.status_code >= 500:
        log.error("internal error", extra={"status": response.status_code})
        error = FieldError("", "internal_error", "服务暂时出现问题，请稍后重试；您的数据未被改动",
                           "Something went wrong on our side; nothing was changed. Please try again")
    else:
        code, zh, en = _CHALICE_CODES.get(response.status_code, ("error", "请求失败", "Request failed"))
        error = FieldError("", code, zh, en)
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-type"}
    if response.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods((getattr(event, "context", None) or {}).get("resourcePath")))
    return readable(Response(body=error_body([error]), status_code=response.status_code,
                             headers=headers | {"Content-Type": "application/json"}))


def readable(response: Response) -> Response:
    """JSON with Chinese as characters, not \\u escapes: people read these bodies too."""
    if isinstance(response.body, (dict, list)):
        response.body = dumps(response.body)
        response.headers["Content-Type"] = "application/json; charset=utf-8"
    return response
