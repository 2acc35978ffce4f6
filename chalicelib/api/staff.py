"""Routes for window and policy staff."""
from chalice import Blueprint, Response

from ..bootstrap import deps
from ..services import applications, fanout
from .http import endpoint

bp = Blueprint(__name__)


@endpoint(bp, "/stats", roles=("window", "policy"))
def stats(request, actor):
    """v1's figures, city-wide or `?group_by=month|scenario|bank|district`; `?format=csv` for Excel."""
    params = request.query_params or {}
    fmt = params.get("format")
    result = applications.stats(deps(), params.get("group_by"), fmt)
    if fmt != "csv":
        return result
    name = f"stats-{params.get('group_by') or 'total'}.csv"
    return Response(body=applications.stats_csv(result), status_code=200,
                    headers={"Content-Type": "text/csv; charset=utf-8",
                             "Content-Disposition": f'attachment; filename="{name}"'})


@endpoint(bp, "/outbox/parked", roles=("window",))
def parked_messages(request, actor):
    """Messages parked because their queue does not exist (never retried; for follow-up)."""
    return fanout.parked(deps())
