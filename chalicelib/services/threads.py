"""Use cases of consultation (咨询): an enterprise asks the service window, in a thread of its own,
general or about one of its applications; window staff answer; either may read; the enterprise
asks for a call in the window's hours and staff confirm it or propose another slot.

Who may act is checked here: a thread is its owner's and the window's (anyone else is told it
does not exist). A change goes through the thread's optimistic lock (load → act → save, again
from a fresh read if another change won the race), and what the window says to the enterprise is
written with it as a notification and its gateway message, in the same transaction.
"""
from __future__ import annotations

from pathlib import Path

from ..domain.application import Actor
from ..domain.errors import NotFound, ValidationFailed
from ..domain.threads import SUBJECT_MAX, TEXT_MAX, ServiceHours, Thread, ThreadMessage, trimmed
from .applications import (SERVICE_BUSY, Idempotent, attempts, checked, not_found, now_iso, owned, replayed)
from .ports import Deps, IdempotencyKeyTaken, StaleVersion

HOURS_FILE = "service_hours.yaml"
THREAD_BUSY = ("咨询正被同时修改，请稍后重试", "The thread is being changed by someone else; try again")
TEXT = ("留言", "message")
SUBJECT = ("主题", "subject")


def load_service_hours(path: str | Path | None = None) -> ServiceHours:
    import yaml
    from ..datafiles import data_dir
    path = Path(path) if path else data_dir("data") / HOURS_FILE
    return ServiceHours.from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def no_thread() -> NotFound:
    return NotFound.single("", "not_found", "咨询不存在", "No such thread")


def side_of(actor: Actor) -> str:
    return "window" if actor.role == "window" else "enterprise"


def visible(thread: Thread | None, actor: Actor) -> bool:
    return thread is not None and (actor.role == "window" or (
        actor.role == "enterprise" and thread.owner == actor.subject))


def _message(deps: Deps, thread_id: str, actor: Actor, text: str) -> ThreadMessage:
    return ThreadMessage(deps.ids.new_id(), thread_id, side_of(actor), actor.label, text, now_iso(deps))


def _save(deps: Deps, thread: Thread, response_of, request: Idempotent | None, status: int = 200):
    """Write the thread with its effects (and the response, with a key); the response to send, or
    None when another change won the race and the caller should start again from a fresh read."""
    from .notifications import put_into_words
    notifications = put_into_words(deps, thread.notices, thread.last_at) if thread.notices else []
    response = response_of(thread)
    try:
        deps.store.save_thread(thread, notifications=notifications,
                               idempotency=request.record(deps, status, response) if request else None)
    except StaleVersion:
        return None
    except IdempotencyKeyTaken:
        return request.first_response(deps)[1]
    thread.committed()
    return response


def _view(deps: Deps, thread: Thread, actor: Actor, messages: list[ThreadMessage]) -> dict:
    staff = actor.role == "window"
    return thread.summary() | {"messages": [m.to_view(thread.was_read(m), staff) for m in messages]}


# ---- start, list, read ------------------------------------------------------------------------
def start_thread(deps: Deps, actor: Actor, body, idempotency_key: str | None = None) -> tuple[int, dict]:
    checked(body, "thread")
    subject = trimmed(body["subject"], "/subject", SUBJECT_MAX, SUBJECT)
    text = trimmed(body["text"], "/text", TEXT_MAX, TEXT)
    request = Idempotent.of(actor, "thread", idempotency_key, body)
    if first := replayed(deps, request):
        return first
    application_id = body.get("application_id")
    if application_id is not None and not owned(deps.store.get(application_id), actor):
        raise not_found()
    thread_id = deps.ids.new_id()
    message = _message(deps, thread_id, actor, text)
    thread = Thread.start(thread_id, actor.subject, subject, application_id, message)
    for _ in attempts(busy=SERVICE_BUSY):   # a new thread is never stale: a lost round was transient
        sent = _save(deps, thread, lambda t: _view(deps, t, actor, [message]), request, status=201)
        if sent is not None:
            return 201, sent


def list_threads(deps: Deps, actor: Actor, unanswered: str | None, cursor: str | None, limit: int) -> dict:
    if unanswered not in (None, "true", "false"):
        raise ValidationFailed.single("/unanswered", "enum", "unanswered 只能是 true 或 false",
                                      "unanswered must be true or false")
    if unanswered is not None and actor.role != "window":
        raise ValidationFailed.single("/unanswered", "not_allowed", "只有服务窗口可按是否已答复筛选",
                                      "Only window staff list threads by whether they are answered")
    only = unanswered == "true"
    listing = f"{actor.label}:threads:{'unanswered' if only else 'all'}"
    items, next_cursor = deps.cursors.page(listing, cursor, lambda at: (
        deps.store.all_threads(only, limit, at) if actor.role == "window"
        else deps.store.threads_for_owner(actor.subject, limit, at)))
    result = {"items": [t.summary() for t in items], "cursor": next_cursor}
    if actor.role == "enterprise":
        result["unread"] = deps.store.thread_unread_total(actor.subject)
    return result


def get_thread(deps: Deps, actor: Actor, thread_id: str) -> dict:
    """The thread with its messages, oldest first; the other side's messages are now read by the
    reader's side (its unread count drops to 0, and the enterprise's total with it)."""
    for _ in attempts(busy=THREAD_BUSY):
        thread = deps.store.thread(thread_id)
        if not visible(thread, actor):
            raise no_thread()
        messages = deps.store.thread_messages(thread_id)
        if not thread.read_by(side_of(actor), now_iso(deps)):
            return _view(deps, thread, actor, messages)
        if (sent := _save(deps, thread, lambda t: _view(deps, t, actor, messages), None)) is not None:
            return sent


# ---- changes ------------------------------------------------------------------------------------
def post_message(deps: Deps, actor: Actor, thread_id: str, body, idempotency_key: str | None = None) -> dict:
    checked(body, "thread_message")
    text = trimmed(body["text"], "/text", TEXT_MAX, TEXT)
    thread = deps.store.thread(thread_id)
    if not visible(thread, actor):
        raise no_thread()
    request = Idempotent.of(actor, f"thread-message:{thread_id}", idempotency_key, body)
    if first := replayed(deps, request):
        return first[1]
    message = _message(deps, thread_id, actor, text)
    for _ in attempts(busy=THREAD_BUSY):
        thread.post(message)
        response = lambda t: message.to_view(False, actor.role == "window") | {"thread": t.summary()}
        if (sent := _save(deps, thread, response, request, status=201)) is not None:
            return sent
        thread = deps.store.thread(thread_id)


def request_call(deps: Deps, actor: Actor, thread_id: str, body) -> dict:
    checked(body, "call_request")
    thread = deps.store.thread(thread_id)
    if thread is None or actor.role != "enterprise" or thread.owner != actor.subject:
        raise no_thread()
    slot = _slot(deps, body["slot"])
    request_id = deps.ids.new_id()
    for _ in attempts(busy=THREAD_BUSY):
        call = thread.request_call(request_id, body["kind"], slot, now_iso(deps))
        if (sent := _save(deps, thread, lambda t: call.to_view(), None, status=201)) is not None:
            return sent
        thread = deps.store.thread(thread_id)


def answer_call(deps: Deps, actor: Actor, thread_id: str, request_id: str, body=None) -> dict:
    """Window staff confirm the requested slot, or (with a body `{slot}`) propose another."""
    proposed = _slot(deps, checked(body, "call_proposal")["slot"]) if body is not None else None
    for _ in attempts(busy=THREAD_BUSY):
        thread = deps.store.thread(thread_id)
        if not visible(thread, actor):
            raise no_thread()
        call = thread.answer_call(request_id, actor.label, now_iso(deps), proposed)
        if (sent := _save(deps, thread, lambda t: call.to_view(), None)) is not None:
            return sent


def _slot(deps: Deps, value) -> str:
    return deps.service_hours.check_slot(value, deps.clock.now(), deps.calendar.is_working_day)
