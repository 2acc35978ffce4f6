"""Routes on applications: the enterprise submits and withdraws; every party reads its own."""
from chalice import Blueprint

from ..bootstrap import deps
from ..services import applications, offers
from .http import created, endpoint, idempotency_key, query_limit, require_object

bp = Blueprint(__name__)


@endpoint(bp, "/applications", method="POST", roles=("enterprise",), body=True, status=201)
def submit(request, actor, body):
    status, result = applications.submit(deps(), actor, require_object(body), idempotency_key(request))
    return created(status, result, "/applications")


@endpoint(bp, "/applications", roles=("enterprise", "window"))
def list_applications(request, actor):
    params = request.query_params or {}
    return applications.list_applications(deps(), actor, params.get("status"), params.get("cursor"),
                                          query_limit(request))


@endpoint(bp, "/applications/{app_id}", roles=("enterprise", "agency", "bank", "window"))
def get_application(request, actor, app_id):
    return applications.get_application(deps(), actor, app_id)


@endpoint(bp, "/applications/{app_id}/withdraw", method="POST", roles=("enterprise",))
def withdraw(request, actor, app_id):
    raw = request.raw_body
    body = {}
    if raw and raw.strip():
        from .http import parse_json
        body = require_object(parse_json(request, deps().settings.max_body_bytes))
    return applications.withdraw(deps(), actor, app_id, body, idempotency_key(request))


@endpoint(bp, "/applications/{app_id}/offers", roles=("enterprise", "window"))
def list_offers(request, actor, app_id):
    """Every bank's offer with its cost over the term net of the subsidy, cheapest first."""
    return offers.offers(deps(), actor, app_id)


@endpoint(bp, "/applications/{app_id}/accept", method="POST", roles=("enterprise",), body=True)
def accept(request, actor, body, app_id):
    """The owner accepts one bank's offer; the other banks are closed."""
    return offers.accept(deps(), actor, app_id, body, idempotency_key(request))


@endpoint(bp, "/applications/{app_id}/amend", method="POST", roles=("enterprise",), body=True)
def amend(request, actor, body, app_id):
    """The owner answers a return (需补正) with new materials or corrected details."""
    return applications.amend(deps(), actor, app_id, require_object(body), idempotency_key(request))
