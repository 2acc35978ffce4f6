"""Routes for policy staff: the rule versions on record, simulating a draft, proposing a version and
approving another's proposal, and the read-only history (no route edits or deletes it)."""
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
def propose(request, actor, body, ruleset):
    """Propose a new version of a ruleset (it decides nothing until another policy user approves it)"""
    return policy.propose(deps(), actor, ruleset, body)


@endpoint(bp, "/rules/{ruleset}/versions/{version}", roles=("policy", "window"))
def version_detail(request, actor, ruleset, version):
    """A proposed or approved version, and what a proposed one would change"""
    return policy.version_detail(deps(), ruleset, version)


@endpoint(bp, "/rules/{ruleset}/versions/{version}/approve", method="POST", roles=("policy",))
def approve(request, actor, ruleset, version):
    """Approve another policy user's proposed version: it takes effect from its effective_from"""
    return policy.approve(deps(), actor, ruleset, version)


@endpoint(bp, "/applications/{app_id}/replay", roles=("policy", "window"))
def replay(request, actor, app_id):
    return policy.replay(deps(), app_id)


@endpoint(bp, "/rules/{ruleset}/history", roles=("policy", "window"))
def ruleset_history(request, actor, ruleset):
    """Every publication of a ruleset: who, when, the version before and after (read-only)"""
    return policy.ruleset_history(deps(), ruleset)
