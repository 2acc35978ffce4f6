"""The agency, bank and window consoles in a real browser (headless chromium through Playwright):
applications are set up through the API with dev tokens; the consoles' pages are walked as a
reviewer, a bank officer and window staff would, in zh and en, desktop and phone, checked by axe."""
import hashlib
import json
import urllib.error
import urllib.request

import pytest

from scripts import datazone
from scripts.walkthrough import post_file
from tests.e2e.conftest import VIEWPORTS, screenshots_in_both_languages as _screenshots, set_language
from tests.e2e.steps_consoles import (agency_approves, agency_returns, bank_offers, fill_offer, open_bank_case,
                                      sign_in, window_stats)

NOTE = "请补充专利证书原件扫描件"


def screenshots_in_both_languages(page, name: str) -> None:
    """The shared helper (zh/en, desktop/phone, axe), and the page fits a phone's width: nothing
    scrolls sideways but a wide table inside its own box."""
    _screenshots(page, name)
    page.set_viewport_size(VIEWPORTS["phone"])
    page.wait_for_function("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.set_viewport_size(VIEWPORTS["desktop"])


class Api:
    """The API as a script calls it: JSON with a dev token per (role, subject)."""

    def __init__(self, base: str):
        self.base, self.tokens = base, {}

    def token(self, role: str, subject: str) -> str:
        if (role, subject) not in self.tokens:
            self.tokens[role, subject] = self.call("POST", "/auth/dev-token", {"role": role, "subject": subject})["token"]
        return self.tokens[role, subject]

    def call(self, method: str, path: str, body=None, as_: tuple[str, str] | None = None, status: int = 200):
        req = urllib.request.Request(self.base + path, method=method, headers={"Content-Type": "application/json"},
                                     data=json.dumps(body).encode() if body is not None else None)
        if as_:
            req.add_header("Authorization", f"Bearer {self.token(*as_)}")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                got, data = resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as err:
            got, data = err.code, json.loads(err.read() or b"null")
        assert got == status, (method, path, got, data)
        return data

    def upload(self, who, kind: str) -> str:
        content = f"%PDF-1.7 {kind} {who[1]}\n".encode()
        declared = {"kind": kind, "filename": f"{kind}.pdf", "content_type": "application/pdf",
                    "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
        material = self.call("POST", "/materials", declared, who, status=201)
        assert post_file(material["upload"], declared["filename"], content) < 300
        return material["id"]

    def apply(self, record: dict, scenario: str, banks: list[str]) -> str:
        """The enterprise's application from its prefilled form, with every material it lacks and,
        for an IP pledge, its patent certificate; returns its id."""
        who = ("enterprise", record["uscc"])
        body = self.call("GET", f"/forms/{scenario}/prefill", as_=who)
        body.update(amount=1_000_000, term_months=12, first_loan=True, purpose="补充流动资金，采购研发设备",
                    purpose_category="working_capital", banks=banks)
        if scenario == "ip_pledge":
            body["details"]["appraised_value"] = 3_000_000
        else:
            body.setdefault("details", {})["repayment_source"] = "主营业务收入"
        decision = self.call("POST", "/eligibility", body, who)
        kinds = [m["kind"] for m in decision["missing_materials"]]
        if scenario == "ip_pledge" and "patent_certificate" not in kinds:
            kinds.append("patent_certificate")
        body["materials"] = [self.upload(who, kind) for kind in kinds]
        return self.call("POST", "/applications", body, who, status=201)["id"]

    def review_of(self, agency: str, app_id: str) -> str:
        items = self.call("GET", "/reviews?status=pending&limit=100", as_=("agency", agency))["items"]
        return next(r["id"] for r in items if r["application_id"] == app_id)


def enterprises(count: int, skip: int = 10) -> list[dict]:
    """Data-zone enterprises with patents and a good tax grade, past the ones other tests take."""
    found = []
    for i in range(5000):
        record = datazone.enterprise(i)
        pledgeable = [p for p in record["patents"]["items"] if p["valid_until"] > "2027-12-31"]
        if pledgeable and not record["ip_pledges"]["items"] and record["tax"]["credit_grade"] in "AB":
            found.append(record)
            if len(found) == skip + count:
                return found[skip:]
    raise AssertionError("the data zone has too few enterprises with patents")


@pytest.fixture(scope="module")
def cases(stack):
    """An IP-pledge application with the IP office; another already at two banks; a credit
    application at two banks."""
    api = Api(stack[0])
    first, second, third, fourth = enterprises(4)
    ip_review = api.apply(first, "ip_pledge", ["BOB-BJ", "ICBC-BJ"])
    ip_banks = api.apply(second, "ip_pledge", ["BOB-BJ", "ICBC-BJ"])
    api.call("POST", f"/reviews/{api.review_of('ipo', ip_banks)}/decision", {"approved": True, "reason": "通过"},
             ("agency", "ipo"))
    credit = api.apply(third, "credit", ["ICBC-BJ", "BOB-BJ"])
    return {"api": api, "ip_review": ip_review, "ip_banks": ip_banks, "credit": credit, "owners": (first, second, third, fourth)}


def test_the_ip_office_returns_an_application_for_a_missing_item_then_approves_the_amended_one(page, stack, cases):
    api, app_id = cases["api"], cases["ip_review"]
    base = stack[0]
    sign_in(page, base, "agency", "ipo", "待办审核")
    row = page.locator(f'tr[data-application="{app_id}"]')
    row.get_by_role("link", name=cases["owners"][0]["registration"]["name"]).wait_for()
    assert "剩" in row.inner_text() or "今天到期" in row.inner_text() or "已逾期" in row.inner_text()
    screenshots_in_both_languages(page, "agency-home")

    row.get_by_role("link").click()
    page.get_by_role("heading", name="审核决定").wait_for()
    page.get_by_role("button", name="打开材料 1").click()     # the certificate, through its presigned link
    page.get_by_role("button", name="打开材料 专利证书（patent_certificate.pdf）").wait_for()
    link = page.get_by_role("link", name="下载 专利证书").get_attribute("href")
    assert page.request.get(link).body().startswith(b"%PDF")

    # Returned without a note: the server's error shows beside the note's field.
    page.get_by_label("退回补正材料").check()
    page.get_by_label("材料 1 的种类（可选）").select_option("专利证书")
    page.get_by_label("理由", exact=True).fill("缺材料")
    page.get_by_role("button", name="提交审核决定").click()
    page.locator("#page-title ~ *").get_by_text("note", exact=False).or_(page.locator("p.error")).first.wait_for()
    screenshots_in_both_languages(page, "agency-case-errors")

    agency_returns(page, base, "ipo", app_id, "专利证书", NOTE)
    owner = ("enterprise", cases["owners"][0]["uscc"])
    seen = api.call("GET", f"/applications/{app_id}", as_=owner)
    assert seen["status"] == "returned"
    assert seen["notice"]["items"] == [{"agency": "ipo", "kind": "patent_certificate", "note": NOTE}]
    screenshots_in_both_languages(page, "agency-case-decided")

    added = api.upload(owner, "patent_certificate")
    api.call("POST", f"/applications/{app_id}/amend", {"materials": [*seen["materials"], added]}, owner)
    agency_approves(page, base, "ipo", app_id)
    assert api.call("GET", f"/applications/{app_id}", as_=owner)["status"] == "at_banks"


def test_a_bank_reads_the_case_and_its_records_sees_its_errors_beside_the_fields_and_makes_an_offer(page, stack, cases):
    api, app_id = cases["api"], cases["ip_banks"]
    base = stack[0]
    sign_in(page, base, "bank", "BOB-BJ", "待办申请")
    page.locator(f'tr[data-application="{app_id}"]').wait_for()
    screenshots_in_both_languages(page, "bank-home")

    open_bank_case(page, base, "BOB-BJ", app_id)
    records = page.get_by_role("region", name="数据专区记录")
    records.get_by_text("纳税信息（税务部门）").wait_for()
    ip = page.get_by_role("region", name="知识产权背景")
    ip.get_by_text(cases["owners"][1]["patents"]["items"][0]["number"], exact=False).first.wait_for()

    fill_offer(page, 2_000_000, 0.04, 12)                     # more than was asked for: 422 beside the amount
    page.get_by_role("button", name="提交贷款方案").click()
    amount_error = page.locator("#amount-error")
    amount_error.wait_for()
    assert "批准金额不能超过申请金额" in amount_error.inner_text()
    assert page.get_by_label("批准金额（元）").get_attribute("aria-invalid") == "true"
    screenshots_in_both_languages(page, "bank-case-errors")

    bank_offers(page, base, "BOB-BJ", app_id, 800_000, 0.04, 12)
    owner = ("enterprise", cases["owners"][1]["uscc"])
    offers = api.call("GET", f"/applications/{app_id}/offers", as_=owner)
    assert [(o["bank"], o["amount"], o["annual_rate"]) for o in offers] == [("BOB-BJ", 800_000.0, 0.04)]
    screenshots_in_both_languages(page, "bank-case-decided")
    page.get_by_role("link", name="待办申请", exact=True).click()
    page.get_by_role("heading", name="待办申请").wait_for()
    assert page.locator(f'tr[data-application="{app_id}"]').count() == 0   # decided: off the list

    # The credit application: two banks make offers.
    bank_offers(page, base, "ICBC-BJ", cases["credit"], 900_000, 0.035, 12)
    bank_offers(page, base, "BOB-BJ", cases["credit"], 1_000_000, 0.038, 12)
    credit_owner = ("enterprise", cases["owners"][2]["uscc"])
    assert len(api.call("GET", f"/applications/{cases['credit']}/offers", as_=credit_owner)) == 2


def test_window_staff_filter_applications_answer_threads_and_complaints_and_see_the_statistics_change(page, stack, cases):
    api, base = cases["api"], stack[0]
    owner = ("enterprise", cases["owners"][0]["uscc"])
    thread = api.call("POST", "/threads", {"subject": "贷款进度咨询", "text": "请问审核需要多久？"}, owner, status=201)
    call = api.call("POST", f"/threads/{thread['id']}/call-requests", {"kind": "voice", "slot": "2026-12-07T10:00"},
                    owner, status=201)
    complaint = api.call("POST", "/complaints", {"about": "service", "text": "网页打不开"}, owner, status=201)

    before = window_stats(page, base)
    page.get_by_role("img", name="批准金额与笔数图表，数字见下表").wait_for()
    screenshots_in_both_languages(page, "window-stats")
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 CSV（Excel）").click()
    csv = open(download.value.path(), encoding="utf-8-sig").read()
    assert csv.startswith("月份 month,批准笔数 approved_count")
    page.get_by_role("status").filter(has_text="CSV 文件已下载").wait_for()
    page.get_by_label("分组").select_option("bank")
    page.get_by_role("table").get_by_role("rowheader", name="北京银行").wait_for()

    fresh = api.apply(cases["owners"][3], "credit", ["ICBC-BJ"])      # one more approval through the API
    api.call("POST", f"/applications/{fresh}/bank-decision",
             {"approved": True, "amount": 500_000, "annual_rate": 0.04, "term_months": 12, "reason": "同意"},
             ("bank", "ICBC-BJ"))
    after = window_stats(page, base)
    assert after == {"approved_count": before["approved_count"] + 1,
                     "approved_amount": before["approved_amount"] + 500_000}

    page.get_by_role("link", name="全部申请", exact=True).click()
    page.get_by_role("heading", name="全部申请").wait_for()
    page.get_by_label("贷款类型").select_option("credit")
    page.locator(f'tr[data-application="{cases["credit"]}"]').wait_for()
    assert page.locator(f'tr[data-application="{cases["ip_banks"]}"]').count() == 0
    page.get_by_label("状态").select_option("approved")
    page.locator(f'tr[data-application="{cases["credit"]}"]').wait_for()
    screenshots_in_both_languages(page, "window-home")
    page.locator(f'tr[data-application="{cases["credit"]}"]').get_by_role("link").click()
    page.get_by_role("heading", name="审核与银行").wait_for()
    screenshots_in_both_languages(page, "window-case")

    page.get_by_role("link", name="逾期审核", exact=True).click()
    page.get_by_role("heading", name="逾期审核").wait_for()
    page.get_by_role("status").or_(page.get_by_role("table")).first.wait_for()
    screenshots_in_both_languages(page, "window-overdue")

    page.get_by_role("link", name="咨询", exact=True).click()
    page.get_by_role("link", name="贷款进度咨询").first.wait_for()
    screenshots_in_both_languages(page, "window-threads")
    page.locator(f'a[href="#/window/threads/{thread["id"]}"]').click()
    page.get_by_label("答复").fill("一般 1 个工作日内办结。")
    page.get_by_role("button", name="发送答复").click()
    page.get_by_role("status").filter(has_text="答复已发送").wait_for()
    page.get_by_role("button", name="确认此时间").click()
    page.get_by_text("已确认").wait_for()
    screenshots_in_both_languages(page, "window-thread")
    answered = api.call("GET", f"/threads/{thread['id']}", as_=owner)
    assert answered["messages"][-1]["text"] == "一般 1 个工作日内办结。"
    assert [c["status"] for c in answered["call_requests"] if c["id"] == call["id"]] == ["confirmed"]

    page.get_by_role("link", name="投诉", exact=True).click()
    page.get_by_role("heading", name="投诉").wait_for()
    item = page.locator("li.card", has_text="网页打不开")
    screenshots_in_both_languages(page, "window-complaints")
    item.get_by_label("答复内容").fill("已修复，请再试。")
    item.get_by_role("button", name="答复并办结").click()
    page.get_by_role("status").filter(has_text="已答复并办结").wait_for()
    assert api.call("GET", f"/complaints/{complaint['id']}", as_=owner)["status"] == "closed"
    set_language(page, "zh")
