"""Every error class in the contract, in its shape, storing nothing; and who may see what."""
import time

import jwt
import pytest

from tests.builders import valid_body


def assert_contract_errors(reply, status, *codes):
    assert reply.status == status, reply.json
    assert set(reply.json) == {"errors"} and reply.json["errors"]
    for error in reply.json["errors"]:
        assert set(error) == {"path", "code", "message_zh", "message_en"}
        assert error["message_zh"] and error["message_en"]
        assert error["path"] == "" or error["path"].startswith("/")
    for code in codes:
        assert code in reply.error_codes, reply.json


def nothing_stored(world, who):
    return world.call("GET", "/applications", as_=who).json["items"] == []


# ---- 400 ---------------------------------------------------------------------------------------
def test_every_form_violation_comes_back_at_once_with_its_pointer(world):
    me = world.enterprise()
    body = valid_body("credit", **{"enterprise.uscc": me[1]})
    body["amount"] = -5
    del body["enterprise"]["name"]
    body["banks"] = []
    body["surprise"] = 1
    reply = world.call("POST", "/applications", as_=me, body=body)
    assert_contract_errors(reply, 400)
    paths = {e["path"] for e in reply.json["errors"]}
    assert {"/amount", "/enterprise/name", "/banks", "/surprise"} <= paths
    assert nothing_stored(world, me)


def test_a_wrong_uscc_check_digit_is_named_as_such(world):
    me = world.enterprise()
    body = valid_body("credit", **{"enterprise.uscc": me[1]})
    last = body["enterprise"]["uscc"][-1]
    body["enterprise"]["uscc"] = body["enterprise"]["uscc"][:-1] + ("0" if last != "0" else "1")
    reply = world.call("POST", "/eligibility", body=body)
    assert_contract_errors(reply, 400, "uscc_check_digit")
    assert reply.json["errors"][0]["path"] == "/enterprise/uscc"


@pytest.mark.parametrize("raw", ["{not json", "[1, 2", "NaN", '{"amount": Infinity}', ""])
def test_malformed_json_is_a_400_in_the_contract_shape(world, raw):
    me = world.enterprise()
    assert_contract_errors(world.call("POST", "/applications", as_=me, raw=raw), 400)


def test_a_body_that_is_not_an_object_is_refused(world):
    assert_contract_errors(world.call("POST", "/eligibility", body=[1, 2, 3]), 400)


def test_an_unknown_bank_is_named_by_its_position(world):
    me = world.enterprise()
    reply = world.submit("credit", who=me, banks=["ICBC-BJ", "NOPE-BJ"])
    assert_contract_errors(reply, 422, "unknown_bank")
    assert reply.json["errors"][0]["path"] == "/banks/1"


# ---- 401 / 403 ------------------------------------------------------------------------------------
def test_no_token_is_401(world):
    assert_contract_errors(world.call("GET", "/applications"), 401, "missing_token")


def test_a_forged_or_expired_token_is_401(world):
    forged = jwt.encode({"role": "window", "sub": "w", "exp": time.time() + 60}, "a-guessed-secret-of-32-bytes-or-more", algorithm="HS256")
    reply = world.call("GET", "/applications", headers={"Authorization": f"Bearer {forged}"})
    assert_contract_errors(reply, 401, "invalid_token")
    settings = world.container.settings
    expired = jwt.encode({"role": "window", "sub": "w", "iat": time.time() - 100, "exp": time.time() - 10,
                          "iss": settings.jwt_issuer, "aud": settings.jwt_audience},
                         settings.jwt_secret, algorithm="HS256")
    reply = world.call("GET", "/applications", headers={"Authorization": f"Bearer {expired}"})
    assert_contract_errors(reply, 401, "invalid_token")


@pytest.mark.parametrize("role,subject,method,path", [
    ("bank", "ICBC-BJ", "POST", "/applications"),
    ("agency", "hr", "GET", "/applications"),
    ("enterprise", None, "GET", "/reviews"),
    ("enterprise", None, "GET", "/stats"),
    ("window", "w001", "POST", "/applications/X/bank-decision"),
    ("policy", "p001", "GET", "/banks/ICBC-BJ/queue"),
])
def test_a_role_that_may_never_do_this_gets_403(world, role, subject, method, path):
    who = (role, subject or world.enterprise()[1])
    reply = world.call(method, path, as_=who, body={} if method == "POST" else None)
    assert_contract_errors(reply, 403, "role_not_allowed")


def test_an_enterprise_cannot_apply_in_another_enterprises_name(world):
    me, other = world.enterprise(1), world.enterprise(2)
    body = valid_body("credit", **{"enterprise.uscc": other[1]})
    assert_contract_errors(world.call("POST", "/applications", as_=me, body=body), 403, "uscc_not_yours")
    assert nothing_stored(world, other) and nothing_stored(world, me)


def test_dev_tokens_refuse_unknown_roles_and_bad_subjects(world):
    assert_contract_errors(world.call("POST", "/auth/dev-token", body={"role": "admin", "subject": "x"}), 400)
    assert_contract_errors(world.call("POST", "/auth/dev-token",
                                      body={"role": "enterprise", "subject": "123"}), 400)
    assert_contract_errors(world.call("POST", "/auth/dev-token",
                                      body={"role": "bank", "subject": "NOPE"}), 400)


# ---- 404: unknown or not yours --------------------------------------------------------------------
def test_an_enterprise_cannot_see_another_enterprises_application(world):
    app_id = world.submit("credit", who=world.enterprise(1)).json["id"]
    intruder = world.enterprise(2)
    assert_contract_errors(world.call("GET", f"/applications/{app_id}", as_=intruder), 404)
    assert_contract_errors(world.call("POST", f"/applications/{app_id}/withdraw", as_=intruder), 404)
    assert world.call("GET", "/applications", as_=intruder).json["items"] == []
    unknown = world.call("GET", "/applications/NO-SUCH-ID", as_=intruder)
    assert unknown.json == world.call("GET", f"/applications/{app_id}", as_=intruder).json


def test_a_bank_cannot_read_or_decide_an_application_not_sent_to_it(world):
    app_id = world.submit("credit", who=world.enterprise()).json["id"]
    outsider = ("bank", "CCB-BJ")
    assert_contract_errors(world.call("GET", f"/applications/{app_id}", as_=outsider), 404)
    reply = world.call("POST", f"/applications/{app_id}/bank-decision", as_=outsider,
                       body={"approved": False, "reason": "x"})
    assert_contract_errors(reply, 404)


def test_a_bank_sees_its_own_outcome_but_not_another_banks_offer(world):
    app_id = world.submit("credit", who=world.enterprise()).json["id"]
    world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", "BOB-BJ"), body={
        "approved": True, "amount": 900_000, "annual_rate": 0.031, "term_months": 12, "reason": "ok"})
    seen = world.call("GET", f"/applications/{app_id}", as_=("bank", "ICBC-BJ")).json
    assert [b["code"] for b in seen["banks"]] == ["ICBC-BJ"]
    assert "0.031" not in str(seen) and "900000" not in str(seen)


def test_an_agency_cannot_decide_or_read_a_review_that_is_not_its_own(world):
    app_id = world.submit("ip_pledge", who=world.enterprise()).json["id"]
    review = world.call("GET", "/reviews", as_=("agency", "ipo")).json["items"][0]
    reply = world.call("POST", f"/reviews/{review['id']}/decision", as_=("agency", "hr"),
                       body={"approved": True, "reason": "not mine"})
    assert_contract_errors(reply, 404)
    assert_contract_errors(world.call("GET", f"/applications/{app_id}", as_=("agency", "hr")), 404)
    assert world.call("GET", f"/applications/{app_id}", as_=("agency", "ipo")).status == 200
    assert world.call("GET", "/reviews", as_=("agency", "hr")).json["items"] == []


# ---- 409 / 413 / 415 / 422 --------------------------------------------------------------------------
def test_deciding_a_review_twice_is_a_conflict(world):
    world.submit("ip_pledge", who=world.enterprise())
    review = world.call("GET", "/reviews", as_=("agency", "ipo")).json["items"][0]
    path = f"/reviews/{review['id']}/decision"
    assert world.call("POST", path, as_=("agency", "ipo"), body={"approved": True, "reason": "ok"}).status == 200
    again = world.call("POST", path, as_=("agency", "ipo"), body={"approved": False, "reason": "no"})
    assert_contract_errors(again, 409, "review_closed")


def test_a_body_over_256_kib_is_413_and_stores_nothing(world):
    me = world.enterprise()
    body = valid_body("credit", **{"enterprise.uscc": me[1]})
    body["purpose"] = "x" * (257 * 1024)
    assert_contract_errors(world.call("POST", "/applications", as_=me, body=body), 413, "too_large")
    assert nothing_stored(world, me)


def test_a_wrong_content_type_still_gets_the_contract_error_shape(world):
    me = world.enterprise()
    reply = world.call("POST", "/applications", as_=me, raw="a=b",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_contract_errors(reply, 415)


def test_a_bank_decision_missing_its_terms_is_400_with_every_field(world):
    app_id = world.submit("credit", who=world.enterprise()).json["id"]
    reply = world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", "ICBC-BJ"),
                       body={"approved": True, "reason": "ok", "annual_rate": 5})
    assert_contract_errors(reply, 400)
    assert {e["path"] for e in reply.json["errors"]} == {"/amount", "/annual_rate", "/term_months"}


def test_approving_more_than_requested_breaks_a_business_rule(world):
    app_id = world.submit("credit", who=world.enterprise()).json["id"]
    reply = world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", "ICBC-BJ"), body={
        "approved": True, "amount": 99_000_000, "annual_rate": 0.04, "term_months": 12, "reason": "ok"})
    assert_contract_errors(reply, 422, "above_requested")


def test_an_ineligible_application_is_422_with_the_rules_reasons_and_is_not_stored(world):
    me = world.enterprise()
    reply = world.submit("entrepreneurship_guarantee", who=me, amount=5_000_000, products=[])
    assert_contract_errors(reply, 422, "not_eligible")
    assert nothing_stored(world, me)


def test_a_product_of_a_bank_not_chosen_is_422(world):
    me = world.enterprise()
    reply = world.submit("credit", who=me, banks=["BOB-BJ"], products=["ICBC-BJ-credit-01"])
    assert_contract_errors(reply, 422, "product_bank_not_chosen")


def test_unknown_routes_and_methods_answer_in_the_contract_shape(world):
    assert_contract_errors(world.call("DELETE", "/banks"), 405)
    assert_contract_errors(world.call("GET", "/forms/no-such-scenario"), 404, "unknown_scenario")
