"""Offers side by side (可比可选): what each approval costs net of the subsidy, and accepting one."""
from __future__ import annotations

from ..domain.application import Actor, Application, BankStatus
from ..domain.offers import DEFAULT_REPAYMENT, OfferTerms, SubsidyTerms, compare, decimal
from .applications import not_found
from .ports import Deps


def offer_terms(app: Application) -> list[OfferTerms]:
    return [OfferTerms(bank=b.code, amount=decimal(b.amount), annual_rate=decimal(b.annual_rate),
                       term_months=b.term_months, guarantee_fee_rate=decimal(b.guarantee_fee_rate),
                       repayment=b.repayment or DEFAULT_REPAYMENT)
            for b in app.banks if b.status is BankStatus.APPROVED]


def offers(deps: Deps, actor: Actor, app_id: str) -> list[dict]:
    """Every approval's cost over its term, cheapest first; the owner and window staff only."""
    app = deps.store.get(app_id)
    if app is None or not (actor.role == "window" or app.owner == actor.subject):
        raise not_found()
    ranked = compare(offer_terms(app), SubsidyTerms.from_decision(app.decision.first_loan_subsidy))
    return [c.to_view() for c in ranked]
