"""Materials: the kinds the rules ask for, and one notice of everything missing (一次性告知)."""
from tests.builders import valid_body


def test_eligibility_lists_every_missing_kind_with_its_names(world):
    body = valid_body("ip_pledge", **{"enterprise.district": "other"})
    body["details"]["trademarks"] = [{"registration_number": "45678901", "owner": "北京示例科技有限公司", "class": 42}]
    decision = world.call("POST", "/eligibility", body=body).json
    assert decision["required_materials"] == ["business_license", "patent_certificate", "trademark_certificate"]
    assert [m["kind"] for m in decision["missing_materials"]] == decision["required_materials"]
    assert decision["missing_materials"][1] == {"kind": "patent_certificate", "zh": "专利证书", "en": "Patent certificate"}


def test_a_credit_loan_of_a_beijing_enterprise_needs_no_upload(world):
    decision = world.call("POST", "/eligibility", body=valid_body("credit")).json
    assert decision["required_materials"] == [] and decision["missing_materials"] == []


def test_an_individual_guarantee_loan_needs_the_id_and_the_entrepreneur_certificate(world):
    body = valid_body("entrepreneurship_guarantee", **{"details.borrower": "individual", "amount": 300000,
                                                       "term_months": 24})
    decision = world.call("POST", "/eligibility", body=body).json
    assert [m["kind"] for m in decision["missing_materials"]] == ["applicant_id", "entrepreneur_certificate"]
    assert any(r["rule"].startswith("materials.") and "就业创业证" in r["zh"] for r in decision["reasons"])


# ---- uploads through the signed POST (S3 is moto, holding the policy as S3 does) ------------------
PDF = b"%PDF-1.7 patent certificate ZL202110123456.7\n"


def test_kinds_are_listed_with_zh_and_en_names(world):
    kinds = world.call("GET", "/materials/kinds").json
    assert {"kind": "entrepreneur_certificate", "zh": "就业创业证",
            "en": "Employment and entrepreneurship certificate (就业创业证)"} in kinds
    assert len(kinds) == 11 and all(k["zh"] and k["en"] for k in kinds)


def test_a_signed_upload_is_verified_before_it_counts(world):
    me = world.enterprise()
    declared = world.call("POST", "/materials", as_=me, body={
        "kind": "patent_certificate", "filename": "专利证书.pdf", "content_type": "application/pdf",
        "size": len(PDF), "sha256": __import__("hashlib").sha256(PDF).hexdigest()})
    assert declared.status == 201 and declared.json["status"] == "awaiting_upload"
    assert declared.json["upload"]["url"] and declared.json["upload"]["expires_at"]
    material_id = declared.json["id"]
    assert world.call("GET", f"/materials/{material_id}", as_=me).json["status"] == "awaiting_upload"
    import requests
    upload = declared.json["upload"]
    assert requests.post(upload["url"], data=upload["fields"], files={"file": ("a.pdf", PDF)}).status_code == 204
    seen = world.call("GET", f"/materials/{material_id}", as_=me).json
    assert seen["status"] == "uploaded" and seen["filename"] == "专利证书.pdf"
    assert requests.get(seen["download_url"]).content == PDF


def test_s3_itself_refuses_another_size_or_content_type(world):
    import hashlib
    import requests
    me = world.enterprise()
    declared = world.call("POST", "/materials", as_=me, body={
        "kind": "patent_certificate", "filename": "p.pdf", "content_type": "application/pdf",
        "size": len(PDF), "sha256": hashlib.sha256(PDF).hexdigest()}).json["upload"]
    assert requests.post(declared["url"], data=declared["fields"], files={"file": ("p.pdf", PDF + b"more")}).status_code == 400
    as_png = {**declared["fields"], "Content-Type": "image/png"}
    assert requests.post(declared["url"], data=as_png, files={"file": ("p.pdf", PDF)}).status_code == 403


def test_an_upload_whose_content_differs_from_its_sha256_is_rejected(world):
    me = world.enterprise()
    material_id = world.upload(me, "patent_certificate", content=PDF, sent=PDF.replace(b"7", b"8"))
    assert world.last_upload_status == 204          # same size: S3 cannot tell, the digest can
    assert world.call("GET", f"/materials/{material_id}", as_=me).json["status"] == "rejected"
    assert "download_url" not in world.call("GET", f"/materials/{material_id}", as_=me).json


def test_a_declaration_outside_the_limits_is_refused_field_by_field(world):
    reply = world.call("POST", "/materials", as_=world.enterprise(), body={
        "kind": "patent_certificate", "filename": "../p.exe", "content_type": "application/zip",
        "size": 10 * 1024 * 1024 + 1, "sha256": "XYZ"})
    assert reply.status == 400
    assert {(e["path"], e["code"]) for e in reply.json["errors"]} == {
        ("/filename", "pattern"), ("/content_type", "enum"), ("/size", "maximum"), ("/sha256", "pattern")}
    assert all(e["message_zh"] and e["message_en"] for e in reply.json["errors"])
    unknown = world.call("POST", "/materials", as_=world.enterprise(), body={
        "kind": "diploma", "filename": "d.pdf", "content_type": "application/pdf", "size": 1, "sha256": "a" * 64})
    assert unknown.status == 422 and unknown.json["errors"][0]["path"] == "/kind"


def test_signing_an_upload_makes_no_call_to_s3(world):
    calls = []
    world.container.files._s3.meta.events.register("before-send", lambda request, **_: calls.append(request.url))
    reply = world.call("POST", "/materials", as_=world.enterprise(), body={
        "kind": "business_license", "filename": "l.png", "content_type": "image/png", "size": 9, "sha256": "b" * 64})
    assert reply.status == 201 and calls == []


def test_submission_lists_every_missing_kind_and_every_unusable_material_at_once(world):
    me, other = world.enterprise(1), world.enterprise(2)
    others = world.upload(other, "patent_certificate")
    awaiting = world.call("POST", "/materials", as_=me, body={
        "kind": "patent_certificate", "filename": "p.pdf", "content_type": "application/pdf", "size": 5,
        "sha256": "c" * 64}).json["id"]
    reply = world.submit("ip_pledge", me, **{"enterprise.district": "other", "materials": [others, awaiting]})
    assert reply.status == 422
    assert [(e["path"], e["code"]) for e in reply.json["errors"]] == [
        ("/materials/0", "material_not_found"), ("/materials/1", "material_not_uploaded"),
        ("/materials", "material_missing"), ("/materials", "material_missing"), ("/materials", "material_missing")]
    assert "营业执照" in reply.json["errors"][2]["message_zh"] and "Patent" in reply.json["errors"][3]["message_en"]
    assert world.call("GET", "/applications", as_=me).json["items"] == []


def test_eligibility_counts_only_the_callers_own_uploaded_materials(world):
    me = world.enterprise(3)
    body = valid_body("ip_pledge", **{"enterprise.uscc": me[1]})
    body["materials"] = [world.upload(me, "patent_certificate")]
    own = world.call("POST", "/eligibility", as_=me, body=body).json
    assert [m["kind"] for m in own["missing_materials"]] == ["trademark_certificate"]
    anonymous = world.call("POST", "/eligibility", body=body).json
    assert [m["kind"] for m in anonymous["missing_materials"]] == ["patent_certificate", "trademark_certificate"]


def test_materials_are_seen_by_the_parties_of_an_application_naming_them(world):
    me = world.enterprise(4)
    submitted = world.submit("ip_pledge", me)
    assert submitted.status == 201, submitted.json
    app_id, material_id = submitted.json["id"], submitted.json["materials"][0]
    ipo, bank = ("agency", "ipo"), ("bank", "ICBC-BJ")
    assert world.call("GET", f"/materials/{material_id}", as_=("agency", "hr")).status == 404
    assert world.call("GET", f"/materials/{material_id}", as_=bank).status == 404      # not sent to it yet
    assert world.call("GET", f"/materials/{material_id}", as_=world.enterprise(5)).status == 404
    seen = world.call("GET", f"/materials/{material_id}", as_=ipo)
    assert seen.status == 200 and seen.json["download_url"]
    review = world.call("GET", "/reviews?status=pending", as_=ipo).json["items"][0]
    world.call("POST", f"/reviews/{review['id']}/decision", as_=ipo, body={"approved": True, "reason": "材料齐全"})
    assert world.call("GET", f"/applications/{app_id}", as_=bank).json["materials"] == submitted.json["materials"]
    import requests
    fetched = world.call("GET", f"/materials/{material_id}", as_=bank).json
    assert requests.get(fetched["download_url"]).content.startswith(b"%PDF")
    assert world.call("GET", f"/materials/{material_id}", as_=("window", "w1")).status == 200


def test_a_submitted_material_leaves_the_expiry_of_unreferenced_uploads(world):
    me = world.enterprise(6)
    submitted = world.submit("real_estate_mortgage", me)
    assert submitted.status == 201, submitted.json
    key = f"materials/{submitted.json['materials'][0]}"
    s3 = world.container.files._s3
    tags = s3.get_object_tagging(Bucket=world.container.resources.bucket_name, Key=key)["TagSet"]
    assert tags == [{"Key": "state", "Value": "kept"}]
    unused = world.upload(me, "other")
    tags = s3.get_object_tagging(Bucket=world.container.resources.bucket_name, Key=f"materials/{unused}")["TagSet"]
    assert tags == [{"Key": "state", "Value": "pending"}]
