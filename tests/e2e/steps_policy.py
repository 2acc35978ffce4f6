"""Walk steps of the policy console, driving only its pages (for the composed walk and
test_portal_policy.py): one policy user edits and proposes a rule change, another approves it."""
import re
import time
from datetime import date, timedelta

SAFE_RULESET = "loan_prime_rate"   # a new LPR version at the same rate: decides nothing differently


def sign_in_as_policy(page, base_url: str, staff_id: str) -> None:
    page.goto(base_url + "/")
    page.evaluate("sessionStorage.removeItem('gc.session')")
    page.goto(base_url + "/#/sign-in")
    page.reload()
    page.get_by_role("heading", name="登录（本地开发）").wait_for()
    page.get_by_label("政策管理").check()
    page.get_by_label("工号").fill(staff_id)
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_role("heading", name="规则版本", exact=True).wait_for()


def open_draft(page, ruleset: str) -> None:
    """From the console's home, a draft of the latest version of `ruleset` in the editor."""
    page.get_by_role("region", name=f"{ruleset} 的版本").get_by_role("link", name=re.compile(f"^编辑草稿.*以 {ruleset} ")).last.click()
    page.get_by_label("规则文件（YAML）").wait_for()


def future_version(text: str) -> tuple[str, str]:
    """The draft as a new version (a name and a date no other run takes) effective after today."""
    stamp = time.time_ns() // 1_000_000
    version = f"e2e.{stamp}"
    start = date.today() + timedelta(days=400 + stamp % 20_000)
    text = re.sub(r'^version:.*$', f'version: "{version}"', text, count=1, flags=re.M)
    text = re.sub(r'^effective_from:.*$', f"effective_from: {start.isoformat()}", text, count=1, flags=re.M)
    return "# 复核：LPR 未调整，沿用原利率 · LPR reconfirmed, rate unchanged\n" + text, version


def propose_rule_change(page, base_url: str, policy_user: str) -> tuple[str, str]:
    """`policy_user` edits a new version of the LPR ruleset dated in the future, checks and
    simulates it, proposes it; returns (ruleset, version)."""
    sign_in_as_policy(page, base_url, policy_user)
    open_draft(page, SAFE_RULESET)
    editor = page.get_by_label("规则文件（YAML）")
    text, version = future_version(editor.input_value())
    editor.fill(text)
    page.get_by_role("button", name="检查、运行用例并模拟").click()
    page.get_by_role("status").filter(has_text="规则文件可以加载").wait_for()
    page.get_by_role("heading", name="检查与模拟结果").wait_for()
    page.get_by_role("button", name="提出此版本").click()
    page.get_by_role("status").filter(has_text=f"已提出 {SAFE_RULESET} 版本 {version}").wait_for()
    page.get_by_role("heading", name="已提出，待审批").wait_for()
    return SAFE_RULESET, version


def approve_rule_change(page, base_url: str, other_policy_user: str, ruleset: str, version: str) -> None:
    """Another policy user opens the proposal from the console's list, reads what it would change, approves."""
    sign_in_as_policy(page, base_url, other_policy_user)
    page.get_by_role("link", name=re.compile(f"{re.escape(ruleset)} 版本 {re.escape(version)}")).click()
    page.get_by_role("heading", name="此版本会改变什么").wait_for()
    page.get_by_role("button", name="审批通过此版本").click()
    page.get_by_role("status").filter(has_text=f"已审批：{ruleset} 版本 {version}").wait_for()
