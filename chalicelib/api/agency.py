"""Routes for agency reviewers (their pending reviews, oldest first, and their decisions) and the
window's list of reviews past their deadline."""
from chalice import Blueprint

from ..bootstrap import deps
from ..services import applications
from .http import endpoint, idempotency_key, query_limit

bp = Blueprint(__name__)


@endpoint(bp, "/reviews", roles=("agency", "window"))
def list_reviews(request, actor):
    """An agency's pending reviews, oldest first; for window staff, every review past its deadline."""
    params = request.query_params or {}
    return applications.list_reviews(deps(), actor, params.get("status"), params.get("cursor"),
                                     query_limit(request))


@endpoint(bp, "/reviews/{review_id}/decision", method="POST", roles=("agency",), body=True)
def decide(request, actor, body, review_id):
    return applications.decide_review(deps(), actor, review_id, body, idempotency_key(request))
