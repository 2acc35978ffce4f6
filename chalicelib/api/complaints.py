"""Routes on complaints: an enterprise files its own, window staff record one from the 12345
hotline or an app and answer them; the reviewer a complaint is about reads it."""
from chalice import Blueprint

from ..bootstrap import deps
from ..services import complaints
from .http import created, endpoint, idempotency_key, query_limit, require_object

bp = Blueprint(__name__)
READERS = ("enterprise", "agency", "window")


@endpoint(bp, "/complaints", method="POST", roles=("enterprise", "window"), body=True, status=201)
def file_complaint(request, actor, body):
    """File a complaint (enterprise, online), or record one for an enterprise (window: uscc, channel)."""
    status, result = complaints.file_complaint(deps(), actor, require_object(body), idempotency_key(request))
    return created(status, result, "/complaints")


@endpoint(bp, "/complaints", roles=READERS)
def list_complaints(request, actor):
    """Complaints: an enterprise's own, those about an agency's reviews, or all (window, `?status=`)."""
    params = request.query_params or {}
    return complaints.list_complaints(deps(), actor, params.get("status"), params.get("cursor"),
                                      query_limit(request))


@endpoint(bp, "/complaints/{complaint_id}", roles=READERS)
def get_complaint(request, actor, complaint_id):
    """One complaint, for the enterprise, the agency it is about, or window staff."""
    return complaints.get_complaint(deps(), actor, complaint_id)


@endpoint(bp, "/complaints/{complaint_id}/answer", method="POST", roles=("window",), body=True)
def answer(request, actor, body, complaint_id):
    """Answer a complaint (window): it is closed and the enterprise told."""
    return complaints.answer_complaint(deps(), actor, complaint_id, require_object(body))
