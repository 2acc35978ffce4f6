"""The web portal in a real browser (headless Debian chromium through Playwright): what an
enterprise sees and does, in Chinese and English, at desktop and phone width, checked by axe-core.
Screenshots land in tests/e2e/screenshots/ (not committed)."""
import gzip
import json
import re
from urllib.parse import urlsplit

from scripts import datazone
from tests.e2e.conftest import ROOT, screenshots_in_both_languages, set_language

FIRST_PAGE_LIMIT = 300 * 1024   # bytes, gzipped: everything the sign-in page loads


def ip_enterprise() -> dict:
    """A data-zone enterprise whose registered patents an IP-pledge loan can pledge."""
    return datazone.find(lambda r: r["patents"]["items"] and r["tax"]["credit_grade"] in "AB")


def sign_in_as_enterprise(page, uscc: str) -> None:
    page.goto("/")
    page.get_by_role("heading", name="登录（本地开发）").wait_for()
    page.get_by_label("企业").check()
    page.get_by_label("统一社会信用代码").fill(uscc)
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_role("heading", name="选择贷款类型").wait_for()


def test_the_first_page_loads_only_from_the_app_and_weighs_at_most_300_kb_gzipped(page, stack):
    page.goto("/")
    page.get_by_role("heading", name="登录（本地开发）").wait_for()
    page.wait_for_load_state("networkidle")
    origin = urlsplit(stack[0]).netloc
    assert {urlsplit(url).netloc for url in page.requests} == {origin}, page.requests
    assets = [url for url in page.requests if urlsplit(url).path == "/" or urlsplit(url).path.startswith("/portal/")
              and not urlsplit(url).path.endswith(".json")]
    total = sum(len(gzip.compress(page.request.get(url, headers={"Accept": "text/html"}).body())) for url in assets)
    assert any(url.endswith(".js") for url in assets) and total <= FIRST_PAGE_LIMIT, (total, assets)
    reply = page.request.get("/", headers={"Accept": "text/html"})
    assert "default-src 'self'" in reply.headers["content-security-policy"]
    script = re.search(r'src="(/portal/main-[^"]+\.js)"', reply.text()).group(1)
    assert "immutable" in page.request.get(script).headers["cache-control"]
    screenshots_in_both_languages(page, "sign-in")


def test_an_enterprise_prefills_prechecks_corrects_and_submits_an_ip_pledge_application(page, stack):
    record = ip_enterprise()
    sign_in_as_enterprise(page, record["uscc"])
    screenshots_in_both_languages(page, "scenarios")

    page.get_by_role("link", name="申请知识产权质押贷").click()
    page.get_by_role("heading", name="知识产权质押贷", exact=True).wait_for()
    page.get_by_role("status").filter(has_text="已从数据专区预填").wait_for()     # prefilled on opening
    assert page.get_by_label("企业名称").input_value() == record["registration"]["name"]
    labels = json.loads((ROOT / "forms" / "common.schema.json").read_text())["$defs"]["district"]["x-enum-labels"]
    label = labels[record["registration"]["district"]]
    assert page.get_by_label("注册地所在区").locator("option:checked").inner_text() == label["zh"]   # 海淀区, not haidian
    set_language(page, "en")
    assert page.get_by_label("District of registration").locator("option:checked").inner_text() == label["en"]
    set_language(page, "zh")

    page.get_by_label("申请金额（元）").fill("1000000")
    page.get_by_label("贷款期限（月）").fill("12")
    page.get_by_label("首次贷款").check()
    page.get_by_label("贷款用途").fill("补充流动资金，采购研发设备")
    page.get_by_role("checkbox", name="北京银行", exact=True).check()
    page.get_by_label("评估价值（元）").fill("3000000")
    page.get_by_role("button", name="预检").click()
    result = page.get_by_role("region", name="预检结果")
    result.wait_for()
    assert "符合申请条件" in result.inner_text() and "企业规模" in result.inner_text()

    # The purpose emptied: the server's error shows beside the field and in the summary.
    purpose = page.locator("#root_purpose")
    purpose.fill("")
    page.get_by_role("button", name="提交申请").click()
    summary = page.get_by_role("alert").filter(has_text="请修改以下问题")
    summary.wait_for()
    assert "贷款用途为必填项" in summary.inner_text()
    assert "贷款用途为必填项" in page.locator(".form-group", has=purpose).last.inner_text()
    screenshots_in_both_languages(page, "apply-ip-pledge-errors")

    purpose.fill("补充流动资金，采购研发设备")
    page.get_by_role("button", name="提交申请").click()
    page.get_by_role("heading", name="申请进度").wait_for()
    page.locator("dd.status", has_text="审核中").wait_for()   # in_review: the IP office reviews first
    assert re.search(r"#/enterprise/applications/\w+", page.url)
    screenshots_in_both_languages(page, "application-status")
    origin = urlsplit(stack[0]).netloc
    assert {urlsplit(url).netloc for url in page.requests} == {origin}
