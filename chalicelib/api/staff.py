"""Routes for window and policy staff."""
from chalice import Blueprint

from ..bootstrap import deps
from ..services import applications
from .http import endpoint

bp = Blueprint(__name__)


@endpoint(bp, "/stats", roles=("window", "policy"))
def stats(request, actor):
    return applications.stats(deps())
