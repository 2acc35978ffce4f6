"""Typed errors raised by the domain and services; the API maps each kind to a status once.

Every error carries one or more `FieldError`s so a person sees every problem at once, in zh and
en, pointing (JSON pointer) at the part of the request that is wrong.
"""
from __future__ import annotations

from dataclasses import dataclass, asdict


@dataclass(frozen=True)
class FieldError:
    path: str          # JSON pointer into the request, "" for the whole request
    code: str          # stable machine-readable code, e.g. "required", "uscc_check_digit"
    message_zh: str
    message_en: str
    line: int | None = None   # the line of a text the request carried (a rule file), for an editor

    def to_dict(self) -> dict:
        out = asdict(self)
        if out["line"] is None:
            del out["line"]
        return out


# Every route that takes a body refuses anything but an object with this one error.
BODY_NOT_AN_OBJECT = FieldError("", "type", "请求体须为 JSON 对象", "The body must be a JSON object")


class DomainError(Exception):
    """Base of every error the API turns into an error body; `status` is the HTTP status."""

    status = 400

    def __init__(self, *errors: FieldError):
        if not errors:
            raise ValueError("a DomainError needs at least one FieldError")
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{e.path or '/'}: {e.code}: {e.message_en}" for e in errors))

    @classmethod
    def single(cls, path: str, code: str, zh: str, en: str) -> "DomainError":
        return cls(FieldError(path, code, zh, en))


class ValidationFailed(DomainError):
    status = 400


class Unauthenticated(DomainError):
    status = 401


class Forbidden(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class PayloadTooLarge(DomainError):
    status = 413


class BusinessRuleViolated(DomainError):
    status = 422
