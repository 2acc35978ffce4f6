"""Routes on what the government already holds (数据专区): records, their reads, prefilled forms,
and the IP office's green channel."""
from chalice import Blueprint, Response

from ..bootstrap import deps
from ..services import records
from .http import endpoint, query_limit

bp = Blueprint(__name__)


@endpoint(bp, "/enterprises/{uscc}/records", roles=("enterprise", "bank", "agency", "window"))
def read_records(request, actor, uscc):
    """An enterprise's public records (a bank's or agency's read is logged)"""
    return records.read(deps(), actor, uscc)


@endpoint(bp, "/enterprises/{uscc}/records/reads", roles=("enterprise", "window"))
def list_reads(request, actor, uscc):
    """Who read the enterprise's records, newest first"""
    return records.reads(deps(), actor, uscc, (request.query_params or {}).get("cursor"), query_limit(request))


@endpoint(bp, "/forms/{scenario}/prefill", roles=("enterprise",))
def prefill(request, actor, scenario):
    """The enterprise's application body filled from its records"""
    return records.prefill(deps(), actor, scenario)


@endpoint(bp, "/ip/whitelist", roles=("bank", "window"))
def whitelist(request, actor):
    """Whitelisted enterprises with pledgeable patents (the reverse push)"""
    return records.whitelist(deps(), actor, (request.query_params or {}).get("cursor"), query_limit(request))


@endpoint(bp, "/ip/whitelist/{uscc}", method="PUT", roles=("agency",))
def whitelist_add(request, actor, uscc):
    """Put an enterprise on the IP green channel's whitelist (IP office)"""
    status, entry = records.whitelist_add(deps(), actor, uscc)
    return Response(body=entry, status_code=status, headers={"Content-Type": "application/json"})


@endpoint(bp, "/ip/whitelist/{uscc}", method="DELETE", roles=("agency",))
def whitelist_remove(request, actor, uscc):
    """Take an enterprise off the whitelist (IP office)"""
    return records.whitelist_remove(deps(), actor, uscc)


@endpoint(bp, "/applications/{app_id}/ip-background", roles=("bank",))
def ip_background(request, actor, app_id):
    """The applicant's patents, trademarks and pledges, for a bank the IP-pledge application was sent to (logged)"""
    return records.ip_background(deps(), actor, app_id)
