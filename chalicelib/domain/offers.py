"""What each bank's offer costs the enterprise over the loan's term, net of the subsidy it earns.

Money is Decimal throughout and rounded to the fen once, at the end: rounding each instalment
or each part first would make the figures depend on the order they were added in. Rates and
caps come from the decision the rules made (`first_loan_subsidy`), never from here.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

EQUAL_INSTALMENT = "equal_instalment"   # 等额本息: the same payment every month
INTEREST_ONLY = "interest_only"         # 按月付息、到期还本: interest monthly, the principal at the end
REPAYMENTS = (EQUAL_INSTALMENT, INTEREST_ONLY)
# A bank that does not say charges interest only: the usual for working-capital loans.
DEFAULT_REPAYMENT = INTEREST_ONLY

FEN = Decimal("0.01")
MONTHS_A_YEAR = Decimal(12)
_EXACT = Context(prec=50)   # far past the fen for any amount and term the forms accept


def decimal(value) -> Decimal:
    """A JSON number as the decimal it was written as (0.0385, not its binary neighbour)."""
    if value is None:
        return Decimal(0)
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


@dataclass(frozen=True)
class OfferTerms:
    bank: str
    amount: Decimal
    annual_rate: Decimal
    term_months: int
    guarantee_fee_rate: Decimal = Decimal(0)
    repayment: str = DEFAULT_REPAYMENT


@dataclass(frozen=True)
class SubsidyTerms:
    """The first-loan subsidy the decision allows: one of the two, the enterprise's choice."""
    interest_share: Decimal = Decimal(0)       # of the interest paid
    fee_rate_cap: Decimal = Decimal(0)         # of the amount, a year
    amount_cap: Decimal | None = None          # the largest amount counted; None: all of it

    @classmethod
    def from_decision(cls, first_loan_subsidy) -> "SubsidyTerms":
        granted = first_loan_subsidy or {}
        if not granted.get("eligible"):
            return cls()
        cap = granted.get("subsidy_amount_cap")
        return cls(decimal(granted.get("interest_subsidy_rate")), decimal(granted.get("guarantee_fee_subsidy_rate_cap")),
                   None if cap is None else decimal(cap))


def interest_equal_instalment(principal: Decimal, annual_rate: Decimal, months: int) -> Decimal:
    """Total interest of `months` equal payments P·r·(1+r)^n / ((1+r)^n − 1), r the monthly rate."""
    with localcontext(_EXACT):
        if annual_rate == 0:
            return Decimal(0)
        r = annual_rate / MONTHS_A_YEAR
        growth = (1 + r) ** months
        payment = principal * r * growth / (growth - 1)
        return payment * months - principal


def interest_only(principal: Decimal, annual_rate: Decimal, months: int) -> Decimal:
    with localcontext(_EXACT):
        return principal * annual_rate * months / MONTHS_A_YEAR


INTEREST = {EQUAL_INSTALMENT: interest_equal_instalment, INTEREST_ONLY: interest_only}


@dataclass(frozen=True)
class OfferCost:
    """An offer's cost over its term, unrounded; `to_view` rounds each figure to the fen."""
    terms: OfferTerms
    interest_by_repayment: dict
    guarantee_fee: Decimal
    interest_subsidy: Decimal        # the one chosen; the other is 0
    guarantee_fee_subsidy: Decimal

    @property
    def interest(self) -> Decimal:
        return self.interest_by_repayment[self.terms.repayment]

    @property
    def subsidy(self) -> str | None:
        if self.interest_subsidy > 0:
            return "interest"
        return "guarantee_fee" if self.guarantee_fee_subsidy > 0 else None

    @property
    def net_cost(self) -> Decimal:
        with localcontext(_EXACT):
            return self.interest + self.guarantee_fee - self.interest_subsidy - self.guarantee_fee_subsidy

    def to_view(self) -> dict:
        t = self.terms
        return {"bank": t.bank, "amount": yuan(t.amount), "annual_rate": float(t.annual_rate),
                "term_months": t.term_months, "guarantee_fee_rate": float(t.guarantee_fee_rate),
                "repayment": t.repayment, "interest": yuan(self.interest),
                "interest_by_repayment": {k: yuan(v) for k, v in self.interest_by_repayment.items()},
                "interest_subsidy": yuan(self.interest_subsidy), "guarantee_fee": yuan(self.guarantee_fee),
                "guarantee_fee_subsidy": yuan(self.guarantee_fee_subsidy), "subsidy": self.subsidy,
                "net_cost": yuan(self.net_cost)}


def to_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def yuan(value: Decimal) -> float:
    """Rounded to the fen, as a JSON number (its shortest repr is the fen figure)."""
    return float(to_fen(value))


def cost(terms: OfferTerms, subsidy: SubsidyTerms) -> OfferCost:
    """The offer's interest both ways, its guarantee fee, and whichever subsidy is worth more.

    Both subsidies count the amount up to `amount_cap`; the fee subsidy pays at most the fee
    itself and at most `fee_rate_cap` a year of the amount counted."""
    with localcontext(_EXACT):
        years = Decimal(terms.term_months) / MONTHS_A_YEAR
        by_repayment = {name: rule(terms.amount, terms.annual_rate, terms.term_months)
                        for name, rule in INTEREST.items()}
        fee = terms.amount * terms.guarantee_fee_rate * years
        counted = terms.amount if subsidy.amount_cap is None else min(terms.amount, subsidy.amount_cap)
        interest_counted = by_repayment[terms.repayment] * counted / terms.amount if terms.amount else Decimal(0)
        on_interest = interest_counted * subsidy.interest_share
        on_fee = counted * min(terms.guarantee_fee_rate, subsidy.fee_rate_cap) * years
        if on_interest >= on_fee:
            return OfferCost(terms, by_repayment, fee, on_interest, Decimal(0))
        return OfferCost(terms, by_repayment, fee, Decimal(0), on_fee)


def compare(offers: list[OfferTerms], subsidy: SubsidyTerms) -> list[OfferCost]:
    """Cheapest first (net of the subsidy); equal costs by bank code, so the order is stable."""
    costs = [cost(terms, subsidy) for terms in offers]
    return sorted(costs, key=lambda c: (to_fen(c.net_cost), c.terms.bank))
