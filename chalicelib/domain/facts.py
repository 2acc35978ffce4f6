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
INDIVIDUAL = "individual"  # details.borrower of a person borrowing (entrepreneurship-guarantee loan)


def facts_from_application(body: dict) -> dict:
    """Every submission's decision reads this, so it is written for speed: one dict of the facts
    every form carries, then the scenario details that are there; a pass over them only for a
    fragment lacking a common fact."""
    enterprise = body.get("enterprise")
    if not isinstance(enterprise, dict):
        enterprise = _EMPTY
    amount, term, employees = body.get("amount"), body.get("term_months"), enterprise.get("employees")
    if Decimal in (type(amount), type(term), type(employees)):   # a form read back from DynamoDB
        amount, term, employees = plain_number(amount), plain_number(term), plain_number(employees)
    district = enterprise.get("district")
    facts = {
        "scenario": body.get("scenario"),
        "amount": amount,
        "term_months": term,
        "first_loan": body.get("first_loan"),
        "renewal": body.get("renewal"),
        "industry_code": enterprise.get("industry_code"),
        "employees": employees,
        "annual_revenue_wan": _wan(enterprise.get("annual_revenue")),
        "total_assets_wan": _wan(enterprise.get("total_assets")),
        "district": district,
        "registered_in_beijing": None if district is None else district != OUTSIDE_BEIJING,
        "purpose_category": body.get("purpose_category") or UNSPECIFIED_PURPOSE,
    }
    if None in facts.values():
        facts = {k: v for k, v in facts.items() if v is not None}
    details = body.get("details")
    if isinstance(details, dict) and details:
        _add_details(facts, details, employees)
    claim = body.get("subsidy_claim")
    if isinstance(claim, dict) and claim:
        _add_claim(facts, claim)
    if facts.get("borrower") == INDIVIDUAL:   # a person borrows: not an enterprise's loan
        facts["borrowed_personally"] = True
    return facts


def _add_claim(facts: dict, claim: dict) -> None:
    """The first-loan subsidy claim: the loan's dates as years (the rules' window is whole years;
    a date not given is left out, and the decision puts the application date's year in its place)."""
    for field, fact in (("contract_date", "loan_contract_year"), ("disbursed_on", "loan_disbursement_year")):
        year = _year(claim.get(field))
        if year is not None:
            facts[fact] = year
    for field in ("borrowed_personally", "hard_hit_confirmed"):
        if isinstance(claim.get(field), bool):
            facts[field] = claim[field]


def _year(value):
    if isinstance(value, str) and len(value) >= 4 and value[:4].isdigit():
        return int(value[:4])
    return None


def _add_details(facts: dict, details: dict, employees) -> None:
    new_hires = plain_number(details.get("new_hires_last_year"))
    if new_hires is not None:
        facts["new_hires_last_year"] = new_hires
        ratio = _ratio(new_hires, employees)
        if ratio is not None:
            facts["new_hire_ratio"] = ratio
    borrower = details.get("borrower")
    if borrower is not None:
        facts["borrower"] = borrower
    # The form keeps the category beside the applicant; accept it inside the applicant too.
    category = details.get("person_category") or _mapping(details.get("applicant")).get("person_category")
    if category is not None:
        facts["person_category"] = category
    trademarks = details.get("trademarks")
    if isinstance(trademarks, list):
        facts["trademarks_pledged"] = len(trademarks)
    unit = _mapping(details.get("purchasing_unit")).get("id")
    if unit is not None:
        facts["purchasing_unit_id"] = unit


def plain_number(value):
    """Numbers as JSON writes them: a Decimal (how DynamoDB returns a stored form) → int or float."""
    if type(value) is Decimal:
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
    return plain_number(yuan) / WAN if _number(yuan) else None


def _ratio(part, whole):
    """New hires as a share of staff; unknown (None) without staff to divide by."""
    return plain_number(part) / plain_number(whole) if _number(part) and _number(whole) and whole > 0 else None
