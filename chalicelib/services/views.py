"""What each party sees of an application, in plain words where a person waits.

A bank sees its own outcome only, never another bank's offer; everyone else who may see the
application sees every outcome.
"""
from __future__ import annotations

from ..domain.application import Actor, Application, BankStatus, HistoryEntry, ReviewStatus, Status

AGENCY_NAMES = {
    "hr": ("人力资源和社会保障局", "the HR & social-security bureau"),
    "ipo": ("知识产权局", "the IP office"),
    "realestate": ("不动产登记中心", "the real-estate registration center"),
    "purchaser": ("采购单位", "the purchasing unit"),
}


def agency_name(agency_id: str) -> tuple[str, str]:
    return AGENCY_NAMES.get(agency_id.split(":", 1)[0], (agency_id, agency_id))


def status_text(app: Application) -> dict:
    """One sentence in zh and en saying where the application stands and what happens next."""
    if app.status is Status.IN_REVIEW:
        pending = [r for r in app.reviews if r.status is ReviewStatus.PENDING]
        zh = "、".join(f"{agency_name(r.agency)[0]}（{r.due} 前）" for r in pending)
        en = ", ".join(f"{agency_name(r.agency)[1]} (by {r.due})" for r in pending)
        return {"zh": f"正在等待审核：{zh}。审核通过后将自动推送至您选择的银行。",
                "en": f"Waiting for review by {en}. Once approved it goes to the banks you chose."}
    if app.status is Status.AT_BANKS:
        waiting = sum(1 for b in app.banks if b.status is BankStatus.SENT)
        return {"zh": f"已推送至您选择的银行，{waiting} 家银行正在审批。",
                "en": f"Sent to the banks you chose; {waiting} bank(s) are deciding."}
    if app.status is Status.APPROVED:
        return {"zh": "银行已批准您的贷款申请，请查看银行的批复条件。",
                "en": "A bank approved your loan; see the offer below."}
    if app.status is Status.DECLINED:
        return {"zh": "您选择的银行均未批准本次申请，可查看各银行的原因后重新申请。",
                "en": "None of the banks you chose approved this application; see their reasons."}
    if app.status is Status.REJECTED:
        rejected = next((r for r in app.reviews if r.status is ReviewStatus.REJECTED), None)
        who = agency_name(rejected.agency) if rejected else ("审核部门", "the reviewing agency")
        reason = rejected.reason if rejected else ""
        return {"zh": f"{who[0]}审核未通过：{reason}", "en": f"Not approved by {who[1]}: {reason}"}
    return {"zh": "申请已撤回。", "en": "The application was withdrawn."}


def review_view(app: Application, review) -> dict:
    return {"id": review.id, "application_id": app.id, "agency": review.agency,
            "status": review.status.value, "due": review.due, "decided_at": review.decided_at,
            "reason": review.reason}


def bank_view(outcome, catalog) -> dict:
    bank = catalog.bank(outcome.code) or {}
    view = {"code": outcome.code, "name_zh": bank.get("name_zh"), "name_en": bank.get("name_en"),
            "status": outcome.status.value, "sent_at": outcome.sent_at,
            "decided_at": outcome.decided_at, "reason": outcome.reason}
    if outcome.status is BankStatus.APPROVED:
        view.update(amount=outcome.amount, annual_rate=outcome.annual_rate,
                    term_months=outcome.term_months, guarantee_fee_rate=outcome.guarantee_fee_rate)
    return view


def history_view(entry: HistoryEntry) -> dict:
    return {"seq": entry.seq, "at": entry.at, "actor": entry.actor, "action": entry.action,
            "from_status": entry.from_status, "to_status": entry.to_status, "detail": entry.detail}


def application_view(app: Application, history: list[HistoryEntry], actor: Actor, catalog) -> dict:
    banks = app.banks
    if actor.role == "bank":
        banks = [b for b in banks if b.code == actor.subject]
        history = [h for h in history if h.detail.get("bank") in (None, actor.subject)]
    form = {k: v for k, v in app.form.items() if k != "banks"}
    bank_views = [bank_view(b, catalog) for b in banks]
    return {
        "id": app.id, **form, "status": app.status.value, "status_text": status_text(app),
        "created_at": app.created_at, "updated_at": app.updated_at,
        "decision": app.decision,
        "reviews": [review_view(app, r) for r in app.reviews],
        "banks": bank_views,
        "result": {
            "status": app.status.value,
            "offers": [b for b in bank_views if b["status"] == BankStatus.APPROVED.value],
            "subsidy": app.decision.get("first_loan_subsidy"),
        },
        "history": [history_view(h) for h in history],
    }


def application_summary(app: Application) -> dict:
    return {"id": app.id, "scenario": app.scenario, "status": app.status.value,
            "enterprise": {"uscc": app.owner, "name": app.form["enterprise"].get("name")},
            "amount": app.form["amount"], "term_months": app.form["term_months"],
            "banks": [b.code for b in app.banks], "created_at": app.created_at,
            "updated_at": app.updated_at}
