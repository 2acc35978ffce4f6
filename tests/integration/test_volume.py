"""Thousands of submissions in one process: the rules engine must not wear out (1,024-session limit)."""
import pytest

from tests.builders import valid_body, with_materials
from chalicelib.domain.application import SCENARIOS



@pytest.mark.slow
def test_two_thousand_consecutive_submissions_all_succeed(world):
    me = world.enterprise(7)
    token = {"Authorization": f"Bearer {world.token(*me)}"}
    # each scenario's materials uploaded once, named by every submission
    bodies = {s: with_materials(world.as_caller(me), valid_body(s, **{"enterprise.uscc": me[1]})) for s in SCENARIOS}
    statuses = {}
    for n in range(2000):
        scenario = SCENARIOS[n % len(SCENARIOS)]
        reply = world.call("POST", "/applications", body=bodies[scenario], headers=token)
        statuses[reply.status] = statuses.get(reply.status, 0) + 1
        assert reply.status == 201, (n, reply.json)
    assert statuses == {201: 2000}
    window = world.call("GET", "/applications?status=in_review&limit=100", as_=("window", "w1")).json
    assert len(window["items"]) == 100 and window["cursor"]
