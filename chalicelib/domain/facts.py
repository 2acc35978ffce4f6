"""An application body → the flat facts the rules test (see rules/facts.yaml for each one).

The body has passed its form's schema already, but this also takes a fragment of one (a rule test
case, a simulation): whatever the body does not carry is left out rather than guessed. Rules treat
a missing fact explicitly (see chalicelib/rules_engine/model.py): a positive test on it fails, an
exclusion (`not_equals`) on it holds. Only `purpose_category` has a declared default.
"""
from __future__ import annotations

from decimal import Decimal

WAN = 10_000  # the size standard counts money in 万元 (a unit, not a policy number)
OUTSIDE_BEIJING = "other"  # the form's district value for an enterprise registered elsewhere
UNSPECIFIED_PURPOSE = "unspecified"


def facts_from_application(body: dict) -> dict:
    enterprise = _mapping(body.get("enterprise"))
    details = _mapping(body.get("details"))
    employees = enterprise.get("employees")
    new_hires = details.get("new_hires_last_year")
    district = enterprise.get("district")
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
        "district": district,
        "registered_in_beijing": None if district is None else district != OUTSIDE_BEIJING,
        "purpose_category": body.get("purpose_category") or UNSPECIFIED_PURPOSE,
        "new_hires_last_year": new_hires,
        "new_hire_ratio": _ratio(new_hires, employees),
        # The form keeps the category beside the applicant; accept it inside the applicant too.
        "person_category": details.get("person_category") or _mapping(details.get("applicant")).get("person_category"),
        "purchasing_unit_id": _mapping(details.get("purchasing_unit")).get("id"),
    }
    return {k: _plain(v) if type(v) is Decimal else v for k, v in facts.items() if v is not None}


def _plain(value):
    """Numbers as JSON writes them: a Decimal (how DynamoDB returns a stored form) → int or float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


_EMPTY: dict = {}


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else _EMPTY


def _number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _wan(yuan):
    if type(yuan) in (int, float):
        return yuan / WAN
    return _plain(yuan) / WAN if _number(yuan) else None


def _ratio(part, whole):
    """New hires as a share of staff; unknown (None) without staff to divide by."""
    return _plain(part) / _plain(whole) if _number(part) and _number(whole) and whole > 0 else None
