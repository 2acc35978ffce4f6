"""The policy console in a real browser: a rule version edited as a draft, its load error shown on
its line, its cases run and its simulation shown before beside after; proposed by one policy
user, refused to that same user's approval, approved by another; every page in zh/en, desktop and
phone, checked by axe-core."""
import json
import re
import urllib.request

from scripts import datazone
from tests.builders import valid_body
from tests.e2e.conftest import screenshots_in_both_languages
from tests.e2e.steps_policy import approve_rule_change, future_version, open_draft, propose_rule_change, \
    sign_in_as_policy


def call(url: str, method: str, path: str, body=None, token=None):
    request = urllib.request.Request(url + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=20) as resp:
        return json.loads(resp.read())


def a_stored_credit_application(url: str) -> str:
    """One first loan of a small software enterprise of the data zone (first-loan subsidy: 20 %)."""
    record = datazone.find(lambda r: r["registration"]["industry_code"].startswith("65")
                           and r["social_insurance"]["insured_staff"] < 60)
    token = call(url, "POST", "/auth/dev-token", {"role": "enterprise", "subject": record["uscc"]})["token"]
    body = call(url, "GET", "/forms/credit/prefill", token=token)
    example = valid_body("credit")
    body |= {"amount": example["amount"], "term_months": example["term_months"], "purpose": example["purpose"],
             "banks": ["ICBC-BJ"], "first_loan": True, "details": example["details"] | body["details"]}
    return call(url, "POST", "/applications", body, token=token)["id"]


def test_a_policy_user_proposes_a_change_that_only_another_may_approve(page, stack):
    url = stack[0]
    ruleset, version = propose_rule_change(page, url, "p-e2e-1")
    assert page.get_by_role("heading", name="检查与模拟结果").is_visible()
    assert re.search(r"\d+ 个用例，\d+ 个通过，0 个未通过", page.locator("#simulation-title + h3 + p").inner_text())
    screenshots_in_both_languages(page, "policy-edit")

    # The proposer cannot approve their own version: the API's refusal, as it words it.
    page.get_by_role("link", name=f"查看 {ruleset} 版本 {version} 的审批页面").click()
    page.get_by_role("heading", name="此版本会改变什么").wait_for()
    page.get_by_role("button", name="审批通过此版本").click()
    refusal = page.get_by_role("alert")
    refusal.wait_for()
    assert "提出修改的人员不能自行审批" in refusal.inner_text()
    screenshots_in_both_languages(page, "policy-version")

    page.goto(url + "/#/policy")
    page.get_by_role("link", name=re.compile(f"{ruleset} 版本 {version}")).wait_for()
    screenshots_in_both_languages(page, "policy-home")

    approve_rule_change(page, url, "p-e2e-2", ruleset, version)
    assert "审批人" in page.locator("dl.facts").inner_text() and "policy:p-e2e-2" in page.locator("dl.facts").inner_text()
    page.get_by_role("link", name="发布历史").click()
    history = page.get_by_role("region", name="发布历史")
    history.wait_for()
    history.locator("tbody tr").first.wait_for()
    rows = [r for r in history.locator("tbody tr").all_inner_texts() if version in r]
    assert len(rows) == 2, history.inner_text()
    assert "policy:p-e2e-1" in rows[0] and "提出" in rows[0], rows
    assert "policy:p-e2e-2" in rows[1] and "审批通过" in rows[1], rows
    screenshots_in_both_languages(page, "policy-history")
    page.goto(url + "/#/policy")
    listed = page.get_by_role("region", name=f"{ruleset} 的版本")
    listed.get_by_role("rowheader", name=version).wait_for()
    assert "policy:p-e2e-1 提出，policy:p-e2e-2 审批" in listed.inner_text()


def test_a_draft_shows_its_load_error_on_its_line_and_its_changes_side_by_side(page, stack):
    url = stack[0]
    app_id = a_stored_credit_application(url)
    sign_in_as_policy(page, url, "p-e2e-3")
    open_draft(page, "first_loan_subsidy")
    editor = page.get_by_label("规则文件（YAML）")
    good, _ = future_version(editor.input_value())
    good = good.replace("base_rate: {value: 0.20,", "base_rate: {value: 0.25,")
    lines = good.splitlines()
    broken_at = next(n for n, line in enumerate(lines, 1) if "{fact: first_loan," in line)
    editor.fill("\n".join(line.replace("{fact: first_loan,", "{fact: first_loann,") if n == broken_at else line
                          for n, line in enumerate(lines, 1)))
    page.get_by_role("button", name="检查、运行用例并模拟").click()
    alert = page.get_by_role("alert").filter(has_text="规则文件有误")
    alert.wait_for()
    assert "first_loann" in alert.inner_text()
    assert page.locator(".gutter .bad").inner_text() == str(broken_at)       # the line marked beside the text
    alert.get_by_role("button", name=f"第 {broken_at} 行").click()
    assert page.evaluate("document.activeElement.id") == "rule-text"
    selected = page.evaluate("(() => { const a = document.activeElement; "
                             "return a.value.slice(a.selectionStart, a.selectionEnd); })()")
    assert "first_loann" in selected
    screenshots_in_both_languages(page, "policy-edit-error")

    editor.fill(good)
    page.get_by_role("button", name="检查、运行用例并模拟").click()
    page.get_by_role("status").filter(has_text="规则文件可以加载").wait_for()
    table = page.get_by_role("table", name="现行规则与草稿的决定对照")
    row = table.get_by_role("row").filter(has_text=app_id)
    cells = row.get_by_role("cell").all_inner_texts()
    assert "首贷贴息：20%" in cells[0] and "首贷贴息：25%" in cells[1], cells
    approver_view = page.get_by_role("table", name="各贷款场景的示例申请：修改前后")   # the approver's summary, before proposing
    assert "首贷贴息" not in approver_view.inner_text() and approver_view.get_by_role("row").count() == 6
    screenshots_in_both_languages(page, "policy-simulation")
