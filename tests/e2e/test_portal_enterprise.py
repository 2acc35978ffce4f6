"""The enterprise's pages in a real browser: an IP-pledge application submitted with its patent
certificate uploaded from the page (SHA-256 in the browser, the presigned POST to the local S3),
returned by the IP office, amended from the one notice, approved, offered by two banks and the
cheapest accepted; then the list of applications, notifications, consultation, complaints and
the banks' products. The agency's and banks' sides go through the API with dev tokens.
Screenshots zh/en desktop/phone and axe on every page."""
import json
import re
import urllib.error
import urllib.request

from tests.e2e.conftest import screenshots_in_both_languages
from tests.e2e.steps_enterprise import accept_offer, amend_returned, sign_in, submit_ip_pledge, upload
from tests.e2e.test_portal import ip_enterprise


def call(base: str, method: str, path: str, body=None, token: str | None = None):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None,
                                 method=method, headers={"Content-Type": "application/json"})
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def token(base: str, role: str, subject: str) -> str:
    return call(base, "POST", "/auth/dev-token", {"role": role, "subject": subject})[1]["token"]


def menu(page, name):
    """A link of the header's main menu (its name may carry the unread badge)."""
    return page.get_by_role("navigation", name="主菜单").get_by_role("link", name=name, exact=isinstance(name, str))


def ipo_decides(base: str, app_id: str, decision: dict) -> None:
    ipo = token(base, "agency", "ipo")
    pending = call(base, "GET", "/reviews?status=pending&limit=100", token=ipo)[1]["items"]
    review = next(r for r in pending if r["application_id"] == app_id)
    assert call(base, "POST", f"/reviews/{review['id']}/decision", decision, ipo)[0] == 200


def banks_approve(base: str, app_id: str) -> dict[str, float]:
    """Each bank the application went to approves at its products' lowest published rate; the
    rate of each, by bank."""
    rates = {}
    for bank in call(base, "GET", f"/applications/{app_id}", token=token(base, "window", "w1"))[1]["banks"]:
        code = bank["code"]
        products = call(base, "GET", f"/products?scenario=ip_pledge&bank={code}")[1]
        rates[code] = min(p["annual_rate_min"] for p in products)
        status, reply = call(base, "POST", f"/applications/{app_id}/bank-decision", {
            "approved": True, "amount": 1000000, "annual_rate": rates[code], "term_months": 12,
            "guarantee_fee_rate": 0.008, "reason": "同意授信"}, token(base, "bank", code))
        assert status == 200, reply
    return rates


def test_an_enterprise_uploads_amends_after_the_one_notice_and_accepts_the_cheapest_offer(page, stack):
    base = stack[0]
    uscc = ip_enterprise()["uscc"]
    app_id = submit_ip_pledge(page, base, uscc)
    enterprise = token(base, "enterprise", uscc)
    app = call(base, "GET", f"/applications/{app_id}", token=enterprise)[1]
    kinds = {call(base, "GET", f"/materials/{m}", token=enterprise)[1]["kind"] for m in app["materials"]}
    assert "patent_certificate" in kinds and app["status"] == "in_review"
    page.get_by_text("知识产权局（第 1 轮）").wait_for()
    assert "个工作日" in page.get_by_role("region", name="部门审核").inner_text()   # the countdown
    screenshots_in_both_languages(page, "application-in-review")

    ipo_decides(base, app_id, {"outcome": "returned", "reason": "缺质押登记申请表",
                               "missing": [{"kind": "other", "note": "质押登记申请表（加盖公章）"}]})
    page.reload()
    page.get_by_role("region", name="补正通知").wait_for()
    screenshots_in_both_languages(page, "application-returned")
    items = amend_returned(page, base, app_id, appraised_value=3200000)
    assert len(items) == 1 and "质押登记申请表（加盖公章）" in items[0] and "知识产权局" in items[0]
    app = call(base, "GET", f"/applications/{app_id}", token=enterprise)[1]
    assert app["status"] == "in_review" and app["round"] == 2 and len(app["materials"]) == 2
    assert app["details"]["appraised_value"] == 3200000

    ipo_decides(base, app_id, {"approved": True, "reason": "材料齐全，审核通过"})
    rates = banks_approve(base, app_id)
    assert len(set(rates.values())) == 2, rates      # two different offers to compare
    page.reload()
    offers = page.get_by_role("region", name="比较银行方案")
    offers.locator("tbody tr").nth(1).wait_for()
    assert offers.locator("tbody tr").first.get_by_text("最低成本").count() == 1
    screenshots_in_both_languages(page, "application-offers")
    page.set_viewport_size({"width": 390, "height": 800})     # the table becomes cards: no sideways scroll
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})

    bank = accept_offer(page, base, app_id)
    assert bank == min(rates, key=rates.get)
    app = call(base, "GET", f"/applications/{app_id}", token=enterprise)[1]
    assert app["status"] == "accepted" and [b["code"] for b in app["banks"] if b["accepted_at"]] == [bank]
    page.get_by_role("status").filter(has_text="已接受方案").wait_for()
    screenshots_in_both_languages(page, "application-accepted")

    # My applications: this one, accepted; notifications: the return and the offers, unread.
    menu(page, "我的申请").click()
    page.get_by_role("link", name="知识产权质押贷").first.wait_for()
    assert "已接受贷款方案" in page.locator("tbody tr", has_text=app_id).inner_text()
    screenshots_in_both_languages(page, "applications")

    badge = page.get_by_test_id("unread-badge")
    before = badge.inner_text()
    menu(page, re.compile("^消息")).click()
    first = page.locator("li.card").first
    first.wait_for()
    assert "补正" in page.locator("main").inner_text() or "同意" in page.locator("main").inner_text()
    screenshots_in_both_languages(page, "notifications")
    count = page.locator("li.card").count()
    first.get_by_role("button", name="标为已读").click()
    page.get_by_role("status").filter(has_text="已标记为已读").wait_for()
    page.wait_for_function(f"document.querySelectorAll('main li.card').length === {count - 1}")
    page.wait_for_function(f"(document.querySelector('[data-testid=unread-badge]')?.firstChild?.textContent || '0') !== '{before.split()[0]}'")


def test_an_enterprise_asks_the_window_requests_a_call_complains_and_browses_products(page, stack):
    base = stack[0]
    uscc = ip_enterprise()["uscc"]
    sign_in(page, base, uscc)
    page.goto(f"{base}/#/enterprise/threads")
    page.get_by_role("heading", name="发起咨询").wait_for()
    page.get_by_role("button", name="发送").click()                          # empty: errors beside fields
    page.locator("#subject-errors li").first.wait_for()
    page.get_by_label("主题").fill("知识产权质押贷需要哪些材料？")
    page.get_by_label("内容").fill("我们有两项发明专利，想了解办理流程。")
    page.get_by_role("button", name="发送").click()
    page.get_by_role("heading", name="知识产权质押贷需要哪些材料？").wait_for()
    thread_id = page.url.rsplit("/", 1)[1]

    # The window answers through the API; the thread shows it, and the list's unread count went first.
    window = token(base, "window", "w1")
    assert call(base, "POST", f"/threads/{thread_id}/messages", {"text": "请准备专利证书。"}, window)[0] == 201
    page.goto(f"{base}/#/enterprise/threads")
    page.get_by_text("1 条新回复").wait_for()
    screenshots_in_both_languages(page, "threads")
    page.get_by_role("link", name="知识产权质押贷需要哪些材料？").click()
    page.get_by_text("请准备专利证书。").wait_for()
    page.get_by_label("留言内容").fill("好的，谢谢。")
    page.get_by_role("button", name="发送").click()
    page.get_by_role("status").filter(has_text="留言已发送").wait_for()

    page.get_by_label("视频通话").check()
    page.get_by_label("希望的时间（北京时间，工作日办公时间内）").fill("2026-12-05T10:00")   # a Saturday
    page.get_by_role("button", name="提交预约").click()
    slot_error = page.locator("#slot-errors li")
    slot_error.wait_for()
    assert "不是工作日" in slot_error.inner_text()
    screenshots_in_both_languages(page, "thread")
    page.get_by_label("希望的时间（北京时间，工作日办公时间内）").fill("2026-12-07T10:00")   # a Monday
    page.get_by_role("button", name="提交预约").click()
    page.get_by_text("待窗口确认").wait_for()

    menu(page, "投诉").click()
    page.get_by_role("heading", name="提交投诉").wait_for()
    page.get_by_label("投诉对象").select_option(label="部门审核")
    page.get_by_label("投诉内容").fill("审核超时未答复。")
    page.get_by_role("button", name="提交投诉").click()
    page.locator("#about-errors li, #app-errors li").first.wait_for()          # a review needs its application
    page.get_by_label("投诉对象").select_option(label="平台服务")
    page.get_by_role("button", name="提交投诉").click()
    page.get_by_role("status").filter(has_text="投诉已提交").wait_for()
    assert "处理中" in page.locator("ul.plain li").first.inner_text()
    screenshots_in_both_languages(page, "complaints")

    # The lists asked for before the bank was chosen arrive last, as on a slow network: the page
    # must still show the list for the latest filter.
    held = []
    page.route(re.compile(r"/products(\?|$)"),
               lambda route: route.continue_() if "bank=" in route.request.url else held.append(route))
    menu(page, "银行与产品").click()
    page.get_by_label("贷款类型").select_option(label="知识产权质押贷")
    page.get_by_label("银行", exact=True).select_option(label="北京银行")
    page.get_by_role("status").filter(has_text="共").wait_for()
    page.wait_for_function("document.querySelectorAll('main .cards > li').length > 0")
    assert len(held) == 2, f"expected the lists for all loans and for IP pledges to be held: {held}"
    for route in held:
        with page.expect_response(lambda response, request=route.request: response.request == request):
            route.continue_()
    page.unroute(re.compile(r"/products(\?|$)"))
    page.evaluate("() => new Promise((rendered) => requestAnimationFrame(() => setTimeout(rendered)))")
    banks_shown = page.locator("main .cards > li > p").all_inner_texts()
    assert set(banks_shown) == {"北京银行"}, f"the bank filter shows other banks' products: {banks_shown}"
    shown = len(banks_shown)
    page.get_by_label("需要金额（元）").fill("999999999999")                   # beyond every product
    page.get_by_role("status").filter(has_text="共 0 个产品").wait_for()
    page.get_by_label("需要金额（元）").fill("")
    assert page.locator("main .cards > li").count() == shown
    screenshots_in_both_languages(page, "products")
    page.locator("main .cards > li").first.get_by_role("link").click()
    page.get_by_role("status").filter(has_text="已从数据专区预填").wait_for()
    assert page.get_by_role("checkbox", name="北京银行", exact=True).is_checked()

    # The form's upload widget: a file hashed, sent to the local S3, checked; its progress at 100%.
    materials = page.locator("fieldset.materials")
    materials.get_by_label("材料类别").select_option(label="营业执照")
    upload(materials, "其他材料（选择类别）", "business-licence")
    assert materials.locator("progress").get_attribute("value") == "100"
    assert "营业执照：business-licence.pdf" in materials.inner_text()
    screenshots_in_both_languages(page, "apply-materials")
