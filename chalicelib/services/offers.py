"""Offers side by side (可比可选): what each approval costs net of the subsidy, and accepting one."""
from __future__ import annotations

from ..domain.application import Actor, Application, BankStatus
from ..domain.offers import DEFAULT_REPAYMENT, OfferTerms, SubsidyTerms, compare, decimal
from .applications import (Idempotent, application_view, attempts, checked, commit, not_found, now_iso, own_snapshot,
                           owned, replayed)
from .ports import Deps


def offer_terms(app: Application) -> list[OfferTerms]:
    return [OfferTerms(bank=b.code, amount=decimal(b.amount), annual_rate=decimal(b.annual_rate),
                       term_months=b.term_months, guarantee_fee_rate=decimal(b.guarantee_fee_rate),
                       repayment=b.repayment or DEFAULT_REPAYMENT)
            for b in app.banks if b.status is BankStatus.APPROVED]


def offers(deps: Deps, actor: Actor, app_id: str) -> list[dict]:
    """Every approval's cost over its term, cheapest first; the owner and window staff only."""
    app = deps.store.get(app_id)
    if app is None or not (actor.role == "window" or owned(app, actor)):
        raise not_found()
    ranked = compare(offer_terms(app), SubsidyTerms.from_decision(app.decision.first_loan_subsidy))
    accepted = app.accepted_bank
    return [c.to_view() | {"accepted": c.terms.bank == accepted} for c in ranked]


def accept(deps: Deps, actor: Actor, app_id: str, body, idempotency_key: str | None = None) -> dict:
    """The owner takes one approval; the banks are told in the same transaction (outbox)."""
    checked(body, "acceptance")
    request = Idempotent.of(actor, f"accept:{app_id}", idempotency_key, body)
    if first := replayed(deps, request):
        return first[1]
    for _ in attempts():
        snapshot = own_snapshot(deps, actor, app_id)
        app = snapshot.application
        app.accept(actor, body["bank"], now_iso(deps))
        response = application_view(deps, app, [*snapshot.history, *app.new_history], actor)
        if (sent := commit(deps, app, response, request)) is not None:
            return sent
