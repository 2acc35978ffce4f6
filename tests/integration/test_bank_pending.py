"""A bank's list of pending work over HTTP on moto (the portal's bank console): what it has yet to
decide, oldest sent first; an application leaves it once the bank decides; no other bank sees it."""
from __future__ import annotations


def test_a_bank_lists_what_it_has_yet_to_decide_oldest_first_and_only_its_own(world):
    first = world.submit("credit", who=world.enterprise()).json["id"]
    second = world.submit("credit", who=world.enterprise(2)).json["id"]
    icbc = ("bank", "ICBC-BJ")
    listed = world.call("GET", "/banks/ICBC-BJ/applications", as_=icbc)
    assert listed.status == 200, listed.json
    assert [i["application_id"] for i in listed.json["items"]] == [first, second]
    assert listed.json["items"][0]["scenario"] == "credit" and listed.json["items"][0]["status"] == "sent"
    decided = world.call("POST", f"/applications/{first}/bank-decision", as_=icbc,
                         body={"approved": False, "reason": "暂不符合授信政策"})
    assert decided.status == 200, decided.json
    after = world.call("GET", "/banks/ICBC-BJ/applications", as_=icbc).json["items"]
    assert [i["application_id"] for i in after] == [second]
    other = world.call("GET", "/banks/ICBC-BJ/applications", as_=("bank", "BOB-BJ"))
    assert other.status == 404 and other.error_codes == ["not_found"]
    assert world.call("GET", "/banks/BOB-BJ/applications", as_=("bank", "BOB-BJ")).json["items"] != []
