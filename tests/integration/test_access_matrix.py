"""Who may do what: every route × every role, checked against the design's table."""
import pytest

from app import app
from chalicelib.domain.application import ROLES

PUBLIC = "anyone"
SUBJECTS = {"agency": "ipo", "bank": "ICBC-BJ", "policy": "p001", "window": "w001"}
MATRIX = {
    ("GET", "/"): PUBLIC,
    ("GET", "/portal/config.json"): PUBLIC,
    ("GET", "/portal/{file}"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/banks"): PUBLIC,
    ("GET", "/products"): PUBLIC,
    ("GET", "/forms"): PUBLIC,
    ("GET", "/forms/{scenario}"): PUBLIC,
    ("POST", "/eligibility"): PUBLIC,
    ("POST", "/auth/dev-token"): PUBLIC,
    ("POST", "/applications"): {"enterprise"},
    ("GET", "/applications"): {"enterprise", "window"},
    ("GET", "/applications/{app_id}"): {"enterprise", "agency", "bank", "window"},
    ("POST", "/applications/{app_id}/withdraw"): {"enterprise"},
    ("POST", "/applications/{app_id}/amend"): {"enterprise"},
    ("GET", "/applications/{app_id}/offers"): {"enterprise", "window"},
    ("POST", "/applications/{app_id}/accept"): {"enterprise"},
    ("GET", "/reviews"): {"agency", "window"},
    ("GET", "/notifications"): {"enterprise"},
    ("POST", "/notifications/{notification_id}/read"): {"enterprise"},
    ("POST", "/reviews/{review_id}/decision"): {"agency"},
    ("GET", "/banks/{code}/queue"): {"bank"},
    ("GET", "/banks/{code}/applications"): {"bank"},
    ("POST", "/applications/{app_id}/bank-decision"): {"bank"},
    ("GET", "/stats"): {"window", "policy"},
    ("GET", "/outbox/parked"): {"window"},
    ("GET", "/rules"): {"policy", "window"},
    ("POST", "/rules/simulate"): {"policy"},
    ("PUT", "/rules/{ruleset}"): {"policy"},
    ("GET", "/rules/{ruleset}/history"): {"policy", "window"},
    ("GET", "/rules/{ruleset}/versions/{version}"): {"policy", "window"},
    ("POST", "/rules/{ruleset}/versions/{version}/approve"): {"policy"},
    ("GET", "/applications/{app_id}/replay"): {"policy", "window"},
    ("GET", "/materials/kinds"): PUBLIC,
    ("POST", "/materials"): {"enterprise"},
    ("GET", "/materials/{material_id}"): {"enterprise", "agency", "bank", "window"},
    ("GET", "/enterprises/{uscc}/records"): {"enterprise", "bank", "agency", "window"},
    ("GET", "/enterprises/{uscc}/records/reads"): {"enterprise", "window"},
    ("GET", "/forms/{scenario}/prefill"): {"enterprise"},
    ("GET", "/ip/whitelist"): {"bank", "window"},
    ("PUT", "/ip/whitelist/{uscc}"): {"agency"},
    ("DELETE", "/ip/whitelist/{uscc}"): {"agency"},
    ("GET", "/applications/{app_id}/ip-background"): {"bank"},
    ("POST", "/complaints"): {"enterprise", "window"},
    ("GET", "/complaints"): {"enterprise", "agency", "window"},
    ("GET", "/complaints/{complaint_id}"): {"enterprise", "agency", "window"},
    ("POST", "/complaints/{complaint_id}/answer"): {"window"},
    ("POST", "/threads"): {"enterprise"},
    ("GET", "/threads"): {"enterprise", "window"},
    ("GET", "/threads/{thread_id}"): {"enterprise", "window"},
    ("POST", "/threads/{thread_id}/messages"): {"enterprise", "window"},
    ("POST", "/threads/{thread_id}/call-requests"): {"enterprise"},
    ("POST", "/threads/{thread_id}/call-requests/{request_id}/confirm"): {"window"},
    ("POST", "/threads/{thread_id}/call-requests/{request_id}/propose"): {"window"},
}
FILLED = {"{file}": "nosuchfile.js", "{scenario}": "credit", "{app_id}": "01NOSUCHAPPLICATION0000000",
          "{review_id}": "01NOSUCHREVIEW",
          "{notification_id}": "01NOSUCHNOTIFICATION", "{complaint_id}": "01NOSUCHCOMPLAINT",
          "{thread_id}": "01NOSUCHTHREAD", "{request_id}": "01NOSUCHCALL",
          "{code}": "ICBC-BJ", "{ruleset}": "eligibility",
          "{version}": "2099.1", "{material_id}": "01NOSUCHMATERIAL", "{uscc}": "91110108000000991N"}


def concrete(path: str) -> str:
    for placeholder, value in FILLED.items():
        path = path.replace(placeholder, value)
    return path


def test_every_route_of_the_app_is_in_the_access_matrix():
    routes = {(method, path) for path, methods in app.routes.items() for method in methods}
    assert routes == set(MATRIX)


def test_no_route_edits_or_deletes_history():
    """History is append-only: it is written only by the change it records, and read with GET.
    The one DELETE takes an enterprise off the IP green channel's whitelist (a list, not history)."""
    routes = {(method, path) for path, methods in app.routes.items() for method in methods}
    assert {(m, p) for m, p in routes if m in ("DELETE", "PATCH")} == {("DELETE", "/ip/whitelist/{uscc}")}
    assert ("GET", "/rules/{ruleset}/history") in routes
    assert {m for m, p in routes if "history" in p} == {"GET"}


@pytest.mark.parametrize("method,path", sorted(MATRIX))
def test_each_role_is_let_in_or_refused_as_the_design_says(world, method, path):
    allowed = MATRIX[(method, path)]
    for role in ROLES:
        who = (role, SUBJECTS.get(role) or world.enterprise()[1])
        reply = world.call(method, concrete(path), as_=who, body={} if method in ("POST", "PUT") else None)
        if allowed == PUBLIC or role in allowed:
            assert reply.status not in (401, 403), (role, reply.json)
        else:
            assert reply.status == 403 and reply.json["errors"][0]["code"] == "role_not_allowed", (role, reply.json)
    if allowed != PUBLIC:
        assert world.call(method, concrete(path), body={} if method in ("POST", "PUT") else None).status == 401
