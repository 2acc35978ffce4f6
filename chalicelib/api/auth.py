"""Bearer tokens: dev tokens (HS256, local and test stages only) and Cognito tokens (RS256, JWKS).

Chalice's local mode does not run API Gateway authorizers, so every route verifies the token
here, the same way in every stage. Tokens are never logged.

Who a token names is read from one place per kind of token, never from a claim that could
override another:
- a dev token: `role` and `sub`, as `POST /auth/dev-token` mints them;
- a Cognito token: the role is the token's one role group (`cognito:groups`: only an
  administrator puts a user in a group) and the party is `custom:subject` (the USCC, agency id,
  bank code or staff id), an attribute the app clients may read but not write, so only an
  administrator sets it. Cognito's `sub` (a UUID) and any `role` claim are not read.
"""
from __future__ import annotations

import re
import threading
import time

from ..domain.application import ROLES, Actor
from ..domain.errors import Unauthenticated, ValidationFailed

DEV_TOKEN_SECONDS = 12 * 3600
AGENCY_ID = re.compile(r"^(hr|ipo|realestate|purchaser:[A-Za-z0-9][A-Za-z0-9-]{0,63})$")
STAFF_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_jwks_clients: dict = {}
_jwks_lock = threading.Lock()
VERIFIED_TOKENS_HELD = 4096


def _bad_token(detail: str) -> Unauthenticated:
    return Unauthenticated.single("", "invalid_token", f"令牌无效或已过期，请重新登录（{detail}）",
                                  f"The token is invalid or expired; sign in again ({detail})")


def verify(token: str, settings) -> Actor:
    """Who the token names, checked as `_verified` checks it, or `Unauthenticated`.

    A person's session sends the same token with every request, and checking one costs about
    0.25 ms of a request's own code (`bench handler`; PyJWT prepares the key anew on each call).
    So a token that passed is held, by its exact text and the settings that checked it, until
    its `exp`: a later request with it only compares the clock. A refused token is never held.
    The map starts over when it holds `VERIFIED_TOKENS_HELD` tokens."""
    key = (token, settings.dev_tokens_enabled, settings.jwt_secret, settings.jwt_issuer, settings.jwt_audience,
           settings.cognito_jwks_url)
    held = _verified_tokens.get(key)
    if held is not None and time.time() < held[1]:
        return held[0]
    actor, expires = _verified(token, settings)
    if len(_verified_tokens) >= VERIFIED_TOKENS_HELD:
        _verified_tokens.clear()
    _verified_tokens[key] = (actor, expires)
    return actor


_verified_tokens: dict[tuple, tuple[Actor, float]] = {}


def _verified(token: str, settings) -> tuple[Actor, float]:
    import jwt  # PyJWT, imported on the first authenticated request
    try:
        if settings.dev_tokens_enabled:
            claims = jwt.decode(token, settings.jwt_secret, algorithms=["HS256"],
                                audience=settings.jwt_audience, issuer=settings.jwt_issuer,
                                options={"require": ["exp", "iat", "sub", "iss", "aud"]})
        else:
            key = _jwks(settings.cognito_jwks_url).get_signing_key_from_jwt(token).key
            claims = jwt.decode(token, key, algorithms=["RS256"], audience=settings.jwt_audience,
                                issuer=settings.jwt_issuer, options={"require": ["exp", "iat", "sub"]})
    except jwt.ExpiredSignatureError:
        raise _bad_token("expired")
    except jwt.PyJWTError as exc:
        raise _bad_token(type(exc).__name__)
    role, subject = _dev_identity(claims) if settings.dev_tokens_enabled else _pool_identity(claims)
    if role not in ROLES or not isinstance(subject, str) or not subject:
        raise _bad_token("role/sub")
    return Actor(role=role, subject=subject), claims["exp"]


def _dev_identity(claims: dict) -> tuple:
    return claims.get("role"), claims.get("sub")


def _pool_identity(claims: dict) -> tuple:
    groups = claims.get("cognito:groups")
    roles = [g for g in groups if g in ROLES] if isinstance(groups, list) else []
    return (roles[0] if len(roles) == 1 else None), claims.get("custom:subject")


def _jwks(url: str):
    import jwt
    with _jwks_lock:
        if url not in _jwks_clients:
            _jwks_clients[url] = jwt.PyJWKClient(url, cache_keys=True)
        return _jwks_clients[url]


def subject_problem(role: str, subject: str, catalog, uscc_problem) -> str | None:
    """Why `subject` cannot identify a party of `role`, or None."""
    if role == "enterprise":
        return uscc_problem(subject)
    if role == "agency":
        return None if AGENCY_ID.match(subject) else "agency ids: hr, ipo, realestate, purchaser:<unit-id>"
    if role == "bank":
        return None if catalog.bank(subject) else "unknown bank code"
    return None if STAFF_ID.match(subject) else "staff ids: letters, digits, . _ -"


def mint_dev_token(settings, catalog, uscc_problem, body: dict) -> dict:
    import jwt
    role, subject = body.get("role"), body.get("subject")
    if role not in ROLES:
        raise ValidationFailed.single("/role", "enum", f"角色须为 {', '.join(ROLES)} 之一",
                                      f"role must be one of {', '.join(ROLES)}")
    problem = subject_problem(role, subject, catalog, uscc_problem) if isinstance(subject, str) else "missing"
    if problem:
        raise ValidationFailed.single("/subject", "invalid_subject", f"subject 无效：{problem}",
                                      f"subject is not valid for role {role}: {problem}")
    now = int(time.time())
    claims = {"role": role, "sub": subject, "iat": now, "exp": now + DEV_TOKEN_SECONDS,
              "iss": settings.jwt_issuer, "aud": settings.jwt_audience}
    return {"token": jwt.encode(claims, settings.jwt_secret, algorithm="HS256"),
            "expires_in": DEV_TOKEN_SECONDS}
