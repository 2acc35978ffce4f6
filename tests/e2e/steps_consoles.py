"""Walk steps of the agency, bank and window consoles, driving only the pages (for this file's
tests and the final composed walk). Each signs in through the sign-in page as its role."""
from __future__ import annotations

import re

from tests.e2e.conftest import set_language


def sign_in(page, base_url: str, role: str, subject: str, heading: str) -> None:
    """The dev sign-in page's role picker, as a person uses it; waits for the role's home page."""
    page.goto(base_url + "/#/sign-in")
    page.get_by_role("heading", name=re.compile("登录|Sign in")).wait_for()
    set_language(page, "zh")     # the steps read the Chinese texts, whatever an earlier step left
    names = {"agency": "审核部门", "bank": "银行", "window": "综合窗口"}
    page.get_by_role("radio", name=names[role], exact=True).check()
    if role == "bank":
        page.get_by_role("combobox", name="银行", exact=True).select_option(subject)
    else:
        page.get_by_label("审核部门（编号）" if role == "agency" else "工号").fill(subject)
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_role("heading", name=heading, exact=True).wait_for()


def open_agency_case(page, base_url: str, agency_id: str, app_id: str) -> None:
    sign_in(page, base_url, "agency", agency_id, "待办审核")
    page.locator(f'tr[data-application="{app_id}"]').get_by_role("link").click()
    page.get_by_role("heading", name="审核决定").wait_for()


def _decide(page) -> None:
    page.get_by_role("button", name="提交审核决定").click()
    page.get_by_role("status").filter(has_text="已记录审核决定").wait_for()


def agency_returns(page, base_url: str, agency_id: str, app_id: str, kind: str, note: str) -> None:
    """The agency returns the application for one item: `kind` a material kind's code or its zh
    name (as the list shows it), `note` what is wanted."""
    open_agency_case(page, base_url, agency_id, app_id)
    page.get_by_label("退回补正材料").check()
    page.get_by_label("材料 1 的种类（可选）").select_option(kind)
    page.get_by_label("材料 1 的说明").fill(note)
    page.get_by_label("理由", exact=True).fill(f"缺少材料：{note}")
    _decide(page)


def agency_approves(page, base_url: str, agency_id: str, app_id: str) -> None:
    open_agency_case(page, base_url, agency_id, app_id)
    page.get_by_label("通过", exact=True).check()
    page.get_by_label("理由", exact=True).fill("材料齐全，审核通过")
    _decide(page)


def open_bank_case(page, base_url: str, bank_code: str, app_id: str) -> None:
    sign_in(page, base_url, "bank", bank_code, "待办申请")
    page.locator(f'tr[data-application="{app_id}"]').get_by_role("link").click()
    page.get_by_role("heading", name="审批决定").wait_for()


def fill_offer(page, amount, rate, term) -> None:
    page.get_by_label("批准并给出贷款方案").check()
    page.get_by_label("批准金额（元）").fill(str(amount))
    page.get_by_label("年利率（小数）").fill(str(rate))
    page.get_by_label("期限（月）").fill(str(term))
    page.get_by_label("理由", exact=True).fill("经营稳定，同意授信")


def bank_offers(page, base_url: str, bank_code: str, app_id: str, amount, rate, term) -> None:
    """The bank opens the application from its pending list and makes an offer (rate a fraction)."""
    open_bank_case(page, base_url, bank_code, app_id)
    fill_offer(page, amount, rate, term)
    page.get_by_role("button", name="提交贷款方案").click()
    page.get_by_role("status").filter(has_text="已记录").wait_for()


def window_stats(page, base_url: str) -> dict:
    """The city-wide approved count and amount the statistics page shows."""
    sign_in(page, base_url, "window", "w001", "全部申请")
    page.get_by_role("link", name="统计", exact=True).click()
    page.get_by_role("heading", name="统计").wait_for()
    count = page.locator('[data-figure="approved_count"]')
    count.wait_for()
    amount = page.locator('[data-figure="approved_amount"]').get_attribute("data-value")
    return {"approved_count": int(count.inner_text()), "approved_amount": float(amount)}
