"""What each party sees of an application, in plain words where a person waits.

The owner and the service window see everything. Everyone else sees what their own step needs
(README, "What each party sees"):

- a bank: the application fields for a credit decision, the rules' decision, the reviews'
  outcomes, and its own entry and offer only. Nothing says which other banks were chosen or what
  they did: the status, the texts, the history (renumbered, statuses as this bank lives them) and
  the products are all seen from where this bank stands.
- an agency: the enterprise's profile, the request and its details, the part of the decision
  that put the review on its desk, its own review in full and the others' outcomes only; no bank,
  no offer, no subsidy; once the reviews are over, the application is simply `at_banks`.

Resident ID numbers are masked (`110105********1239`) for every bank and agency except those
whose review checks the person (`PERSON_CHECKING_AGENCIES`).
"""
from __future__ import annotations

from ..domain.application import Actor, Application, BankStatus, HistoryEntry, ReviewStatus, Status
from ..domain.decision import thawed
from ..domain.messages import ACCEPTED_ELSEWHERE
from ..domain.offers import DEFAULT_REPAYMENT

AGENCY_NAMES = {
    "hr": ("人力资源和社会保障局", "the HR & social-security bureau"),
    "ipo": ("知识产权局", "the IP office"),
    "realestate": ("不动产登记中心", "the real-estate registration center"),
    "purchaser": ("采购单位", "the purchasing unit"),
}

# The forms name every resident ID number `id_number` (format `resident_id`; a test keeps it so).
ID_NUMBER_KEY = "id_number"
# The HR bureau confirms the applicant's person category in its own registry, by ID number.
# Other agencies confirm property, IP or a contract, and banks collect the full number from the
# person, with their consent, when the loan contract is signed.
PERSON_CHECKING_AGENCIES = frozenset({"hr"})

BANK_FORM_FIELDS = ("scenario", "enterprise", "amount", "term_months", "purpose", "purpose_category",
                    "first_loan", "renewal", "details", "materials")
AGENCY_FORM_FIELDS = ("scenario", "enterprise", "amount", "term_months", "purpose", "purpose_category",
                      "renewal", "details", "materials")
AGENCY_DECISION_FIELDS = ("eligible", "enterprise_size", "required_reviews", "review_deadlines", "rules",
                          "required_materials")
# What a bank or an agency keeps of the detail of each kind of history entry that is not its own.
# An action missing here is not shown to them at all: a new kind of entry stays private until
# someone decides who may see it.
SHARED_DETAIL = {
    "submitted": ("required_reviews",),
    "review_approved": ("agency",),
    "review_rejected": ("agency",),
    "review_returned": ("agency",),
    "returned": ("agencies",),
    "amended": ("reviews",),
    "sent_to_banks": (),
    "withdrawn": (),
}
AFTER_REVIEWS = frozenset({Status.AT_BANKS, Status.APPROVED, Status.DECLINED, Status.ACCEPTED})
# What a bank that was not chosen sees once the enterprise accepted another offer: closed, not
# `accepted` (which would read as its own) and not which bank won.
CLOSED = "closed"


def agency_name(agency_id: str) -> tuple[str, str]:
    return AGENCY_NAMES.get(agency_id.split(":", 1)[0], (agency_id, agency_id))


def _pending_reviews_text(app: Application) -> tuple[str, str]:
    pending = [r for r in app.reviews if r.status is ReviewStatus.PENDING]
    return ("、".join(f"{agency_name(r.agency)[0]}（{r.due} 前）" for r in pending),
            ", ".join(f"{agency_name(r.agency)[1]} (by {r.due})" for r in pending))


def _rejection(app: Application):
    return next((r for r in app.reviews if r.status is ReviewStatus.REJECTED), None)


def status_text(app: Application) -> dict:
    """One sentence in zh and en saying where the application stands and what happens next."""
    if app.status is Status.IN_REVIEW:
        zh, en = _pending_reviews_text(app)
        return {"zh": f"正在等待审核：{zh}。审核通过后将自动推送至您选择的银行。",
                "en": f"Waiting for review by {en}. Once approved it goes to the banks you chose."}
    if app.status is Status.AT_BANKS:
        waiting = sum(1 for b in app.banks if b.status is BankStatus.SENT)
        return {"zh": f"已推送至您选择的银行，{waiting} 家银行正在审批。",
                "en": f"Sent to the banks you chose; {waiting} bank(s) are deciding."}
    if app.status is Status.APPROVED:
        return {"zh": "银行已批准您的贷款申请，请查看银行的批复条件。",
                "en": "A bank approved your loan; see the offer below."}
    if app.status is Status.ACCEPTED:
        bank = app.accepted_bank
        return {"zh": f"您已接受 {bank} 的贷款方案，其他银行已收到关闭通知。",
                "en": f"You accepted the offer of {bank}; the other banks were told the application is closed."}
    if app.status is Status.DECLINED:
        return {"zh": "您选择的银行均未批准本次申请，可查看各银行的原因后重新申请。",
                "en": "None of the banks you chose approved this application; see their reasons."}
    if app.status is Status.REJECTED:
        rejected = _rejection(app)
        who = agency_name(rejected.agency) if rejected else ("审核部门", "the reviewing agency")
        reason = rejected.reason if rejected else ""
        return {"zh": f"{who[0]}审核未通过：{reason}", "en": f"Not approved by {who[1]}: {reason}"}
    if app.status is Status.RETURNED:
        count = len((app.notice or {}).get("items", ()))
        return {"zh": f"需补正：审核部门要求补充 {count} 项，见补正通知。补齐后提交补正，只由提出要求的部门再次审核。",
                "en": f"Returned for more: the agencies asked for {count} item(s), listed in the notice. "
                      "Amend it and only those agencies review it again."}
    return {"zh": "申请已撤回。", "en": "The application was withdrawn."}


# ---- pieces -------------------------------------------------------------------------------------
def review_view(app: Application, review, countdown=None) -> dict:
    """`countdown(due)`: the working days left to a due day on the service's calendar (holidays
    and 调休 make-up days counted), shown on a pending review."""
    view = {"id": review.id, "application_id": app.id, "agency": review.agency,
            "status": review.status.value, "due": review.due, "decided_at": review.decided_at,
            "reason": review.reason, "round": review.round}
    if countdown is not None and review.status is ReviewStatus.PENDING:
        view["working_days_left"] = countdown(review.due)
    if review.missing is not None:
        view["missing"] = [dict(item) for item in review.missing]
    return view


def review_outcome(review) -> dict:
    """A review as a party other than its agency sees it (as in a bank's queue message)."""
    return {"agency": review.agency, "status": review.status.value, "decided_at": review.decided_at}


def bank_view(outcome, catalog) -> dict:
    bank = catalog.bank(outcome.code) or {}
    view = {"code": outcome.code, "name_zh": bank.get("name_zh"), "name_en": bank.get("name_en"),
            "status": outcome.status.value, "sent_at": outcome.sent_at,
            "decided_at": outcome.decided_at, "reason": outcome.reason}
    if outcome.status is BankStatus.APPROVED:
        view.update(amount=outcome.amount, annual_rate=outcome.annual_rate,
                    term_months=outcome.term_months, guarantee_fee_rate=outcome.guarantee_fee_rate,
                    repayment=outcome.repayment or DEFAULT_REPAYMENT, accepted_at=outcome.accepted_at)
    return view


def history_view(entry: HistoryEntry) -> dict:
    return {"seq": entry.seq, "at": entry.at, "actor": entry.actor, "action": entry.action,
            "from_status": entry.from_status, "to_status": entry.to_status, "detail": entry.detail,
            "round": entry.round}


def mask_id_number(value: str) -> str:
    """110105199003071239 → 110105********1239: where it was issued and the last four, enough to
    tell the person at signing; the birth date and sequence number stay hidden."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def with_id_numbers_masked(doc):
    if isinstance(doc, dict):
        return {k: mask_id_number(v) if k == ID_NUMBER_KEY and isinstance(v, str) else with_id_numbers_masked(v)
                for k, v in doc.items()}
    if isinstance(doc, list):
        return [with_id_numbers_masked(v) for v in doc]
    return doc


def _form_fields(app: Application, fields: tuple[str, ...], *, full_ids: bool) -> dict:
    form = {k: app.form[k] for k in fields if k in app.form}
    return form if full_ids else with_id_numbers_masked(form)


def _perspective_history(kept: list[tuple[HistoryEntry, str, dict]]) -> list[dict]:
    """Entries a party may see, numbered 1.. among themselves (gaps would count the hidden ones),
    each starting from the status the previous one left, so statuses chain in their own terms."""
    out, before = [], None
    for seq, (entry, after, detail) in enumerate(kept, 1):
        out.append({"seq": seq, "at": entry.at, "actor": entry.actor, "action": entry.action,
                    "from_status": before, "to_status": after, "detail": detail, "round": entry.round})
        before = after
    return out


def _shared(entry: HistoryEntry) -> tuple[HistoryEntry, str, dict] | None:
    keys = SHARED_DETAIL.get(entry.action)
    if keys is None:
        return None
    return entry, entry.to_status, {k: entry.detail[k] for k in keys if k in entry.detail}


# ---- the three views ----------------------------------------------------------------------------
def application_view(app: Application, history: list[HistoryEntry], actor: Actor, catalog, countdown=None) -> dict:
    if actor.role == "bank":
        return bank_application_view(app, history, actor.subject, catalog)
    if actor.role == "agency":
        return agency_application_view(app, history, actor.subject, countdown)
    return full_application_view(app, history, catalog, countdown)


def full_application_view(app: Application, history: list[HistoryEntry], catalog, countdown=None) -> dict:
    """The owner's and the service window's view: everything."""
    form = {k: v for k, v in app.form.items() if k != "banks"}
    bank_views = [bank_view(b, catalog) for b in app.banks]
    return {
        "id": app.id, **form, "status": app.status.value, "status_text": status_text(app),
        "created_at": app.created_at, "updated_at": app.updated_at, "round": app.round,
        "notice": thawed(app.notice),
        "decision": app.decision.to_json(),
        "reviews": [review_view(app, r, countdown) for r in app.reviews],
        "banks": bank_views,
        "result": {
            "status": app.status.value,
            "offers": [b for b in bank_views if b["status"] == BankStatus.APPROVED.value],
            "subsidy": thawed(app.decision.first_loan_subsidy),
        },
        "history": [history_view(h) for h in history],
    }


# ---- a bank -------------------------------------------------------------------------------------
def bank_status(app: Application, code: str) -> str:
    """The application's status as this bank lives it: its own decision, not the others'."""
    outcome = app.bank(code)
    if app.status is Status.WITHDRAWN or outcome is None:
        return app.status.value
    if app.status is Status.ACCEPTED:
        return Status.ACCEPTED.value if outcome.accepted_at else CLOSED
    return {BankStatus.SENT: Status.AT_BANKS, BankStatus.APPROVED: Status.APPROVED,
            BankStatus.DECLINED: Status.DECLINED}.get(outcome.status, app.status).value


BANK_STATUS_TEXT = {
    Status.AT_BANKS.value: ("等待贵行审批。", "Waiting for your decision."),
    Status.APPROVED.value: ("贵行已批准该申请。", "You approved this application."),
    Status.DECLINED.value: ("贵行未批准该申请。", "You declined this application."),
    Status.WITHDRAWN.value: ("企业已撤回申请，无需再作决定。", "The enterprise withdrew the application; no decision is needed."),
    Status.ACCEPTED.value: ("企业已接受贵行的批复方案。", "The enterprise accepted your offer."),
    CLOSED: ("企业已选择其他方案，申请已关闭，无需再作决定。",
             "The enterprise took another offer; the application is closed and no decision is needed."),
}


OWN_BANK_STEP = {"bank_approved": Status.APPROVED.value, "bank_declined": Status.DECLINED.value,
                 "accepted": Status.ACCEPTED.value}


def bank_history(history: list[HistoryEntry], code: str) -> list[dict]:
    kept = []
    for entry in history:
        bank = entry.detail.get("bank")
        if bank is not None:
            if bank == code:
                kept.append((entry, OWN_BANK_STEP[entry.action], entry.detail))
            elif entry.action == "accepted":   # another bank's offer: only that it is closed
                kept.append((HistoryEntry(entry.seq, entry.at, entry.actor, "closed", None, CLOSED,
                                          round=entry.round), CLOSED, {"reason": ACCEPTED_ELSEWHERE}))
        elif (shared := _shared(entry)) is not None:
            kept.append(shared)
    return _perspective_history(kept)


def bank_application_view(app: Application, history: list[HistoryEntry], code: str, catalog) -> dict:
    status = bank_status(app, code)
    own = app.bank(code)
    own_view = [bank_view(own, catalog)] if own else []
    form = _form_fields(app, BANK_FORM_FIELDS, full_ids=False)
    if "products" in app.form:
        form["products"] = [p for p in app.form["products"] if (catalog.product(p) or {}).get("bank") == code]
    seen_history = bank_history(history, code)
    zh, en = BANK_STATUS_TEXT.get(status, ("", ""))
    return {
        "id": app.id, **form, "status": status, "status_text": {"zh": zh, "en": en},
        "created_at": app.created_at,
        "updated_at": seen_history[-1]["at"] if seen_history else app.created_at,
        "decision": app.decision.to_json(),
        "reviews": [review_outcome(r) for r in app.reviews],
        "banks": own_view,
        "result": {"status": status,
                   "offers": [b for b in own_view if b["status"] == BankStatus.APPROVED.value],
                   "subsidy": thawed(app.decision.first_loan_subsidy)},
        "history": seen_history,
    }


def bank_decision_view(app: Application, code: str) -> dict:
    """The answer to a bank's decision: its own outcome and the application as it sees it."""
    outcome = app.bank(code)
    return {"application_id": app.id, "bank": outcome.code, "status": outcome.status.value,
            "application_status": bank_status(app, code)}


# ---- an agency ----------------------------------------------------------------------------------
def agency_status(app: Application) -> Status:
    """Once every review passed, what the banks did is not an agency's business."""
    return Status.AT_BANKS if app.status in AFTER_REVIEWS else app.status


def agency_status_text(app: Application) -> dict:
    status = agency_status(app)
    if status is Status.IN_REVIEW:
        zh, en = _pending_reviews_text(app)
        return {"zh": f"正在等待审核：{zh}。", "en": f"Waiting for review by {en}."}
    if status is Status.AT_BANKS:
        return {"zh": "各项审核均已通过，申请已推送至企业选择的银行。",
                "en": "Every review passed; the application went on to the banks the enterprise chose."}
    if status is Status.REJECTED:
        rejected = _rejection(app)
        who = agency_name(rejected.agency) if rejected else ("审核部门", "the reviewing agency")
        return {"zh": f"{who[0]}审核未通过，申请已终止。", "en": f"Not approved by {who[1]}; the application ended."}
    if status is Status.RETURNED:
        return {"zh": "已退回企业补正，补正后提出要求的部门将再次审核。",
                "en": "Returned to the enterprise for more; the agencies that asked review it again once amended."}
    return {"zh": "申请已撤回。", "en": "The application was withdrawn."}


def agency_history(history: list[HistoryEntry], agency: str) -> list[dict]:
    kept = []
    for entry in history:
        if entry.action.startswith("review_") and entry.detail.get("agency") == agency:
            kept.append((entry, entry.to_status, entry.detail))
        elif (shared := _shared(entry)) is not None:
            kept.append(shared)
    return _perspective_history(kept)


def agency_application_view(app: Application, history: list[HistoryEntry], agency: str, countdown=None) -> dict:
    form = _form_fields(app, AGENCY_FORM_FIELDS, full_ids=agency.split(":", 1)[0] in PERSON_CHECKING_AGENCIES)
    seen_history = agency_history(history, agency)
    return {
        "id": app.id, **form, "status": agency_status(app).value, "status_text": agency_status_text(app),
        "created_at": app.created_at,
        "updated_at": seen_history[-1]["at"] if seen_history else app.created_at,
        "decision": {k: v for k, v in app.decision.to_json().items() if k in AGENCY_DECISION_FIELDS},
        "reviews": [review_view(app, r, countdown) if r.agency == agency else review_outcome(r) for r in app.reviews],
        "history": seen_history,
    }


def application_summary(app: Application) -> dict:
    return {"id": app.id, "scenario": app.scenario, "status": app.status.value,
            "enterprise": {"uscc": app.owner, "name": app.form["enterprise"].get("name")},
            "amount": app.form["amount"], "term_months": app.form["term_months"],
            "banks": [b.code for b in app.banks], "created_at": app.created_at,
            "updated_at": app.updated_at}
