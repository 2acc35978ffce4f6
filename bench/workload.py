"""Seeded, generated inputs: application bodies for the five scenarios and enterprise profiles.

The same seed gives the same mix on every run and every machine, so two runs measure the same
work. Values spread over every size group of the standard (including industries it does not
list), over both sides of every threshold, inside and outside Beijing, first loans or not.
"""
from __future__ import annotations

import math
import random
from functools import lru_cache

from chalicelib.domain.facts import facts_from_application
from chalicelib.domain.application import SCENARIOS

DISTRICTS = ("dongcheng", "xicheng", "chaoyang", "haidian", "fengtai", "shijingshan", "mentougou",
             "fangshan", "tongzhou", "shunyi", "changping", "daxing", "huairou", "pinggu", "miyun",
             "yanqing", "other")
PURPOSES = ("working_capital", "productive_fixed_assets", "non_productive_fixed_assets",
            "technology_rd", "other")
UNLISTED_CODES = ("53", "7030", "7090", "73", "80", "90", "94")   # fall in the standard's 'other'
LOOKED_UP = {"on_dishonest_list": False, "is_financing_platform": False}
WAN = 10_000


@lru_cache(maxsize=1)
def industry_prefixes() -> tuple[str, ...]:
    """Every prefix the size standard's industry table lists, plus codes it does not list."""
    from chalicelib.rules_engine import RuleBook
    book = RuleBook.load()
    prefixes = {p for rs in book.rulesets for d in rs.derive for p in d.table}
    return tuple(sorted(prefixes)) + UNLISTED_CODES


def log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def industry_code(rng: random.Random) -> str:
    """A division, group or class code: a listed prefix, sometimes lengthened by random digits."""
    code = rng.choice(industry_prefixes())
    while len(code) < 4 and rng.random() < 0.5:
        code += str(rng.randrange(10))
    return code


def enterprise_numbers(rng: random.Random) -> tuple[int, int, int]:
    """Employees, revenue and assets in yuan, spread across every threshold of the standard."""
    employees = int(log_uniform(rng, 1, 5000)) - 1
    revenue = round(log_uniform(rng, 1e4, 3e9), -2)
    assets = round(log_uniform(rng, 1e4, 3e9), -2)
    return employees, revenue, assets


def application_body(rng: random.Random, n: int) -> dict:
    """Application number `n` of the mix: its scenario's example body with varied values."""
    from tests.builders import valid_body, valid_uscc
    scenario = SCENARIOS[n % len(SCENARIOS)]
    employees, revenue, assets = enterprise_numbers(rng)
    overrides = {
        "enterprise.uscc": valid_uscc(n),
        "enterprise.industry_code": industry_code(rng),
        "enterprise.employees": employees,
        "enterprise.annual_revenue": revenue,
        "enterprise.total_assets": assets,
        "enterprise.district": rng.choice(DISTRICTS),
        "first_loan": rng.random() < 0.6,
        "renewal": rng.random() < 0.15,
        "amount": round(log_uniform(rng, 5e4, 3e7), -3),
        "term_months": rng.randint(3, 48),
        "purpose_category": rng.choice(PURPOSES),
    }
    if scenario == "entrepreneurship_guarantee":
        overrides["details.new_hires_last_year"] = rng.randint(0, max(1, employees // 3))
    body = valid_body(scenario, **overrides)
    body.pop("products", None)   # products carry amount ranges; the mix varies the amount freely
    return body


def application_mix(count: int, seed: int = 2026) -> list[dict]:
    rng = random.Random(seed)
    return [application_body(rng, n) for n in range(count)]


def decision_facts(body: dict) -> dict:
    """The facts a submission decides on: the form's, plus the two lists looked up (not listed)."""
    return facts_from_application(body) | LOOKED_UP


def enterprise_profile(rng: random.Random, prefixes: tuple[str, ...]) -> dict:
    """One enterprise's facts for the size and first-loan subsidy rules, built directly (fast).

    The keys and units are those `facts_from_application` produces; the provider's facts are
    sometimes present (on a list, a credit report on file) and sometimes not looked up."""
    code = prefixes[int(rng.random() * len(prefixes))]
    if len(code) < 4 and rng.random() < 0.5:
        code += str(int(rng.random() * 10))
    district = DISTRICTS[int(rng.random() * len(DISTRICTS))]
    employees, revenue, assets = enterprise_numbers(rng)
    facts = {
        "industry_code": code, "employees": employees,
        "annual_revenue_wan": revenue / WAN, "total_assets_wan": assets / WAN,
        "district": district, "registered_in_beijing": district != "other",
        "first_loan": rng.random() < 0.6, "renewal": rng.random() < 0.15,
        "purpose_category": PURPOSES[int(rng.random() * len(PURPOSES))],
        "on_dishonest_list": rng.random() < 0.01, "is_financing_platform": rng.random() < 0.01,
    }
    report = rng.random()
    if report < 0.3:
        facts["credit_report_has_loans"] = report < 0.1
    return facts
