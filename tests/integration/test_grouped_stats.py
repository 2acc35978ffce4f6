"""`GET /stats?group_by=…` through HTTP on moto: v1's figures per month, scenario, bank and district,
from counters written with each approval, and the same as CSV for Excel (UTF-8 with a BOM)."""
from __future__ import annotations

import csv
import io

from tests.builders import valid_offer

WINDOW, POLICY = ("window", "w001"), ("policy", "p001")


def approve(world, scenario: str, who, district: str, bank: str, amount: int, **overrides) -> str:
    reply = world.submit(scenario, who=who, **{"enterprise.district": district, **overrides})
    assert reply.status == 201, reply.json
    app_id = reply.json["id"]
    for review in reply.json["reviews"]:   # the agencies a scenario asks approve first
        decided = world.call("POST", f"/reviews/{review['id']}/decision", as_=("agency", review["agency"]),
                             body={"approved": True, "reason": "ok"})
        assert decided.status == 200, decided.json
    assert world.call("GET", f"/applications/{app_id}", as_=who).json["status"] == "at_banks"
    decided = world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", bank),
                         body=valid_offer(scenario, bank, amount=amount))
    assert decided.status == 200, decided.json
    return app_id


def get_csv(world, query: str, as_=WINDOW):
    world.token(*as_)
    resp = world.client.http.request("GET", f"/stats?{query}", headers={
        "Authorization": f"Bearer {world.token(*as_)}"})
    return resp.status_code, resp.body, dict(resp.headers)


def test_grouped_figures_and_csv_after_approvals_in_two_scenarios_and_districts(world):
    one, two = world.enterprise(1), world.enterprise(2)
    approve(world, "credit", one, "haidian", "ICBC-BJ", 900_000)
    approve(world, "credit", one, "haidian", "BOB-BJ", 500_000, first_loan=False)
    approve(world, "real_estate_mortgage", two, "chaoyang", "ICBC-BJ", 600_000)
    world.submit("credit", who=two, **{"enterprise.district": "chaoyang"})   # not approved: counted nowhere

    by_district = world.call("GET", "/stats?group_by=district", as_=POLICY)
    assert by_district.status == 200, by_district.json
    assert by_district.json["group_by"] == "district"
    rows = {g["key"]: g for g in by_district.json["groups"]}
    assert list(rows) == ["chaoyang", "haidian"]
    assert (rows["haidian"]["approved_count"], rows["haidian"]["approved_amount"],
            rows["haidian"]["average_amount_per_enterprise"], rows["haidian"]["first_loan_share"]) == (
        2, 1_400_000, 1_400_000, 0.5)
    assert (rows["chaoyang"]["approved_count"], rows["chaoyang"]["approved_amount"]) == (1, 600_000)

    scenarios = {g["key"]: g["approved_amount"] for g in
                 world.call("GET", "/stats?group_by=scenario", as_=WINDOW).json["groups"]}
    assert scenarios == {"credit": 1_400_000, "real_estate_mortgage": 600_000}
    banks = {g["key"]: (g["approved_count"], g["approved_amount"], g["average_amount_per_enterprise"])
             for g in world.call("GET", "/stats?group_by=bank", as_=WINDOW).json["groups"]}
    assert banks == {"BOB-BJ": (1, 500_000, 500_000), "ICBC-BJ": (2, 1_500_000, 750_000)}
    [month] = world.call("GET", "/stats?group_by=month", as_=WINDOW).json["groups"]
    total = world.call("GET", "/stats", as_=WINDOW).json
    assert {k: v for k, v in month.items() if k != "key"} == total   # one month: the city-wide figures
    assert len(month["key"]) == 7 and month["key"][4] == "-"

    status, body, headers = get_csv(world, "group_by=district&format=csv")
    assert status == 200
    assert headers["Content-Type"].startswith("text/csv")
    raw = body if isinstance(body, bytes) else body.encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf")   # the BOM: Excel reads UTF-8 and shows the Chinese
    table = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    assert table[0] == ["区 district", "批准笔数 approved_count", "批准金额（元） approved_amount",
                        "户均金额（元） average_amount_per_enterprise", "中小微企业占比 sme_share",
                        "首贷占比 first_loan_share"]
    assert [row[:4] for row in table[1:]] == [["chaoyang", "1", "600000.00", "600000.00"],
                                              ["haidian", "2", "1400000.00", "1400000.00"]]
    assert table[2][5] == "0.5000"


def test_an_unknown_group_or_format_is_a_400_and_other_roles_may_not_read(world):
    bad = world.call("GET", "/stats?group_by=week&format=xml", as_=WINDOW)
    assert bad.status == 400
    assert [(e["path"], e["code"]) for e in bad.json["errors"]] == [("/group_by", "unknown_group_by"),
                                                                    ("/format", "unknown_format")]
    assert all(e["message_zh"] and e["message_en"] for e in bad.json["errors"])
    assert world.call("GET", "/stats?group_by=bank", as_=("bank", "ICBC-BJ")).status == 403
    assert world.call("GET", "/stats?group_by=bank", as_=world.enterprise()).status == 403
    status, _, _ = get_csv(world, "format=csv", as_=("agency", "hr"))
    assert status == 403
    status, body, _ = get_csv(world, "format=csv")   # city-wide, one row
    text = (body if isinstance(body, bytes) else body.encode()).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1] == ["0", "0.00", "0.00", "0.0000", "0.0000"]
