"""Offers compared by what they cost over the term, against figures worked out by hand."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from chalicelib.domain.offers import (EQUAL_INSTALMENT, INTEREST_ONLY, OfferTerms, SubsidyTerms, compare, cost,
                                      interest_equal_instalment, interest_only)

FIRST_LOAN = SubsidyTerms(interest_share=D("0.20"), fee_rate_cap=D("0.01"), amount_cap=D("20000000"))


def view(terms: OfferTerms, subsidy: SubsidyTerms = FIRST_LOAN) -> dict:
    return cost(terms, subsidy).to_view()


def test_equal_instalments_of_a_textbook_loan():
    # 10,000 yuan at 6% over 12 months: 12 payments of 860.66 (860.6643…), 327.97 interest.
    assert round(interest_equal_instalment(D(10000), D("0.06"), 12), 2) == D("327.97")
    # 120,000 at 4.8% over 24 months: r = 0.004, 1.004^24 = 1.100431…, payment 5,253.8251…
    # × 24 − 120,000 = 6,091.80.
    assert round(interest_equal_instalment(D(120000), D("0.048"), 24), 2) == D("6091.80")


def test_interest_only_is_the_rate_on_the_whole_amount_for_the_term():
    assert interest_only(D(1_000_000), D("0.0365"), 12) == D("36500")
    assert interest_only(D(600_000), D("0.04"), 6) == D("12000")


def test_the_guarantee_fee_subsidy_wins_when_it_is_worth_more_and_is_held_to_one_percent_a_year():
    # 1,000,000 interest only at 3.65% for a year: 36,500 interest, 20% of it 7,300.
    # Fee 1.5%: 15,000; its subsidy at most 1%: 10,000 > 7,300, so the fee subsidy.
    offer = view(OfferTerms("ICBC-BJ", D(1_000_000), D("0.0365"), 12, D("0.015"), INTEREST_ONLY))
    assert (offer["interest"], offer["guarantee_fee"]) == (36_500.00, 15_000.00)
    assert (offer["interest_subsidy"], offer["guarantee_fee_subsidy"], offer["subsidy"]) == (0.0, 10_000.00, "guarantee_fee")
    assert offer["net_cost"] == 41_500.00        # 36,500 + 15,000 − 10,000


def test_the_interest_subsidy_wins_when_the_fee_is_small_and_the_fee_subsidy_never_exceeds_the_fee():
    # 500,000 for 6 months at 4% interest only: 10,000 interest, 20% = 2,000.
    # Fee 0.5% a year for half a year: 1,250, all of it subsidisable (under the 1% cap): 1,250 < 2,000.
    offer = view(OfferTerms("BOB-BJ", D(500_000), D("0.04"), 6, D("0.005"), INTEREST_ONLY))
    assert (offer["interest"], offer["guarantee_fee"]) == (10_000.00, 1_250.00)
    assert (offer["interest_subsidy"], offer["guarantee_fee_subsidy"], offer["subsidy"]) == (2_000.00, 0.0, "interest")
    assert offer["net_cost"] == 9_250.00


def test_only_the_amount_up_to_the_cap_counts_for_the_subsidy():
    # 30,000,000 at 4% interest only for 24 months: 2,400,000 interest; counted 20,000,000:
    # 1,600,000 of interest, 20% = 320,000. No guarantee fee, so no fee subsidy.
    offer = view(OfferTerms("CCB-BJ", D(30_000_000), D("0.04"), 24, D(0), INTEREST_ONLY))
    assert (offer["interest"], offer["interest_subsidy"], offer["guarantee_fee_subsidy"]) == (2_400_000.00, 320_000.00, 0.0)
    assert offer["net_cost"] == 2_080_000.00
    # The fee subsidy counts the same capped amount: 1% of 20,000,000 for 2 years = 400,000 (> 320,000).
    fee = view(OfferTerms("CCB-BJ", D(30_000_000), D("0.04"), 24, D("0.02"), INTEREST_ONLY))
    assert (fee["guarantee_fee"], fee["guarantee_fee_subsidy"], fee["interest_subsidy"]) == (1_200_000.00, 400_000.00, 0.0)


def test_the_interest_the_bank_uses_is_the_one_charged_and_both_are_shown():
    # 120,000 at 4.8% for 24 months: equal instalments 6,091.80; interest only 11,520.
    terms = dict(bank="ABC-BJ", amount=D(120_000), annual_rate=D("0.048"), term_months=24)
    instalments = view(OfferTerms(**terms, repayment=EQUAL_INSTALMENT))
    only = view(OfferTerms(**terms, repayment=INTEREST_ONLY))
    assert instalments["interest_by_repayment"] == only["interest_by_repayment"] == {
        EQUAL_INSTALMENT: 6_091.80, INTEREST_ONLY: 11_520.00}
    assert (instalments["interest"], only["interest"]) == (6_091.80, 11_520.00)
    # 20% of the unrounded 6,091.8024… is 1,218.3605 → 1,218.36; net 6,091.8024 − 1,218.3605 = 4,873.44.
    assert (instalments["interest_subsidy"], instalments["net_cost"]) == (1_218.36, 4_873.44)


def test_money_is_rounded_to_the_fen_once_at_the_end():
    # 333,333.33 at 3.85% for 7 months: 7,486.1110… → 7,486.11; 20% of it 1,497.2222… → 1,497.22;
    # net 7,486.1110… − 1,497.2222… = 5,988.8888… → 5,988.89.
    offer = view(OfferTerms("BOC-BJ", D("333333.33"), D("0.0385"), 7, D(0), INTEREST_ONLY))
    assert (offer["interest"], offer["interest_subsidy"], offer["net_cost"]) == (7_486.11, 1_497.22, 5_988.89)
    # Half a fen rounds up (not to even): 100.50 at 5% for a year is 5.025 → 5.03.
    assert view(OfferTerms("BOC-BJ", D("100.50"), D("0.05"), 12), SubsidyTerms())["interest"] == 5.03


def test_an_enterprise_without_the_first_loan_subsidy_pays_the_whole_cost():
    none = SubsidyTerms.from_decision({"eligible": False, "interest_subsidy_rate": None,
                                       "guarantee_fee_subsidy_rate_cap": None, "subsidy_amount_cap": None})
    offer = view(OfferTerms("ICBC-BJ", D(1_000_000), D("0.0365"), 12, D("0.015")), none)
    assert (offer["interest_subsidy"], offer["guarantee_fee_subsidy"], offer["subsidy"]) == (0.0, 0.0, None)
    assert offer["net_cost"] == 51_500.00


def test_the_subsidy_terms_are_the_decisions_own():
    granted = SubsidyTerms.from_decision({"eligible": True, "interest_subsidy_rate": 0.4,
                                          "guarantee_fee_subsidy_rate_cap": 0.01, "subsidy_amount_cap": 20000000})
    assert granted == SubsidyTerms(D("0.4"), D("0.01"), D("20000000"))


def test_offers_come_cheapest_first_net_of_the_subsidy():
    offers = [OfferTerms("A-BJ", D(1_000_000), D("0.035"), 12, D("0.02")),    # 35,000 + 20,000 − 10,000 = 45,000
              OfferTerms("B-BJ", D(1_000_000), D("0.040"), 12, D(0)),         # 40,000 − 8,000 = 32,000
              OfferTerms("C-BJ", D(1_000_000), D("0.038"), 12, D("0.005"))]   # 38,000 + 5,000 − 7,600 = 35,400
    assert [(c.terms.bank, c.to_view()["net_cost"]) for c in compare(offers, FIRST_LOAN)] == [
        ("B-BJ", 32_000.00), ("C-BJ", 35_400.00), ("A-BJ", 45_000.00)]


@pytest.mark.parametrize("months", [1, 12, 36])
def test_equal_instalments_never_cost_more_interest_than_interest_only(months):
    amount, rate = D(800_000), D("0.0435")
    assert interest_equal_instalment(amount, rate, months) <= interest_only(amount, rate, months)
