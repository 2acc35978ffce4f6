"""The enterprise's walk steps, driving ONLY the portal's pages (Chinese), for the browser tests
and the final composed walk: submit an IP-pledge application with its patent certificate, amend
it after the one notice of missing items, accept the cheapest offer. Each returns what it learns.

Each step opens its page by URL, so it may follow any other step; `amend_returned` and
`accept_offer` sign in again first when given the enterprise's `uscc` (the tab may hold another
role's session by then)."""
from __future__ import annotations

import re

from tests.e2e.conftest import set_language

BANKS = ("中国工商银行北京市分行", "北京银行")     # two banks, so that two offers can be compared


def small_pdf(title: str) -> dict:
    """A small, valid one-page PDF as Playwright's file payload."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>"]
    out, offsets = bytearray(b"%PDF-1.4\n%" + title.encode("ascii", "replace")[:40] + b"\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return {"name": f"{title}.pdf", "mimeType": "application/pdf", "buffer": bytes(out)}


def sign_in(page, base_url: str, uscc: str) -> None:
    page.goto(f"{base_url}/#/sign-in")
    page.locator("#signin-title").wait_for()
    set_language(page, "zh")
    page.get_by_label("企业").check()
    page.get_by_label("统一社会信用代码").fill(uscc)
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_role("heading", name="选择贷款类型").wait_for()


def upload(row_scope, label: str, title: str) -> None:
    """Choose a file in the upload row labelled `label` and wait until the bucket's copy is checked."""
    row = row_scope.locator(".material-row", has=row_scope.page.get_by_label(label, exact=True))
    row.get_by_label(label, exact=True).set_input_files(small_pdf(title))
    row.get_by_role("status").filter(has_text="已上传").wait_for(timeout=20_000)


def upload_materials(page) -> None:
    """A file for every kind the pre-check asked for, and the patent certificate in any case (a
    registered patent needs no upload, so it may be given in the row for any other kind)."""
    materials = page.locator("fieldset.materials")
    asked = [row.locator("label").first.inner_text() for row in materials.locator(".material-row").all()
             if row.locator("select").count() == 0]
    for number, label in enumerate(asked):
        upload(materials, label, f"material-{number}")
    if "专利证书" not in asked:
        materials.get_by_label("材料类别").select_option(label="专利证书")
        upload(materials, "其他材料（选择类别）", "patent-certificate")


def submit_ip_pledge(page, base_url: str, uscc: str) -> str:
    """Sign in as `uscc`, open the IP-pledge form (prefilled), complete it, pre-check, upload the
    patent certificate, submit; the new application's id."""
    sign_in(page, base_url, uscc)
    page.goto(f"{base_url}/#/enterprise/apply/ip_pledge")
    page.get_by_role("status").filter(has_text="已从数据专区预填").wait_for()
    page.get_by_label("申请金额（元）").fill("1000000")
    page.get_by_label("贷款期限（月）").fill("12")
    page.get_by_label("首次贷款").check()
    page.get_by_label("贷款用途").fill("补充流动资金，采购研发设备")
    for bank in BANKS:
        page.get_by_role("checkbox", name=bank, exact=True).check()
    page.get_by_label("评估价值（元）").fill("3000000")
    page.get_by_role("button", name="预检").click()
    page.get_by_role("region", name="预检结果").wait_for()
    upload_materials(page)
    page.get_by_role("button", name="提交申请").click()
    page.get_by_role("heading", name="申请进度").wait_for()
    return re.search(r"#/enterprise/applications/(\w+)", page.url).group(1)


def open_application(page, base_url: str, app_id: str, uscc: str | None) -> None:
    if uscc:
        sign_in(page, base_url, uscc)
    page.goto(f"{base_url}/#/enterprise/applications/{app_id}")
    set_language(page, "zh")
    page.get_by_role("heading", name="申请进度").wait_for()
    page.locator("dd.status").wait_for()


def amend_returned(page, base_url: str, app_id: str, uscc: str | None = None,
                   appraised_value: int | None = None) -> list[str]:
    """Read the one notice of missing items, upload a file for each (and, if given, correct the
    pledge's appraised value in the details), send the amendment; the notice's items as shown."""
    open_application(page, base_url, app_id, uscc)
    notice = page.get_by_role("region", name="补正通知")
    notice.wait_for()
    items = notice.locator("ol.notice-items > li").all_inner_texts()
    form = notice.locator("form")
    for number, row in enumerate(form.locator(".material-row").all()):
        label = row.locator("label").last.inner_text()
        row.get_by_label(label, exact=True).set_input_files(small_pdf(f"amendment-{number}"))
        row.get_by_role("status").filter(has_text="已上传").wait_for(timeout=20_000)
    if appraised_value is not None:
        notice.get_by_label("同时修改场景信息").check()
        notice.get_by_label("评估价值（元）").fill(str(appraised_value))
    notice.get_by_role("button", name="提交补正").click()
    page.get_by_role("status").filter(has_text="补正已提交").wait_for()
    return items


def accept_offer(page, base_url: str, app_id: str, uscc: str | None = None) -> str:
    """Compare the offers (cheapest first) and accept the cheapest, confirming; its bank's code."""
    open_application(page, base_url, app_id, uscc)
    offers = page.get_by_role("region", name="比较银行方案")
    cheapest = offers.locator("tbody tr").first
    cheapest.wait_for()
    bank = cheapest.get_attribute("data-bank")
    cheapest.get_by_role("button").click()
    dialog = page.get_by_role("alertdialog", name="确认接受方案")
    dialog.get_by_role("button", name="确认接受").click()
    page.locator("dd.status", has_text="已接受贷款方案").wait_for()
    return bank
