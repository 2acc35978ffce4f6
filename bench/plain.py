"""The floor: plain Python written by hand for the size and 2023 subsidy table.

What a programmer would write for this one table, with no engine at all: the thresholds of
工信部联企业〔2011〕300号 copied as tuples (large, medium, small: the minimum employees, revenue
and assets in 万元, None where an indicator does not count) and the subsidy's conditions as one
boolean expression. It is a copy, so it can drift from rules/: every run checks it against the
platform's decisions and reports any disagreement.
"""
from __future__ import annotations

LARGE, MEDIUM, SMALL = "large", "medium", "small"
# group: ((size, employees ≥, revenue_wan ≥, assets_wan ≥), …) from the largest size down
THRESHOLDS = {
    "farming": ((LARGE, None, 20000, None), (MEDIUM, None, 500, None), (SMALL, None, 50, None)),
    "industry": ((LARGE, 1000, 40000, None), (MEDIUM, 300, 2000, None), (SMALL, 20, 300, None)),
    "construction": ((LARGE, None, 80000, 80000), (MEDIUM, None, 6000, 5000), (SMALL, None, 300, 300)),
    "wholesale": ((LARGE, 200, 40000, None), (MEDIUM, 20, 5000, None), (SMALL, 5, 1000, None)),
    "retail": ((LARGE, 300, 20000, None), (MEDIUM, 50, 500, None), (SMALL, 10, 100, None)),
    "transport": ((LARGE, 1000, 30000, None), (MEDIUM, 300, 3000, None), (SMALL, 20, 200, None)),
    "warehousing": ((LARGE, 200, 30000, None), (MEDIUM, 100, 1000, None), (SMALL, 20, 100, None)),
    "postal": ((LARGE, 1000, 30000, None), (MEDIUM, 300, 2000, None), (SMALL, 20, 100, None)),
    "accommodation": ((LARGE, 300, 10000, None), (MEDIUM, 100, 2000, None), (SMALL, 10, 100, None)),
    "catering": ((LARGE, 300, 10000, None), (MEDIUM, 100, 2000, None), (SMALL, 10, 100, None)),
    "information_transmission": ((LARGE, 2000, 100000, None), (MEDIUM, 100, 1000, None), (SMALL, 10, 100, None)),
    "software_it": ((LARGE, 300, 10000, None), (MEDIUM, 100, 1000, None), (SMALL, 10, 50, None)),
    "real_estate_development": ((LARGE, None, 200000, 10000), (MEDIUM, None, 1000, 5000), (SMALL, None, 100, 2000)),
    "property_management": ((LARGE, 1000, 5000, None), (MEDIUM, 300, 1000, None), (SMALL, 100, 500, None)),
    "leasing_business": ((LARGE, 300, None, 120000), (MEDIUM, 100, None, 8000), (SMALL, 10, None, 100)),
    "other": ((LARGE, 300, None, None), (MEDIUM, 100, None, None), (SMALL, 10, None, None)),
}
SME = frozenset({"medium", "small", "micro"})
BASE_RATE = 0.20


class PlainSizeAndSubsidy:
    def __init__(self, industry_groups: dict[str, str]):
        """`industry_groups`: the standard's code-prefix table (data, taken from the rule file)."""
        self._groups = industry_groups

    def size_group(self, code: str) -> str:
        for length in (4, 3, 2):
            group = self._groups.get(code[:length])
            if group is not None and len(code) >= length:
                return group
        return "other"

    def size(self, facts: dict) -> str:
        employees = facts.get("employees")
        revenue = facts.get("annual_revenue_wan")
        assets = facts.get("total_assets_wan")
        for size, min_staff, min_revenue, min_assets in THRESHOLDS[self.size_group(facts.get("industry_code") or "")]:
            if ((min_staff is None or (employees is not None and employees >= min_staff))
                    and (min_revenue is None or (revenue is not None and revenue >= min_revenue))
                    and (min_assets is None or (assets is not None and assets >= min_assets))):
                return size
        return "micro"

    @staticmethod
    def subsidy(facts: dict, size: str) -> bool:
        return (facts.get("first_loan") is True
                and facts.get("credit_report_has_loans") is not True
                and facts.get("renewal") is not True
                and facts.get("on_dishonest_list") is not True
                and facts.get("is_financing_platform") is not True
                and size in SME
                and facts.get("registered_in_beijing") is True
                and not (facts.get("industry_code") or "").startswith("70")
                and facts.get("purpose_category") != "non_productive_fixed_assets")

    def decide(self, facts: dict) -> dict:
        size = self.size(facts)
        eligible = self.subsidy(facts, size)
        return {"enterprise_size": size, "first_loan_subsidy_eligible": eligible,
                "interest_subsidy_rate": BASE_RATE if eligible else None}
