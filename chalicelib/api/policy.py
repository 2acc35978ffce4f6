"""Routes for policy staff: the rule versions on record, simulating a draft, publishing it, and
the read-only history of publications (no route edits or deletes it)."""
from chalice import Blueprint

from ..bootstrap import deps
from ..services import policy
from .http import endpoint

bp = Blueprint(__name__)


@endpoint(bp, "/rules", roles=("policy", "window"))
def list_rules(request, actor):
    return policy.list_rules(deps())


@endpoint(bp, "/rules/simulate", method="POST", roles=("policy",), body=True)
def simulate(request, actor, body):
    return policy.simulate(deps(), body)


@endpoint(bp, "/rules/{ruleset}", method="PUT", roles=("policy",), body=True, status=201)
def publish(request, actor, body, ruleset):
    return policy.publish(deps(), actor, ruleset, body)


@endpoint(bp, "/applications/{app_id}/replay", roles=("policy", "window"))
def replay(request, actor, app_id):
    return policy.replay(deps(), app_id)


@endpoint(bp, "/rules/{ruleset}/history", roles=("policy", "window"))
def ruleset_history(request, actor, ruleset):
    """Every publication of a ruleset: who, when, the version before and after (read-only)"""
    return policy.ruleset_history(deps(), ruleset)
