"""Use cases of the data zone (数据专区): read an enterprise's records (accountably), prefill a
form, verify declared facts, and the IP office's green channel.

Who may know an enterprise's records: the enterprise itself, window staff, and a bank or agency
while it holds an application of it. Every look by anyone else the enterprise can see
(`reads`); without a right to look, the answer is the same 404 as for an enterprise the zone
does not know, so nobody learns whether records exist.
"""
from __future__ import annotations

from functools import lru_cache

from ..domain import records as zone
from ..domain.application import Actor, Application, Status
from ..domain.errors import BusinessRuleViolated, NotFound, ValidationFailed
from ..forms.identifiers import uscc_error
from .applications import may_see, not_found, now_iso, today
from .ports import Deps, RecordsRead, WhitelistEntry

PARTIES = ("bank", "agency")     # read only through an application they hold, and logged


@lru_cache(maxsize=1)
def terms() -> dict:
    """data/datazone.yaml: the sources' names and the tolerances, checked when loaded."""
    import yaml
    from ..datafiles import data_dir
    with open(data_dir("data") / "datazone.yaml", encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    missing = set(zone.SECTIONS) - set(doc.get("sources") or {})
    if missing or not all({"zh", "en"} <= set(v) for v in doc["sources"].values()):
        raise ValueError(f"data/datazone.yaml: every section needs zh and en names (missing {sorted(missing)})")
    if set(doc.get("tolerances") or {}) != set(zone.CHECKED_FIELDS) or \
            not all(isinstance(v, (int, float)) and 0 <= v < 1 for v in doc["tolerances"].values()):
        raise ValueError(f"data/datazone.yaml: tolerances for {sorted(zone.CHECKED_FIELDS)}, each a share in 0..1")
    return doc


def no_records() -> NotFound:
    return NotFound.single("", "not_found", "没有该企业的数据专区记录，或无权查看",
                           "No records of this enterprise, or none for you")


def held_application(deps: Deps, actor: Actor, uscc: str) -> Application | None:
    """An application of `uscc` that this bank or agency holds (not withdrawn): one Query of the
    enterprise's applications per 100 (GSI1), never a Scan."""
    cursor = None
    while True:
        page = deps.store.list_for_owner(uscc, 100, cursor)
        for app in page.items:
            if app.status is not Status.WITHDRAWN and may_see(app, actor):
                return app
        cursor = page.cursor
        if not cursor:
            return None


def entitled(deps: Deps, actor: Actor | None, uscc: str) -> bool:
    if actor is None:
        return False
    if actor.role == "enterprise":
        return actor.subject == uscc
    if actor.role == "window":
        return True
    return actor.role in PARTIES and held_application(deps, actor, uscc) is not None


def with_recorded_facts(deps: Deps, body: dict, facts: dict, sources: dict) -> tuple[dict, dict, list]:
    """The facts with the records' values in place of the declared ones, and the warnings."""
    records = deps.datazone.records(body["enterprise"]["uscc"])
    if records is None:
        return facts, sources, []
    labels = terms()["sources"]
    for fact, (value, section) in zone.recorded_facts(records, body).items():
        facts[fact] = value
        sources[fact] = {"source": section, **labels[section], "as_of": records[section].get("as_of")}
    hires, staff = facts.get("new_hires_last_year"), facts.get("employees")
    if "new_hire_ratio" in facts and staff:
        facts["new_hire_ratio"] = hires / staff
    return facts, sources, zone.discrepancies(body["enterprise"], records, terms()["tolerances"])


def _log(deps: Deps, actor: Actor, uscc: str, what: str, application_id: str | None) -> None:
    deps.records_log.log_read(RecordsRead(deps.ids.new_id(), uscc, actor.role, actor.subject, now_iso(deps),
                                          what, application_id))


def _checked_uscc(uscc: str) -> None:
    if uscc_error(uscc):
        raise ValidationFailed.single("/uscc", uscc_error(uscc), "统一社会信用代码无效",
                                      "Not a valid unified social credit code")


def read(deps: Deps, actor: Actor, uscc: str) -> dict:
    """The records, each section with its source's name; a bank's or agency's read (and window
    staff's) is logged before anything is shown."""
    _checked_uscc(uscc)
    held = None
    if actor.role in PARTIES:
        held = held_application(deps, actor, uscc)
        if held is None:
            raise no_records()
    elif not entitled(deps, actor, uscc):
        raise no_records()
    records = deps.datazone.records(uscc)
    if records is None:
        raise no_records()
    if actor.role != "enterprise":
        _log(deps, actor, uscc, "records", held.id if held else None)
    return _shown(records)


def _shown(records: dict) -> dict:
    labels = terms()["sources"]
    return {"uscc": records["uscc"],
            **{s: {**records[s], "source_name": labels[s]} for s in zone.SECTIONS if s in records}}


def reads(deps: Deps, actor: Actor, uscc: str, cursor: str | None, limit: int) -> dict:
    """Who looked at the enterprise's records, newest first: the enterprise's own, or window staff."""
    _checked_uscc(uscc)
    if not (actor.role == "window" or actor.subject == uscc):
        raise no_records()
    listing = f"{actor.label}:reads:{uscc}"
    items, next_cursor = deps.cursors.page(listing, cursor, lambda at: deps.records_log.reads(uscc, limit, at))
    return {"items": [r.to_dict() for r in items], "cursor": next_cursor}


def prefill(deps: Deps, actor: Actor, scenario: str) -> dict:
    """The enterprise's own form filled from its records (and its credit report: first loan)."""
    deps.forms.example(scenario)          # an unknown scenario is 404 unknown_scenario
    records = deps.datazone.records(actor.subject)
    if records is None:
        raise no_records()
    first_loan = None
    for fact in deps.facts_provider.facts_for(actor.subject):
        if fact.fact == "credit_report_has_loans":
            first_loan = not fact.value
    return zone.prefill(scenario, records, today(deps).isoformat(), first_loan)


# ---- the IP green channel -----------------------------------------------------------------------
def whitelist_add(deps: Deps, actor: Actor, uscc: str) -> tuple[int, dict]:
    _only_ipo(actor)
    _checked_uscc(uscc)
    records = deps.datazone.records(uscc)
    if records is None:
        raise BusinessRuleViolated.single("/uscc", "no_records", "数据专区没有该企业的记录",
                                          "The data zone holds no records of this enterprise")
    patents = zone.pledgeable_patents(records, today(deps).isoformat())
    if not patents:
        raise BusinessRuleViolated.single("/uscc", "no_pledgeable_patents",
                                          "该企业没有可质押的专利（有效且未质押）",
                                          "The enterprise has no pledgeable patent (in force and not pledged)")
    registration = records.get("registration") or {}
    entry = WhitelistEntry(uscc, registration.get("name", ""), registration.get("district"),
                           registration.get("industry_code"),
                           tuple({k: p[k] for k in ("number", "title", "type", "valid_until")} for p in patents),
                           now_iso(deps), actor.subject)
    created = deps.records_log.whitelist_put(entry)
    return (201 if created else 200), entry.to_dict()


def whitelist_remove(deps: Deps, actor: Actor, uscc: str) -> dict:
    _only_ipo(actor)
    if not deps.records_log.whitelist_remove(uscc):
        raise NotFound.single("", "not_found", "该企业不在白名单上", "The enterprise is not on the whitelist")
    return {"uscc": uscc, "removed": True}


def whitelist(deps: Deps, actor: Actor, cursor: str | None, limit: int) -> dict:
    listing = f"{actor.label}:ip-whitelist"
    items, next_cursor = deps.cursors.page(listing, cursor, lambda at: deps.records_log.whitelist(limit, at))
    return {"items": [e.to_dict() for e in items], "cursor": next_cursor}


def _only_ipo(actor: Actor) -> None:
    from ..domain.errors import Forbidden
    if actor.subject != "ipo":
        raise Forbidden.single("", "role_not_allowed", "只有知识产权局可以维护白名单",
                               "Only the IP office keeps the whitelist")


def ip_background(deps: Deps, actor: Actor, app_id: str) -> dict:
    """Patents, trademarks and existing pledges of the applicant, for a bank the application was
    sent to; logged like a records read."""
    app = deps.store.get(app_id)
    if app is None or not app.was_sent_to(actor.subject) or app.status is Status.WITHDRAWN:
        raise not_found()
    if app.scenario != "ip_pledge":
        raise BusinessRuleViolated.single("", "not_ip_pledge", "仅知识产权质押贷申请可查询知识产权背景",
                                          "The IP background is for IP pledge applications only")
    records = deps.datazone.records(app.owner) or {"uscc": app.owner}
    _log(deps, actor, app.owner, "ip_background", app.id)
    labels = terms()["sources"]
    out = {"uscc": app.owner, "application_id": app.id}
    for section in ("patents", "trademarks", "ip_pledges"):
        found = records.get(section) or {"items": [], "source": section, "as_of": None}
        out[section] = {**found, "source_name": labels[section]}
    return out
