"""The whole service through its pages only, as #16 asks: an enterprise prepares, checks and
submits an IP-pledge application with its patent certificate; the IP office returns it for a
missing item; the enterprise amends; the IP office approves; two banks make offers; the
enterprise accepts the cheaper; window staff see the statistics change; a policy user proposes a
rule change and another approves it. Each step is a page walk of its own module (steps_*.py);
only the banks' published rate ranges are read from the API, to make offers a bank may make."""
import json
import urllib.request

from tests.e2e.conftest import screenshots_in_both_languages
from tests.e2e.steps_consoles import agency_approves, agency_returns, bank_offers, window_stats
from tests.e2e.steps_enterprise import accept_offer, amend_returned, open_application, submit_ip_pledge
from tests.e2e.steps_policy import approve_rule_change, propose_rule_change
from tests.e2e.test_portal import ip_enterprise

AMOUNT, TERM = 1_000_000, 12   # what submit_ip_pledge asks for


def lowest_rate(base: str, bank: str) -> float:
    with urllib.request.urlopen(f"{base}/products?scenario=ip_pledge&bank={bank}", timeout=30) as resp:
        return min(p["annual_rate_min"] for p in json.loads(resp.read()))


def test_one_ip_pledge_loan_from_application_to_accepted_offer_and_a_rule_change_all_through_the_pages(page, stack):
    base = stack[0]
    uscc = ip_enterprise()["uscc"]
    app_id = submit_ip_pledge(page, base, uscc)

    agency_returns(page, base, "ipo", app_id, "financial_statements", "近一年财务报表")
    items = amend_returned(page, base, app_id, uscc)
    assert any("近一年财务报表" in item for item in items), items
    agency_approves(page, base, "ipo", app_id)

    before = window_stats(page, base)
    rates = {"ICBC-BJ": lowest_rate(base, "ICBC-BJ") + 0.004, "BOB-BJ": lowest_rate(base, "BOB-BJ")}
    for bank, rate in rates.items():
        bank_offers(page, base, bank, app_id, AMOUNT, round(rate, 4), TERM)
    assert accept_offer(page, base, app_id, uscc) == min(rates, key=rates.get)   # the cheaper offer
    open_application(page, base, app_id, None)
    screenshots_in_both_languages(page, "walk-accepted")

    after = window_stats(page, base)
    assert after["approved_count"] == before["approved_count"] + 1, (before, after)
    assert after["approved_amount"] == before["approved_amount"] + AMOUNT, (before, after)

    ruleset, version = propose_rule_change(page, base, "p-walk-1")
    approve_rule_change(page, base, "p-walk-2", ruleset, version)
