"""One suite, two sides: the in-memory material store and bucket behave like DynamoDB and S3 (moto)."""
import hashlib

import boto3
import pytest
import requests
from moto import mock_aws

from chalicelib.adapters.dynamodb import DynamoApplicationStore
from chalicelib.adapters.memory import InMemoryApplicationStore, InMemoryFiles
from chalicelib.adapters.provision import create_bucket, create_table
from chalicelib.adapters.s3 import S3Files
from chalicelib.domain.application import Actor
from chalicelib.domain.material import AWAITING_UPLOAD, Material
from chalicelib.resources import Resources
from chalicelib.services.ports import MaterialTaken
from tests.contract.test_store_contract import new_app, save

CONTENT = b"%PDF-1.7 contract\n"


@pytest.fixture(params=["memory", "aws"])
def sides(request):
    """(store, files, post) where post(upload, content) -> S3's HTTP status."""
    if request.param == "memory":
        files = InMemoryFiles()
        yield InMemoryApplicationStore(), files, lambda upload, content: files.receive_post(upload["fields"], content)
        return
    with mock_aws():
        resources = Resources("gc-contract")
        db = boto3.client("dynamodb", region_name="us-east-1")
        s3 = boto3.client("s3", region_name="us-east-1")
        create_table(db, resources)
        create_bucket(s3, resources, "us-east-1")

        def post(upload, content):
            return requests.post(upload["url"], data=upload["fields"], files={"file": ("f.pdf", content)}).status_code
        yield DynamoApplicationStore(db, resources.table_name), S3Files(s3, resources.bucket_name), post


def material(material_id="M1", owner="U1") -> Material:
    return Material(material_id, owner, "patent_certificate", "p.pdf", "application/pdf", len(CONTENT),
                    hashlib.sha256(CONTENT).hexdigest(), AWAITING_UPLOAD, "2026-11-25T09:00:00.000+08:00",
                    f"materials/{material_id}")


def test_a_material_reads_back_and_its_id_is_taken_once(sides):
    store, _, _ = sides
    store.add_material(material())
    assert store.material("M1").material == material() and store.material("M1").application_ids == ()
    with pytest.raises(MaterialTaken):
        store.add_material(material())
    assert store.material("nope") is None


def test_settling_happens_once_and_the_first_verdict_stays(sides):
    store, _, _ = sides
    store.add_material(material())
    uploaded = material().settled((len(CONTENT), hashlib.sha256(CONTENT).hexdigest()), "t1")
    rejected = material().settled((1, "0" * 64), "t2")
    assert store.settle_material(uploaded).status == "uploaded"
    assert store.settle_material(rejected) == uploaded and store.material("M1").material == uploaded


def test_a_new_application_links_the_materials_it_names_and_an_amendment_its_new_ones(sides):
    store, _, _ = sides
    for material_id in ("M1", "M2"):
        store.add_material(material(material_id))
    app = new_app("A1", owner="U1", materials=["M1"])
    save(store, app)
    assert store.material("M1").application_ids == ("A1",)
    app.return_for_more("A1-R0", Actor("agency", "hr"), [{"note": "补充"}], "缺材料", "2026-11-25T10:00:00.000+08:00")
    save(store, app)
    assert store.material("M2").application_ids == ()
    app.amend(Actor("enterprise", "U1"), app.form | {"materials": ["M1", "M2"]}, app.decision,
              [("A1-R1", "hr", "2026-12-09")], "2026-11-26T09:00:00.000+08:00")
    save(store, app)
    assert store.material("M1").application_ids == ("A1",) and store.material("M2").application_ids == ("A1",)
    # Read to check it, a material comes alone: the same one item however many applications name it.
    alone = store.material("M1", uses=False)
    assert alone.material == store.material("M1").material and alone.application_ids == ()
    assert store.material("nope", uses=False) is None


def test_the_bucket_stores_only_the_declared_size_and_type_and_digests_it(sides):
    _, files, post = sides
    upload = files.presign_upload("materials/M1", "application/pdf", len(CONTENT), 900)
    assert files.digest("materials/M1") is None
    assert post(upload, CONTENT + b"!") >= 400
    assert post({**upload, "fields": {**upload["fields"], "Content-Type": "image/png"}}, CONTENT) == 403
    assert post(upload, CONTENT) == 204
    assert files.digest("materials/M1") == (len(CONTENT), hashlib.sha256(CONTENT).hexdigest())
    assert files.keep("materials/M1") is True and files.keep("materials/none") is False


def test_materials_named_together_are_read_together_and_unknown_ones_left_out(sides):
    store, _, _ = sides
    store.add_material(material("M1"))
    store.add_material(material("M2", owner="U2"))
    found = store.materials(["M2", "nope", "M1", "M2"])
    assert found == {"M1": material("M1"), "M2": material("M2", owner="U2")}
    assert store.materials([]) == {}
