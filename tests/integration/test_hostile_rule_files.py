"""Rule files sent by policy staff are checked before anything is built or decided: a hostile or
wrong file gets a 4xx naming where it is wrong, never a 500, a hang or a version on record. And
on a date no rules cover, no path answers with a default decision."""
import time
from datetime import datetime, timezone

from chalicelib.datafiles import data_dir
from tests.builders import valid_body
from tests.hostile_rules import deeply_nested_rule, ruleset_with_bomb

POLICY = ("policy", "p001")


def test_an_alias_bomb_is_refused_fast_by_propose_and_simulate(world):
    bomb = ruleset_with_bomb().replace('version: "2022.1"', 'version: "2099.1"').replace(
        "effective_from: 2022-01-01", "effective_from: 2099-01-01")
    for method, path, body, pointer in (("PUT", "/rules/required_reviews", {"content": bomb}, "/content"),
                                        ("POST", "/rules/simulate", {"files": [bomb]}, "/files/0")):
        started = time.perf_counter()
        reply = world.call(method, path, as_=POLICY, body=body)
        assert time.perf_counter() - started < 5   # the whole request, on a busy machine
        assert reply.status == 400, reply.json
        error = reply.json["errors"][0]
        assert error["path"] == pointer and error["code"] == "rule_file"
        assert "anchors and aliases" in error["message_en"] and "line" in error["message_en"]
    assert world.call("GET", "/rules", as_=POLICY).json["proposals"] == []


def test_a_deeply_nested_draft_is_a_400_not_a_500(world):
    reply = world.call("POST", "/rules/simulate", as_=POLICY, body={"files": [deeply_nested_rule(5_000)]})
    assert reply.status == 400, reply.json
    error = reply.json["errors"][0]
    assert error["path"] == "/files/0" and "levels" in error["message_en"]


def future_reviews(old: str, new: str) -> str:
    shipped = (data_dir("rules") / "required_reviews.yaml").read_text(encoding="utf-8")
    assert old in shipped
    return shipped.replace(old, new, 1).replace('version: "2022.1"', 'version: "2099.1"').replace(
        "effective_from: 2022-01-01", "effective_from: 2099-01-01")


def test_a_rule_outcome_of_the_wrong_type_or_range_is_refused_by_propose_and_simulate(world):
    for old, new, field in (("working_days: $deadline_ipo", "working_days: '5'", "review.working_days"),
                            ("working_days: $deadline_ipo", "working_days: -30", "review.working_days"),
                            ("agency: ipo,", "agency: ghost,", "review.agency")):
        draft = future_reviews(old, new)
        for method, path, body, pointer in (("PUT", "/rules/required_reviews", {"content": draft}, "/content"),
                                            ("POST", "/rules/simulate", {"files": [draft]}, "/files/0")):
            reply = world.call(method, path, as_=POLICY, body=body)
            assert reply.status == 400, (new, method, reply.json)
            error = reply.json["errors"][0]
            assert error["path"] == pointer and error["code"] == "rule_file", error
            assert f"outcome {field}" in error["message_en"] and "line" in error["message_en"], error
    assert world.call("GET", "/rules", as_=POLICY).json["proposals"] == []
    assert world.submit("ip_pledge").json["decision"]["review_deadlines"] == {"ipo": 1}


class FixedClock:
    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at


def assert_no_rules_in_force(reply, day: str):
    assert reply.status == 422, reply.json
    assert reply.error_codes == ["no_rules_in_force"]
    error = reply.json["errors"][0]
    assert day in error["message_en"] and "No rules in force for this date" in error["message_en"]
    assert "没有有效的规则" in error["message_zh"]


def test_before_the_rules_first_date_no_path_gives_a_default_yes(world):
    body = valid_body("ip_pledge", **{"enterprise.uscc": world.enterprise()[1]})
    assert_no_rules_in_force(world.call("POST", "/eligibility", body={**body, "as_of": "2021-12-31"}), "2021-12-31")
    first_day = world.call("POST", "/eligibility", body={**body, "as_of": "2022-01-01"})
    assert first_day.status == 200 and first_day.json["required_reviews"] == ["ipo"]

    world.submit("ip_pledge")   # one stored application for the simulation to decide again
    draft = (data_dir("rules") / "required_reviews.yaml").read_text(encoding="utf-8")
    assert_no_rules_in_force(world.call("POST", "/rules/simulate", as_=POLICY,
                                        body={"files": [draft], "as_of": "2021-12-31"}), "2021-12-31")

    world.container.__dict__["clock"] = FixedClock(datetime(2021, 12, 31, 2, 0, tzinfo=timezone.utc))
    assert_no_rules_in_force(world.submit("ip_pledge", who=world.enterprise(2)), "2021-12-31")
    mine = world.call("GET", "/applications", as_=world.enterprise(2))
    assert mine.status == 200 and mine.json["items"] == []
