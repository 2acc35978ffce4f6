"""Offers side by side (可比可选) through HTTP on moto: cost over the term, net of the subsidy."""
from __future__ import annotations

import pytest

WINDOW = ("window", "w001")


def approve(world, app_id: str, bank: str, **terms) -> None:
    body = {"approved": True, "reason": "经营稳定，同意授信", "term_months": 12, **terms}
    reply = world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", bank), body=body)
    assert reply.status == 200, reply.json


@pytest.fixture
def two_offers(world):
    """A first-loan credit application both chosen banks approved on different terms."""
    me = world.enterprise()
    reply = world.submit("credit", who=me)
    assert reply.status == 201, reply.json
    assert reply.json["decision"]["first_loan_subsidy"]["eligible"] is True
    app_id = reply.json["id"]
    approve(world, app_id, "ICBC-BJ", amount=1_000_000, annual_rate=0.04, guarantee_fee_rate=0.015,
            repayment="interest_only")
    approve(world, app_id, "BOB-BJ", amount=800_000, annual_rate=0.045, repayment="equal_instalment")
    return me, app_id


def test_the_owner_sees_every_offer_cheapest_first_net_of_the_better_subsidy(world, two_offers):
    me, app_id = two_offers
    reply = world.call("GET", f"/applications/{app_id}/offers", as_=me)
    assert reply.status == 200, reply.json
    bob, icbc = reply.json
    # BOB: 800,000 at 4.5% in 12 equal instalments (r = 0.375% a month, 1.00375^12 = 1.0459398…,
    # 68,302.8173… a month): 19,633.8072… interest; 20% of it 3,926.7614… (no fee, so no fee
    # subsidy); net 15,707.0458….
    assert bob == {"bank": "BOB-BJ", "amount": 800_000.0, "annual_rate": 0.045, "term_months": 12,
                   "guarantee_fee_rate": 0.0, "repayment": "equal_instalment", "interest": 19_633.81,
                   "interest_by_repayment": {"equal_instalment": 19_633.81, "interest_only": 36_000.0},
                   "interest_subsidy": 3_926.76, "guarantee_fee": 0.0, "guarantee_fee_subsidy": 0.0,
                   "subsidy": "interest", "net_cost": 15_707.05, "accepted": False}
    # ICBC: 1,000,000 at 4% interest only: 40,000; fee 1.5%: 15,000. 20% of the interest is
    # 8,000, 1% of the amount is 10,000: the fee subsidy is worth more. Net 45,000.
    assert (icbc["bank"], icbc["interest"], icbc["guarantee_fee"]) == ("ICBC-BJ", 40_000.0, 15_000.0)
    assert (icbc["interest_subsidy"], icbc["guarantee_fee_subsidy"], icbc["subsidy"]) == (0.0, 10_000.0, "guarantee_fee")
    assert icbc["net_cost"] == 45_000.0


def test_window_staff_see_the_offers_and_nobody_else_does(world, two_offers):
    me, app_id = two_offers
    mine = world.call("GET", f"/applications/{app_id}/offers", as_=me).json
    assert world.call("GET", f"/applications/{app_id}/offers", as_=WINDOW).json == mine
    stranger = world.call("GET", f"/applications/{app_id}/offers", as_=world.enterprise(2))
    assert stranger.status == 404 and stranger.error_codes == ["not_found"]
    bank = world.call("GET", f"/applications/{app_id}/offers", as_=("bank", "ICBC-BJ"))
    assert bank.status == 403 and bank.error_codes == ["role_not_allowed"]


def test_without_the_first_loan_subsidy_an_offer_costs_its_whole_interest_and_fee(world):
    me = world.enterprise()
    app_id = world.submit("credit", who=me, first_loan=False).json["id"]
    assert world.call("GET", f"/applications/{app_id}/offers", as_=me).json == []     # none yet
    approve(world, app_id, "ICBC-BJ", amount=500_000, annual_rate=0.036, guarantee_fee_rate=0.01)
    [offer] = world.call("GET", f"/applications/{app_id}/offers", as_=me).json
    # No repayment given: interest only, 500,000 × 3.6% = 18,000; fee 5,000.
    assert (offer["repayment"], offer["interest"], offer["guarantee_fee"]) == ("interest_only", 18_000.0, 5_000.0)
    assert (offer["subsidy"], offer["net_cost"]) == (None, 23_000.0)


def test_a_repayment_the_platform_does_not_know_is_refused_with_its_path(world):
    app_id = world.submit("credit").json["id"]
    reply = world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", "ICBC-BJ"),
                       body={"approved": True, "reason": "同意", "amount": 500_000, "annual_rate": 0.04,
                             "term_months": 12, "repayment": "balloon"})
    assert reply.status == 400
    [error] = reply.json["errors"]
    assert (error["path"], error["code"]) == ("/repayment", "enum")
    assert error["message_zh"] and error["message_en"]


def test_the_published_bank_decision_schema_names_the_repayments(world):
    doc = world.call("GET", "/openapi.json").json
    body = doc["paths"]["/applications/{app_id}/bank-decision"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["properties"]["repayment"]["enum"] == ["equal_instalment", "interest_only"]
