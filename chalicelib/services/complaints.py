"""Complaints: filed, listed, answered, and escalated when left unanswered past their due day.

An enterprise files its own complaint (channel `online`); window staff record one for an
enterprise that complained by the 12345 hotline or an app. The channels and the answer period
are data (`data/complaints.yaml`); the due day counts PRC working days on the project's calendar
(调休 included). The reviewer a complaint is about (a purchasing unit) sees it; window staff see
them all and answer them, which closes the complaint and tells the enterprise in the same
transaction. The deadline schedule flags an open complaint past its due day once.
"""
from __future__ import annotations

from functools import lru_cache

from ..domain.application import Actor
from ..domain.complaints import STATUSES, Complaint, ComplaintRules
from ..domain.errors import BusinessRuleViolated, Forbidden, NotFound, ValidationFailed
from .applications import Idempotent, attempts, checked, not_found, now_iso, replayed, today
from .ports import IdempotencyKeyTaken, StaleVersion

RULES_FILE = "complaints.yaml"
SERVICE_BUSY = ("系统繁忙，请稍后重试", "The service is busy; please try again")
CHANGED = ("投诉正被同时处理，请稍后重试", "The complaint is being changed by someone else; try again")


@lru_cache(maxsize=1)
def complaint_rules() -> ComplaintRules:
    """The channels and the answer period, read and checked once (a bad file stops the first use)."""
    import yaml
    from ..datafiles import data_dir
    path = data_dir("data") / RULES_FILE
    return ComplaintRules.from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def complaint_not_found() -> NotFound:
    return NotFound.single("", "not_found", "投诉不存在", "No such complaint")


# ---- filing ---------------------------------------------------------------------------------------
def file_complaint(deps, actor: Actor, body, idempotency_key: str | None = None) -> tuple[int, dict]:
    """201 with the complaint, open and due in the rules' working days; a retry with the same
    Idempotency-Key gets the first answer and files nothing more."""
    request = Idempotent.of(actor, "complaint", idempotency_key, body)
    if first := replayed(deps, request):
        return first
    checked(body, "complaint")
    rules = complaint_rules()
    owner, channel = _who_and_how(actor, body, rules)
    application_id, agency = _what_about(deps, owner, body)
    due = deps.calendar.add_working_days(today(deps), rules.answer_within_working_days).isoformat()
    complaint = Complaint.file(complaint_id=deps.ids.new_id(), owner=owner, channel=channel, about=body["about"],
                               text=body["text"].strip(), due=due, now=now_iso(deps),
                               recorded_by=actor.subject if actor.role == "window" else None,
                               application_id=application_id, agency=agency)
    response = complaint.to_view(rules)
    for _ in attempts(busy=SERVICE_BUSY):   # a new complaint cannot be stale: only a transient conflict
        if (sent := _commit(deps, complaint, response, request, 201)) is not None:
            return 201, sent


def _who_and_how(actor: Actor, body: dict, rules: ComplaintRules) -> tuple[str, str]:
    """The enterprise complaining and the channel: its own online complaint, or one window staff
    record for it from a channel the window takes (both named by the body)."""
    allowed = rules.channels_for(actor.role)
    if actor.role == "enterprise":
        if body.get("uscc", actor.subject) != actor.subject:
            raise Forbidden.single("/uscc", "uscc_not_yours", "统一社会信用代码与登录企业不一致",
                                   "The unified social credit code is not the one you are signed in with")
        channel = body.get("channel", allowed[0])
    else:
        missing = [f for f in ("uscc", "channel") if f not in body]
        if missing:
            raise ValidationFailed.single(f"/{missing[0]}", "required", "窗口代录投诉须填写企业的统一社会信用代码和投诉渠道",
                                          "Recording a complaint for an enterprise needs its uscc and the channel")
        channel = body["channel"]
    if channel not in allowed:
        named = [rules.channels[c] for c in allowed]
        raise ValidationFailed.single("/channel", "enum", f"投诉渠道须为以下之一：{'、'.join(c.zh for c in named)}",
                                      f"The channel must be one of: {'; '.join(f'{c.en} ({c.id})' for c in named)}")
    return body.get("uscc", actor.subject), channel


def _what_about(deps, owner: str, body: dict) -> tuple[str | None, str | None]:
    """The application (the enterprise's own, else 404) and, for a review, which reviewer: the one
    named, or the application's only one."""
    about, application_id, agency = body["about"], body.get("application_id"), body.get("agency")
    if agency is not None and about != "review":
        raise ValidationFailed.single("/agency", "not_allowed", "只有投诉部门审核（about 为 review）时才填写审核部门",
                                      "Name an agency only for a complaint about a review (about: review)")
    if application_id is None:
        if about == "review":
            raise ValidationFailed.single("/application_id", "required", "投诉部门审核须注明相关申请",
                                          "A complaint about a review names its application")
        return None, None
    app = deps.store.get(application_id)
    if app is None or app.owner != owner:
        raise not_found()
    if about != "review":
        return application_id, None
    reviewers = list(dict.fromkeys(r.agency for r in app.reviews))
    if agency is not None and agency not in reviewers:
        raise BusinessRuleViolated.single("/agency", "not_a_reviewer", "该部门没有审核这份申请",
                                          "That agency has no review of this application")
    if not reviewers:
        raise BusinessRuleViolated.single("/about", "no_review", "这份申请没有部门审核",
                                          "This application has no agency review to complain about")
    return application_id, agency or (reviewers[0] if len(reviewers) == 1 else None)


def _commit(deps, complaint: Complaint, response: dict, request: Idempotent | None = None,
            status: int = 200) -> dict | None:
    """Save the complaint with its notices in words (and the response, with a key). The response
    to send, or the first one if a retry with the key won; None if the race was lost."""
    from .notifications import put_into_words
    notifications = put_into_words(deps, complaint.notices, now_iso(deps)) if complaint.notices else []
    try:
        deps.store.save_complaint(complaint, notifications=notifications,
                                  idempotency=request.record(deps, status, response) if request else None)
    except StaleVersion:
        return None
    except IdempotencyKeyTaken:
        return request.first_response(deps)[1]
    complaint.committed()
    return response


# ---- reading --------------------------------------------------------------------------------------
def list_complaints(deps, actor: Actor, status: str | None, cursor: str | None, limit: int) -> dict:
    """Window staff: every complaint (`?status=` open, overdue or closed). An enterprise: its own.
    A reviewer: those about its reviews. Newest first, except a status's list (earliest due first)."""
    if status is not None and status not in STATUSES:
        raise ValidationFailed.single("/status", "enum", "状态须为 open、overdue 或 closed",
                                      "status must be open, overdue or closed")
    listing = f"{actor.label}:complaints:{status if actor.role == 'window' else ''}"
    def fetch(at):
        if actor.role == "window":
            return deps.store.complaints(status, limit, at)
        if actor.role == "enterprise":
            return deps.store.complaints_for_owner(actor.subject, limit, at)
        return deps.store.complaints_for_agency(actor.subject, limit, at)
    found, next_cursor = deps.cursors.page(listing, cursor, fetch)
    rules = complaint_rules()
    return {"items": [c.to_view(rules) for c in found if status is None or c.status == status], "cursor": next_cursor}


def get_complaint(deps, actor: Actor, complaint_id: str) -> dict:
    complaint = deps.store.complaint(complaint_id)
    if complaint is None or not complaint.may_be_seen_by(actor.role, actor.subject):
        raise complaint_not_found()
    return complaint.to_view(complaint_rules())


# ---- answering ------------------------------------------------------------------------------------
def answer_complaint(deps, actor: Actor, complaint_id: str, body) -> dict:
    """Window staff answer: the complaint is closed and the enterprise told, in one transaction;
    answering a closed one is 409."""
    checked(body, "complaint_answer")
    text = body["text"].strip()
    for _ in attempts(busy=CHANGED):
        complaint = deps.store.complaint(complaint_id)
        if complaint is None:
            raise complaint_not_found()
        complaint.answer_with(text, actor.subject, now_iso(deps))
        if (sent := _commit(deps, complaint, complaint.to_view(complaint_rules()))) is not None:
            return sent


# ---- the deadline schedule ------------------------------------------------------------------------
def flag_overdue_complaints(deps) -> int:
    """Flag every open complaint past its due day this run reaches, each once; how many it flagged
    (0 when another run did)."""
    from .deadlines import sweep
    return sweep(deps, deps.store.complaints_due_before, lambda c, day: flag_one(deps, c.id, day), "complaint")


def flag_one(deps, complaint_id: str, day: str) -> bool:
    for _ in attempts(busy=CHANGED):
        complaint = deps.store.complaint(complaint_id)
        if complaint is None or not complaint.mark_overdue(day, now_iso(deps)):
            return False
        if _commit(deps, complaint, {}) is not None:
            return True

