"""Use cases of the application lifecycle: submit, read, list, withdraw, review, bank decision.

Each takes the wired dependencies (`deps`, see bootstrap), the acting party and a plain command,
and either returns plain data or raises a typed domain error. Who may act is checked here,
in one place per use case, so local and deployed stages behave alike.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from ..domain.decision import Decision
from ..domain.application import STATS_GROUPS, Actor, Application, BankOffer, Status
from ..domain.errors import (BusinessRuleViolated, Conflict, FieldError, Forbidden, NotFound,
                             ValidationFailed)
from ..domain.facts import facts_from_application
from ..domain.offers import DEFAULT_REPAYMENT
from .ports import Deps, IdempotencyKeyTaken, IdempotencyRecord, Snapshot, StaleVersion
from . import views

BEIJING = timezone(timedelta(hours=8))
IDEMPOTENCY_TTL_SECONDS = 24 * 3600
# A renewal's previous bank has it alone for this many PRC working days (DESIGN, "Renewal").
PREVIOUS_BANK_WORKING_DAYS = 3
MAX_ATTEMPTS = 4


def now_iso(deps: Deps) -> str:
    return deps.clock.now().astimezone(BEIJING).isoformat(timespec="milliseconds")


def today(deps: Deps) -> date:
    return deps.clock.now().astimezone(BEIJING).date()


def application_view(deps: Deps, app: Application, history: list, actor: Actor) -> dict:
    """The application as `actor` sees it, a pending review's working days left counted from today."""
    now = today(deps)
    return views.application_view(app, history, actor, deps.catalog,
                                  lambda due: deps.calendar.working_days_until(now, date.fromisoformat(due)))


def not_found(what: str = "application") -> NotFound:
    zh = {"application": "申请不存在", "review": "审核任务不存在"}.get(what, "资源不存在")
    return NotFound.single("", "not_found", zh, f"No such {what}")


# ---- eligibility and submission ---------------------------------------------------------------
def check_form(deps: Deps, body, *, allow_as_of: bool) -> None:
    errors = deps.forms.validate(body)
    if not errors and not allow_as_of and "as_of" in body:
        errors = [FieldError("/as_of", "not_allowed", "提交申请时不能指定 as_of（仅用于资格预审）",
                             "as_of is only for /eligibility, not for a submission")]
    if errors:
        raise ValidationFailed(*errors)
    errors = list(_catalog_errors(deps.catalog, body))
    if errors:
        raise BusinessRuleViolated(*errors)


def _catalog_errors(catalog, body):
    for n, code in enumerate(body["banks"]):
        if catalog.bank(code) is None:
            yield FieldError(f"/banks/{n}", "unknown_bank", f"银行代码 {code} 不存在",
                             f"No bank with code {code}")
    for n, product_id in enumerate(body.get("products", [])):
        product = catalog.product(product_id)
        path = f"/products/{n}"
        if product is None:
            yield FieldError(path, "unknown_product", f"产品 {product_id} 不存在", f"No product {product_id}")
        elif product["bank"] not in body["banks"]:
            yield FieldError(path, "product_bank_not_chosen",
                             f"产品 {product_id} 属于未选择的银行 {product['bank']}",
                             f"Product {product_id} belongs to {product['bank']}, which is not among the chosen banks")
        elif body["scenario"] not in product["scenarios"]:
            yield FieldError(path, "product_scenario_mismatch",
                             f"产品 {product_id} 不适用于该贷款场景", f"Product {product_id} does not offer this loan scenario")
        elif not (product["min_amount"] <= body["amount"] <= product["max_amount"]
                  and product["min_term_months"] <= body["term_months"] <= product["max_term_months"]):
            yield FieldError(
                path, "product_range",
                f"产品 {product_id} 的额度为 {product['min_amount']}–{product['max_amount']} 元、期限 "
                f"{product['min_term_months']}–{product['max_term_months']} 个月，申请不在范围内",
                f"Product {product_id} lends {product['min_amount']}–{product['max_amount']} yuan for "
                f"{product['min_term_months']}–{product['max_term_months']} months; the request is outside that")


def gather_facts(deps: Deps, body: dict, held: bool = True) -> tuple[dict, dict, list]:
    """The form's facts plus, if `held`, those the platform holds on this enterprise (credit
    report, lists, the data zone's records, which win over declared figures), where each one came
    from, and a warning for each declared figure the records contradict."""
    facts = facts_from_application(body)
    sources = {name: "form" for name in facts}
    if not held:
        return facts, sources, []
    uscc = body["enterprise"]["uscc"]
    for provided in deps.facts_provider.facts_for(uscc):
        facts[provided.fact] = provided.value
        label = deps.facts_provider.source(provided.source)
        sources[provided.fact] = {"source": provided.source, "zh": label.get("zh"), "en": label.get("en"),
                                  "as_of": provided.as_of}
    from . import records
    return records.with_recorded_facts(deps, body, facts, sources)


def decide(deps: Deps, body: dict, as_of: date, held: bool = True) -> Decision:
    """The rules' decision, with the facts it used and their sources (so it can be replayed)."""
    facts, sources, warnings = gather_facts(deps, body, held)
    return deps.engine.decide(facts, as_of).with_facts(facts, sources, warnings)


def eligibility(deps: Deps, actor: Actor | None, body) -> dict:
    """A decision without storing anything. What the platform holds on an enterprise is used only
    for a caller who may know it (DESIGN, "What a caller learns"); anyone else, signed in or not,
    is decided on what the body declares, so the answer reveals nothing held."""
    check_form(deps, body, allow_as_of=True)
    as_of = date.fromisoformat(body["as_of"]) if "as_of" in body else today(deps)
    uscc = body["enterprise"]["uscc"]
    held = may_know_records(deps, actor, uscc)
    decision = decide(deps, {k: v for k, v in body.items() if k != "as_of"}, as_of, held)
    if actor is not None and actor.role == "enterprise" and actor.subject == uscc and body.get("materials"):
        from . import materials   # only the applicant's own uploaded materials count
        found, _ = materials.usable(deps, uscc, body["materials"])
        decision = decision.with_provided(m.kind for m in found)
    return decision.to_json()


def may_know_records(deps: Deps, actor: Actor | None, uscc: str) -> bool:
    """The enterprise itself, window staff, and a bank or agency holding an application of it."""
    from . import records
    return records.entitled(deps, actor, uscc)


def _ineligible(decision: Decision) -> BusinessRuleViolated:
    reasons = decision.ineligible_reasons or decision.reasons
    zh = "；".join(r["zh"] for r in reasons) or "不符合申请条件"
    en = "; ".join(r["en"] for r in reasons) or "Not eligible"
    return BusinessRuleViolated.single("", "not_eligible", f"不符合申请条件：{zh}", f"Not eligible: {en}")


def request_hash(body) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class Idempotent:
    """A request sent with an Idempotency-Key: its first response is stored with the change it
    made, in the same transaction, and a retry gets that response back without changing anything."""
    scope: str       # who may replay it and for what, e.g. "enterprise:<USCC>:submit"
    key: str
    body: object

    @classmethod
    def of(cls, actor: Actor, action: str, key: str | None, body) -> "Idempotent | None":
        return cls(f"{actor.label}:{action}", key, body) if key else None

    def first_response(self, deps: Deps) -> tuple[int, dict] | None:
        """The first response to this request, or None if the key is new."""
        record = deps.store.idempotent_response(self.scope, self.key)
        if record is None:
            return None
        if record.request_hash != request_hash(self.body):
            raise Conflict.single("", "idempotency_key_reused",
                                  "该幂等键已用于另一个不同的请求", "This Idempotency-Key was used for a different request")
        return record.status_code, record.response

    def record(self, deps: Deps, status: int, response: dict) -> IdempotencyRecord:
        expires = int(deps.clock.now().timestamp()) + IDEMPOTENCY_TTL_SECONDS
        return IdempotencyRecord(self.scope, self.key, request_hash(self.body), status, response, expires)


def replayed(deps: Deps, request: Idempotent | None) -> tuple[int, dict] | None:
    return request.first_response(deps) if request else None


# ---- the optimistic lock ----------------------------------------------------------------------
CHANGED_CONCURRENTLY = ("申请正被同时修改，请稍后重试", "The application is being changed by someone else; try again")
SERVICE_BUSY = ("系统繁忙，请稍后重试", "The service is busy; please try again")


def attempts(busy: tuple[str, str] = CHANGED_CONCURRENTLY):
    """Rounds of load → check → act → commit: a lost race (the stored version moved on) starts
    another round from a fresh read, so a change no longer allowed after it raises Conflict
    from the domain and the second of two racing requests gets 409, never a lost update. After
    MAX_ATTEMPTS lost races, 409 `concurrent_update`."""
    yield from range(MAX_ATTEMPTS)
    raise Conflict.single("", "concurrent_update", *busy)


def commit(deps: Deps, app: Application, response: dict, request: Idempotent | None,
           status: int = 200) -> dict | None:
    """Save the changed application, its effects and (with a key) the response, all at once.

    Returns the response to send: this one, or the first one if a retry with the same key won;
    None if the race was lost and the caller should read the application again. The notices the
    change raised are put into words here and written with it."""
    from .notifications import put_into_words
    notifications = put_into_words(deps, app.notices, app.updated_at) if app.notices else []
    try:
        deps.store.save(app, idempotency=request.record(deps, status, response) if request else None,
                        notifications=notifications)
    except StaleVersion:
        return None
    except IdempotencyKeyTaken:
        return request.first_response(deps)[1]
    app.committed()
    return response


def submit(deps: Deps, actor: Actor, body, idempotency_key: str | None = None) -> tuple[int, dict]:
    request = Idempotent.of(actor, "submit", idempotency_key, body)
    if first := replayed(deps, request):
        return first
    check_form(deps, body, allow_as_of=False)
    if body["enterprise"]["uscc"] != actor.subject:
        raise Forbidden.single(
            "/enterprise/uscc", "uscc_not_yours", "统一社会信用代码与登录企业不一致",
            "The unified social credit code is not the one you are signed in with")
    as_of = today(deps)
    decision = decide(deps, body, as_of)
    if not decision.eligible:
        raise _ineligible(decision)
    decision = _with_materials(deps, actor, body, decision)
    now = now_iso(deps)
    reviews = [(deps.ids.new_id(), agency,
                deps.calendar.add_working_days(as_of, decision.review_deadlines[agency]).isoformat())
               for agency in decision.required_reviews]
    app = Application.submit(app_id=deps.ids.new_id(), owner=actor, form=body, decision=decision,
                             now=now, reviews=reviews, renewal_due=renewal_due(deps, as_of))
    response = application_view(deps, app, list(app.new_history), actor)
    # A new application cannot be stale: a lost round was a transient transaction conflict.
    for _ in attempts(busy=SERVICE_BUSY):
        if (sent := commit(deps, app, response, request, status=201)) is not None:
            return 201, sent


def renewal_due(deps: Deps, day: date) -> str:
    """The last day a renewal reaching the banks on `day` stays with its previous bank alone."""
    return deps.calendar.add_working_days(day, PREVIOUS_BANK_WORKING_DAYS).isoformat()


def _with_materials(deps: Deps, actor: Actor, body: dict, decision: Decision,
                    kept: frozenset[str] = frozenset()) -> Decision:
    """The decision once the applicant's materials are counted; 422 with every missing kind and
    every unusable material at once (一次性告知). Materials in `kept` (those the application
    named before an amendment) were taken out of the bucket's expiry then and stay out: they
    are not retagged."""
    from . import materials
    found, errors = materials.usable(deps, actor.subject, body.get("materials") or ())
    decision = decision.with_provided(m.kind for m in found)
    errors += materials.missing_errors(decision)
    if not errors:
        errors = materials.keep(deps, [m for m in found if m.id not in kept])
    if errors:
        raise BusinessRuleViolated(*errors)
    return decision


# ---- reading ----------------------------------------------------------------------------------
def may_see(app: Application, actor: Actor) -> bool:
    if actor.role == "window":
        return True
    if actor.role == "enterprise":
        return app.owner == actor.subject
    if actor.role == "agency":
        return any(r.agency == actor.subject for r in app.reviews)
    if actor.role == "bank":
        return app.was_sent_to(actor.subject)
    return False


def get_application(deps: Deps, actor: Actor, app_id: str) -> dict:
    snapshot = deps.store.get_with_history(app_id)
    if snapshot is None or not may_see(snapshot.application, actor):
        raise not_found()
    return application_view(deps, snapshot.application, snapshot.history, actor)


def list_applications(deps: Deps, actor: Actor, status: str | None, cursor: str | None, limit: int) -> dict:
    if status is not None and status not in {s.value for s in Status}:
        raise ValidationFailed.single("/status", "enum", "状态取值无效", "Unknown status")
    listing = f"{actor.label}:applications:{status if actor.role == 'window' else ''}"
    found, next_cursor = deps.cursors.page(listing, cursor, lambda at: (
        deps.store.list_all(status, limit, at) if actor.role == "window"
        else deps.store.list_for_owner(actor.subject, limit, at)))
    items = [views.application_summary(a) for a in found]
    if status and actor.role != "window":
        items = [i for i in items if i["status"] == status]
    return {"items": items, "cursor": next_cursor}


# ---- changes ----------------------------------------------------------------------------------
def owned(app: Application | None, actor: Actor) -> bool:
    """The caller's own application: anyone else, another enterprise included, is told it does not exist."""
    return app is not None and actor.role == "enterprise" and app.owner == actor.subject


def own_snapshot(deps: Deps, actor: Actor, app_id: str) -> Snapshot:
    """The caller's own application with its history, or a 404."""
    snapshot = deps.store.get_with_history(app_id)
    if snapshot is None or not owned(snapshot.application, actor):
        raise not_found()
    return snapshot


def withdraw(deps: Deps, actor: Actor, app_id: str, body: dict, idempotency_key: str | None = None) -> dict:
    from ..forms.requests import WITHDRAWAL_REASON_MAX   # the limit the API document publishes
    reason = (body or {}).get("reason") or ""
    if not isinstance(reason, str) or len(reason) > WITHDRAWAL_REASON_MAX:
        raise ValidationFailed.single("/reason", "type", f"撤回原因须为不超过 {WITHDRAWAL_REASON_MAX} 字的文字",
                                      f"reason must be text of at most {WITHDRAWAL_REASON_MAX} characters")
    request = Idempotent.of(actor, f"withdraw:{app_id}", idempotency_key, body)
    if first := replayed(deps, request):
        return first[1]
    for _ in attempts():
        app = deps.store.get(app_id)
        if not owned(app, actor):
            raise not_found()
        app.withdraw(actor, reason, now_iso(deps))
        if (sent := commit(deps, app, views.application_summary(app), request)) is not None:
            return sent


def amend(deps: Deps, actor: Actor, app_id: str, body, idempotency_key: str | None = None) -> dict:
    """The owner's answer to a return: the named fields replaced, the whole checked and decided
    again as a submission is, and the next round of reviews for the agencies that returned it."""
    checked(body, "amendment")
    request = Idempotent.of(actor, f"amend:{app_id}", idempotency_key, body)
    if first := replayed(deps, request):
        return first[1]
    for _ in attempts():
        snapshot = own_snapshot(deps, actor, app_id)
        app = snapshot.application
        app.check_amendable()
        form = {**app.form, **body}
        check_form(deps, form, allow_as_of=False)
        as_of = today(deps)
        decision = decide(deps, form, as_of)
        if not decision.eligible:
            raise _ineligible(decision)
        decision = _with_materials(deps, actor, form, decision, kept=frozenset(app.form.get("materials") or ()))
        days = {**app.decision.review_deadlines, **decision.review_deadlines}
        reviews = [(deps.ids.new_id(), agency, deps.calendar.add_working_days(as_of, days[agency]).isoformat())
                   for agency in app.agencies_to_review_again(list(decision.required_reviews))]
        app.amend(actor, form, decision, reviews, now_iso(deps))
        response = application_view(deps, app, [*snapshot.history, *app.new_history], actor)
        if (sent := commit(deps, app, response, request)) is not None:
            return sent


# What each role may list: an agency its own pending reviews (late ones included: it still
# decides them), window staff every review found late.
REVIEW_LISTS = {"agency": "pending", "window": "overdue"}


def list_reviews(deps: Deps, actor: Actor, status: str | None, cursor: str | None, limit: int) -> dict:
    allowed = REVIEW_LISTS[actor.role]
    status = status or allowed
    if status != allowed:
        raise ValidationFailed.single("/status", "enum", f"此角色只能查看 status={allowed} 的审核",
                                      f"This role lists only status={allowed}")
    listing = f"{actor.label}:reviews:{status}"
    items, next_cursor = deps.cursors.page(listing, cursor, lambda at: (
        deps.store.overdue_reviews(limit, at) if actor.role == "window"
        else deps.store.pending_reviews(actor.subject, limit, at)))
    return {"items": [r.to_dict() for r in items], "cursor": next_cursor}


def decide_review(deps: Deps, actor: Actor, review_id: str, body: dict, idempotency_key: str | None = None) -> dict:
    checked(body, "review_decision", material_kinds(deps))
    outcome = body.get("outcome") or ("approved" if body["approved"] else "rejected")
    reason = body["reason"].strip()
    missing = [{**({"kind": m["kind"]} if "kind" in m else {}), "note": m["note"].strip()}
               for m in body.get("missing", ())]
    entry = deps.store.review_entry(review_id)
    if entry is None or entry.agency != actor.subject:
        raise not_found("review")
    request = Idempotent.of(actor, f"review:{review_id}", idempotency_key, body)
    if first := replayed(deps, request):
        return first[1]
    for _ in attempts():
        app = deps.store.get(entry.application_id)
        if app is None:
            raise not_found()
        if outcome == "returned":
            app.return_for_more(review_id, actor, missing, reason, now_iso(deps))
        else:
            app.decide_review(review_id, actor, outcome == "approved", reason, now_iso(deps),
                              renewal_due=renewal_due(deps, today(deps)))
        response = views.review_view(app, app.review(review_id)) | {"application_status": app.status.value}
        if (sent := commit(deps, app, response, request)) is not None:
            return sent


def material_kinds(deps: Deps) -> tuple[str, ...]:
    """The kinds of material (rules/outcomes.yaml): what a returned review's `missing` may name."""
    return tuple(deps.engine.book.material_kinds)


def checked(body, schema: str, kinds: tuple[str, ...] = ()) -> dict:
    """The body of a decision route, checked against its published schema (400, every error at once)."""
    from ..forms.requests import problems
    errors = problems(schema, body, kinds)
    if errors:
        raise ValidationFailed(*errors)
    return body


# ---- banks ------------------------------------------------------------------------------------
def bank_queue(deps: Deps, actor: Actor, code: str) -> dict:
    if actor.subject != code or deps.catalog.bank(code) is None:
        raise NotFound.single("", "not_found", "该银行队列不存在或无权访问", "No such queue for you")
    # The region travels with the URL: an SQS client signing for another region finds no queue.
    return {"queue_url": deps.sender.queue_url(f"bank:{code}"), "region": deps.settings.region}


def bank_pending(deps: Deps, actor: Actor, code: str, cursor: str | None, limit: int) -> dict:
    """What the bank still has to decide, oldest sent first (the portal's list; its queue carries the same)."""
    if actor.subject != code or deps.catalog.bank(code) is None:
        raise NotFound.single("", "not_found", "该银行不存在或无权访问", "No such bank for you")
    listing = f"{actor.label}:bank-pending"
    items, next_cursor = deps.cursors.page(listing, cursor, lambda at: deps.store.bank_pending(code, limit, at))
    return {"items": [b.to_dict() for b in items], "cursor": next_cursor}


def _offer(body) -> BankOffer:
    checked(body, "bank_decision")
    if not body["approved"]:
        return BankOffer(approved=False, reason=body["reason"].strip())
    return BankOffer(approved=True, reason=body["reason"].strip(), amount=body["amount"],
                     annual_rate=body["annual_rate"], term_months=body["term_months"],
                     guarantee_fee_rate=body.get("guarantee_fee_rate"),
                     repayment=body.get("repayment", DEFAULT_REPAYMENT))


def offer_problems(app: Application, offer: BankOffer, catalog, bank: str) -> list[FieldError]:
    """Every way an approval leaves what was asked for or what the bank publishes (422, all at once):
    no more than the amount and term requested, and within the ranges of the bank's products the
    enterprise chose (else of every product the bank offers for this scenario)."""
    out = []
    if offer.amount > app.amount:
        out.append(FieldError("/amount", "above_requested", f"批准金额不能超过申请金额 {app.amount} 元",
                              f"The approved amount cannot exceed the requested {app.amount} yuan"))
    if offer.term_months > app.form["term_months"]:
        out.append(FieldError("/term_months", "above_requested",
                              f"批准期限不能超过申请期限 {app.form['term_months']} 个月",
                              f"The term cannot exceed the requested {app.form['term_months']} months"))
    chosen = [catalog.product(p) for p in app.form.get("products", [])]
    products = [p for p in chosen if p and p["bank"] == bank] or catalog.products(scenario=app.scenario, bank=bank)
    if not products:
        return out
    ranges = {"amount": ("min_amount", "max_amount", "金额", "amount", "元", " yuan"),
              "term_months": ("min_term_months", "max_term_months", "期限", "term", "个月", " months"),
              "annual_rate": ("annual_rate_min", "annual_rate_max", "年利率", "annual rate", "", "")}
    for field, (low, high, zh, en, unit_zh, unit_en) in ranges.items():
        value = getattr(offer, field)
        least, most = min(p[low] for p in products), max(p[high] for p in products)
        if not least <= value <= most:
            names = "、".join(p["id"] for p in products)
            out.append(FieldError(f"/{field}", "outside_product_range",
                                  f"{zh}须在所公布产品（{names}）的范围 {least}–{most}{unit_zh} 之内",
                                  f"The {en} must lie within the published range of the products ({names}): "
                                  f"{least}–{most}{unit_en}"))
    return out


def bank_decision(deps: Deps, actor: Actor, app_id: str, body, idempotency_key: str | None = None) -> dict:
    offer = _offer(body)
    request = Idempotent.of(actor, f"bank-decision:{app_id}", idempotency_key, body)
    if first := replayed(deps, request):
        return first[1]
    for _ in attempts():
        app = deps.store.get(app_id)
        if app is None or not app.was_sent_to(actor.subject):
            raise not_found()
        if offer.approved and (problems := offer_problems(app, offer, deps.catalog, actor.subject)):
            raise BusinessRuleViolated(*problems)
        app.record_bank_decision(actor, offer, now_iso(deps))
        if (sent := commit(deps, app, views.bank_decision_view(app, actor.subject), request)) is not None:
            return sent


STATS_FORMATS = ("json", "csv")
_GROUP_HEADERS = {"month": "月份 month", "scenario": "场景 scenario", "bank": "银行 bank", "district": "区 district"}
_FIGURE_HEADERS = (("approved_count", "批准笔数 approved_count", "{}"),
                   ("approved_amount", "批准金额（元） approved_amount", "{:.2f}"),
                   ("average_amount_per_enterprise", "户均金额（元） average_amount_per_enterprise", "{:.2f}"),
                   ("sme_share", "中小微企业占比 sme_share", "{:.4f}"),
                   ("first_loan_share", "首贷占比 first_loan_share", "{:.4f}"))


def stats(deps: Deps, group_by: str | None = None, fmt: str | None = None) -> dict:
    """v1's figures, city-wide or per group of `group_by` (`{group_by, groups: [{key, …}]}`, in
    key order), from counters written with the changes; `fmt` is only checked here."""
    problems = []
    if group_by is not None and group_by not in STATS_GROUPS:
        problems.append(FieldError("/group_by", "unknown_group_by",
                                   f"group_by 须为 {'、'.join(STATS_GROUPS)} 之一",
                                   f"group_by must be one of {', '.join(STATS_GROUPS)}"))
    if fmt is not None and fmt not in STATS_FORMATS:
        problems.append(FieldError("/format", "unknown_format", "format 须为 json 或 csv",
                                   "format must be json or csv"))
    if problems:
        raise ValidationFailed(*problems)
    if group_by is None:
        return _figures(deps.store.stats())
    return {"group_by": group_by,
            "groups": [{"key": key, **_figures(raw)} for key, raw in deps.store.grouped_stats(group_by).items()]}


def stats_csv(result: dict) -> str:
    """`stats(...)` as CSV for Excel: a UTF-8 BOM (so Excel reads it as UTF-8 and shows the
    Chinese), a header row in Chinese and English, one row per group (or one city-wide row)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    group_by = result.get("group_by")
    rows = result["groups"] if group_by else [result]
    writer.writerow(([_GROUP_HEADERS[group_by]] if group_by else []) + [h for _, h, _ in _FIGURE_HEADERS])
    for row in rows:
        writer.writerow(([row["key"]] if group_by else []) + [f.format(row[name]) for name, _, f in _FIGURE_HEADERS])
    return "\ufeff" + out.getvalue()


def _figures(raw: dict) -> dict:
    count = raw["approved_count"]
    enterprises = raw["approved_enterprises"]
    return {
        "approved_count": int(count),
        "approved_amount": float(raw["approved_amount"]),
        "average_amount_per_enterprise": float(raw["approved_amount"] / enterprises) if enterprises else 0.0,
        "sme_share": float(raw["approved_sme_count"] / count) if count else 0.0,
        "first_loan_share": float(raw["approved_first_loan_count"] / count) if count else 0.0,
    }
