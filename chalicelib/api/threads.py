"""Routes of consultation (咨询): an enterprise's threads with the service window, and call requests."""
from chalice import Blueprint

from ..bootstrap import deps
from ..services import threads
from .http import created, endpoint, idempotency_key, query_limit, require_object

bp = Blueprint(__name__)
BOTH = ("enterprise", "window")


@endpoint(bp, "/threads", method="POST", roles=("enterprise",), body=True, status=201)
def start_thread(request, actor, body):
    """Ask the service window a question, in general or about one of your applications."""
    status, result = threads.start_thread(deps(), actor, require_object(body), idempotency_key(request))
    return created(status, result, "/threads")


@endpoint(bp, "/threads", roles=BOTH)
def list_threads(request, actor):
    """Threads, newest activity first: the enterprise's own (with its unread total), or all for window staff."""
    params = request.query_params or {}
    return threads.list_threads(deps(), actor, params.get("unanswered"), params.get("cursor"), query_limit(request))


@endpoint(bp, "/threads/{thread_id}", roles=BOTH)
def get_thread(request, actor, thread_id):
    """A thread with its messages, oldest first; the reader's side has now read them."""
    return threads.get_thread(deps(), actor, thread_id)


@endpoint(bp, "/threads/{thread_id}/messages", method="POST", roles=BOTH, body=True, status=201)
def post_message(request, actor, body, thread_id):
    """A message in the thread: the enterprise's, or the window's answer (the enterprise is notified)."""
    return threads.post_message(deps(), actor, thread_id, require_object(body), idempotency_key(request))


@endpoint(bp, "/threads/{thread_id}/call-requests", method="POST", roles=("enterprise",), body=True, status=201)
def request_call(request, actor, body, thread_id):
    """Ask for a voice or video call at a slot in the window's hours on a working day."""
    return threads.request_call(deps(), actor, thread_id, require_object(body))


@endpoint(bp, "/threads/{thread_id}/call-requests/{request_id}/confirm", method="POST", roles=("window",))
def confirm_call(request, actor, thread_id, request_id):
    """Window staff confirm the requested slot (the enterprise is notified)."""
    return threads.answer_call(deps(), actor, thread_id, request_id)


@endpoint(bp, "/threads/{thread_id}/call-requests/{request_id}/propose", method="POST", roles=("window",),
          body=True)
def propose_call(request, actor, body, thread_id, request_id):
    """Window staff propose another slot (the enterprise is notified)."""
    return threads.answer_call(deps(), actor, thread_id, request_id, require_object(body))
