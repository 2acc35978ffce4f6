"""Routes for an enterprise's notifications: its own, newest first, and marking one read."""
from chalice import Blueprint

from ..bootstrap import deps
from ..services import notifications
from .http import endpoint, query_limit

bp = Blueprint(__name__)


@endpoint(bp, "/notifications", roles=("enterprise",))
def list_notifications(request, actor):
    """The enterprise's notifications, newest first (`?unread=true` for the unread ones)."""
    params = request.query_params or {}
    return notifications.list_notifications(deps(), actor, params.get("unread"), params.get("cursor"),
                                            query_limit(request))


@endpoint(bp, "/notifications/{notification_id}/read", method="POST", roles=("enterprise",))
def mark_read(request, actor, notification_id):
    """Mark one of the enterprise's notifications read (again: no change)."""
    return notifications.mark_read(deps(), actor, notification_id)
