"""Routes for banks: where their queue is, and recording their decision."""
from chalice import Blueprint

from ..bootstrap import deps
from ..services import applications
from .http import endpoint, idempotency_key, query_limit

bp = Blueprint(__name__)


@endpoint(bp, "/banks/{code}/queue", roles=("bank",))
def queue(request, actor, code):
    return applications.bank_queue(deps(), actor, code)


@endpoint(bp, "/applications/{app_id}/bank-decision", method="POST", roles=("bank",), body=True)
def decide(request, actor, body, app_id):
    return applications.bank_decision(deps(), actor, app_id, body, idempotency_key(request))


@endpoint(bp, "/banks/{code}/applications", roles=("bank",))
def pending(request, actor, code):
    """The applications this bank has yet to decide, oldest sent first (for the portal)."""
    return applications.bank_pending(deps(), actor, code, (request.query_params or {}).get("cursor"),
                                     query_limit(request))
