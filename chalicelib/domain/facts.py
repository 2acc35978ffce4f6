"""An application body → the flat facts the rules test (see rules/facts.yaml for each one).

The body has passed its form's schema already. Facts the body does not carry are left out (a
rule treats a missing fact as failing any test on it), except those with a declared default.
"""
from __future__ import annotations

WAN = 10_000  # the size standard counts money in 万元


def facts_from_application(body: dict) -> dict:
    enterprise = body.get("enterprise", {})
    details = body.get("details", {}) or {}
    employees = enterprise.get("employees")
    new_hires = details.get("new_hires_last_year")
    facts = {
        "scenario": body.get("scenario"),
        "amount": body.get("amount"),
        "term_months": body.get("term_months"),
        "first_loan": body.get("first_loan"),
        "renewal": body.get("renewal"),
        "industry_code": enterprise.get("industry_code"),
        "employees": employees,
        "annual_revenue_wan": _wan(enterprise.get("annual_revenue")),
        "total_assets_wan": _wan(enterprise.get("total_assets")),
        "district": enterprise.get("district"),
        "registered_in_beijing": None if enterprise.get("district") is None else enterprise["district"] != "other",
        "purpose_category": body.get("purpose_category") or "unspecified",
        "new_hires_last_year": new_hires,
        "new_hire_ratio": new_hires / employees if new_hires is not None and employees else None,
        "person_category": details.get("person_category"),
        "purchasing_unit_id": (details.get("purchasing_unit") or {}).get("id"),
    }
    return {k: v for k, v in facts.items() if v is not None}


def _wan(yuan):
    return None if yuan is None else yuan / WAN
