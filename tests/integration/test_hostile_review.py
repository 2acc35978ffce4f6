"""What a hostile review of the service found (issue #11), each as the request that found it.

Every test here failed before its fix: the request now gets the contract's 4xx, stores nothing it
should not, and leaks nothing.
"""
from tests.builders import valid_body, valid_offer

ICBC = ("bank", "ICBC-BJ")


def errors_of(reply) -> set[tuple[str, str]]:
    return {(e["path"], e["code"]) for e in reply.json["errors"]}


def credit_at_banks(world, **overrides) -> str:
    reply = world.submit("credit", who=world.enterprise(), **overrides)
    assert reply.status == 201, reply.json
    return reply.json["id"]


# ---- integers are integers (item 9) ------------------------------------------------------------
def test_a_whole_float_or_minus_zero_in_an_integer_field_is_400_and_nothing_is_stored(world):
    me = world.enterprise()
    reply = world.submit("credit", who=me, term_months=12.0, **{"enterprise.employees": -0.0})
    assert reply.status == 400, reply.json
    assert errors_of(reply) == {("/term_months", "type"), ("/enterprise/employees", "type")}
    assert world.call("POST", "/eligibility", body=valid_body("credit", **{"enterprise.employees": 45.0})).status == 400
    assert world.call("GET", "/applications", as_=me).json["items"] == []


# ---- money is yuan and fen (item 5) -------------------------------------------------------------
def test_an_approval_finer_than_a_fen_is_400_and_changes_nothing(world):
    app_id = credit_at_banks(world)
    reply = world.call("POST", f"/applications/{app_id}/bank-decision", as_=ICBC,
                       body=valid_offer("credit", amount=0.00001))
    assert reply.status == 400 and ("/amount", "fen") in errors_of(reply)
    assert world.call("GET", f"/applications/{app_id}", as_=ICBC).json["status"] == "at_banks"
    stats = world.call("GET", "/stats", as_=("window", "w1")).json
    assert stats["approved_count"] == 0 and stats["approved_amount"] == 0


def test_a_form_amount_finer_than_a_fen_is_400_naming_each_field(world):
    me = world.enterprise()
    reply = world.submit("credit", who=me, amount=1_000_000.05, **{"enterprise.total_assets": 5_000_000.5})
    assert reply.status == 201, "half a yuan is fifty fen: allowed"
    reply = world.submit("credit", who=me, amount=1_000_000.001, **{"enterprise.total_assets": 5_000_000.005})
    assert reply.status == 400
    assert errors_of(reply) == {("/amount", "fen"), ("/enterprise/total_assets", "fen")}


# ---- an offer within what was asked and what the bank publishes (item 8) ------------------------
def test_an_offer_beyond_the_request_and_the_products_ranges_is_422_with_every_violation(world):
    app_id = credit_at_banks(world, amount=1_000_000, term_months=12, products=[])
    reply = world.call("POST", f"/applications/{app_id}/bank-decision", as_=ICBC, body={
        "approved": True, "amount": 9_000_000, "annual_rate": 0.3599, "term_months": 360, "reason": "ok"})
    assert reply.status == 422
    assert errors_of(reply) == {("/amount", "above_requested"), ("/term_months", "above_requested"),
                                ("/annual_rate", "outside_product_range"),
                                ("/amount", "outside_product_range"), ("/term_months", "outside_product_range")}
    assert "0.0293" in str(reply.json), "the error says the published range"
    assert world.call("GET", f"/applications/{app_id}", as_=ICBC).json["status"] == "at_banks"


def test_an_offer_is_held_to_the_chosen_product_not_the_banks_whole_range(world):
    # ICBC-BJ-credit-02 lends 6–12 months at 3.05–4.56 %; its -01 goes to 4.76 %.
    app_id = credit_at_banks(world, products=["ICBC-BJ-credit-02"])
    too_dear = valid_offer("credit", annual_rate=0.047)
    reply = world.call("POST", f"/applications/{app_id}/bank-decision", as_=ICBC, body=too_dear)
    assert reply.status == 422 and errors_of(reply) == {("/annual_rate", "outside_product_range")}
    fair = world.call("POST", f"/applications/{app_id}/bank-decision", as_=ICBC,
                      body=valid_offer("credit", annual_rate=0.04))
    assert fair.status == 200, fair.json


def test_the_term_of_an_offer_is_a_whole_number_of_months(world):
    app_id = credit_at_banks(world)
    reply = world.call("POST", f"/applications/{app_id}/bank-decision", as_=ICBC,
                       body=valid_offer("credit", term_months=12.0))
    assert reply.status == 400 and ("/term_months", "type") in errors_of(reply)


def test_a_blank_review_reason_is_400(world):
    world.submit("ip_pledge", who=world.enterprise())
    review = world.call("GET", "/reviews", as_=("agency", "ipo")).json["items"][0]
    reply = world.call("POST", f"/reviews/{review['id']}/decision", as_=("agency", "ipo"),
                       body={"approved": True, "reason": "   "})
    assert reply.status == 400 and errors_of(reply) == {("/reason", "blank")}


def test_the_decision_bodies_the_openapi_document_publishes_are_the_ones_checked(world):
    from chalicelib.forms.requests import BANK_DECISION, review_decision
    kinds = tuple(world.container.engine.book.material_kinds)
    doc = world.call("GET", "/openapi.json").json["paths"]
    assert doc["/applications/{app_id}/bank-decision"]["post"]["requestBody"]["content"]["application/json"][
        "schema"] == BANK_DECISION
    assert doc["/reviews/{review_id}/decision"]["post"]["requestBody"]["content"]["application/json"][
        "schema"] == review_decision(kinds)
    assert "patent_certificate" in review_decision(kinds)["properties"]["missing"]["items"]["properties"]["kind"]["enum"]


# ---- paging: limits and cursors (item 7) -----------------------------------------------------------
def test_a_limit_in_other_kinds_of_digits_or_absurdly_long_is_400(world):
    me = world.enterprise()
    for raw in ("%C2%B2", "%E2%91%A0", "1" * 4301, "-1", "0", "101", "1e2"):
        reply = world.call("GET", f"/applications?limit={raw}", as_=me)
        assert reply.status == 400 and errors_of(reply) == {("/limit", "range")}, raw


def many_applications(world, who, n: int) -> None:
    for _ in range(n):
        assert world.submit("credit", who=who).status == 201


def test_a_cursor_is_opaque_and_never_carries_the_enterprise(world):
    import base64
    me = world.enterprise()
    many_applications(world, me, 3)
    cursor = world.call("GET", "/applications?limit=2", as_=me).json["cursor"]
    assert cursor and me[1] not in cursor
    decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    assert me[1].encode() not in decoded and b"OWNER" not in decoded
    rest = world.call("GET", f"/applications?limit=2&cursor={cursor}", as_=me).json
    assert len(rest["items"]) == 1 and rest["cursor"] is None


def test_a_forged_or_borrowed_cursor_is_400_and_never_reaches_the_store(world):
    import base64
    import json as json_
    me, other = world.enterprise(1), world.enterprise(2)
    many_applications(world, me, 3)
    forged = base64.urlsafe_b64encode(json_.dumps({"PK": {"S": "x"}}).encode()).decode().rstrip("=")
    mine = world.call("GET", "/applications?limit=2", as_=me).json["cursor"]
    window = world.call("GET", "/applications?limit=1", as_=("window", "w1")).json["cursor"]
    for who, cursor in ((me, forged), (other, mine), (me, window), (me, mine[:-3] + "AAA")):
        reply = world.call("GET", f"/applications?limit=2&cursor={cursor}", as_=who)
        assert reply.status == 400 and errors_of(reply) == {("/cursor", "cursor")}


# ---- what a caller learns (item 1) ------------------------------------------------------------------
DISHONEST = "91110105MA00FAKE0M"     # on the dishonest list in data/provider_facts.yaml


def eligibility_of(world, uscc: str, as_=None) -> dict:
    reply = world.call("POST", "/eligibility", as_=as_, body=valid_body("credit", **{"enterprise.uscc": uscc}))
    assert reply.status == 200, reply.json
    return reply.json


def held_facts_shown(decision: dict) -> set[str]:
    return {name for name, source in decision["fact_sources"].items() if source != "form"}


def test_an_anonymous_caller_is_decided_on_declared_facts_and_learns_nothing_held(world):
    decision = eligibility_of(world, DISHONEST)
    assert held_facts_shown(decision) == set()
    assert "on_dishonest_list" not in decision["facts"] and "credit_report" not in str(decision)
    assert decision["first_loan_subsidy"]["eligible"] is True, "declared facts alone exclude nobody"


def test_another_enterprise_or_policy_staff_learns_nothing_held_either(world):
    for caller in (world.enterprise(7), ("policy", "p1"), ("bank", "ICBC-BJ"), ("agency", "hr")):
        assert held_facts_shown(eligibility_of(world, DISHONEST, as_=caller)) == set(), caller


def test_the_enterprise_itself_and_window_staff_are_decided_on_what_the_platform_holds(world):
    for caller in (("enterprise", DISHONEST), ("window", "w1")):
        decision = eligibility_of(world, DISHONEST, as_=caller)
        assert decision["facts"]["on_dishonest_list"] is True
        assert decision["fact_sources"]["on_dishonest_list"]["source"] == "dishonest_list"
        assert decision["first_loan_subsidy"]["eligible"] is False


def test_a_bank_holding_an_application_of_the_enterprise_may_know_what_is_held(world):
    me = ("enterprise", DISHONEST)
    assert world.submit("credit", who=me).status == 201
    decision = eligibility_of(world, DISHONEST, as_=ICBC)
    assert decision["facts"]["on_dishonest_list"] is True


def test_a_bad_token_on_the_eligibility_check_is_still_401(world):
    reply = world.call("POST", "/eligibility", body=valid_body("credit"), headers={"Authorization": "Bearer nope"})
    assert reply.status == 401
