"""The published rules against an independent reading of the policy (shared/policy/README.md),
written here by hand without the rule files: random applications near every threshold, the
full decision compared field by field. A wrong number in rules/ or a wrong turn in the engine
shows up as a difference."""
import random
from datetime import date

import pytest

from chalicelib.domain.facts import facts_from_application
from chalicelib.rules_engine import DecisionEngine, NoRulesInForce, RuleBook
from tests.builders import valid_body
from chalicelib.domain.application import SCENARIOS

WAN = 10_000
# group: {indicator: (medium, small, large)}  — 工信部联企业〔2011〕300号, money in 万元
SIZE_STANDARD = {
    "farming": {"revenue": (500, 50, 20_000)},
    "industry": {"staff": (300, 20, 1_000), "revenue": (2_000, 300, 40_000)},
    "construction": {"revenue": (6_000, 300, 80_000), "assets": (5_000, 300, 80_000)},
    "wholesale": {"staff": (20, 5, 200), "revenue": (5_000, 1_000, 40_000)},
    "retail": {"staff": (50, 10, 300), "revenue": (500, 100, 20_000)},
    "transport": {"staff": (300, 20, 1_000), "revenue": (3_000, 200, 30_000)},
    "warehousing": {"staff": (100, 20, 200), "revenue": (1_000, 100, 30_000)},
    "postal": {"staff": (300, 20, 1_000), "revenue": (2_000, 100, 30_000)},
    "accommodation": {"staff": (100, 10, 300), "revenue": (2_000, 100, 10_000)},
    "catering": {"staff": (100, 10, 300), "revenue": (2_000, 100, 10_000)},
    "information_transmission": {"staff": (100, 10, 2_000), "revenue": (1_000, 100, 100_000)},
    "software_it": {"staff": (100, 10, 300), "revenue": (1_000, 50, 10_000)},
    "real_estate_development": {"revenue": (1_000, 100, 200_000), "assets": (5_000, 2_000, 10_000)},
    "property_management": {"staff": (300, 100, 1_000), "revenue": (1_000, 500, 5_000)},
    "leasing_business": {"staff": (100, 10, 300), "assets": (8_000, 100, 120_000)},
    "other": {"staff": (100, 10, 300)},
}
CODES = {"0111": "farming", "0511": "farming", "0610": "industry", "2611": "industry", "4620": "industry",
         "4710": "construction", "5010": "construction", "5111": "wholesale", "5211": "retail",
         "5311": "other", "5411": "transport", "5631": "transport", "5810": "transport", "5910": "warehousing",
         "6010": "postal", "6110": "accommodation", "6210": "catering", "6311": "information_transmission",
         "6421": "information_transmission", "6511": "software_it", "7010": "real_estate_development",
         "7020": "property_management", "7030": "other", "7111": "leasing_business", "7291": "leasing_business",
         "7211": "leasing_business", "7310": "other", "8010": "other"}
HARD_HIT_2022 = ("62", "52", "7291", "56", "54", "53")
REVIEW_DEADLINES = {"entrepreneurship_guarantee": ("hr", 5), "ip_pledge": ("ipo", 1),
                    "real_estate_mortgage": ("realestate", 5)}


def size_by_hand(code: str, staff: int, revenue_wan: float, assets_wan: float) -> str:
    indicators = SIZE_STANDARD[CODES[code]]
    value = {"staff": staff, "revenue": revenue_wan, "assets": assets_wan}
    for size, column in (("large", 2), ("medium", 0), ("small", 1)):
        if all(value[name] >= bounds[column] for name, bounds in indicators.items()):
            return size
    return "micro"


def eligible_by_hand(body: dict, size: str) -> bool:
    if body["scenario"] != "entrepreneurship_guarantee":
        return True
    staff, hires = body["enterprise"]["employees"], body["details"]["new_hires_last_year"]
    needed = 0.15 if staff <= 100 else 0.08
    return (size in ("small", "micro") and body["amount"] <= 3_000_000 and body["term_months"] <= 24
            and staff > 0 and hires / staff >= needed)


def subsidy_by_hand(body: dict, size: str, on: date, listed: bool) -> dict:
    code = body["enterprise"]["industry_code"]
    granted = (on >= date(2022, 1, 1) and body["first_loan"] and not body["renewal"] and size != "large"
               and body["enterprise"]["district"] != "other" and not listed and not code.startswith("70"))
    if not granted:
        return {"eligible": False, "interest_subsidy_rate": None, "guarantee_fee_subsidy_rate_cap": None}
    hard_hit = on.year == 2022 and code.startswith(HARD_HIT_2022) and body["subsidy_claim"]["hard_hit_confirmed"]
    return {"eligible": True, "interest_subsidy_rate": 0.40 if hard_hit else 0.20, "guarantee_fee_subsidy_rate_cap": 0.01}


def near_bounds(rng: random.Random, indicator: str, code: str, scale: int = 1) -> int:
    """A value at, just below or just above one of the group's bounds (any group's, if it has none)."""
    bounds = SIZE_STANDARD[CODES[code]].get(indicator) or \
        [b for group in SIZE_STANDARD.values() for b in group.get(indicator, ())]
    return max(0, rng.choice(bounds) + rng.choice([-1, 0, 1])) * scale


def random_application(rng: random.Random) -> dict:
    code = rng.choice(list(CODES))
    scenario = rng.choice(SCENARIOS)
    staff = near_bounds(rng, "staff", code)
    overrides = {
        "enterprise.industry_code": code, "enterprise.employees": staff,
        "enterprise.annual_revenue": near_bounds(rng, "revenue", code, WAN),
        "enterprise.total_assets": near_bounds(rng, "assets", code, WAN),
        "enterprise.district": rng.choice(["haidian", "dongcheng", "other"]),
        "amount": rng.choice([500_000, 2_999_999, 3_000_000, 3_000_001]),
        "term_months": rng.choice([12, 24, 25]), "first_loan": rng.random() < 0.7, "renewal": rng.random() < 0.2,
        "subsidy_claim.hard_hit_confirmed": rng.random() < 0.7}
    if scenario == "entrepreneurship_guarantee":
        ratio = rng.choice([0.079, 0.08, 0.149, 0.15, 0.3])
        overrides["details.new_hires_last_year"] = round(staff * ratio + rng.choice([-1, 0, 1]))
    body = valid_body(scenario, **overrides)
    if scenario == "entrepreneurship_guarantee":
        body["details"]["new_hires_last_year"] = max(0, body["details"]["new_hires_last_year"])
    return body


@pytest.fixture(scope="module")
def engine():
    return DecisionEngine(RuleBook.load())


@pytest.mark.slow
def test_the_rules_decide_as_the_policy_reads_by_hand_on_thousands_of_applications_near_every_bound(engine):
    rng = random.Random(300)
    for n in range(3_000):
        body = random_application(rng)
        on = rng.choice([date(2021, 12, 31), date(2022, 1, 1), date(2022, 12, 31), date(2023, 1, 1), date(2026, 11, 25)])
        listed = rng.random() < 0.1
        facts = {**facts_from_application(body), "on_dishonest_list": listed, "is_financing_platform": False}
        if on < date(2022, 1, 1):  # eligibility and reviews have rules from 2022: no decision before
            with pytest.raises(NoRulesInForce):
                engine.decide(facts, on)
            continue
        decision = engine.decide(facts, on).to_json()
        e = body["enterprise"]
        size = size_by_hand(e["industry_code"], e["employees"], e["annual_revenue"] / WAN, e["total_assets"] / WAN)
        agency, days = REVIEW_DEADLINES.get(body["scenario"], (None, None))
        if body["scenario"] == "receivable_confirmation":
            agency, days = f"purchaser:{body['details']['purchasing_unit']['id']}", 5
        got = {k: decision["first_loan_subsidy"][k] for k in ("eligible", "interest_subsidy_rate",
                                                             "guarantee_fee_subsidy_rate_cap")}
        context = (n, on, body["scenario"], e, body["amount"], body["term_months"], body["details"])
        assert decision["enterprise_size"] == size, context
        assert decision["eligible"] is eligible_by_hand(body, size), context
        assert decision["required_reviews"] == ([agency] if agency else []), context
        assert decision["review_deadlines"] == ({agency: days} if agency else {}), context
        assert got == subsidy_by_hand(body, size, on, listed), context
