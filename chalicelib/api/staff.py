"""Routes for window and policy staff."""
from chalice import Blueprint

from ..bootstrap import deps
from ..services import applications, fanout
from .http import endpoint

bp = Blueprint(__name__)


@endpoint(bp, "/stats", roles=("window", "policy"))
def stats(request, actor):
    return applications.stats(deps())


@endpoint(bp, "/outbox/parked", roles=("window",))
def parked_messages(request, actor):
    """Messages parked because their queue does not exist (never retried; for follow-up)."""
    return fanout.parked(deps())
