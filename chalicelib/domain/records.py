"""What the government already records about an enterprise (数据专区) and what the platform makes of it.

A records document is `{uscc, registration, tax, social_insurance, real_estate, patents,
trademarks, ip_pledges, procurement_contracts}`, each section with its `source` and `as_of`
(list sections hold `items`). From it come the facts the rules read in place of the declared
ones, the warnings where a declaration strays from the record, the materials the platform need
not ask for, and a prefilled form.
"""
from __future__ import annotations

from .facts import OUTSIDE_BEIJING, WAN

SECTIONS = ("registration", "tax", "social_insurance", "real_estate", "patents", "trademarks", "ip_pledges",
            "procurement_contracts")

# fact ← (section, field, divisor): the recorded value the decision uses instead of the declared one
RECORDED_FACTS = {
    "employees": ("social_insurance", "insured_staff", 1),
    "annual_revenue_wan": ("tax", "annual_revenue", WAN),
    "total_assets_wan": ("tax", "total_assets", WAN),
    "industry_code": ("registration", "industry_code", 1),
    "district": ("registration", "district", 1),
}
# declared form field ← (section, field, zh name, en name): compared with a tolerance
CHECKED_FIELDS = {
    "employees": ("social_insurance", "insured_staff", "从业人员", "staff"),
    "annual_revenue": ("tax", "annual_revenue", "营业收入", "annual revenue"),
    "total_assets": ("tax", "total_assets", "资产总额", "total assets"),
}


def _items(records: dict, section: str) -> list:
    return (records.get(section) or {}).get("items") or []


def _field(records: dict, section: str, field: str):
    return (records.get(section) or {}).get(field)


def recorded_facts(records: dict, body: dict) -> dict[str, tuple[object, str]]:
    """fact → (value, section) for every fact the records settle for this application body."""
    out = {}
    for fact, (section, field, divisor) in RECORDED_FACTS.items():
        value = _field(records, section, field)
        if value is not None:
            out[fact] = (value / divisor if divisor != 1 else value, section)
    if "district" in out:
        out["registered_in_beijing"] = (out["district"][0] != OUTSIDE_BEIJING, "registration")
    details = body.get("details") if isinstance(body.get("details"), dict) else {}
    out["records_has_patent_register"] = (_holds(
        {p["number"] for p in _items(records, "patents")},
        [p.get("number") for p in details.get("patents") or () if isinstance(p, dict)]), "patents")
    out["records_has_trademark_register"] = (_holds(
        {t["registration_number"] for t in _items(records, "trademarks")},
        [t.get("registration_number") for t in details.get("trademarks") or () if isinstance(t, dict)]),
        "trademarks")
    out["records_has_property_register"] = (_holds(
        {e["certificate_number"] for e in _items(records, "real_estate")},
        [details["property_certificate_number"]] if "property_certificate_number" in details else []),
        "real_estate")
    out["records_has_procurement_contract"] = (_holds(
        {c["contract_number"] for c in _items(records, "procurement_contracts")},
        [details["contract_number"]] if "contract_number" in details else []), "procurement_contracts")
    return out


def _holds(on_record: set, named: list) -> bool:
    """Every item the form names is on record (with none named: the record holds any)."""
    return bool(on_record) and all(n in on_record for n in named) if named else bool(on_record)


def discrepancies(enterprise: dict, records: dict, tolerances: dict) -> list[dict]:
    """A warning for each declared figure further from the record than its tolerance (a share)."""
    warnings = []
    for field, (section, record_field, zh, en) in CHECKED_FIELDS.items():
        declared, recorded = enterprise.get(field), _field(records, section, record_field)
        tolerance = tolerances.get(field)
        if declared is None or recorded is None or tolerance is None:
            continue
        if abs(declared - recorded) > tolerance * abs(recorded):
            share = f"{tolerance:.0%}"
            warnings.append({
                "path": f"/enterprise/{field}", "code": "differs_from_record", "declared": declared,
                "recorded": recorded, "source": section,
                "zh": f"申报的{zh}（{declared:g}）与数据专区记录（{recorded:g}）相差超过 {share}，决定采用记录值",
                "en": f"The declared {en} ({declared:g}) differs from the record ({recorded:g}) by more than "
                      f"{share}; the decision uses the record"})
    return warnings


def pledgeable_patents(records: dict, today: str) -> list[dict]:
    """Patents still in force and not pledged already: what an IP pledge could rest on."""
    pledged = {p["patent_number"] for p in _items(records, "ip_pledges")}
    return [p for p in _items(records, "patents") if p["valid_until"] > today and p["number"] not in pledged]


def prefill(scenario: str, records: dict, today: str, first_loan: bool | None = None) -> dict:
    """An application body from the records: everything but what only the enterprise can say
    (amount, term, purpose, banks, and per scenario its own figures such as an appraised value)."""
    registration, tax = records.get("registration") or {}, records.get("tax") or {}
    body = {
        "scenario": scenario,
        "enterprise": {
            "uscc": records["uscc"], "name": registration.get("name"),
            "industry_code": registration.get("industry_code"),
            "employees": _field(records, "social_insurance", "insured_staff"),
            "annual_revenue": tax.get("annual_revenue"), "total_assets": tax.get("total_assets"),
            "district": registration.get("district"), "established": registration.get("established"),
        },
        "renewal": False,
        "materials": [],
    }
    body["enterprise"] = {k: v for k, v in body["enterprise"].items() if v is not None}
    if first_loan is not None:
        body["first_loan"] = first_loan
    body["details"] = _details(scenario, records, today)
    return body


def _details(scenario: str, records: dict, today: str) -> dict:
    if scenario == "credit":
        grade = _field(records, "tax", "credit_grade")
        return {"tax_credit_rating": grade} if grade else {}
    if scenario == "ip_pledge":
        patents = [{"number": p["number"], "title": p["title"], "owner": p["owner"], "type": p["type"],
                    "valid_until": p["valid_until"]} for p in pledgeable_patents(records, today)[:50]]
        trademarks = [{"registration_number": t["registration_number"], "owner": t["owner"], "class": t["class"]}
                      for t in _items(records, "trademarks") if t["valid_until"] > today][:50]
        return {**({"patents": patents} if patents else {}), **({"trademarks": trademarks} if trademarks else {})}
    if scenario == "real_estate_mortgage":
        estates = _items(records, "real_estate")
        if not estates:
            return {}
        first = estates[0]
        return {"property_certificate_number": first["certificate_number"], "property_address": first["address"],
                "property_area_sqm": first["area_sqm"], "owner_is_applicant": True}
    if scenario == "receivable_confirmation":
        contracts = sorted(_items(records, "procurement_contracts"), key=lambda c: c["signed_on"], reverse=True)
        if not contracts:
            return {}
        c = contracts[0]
        return {"contract_number": c["contract_number"], "purchasing_unit": dict(c["purchasing_unit"]),
                "contract_amount": c["contract_amount"], "contract_signed_on": c["signed_on"],
                "procurement_notice_url": c["notice_url"]}
    if scenario == "entrepreneurship_guarantee":
        return {"borrower": "enterprise"}
    return {}
