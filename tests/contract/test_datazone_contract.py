"""One suite, three data zones (the local file, DynamoDB's DATAZONE# items loaded by the batch
script, the in-memory fake) and two read logs (DynamoDB, memory): they answer alike."""
import boto3
import pytest
from moto import mock_aws

from chalicelib.adapters.datazone import DynamoDataZone, FileDataZone, InMemoryDataZone
from chalicelib.adapters.provision import create_table
from chalicelib.adapters.records_log import DynamoRecordsLog, InMemoryRecordsLog
from chalicelib.resources import Resources
from chalicelib.services.ports import RecordsRead, WhitelistEntry
from scripts import datazone

SIZE = 60
RECORDS = list(datazone.enterprises(SIZE))


@pytest.fixture(scope="module")
def small_file(tmp_path_factory):
    return datazone.build(tmp_path_factory.mktemp("zone") / "zone.sqlite", SIZE)


@pytest.fixture
def table():
    with mock_aws():
        resources = Resources("gc-contract")
        db = boto3.client("dynamodb", region_name="us-east-1")
        create_table(db, resources)
        yield db, resources.table_name


@pytest.fixture(params=["file", "memory", "aws"])
def zone(request, small_file):
    if request.param == "file":
        yield FileDataZone(small_file)
    elif request.param == "memory":
        yield InMemoryDataZone(RECORDS)
    else:
        db, name = request.getfixturevalue("table")
        assert datazone.load(db, name, RECORDS) == SIZE
        yield DynamoDataZone(db, name)


@pytest.fixture(params=["memory", "aws"])
def log(request):
    if request.param == "memory":
        yield InMemoryRecordsLog()
    else:
        db, name = request.getfixturevalue("table")
        yield DynamoRecordsLog(db, name)


def test_every_enterprise_reads_back_as_generated_and_no_other(zone):
    for records in (RECORDS[0], RECORDS[SIZE // 2], RECORDS[-1]):
        assert zone.records(records["uscc"]) == records
    assert zone.records("91110108000000991N") is None


def test_a_read_answer_is_a_copy(zone):
    first = zone.records(RECORDS[1]["uscc"])
    first["tax"]["annual_revenue"] = -1
    assert zone.records(RECORDS[1]["uscc"])["tax"]["annual_revenue"] == RECORDS[1]["tax"]["annual_revenue"]


def read(n: int, uscc="U1", reader="ICBC-BJ") -> RecordsRead:
    return RecordsRead(f"01J{n:023d}", uscc, "bank", reader, f"2026-12-0{n % 9 + 1}T09:00:00+08:00", "records",
                       f"APP{n}")


def test_reads_list_newest_first_per_enterprise_in_pages(log):
    for n in range(5):
        log.log_read(read(n))
    log.log_read(read(9, uscc="U2"))
    first = log.reads("U1", 3, None)
    assert [r.id for r in first.items] == [read(n).id for n in (4, 3, 2)] and first.cursor
    second = log.reads("U1", 3, first.cursor)
    assert [r.id for r in second.items] == [read(n).id for n in (1, 0)]
    assert second.items[0] == read(1)
    assert [r.uscc for r in log.reads("U2", 10, None).items] == ["U2"]
    assert log.reads("U3", 10, None).items == []


def entry(uscc: str) -> WhitelistEntry:
    return WhitelistEntry(uscc, "北京某科技有限公司", "haidian", "6513",
                          ({"number": "ZL202110123456.7", "title": "t", "type": "invention", "valid_until": "2041-01-01"},),
                          "2026-12-01T09:00:00+08:00", "ipo")


def test_the_whitelist_adds_once_refreshes_removes_and_pages_by_uscc(log):
    assert log.whitelist_put(entry("B")) is True
    assert log.whitelist_put(entry("A")) is True
    assert log.whitelist_put(entry("B")) is False
    assert log.whitelist_put(entry("C")) is True
    first = log.whitelist(2, None)
    assert [e.uscc for e in first.items] == ["A", "B"] and first.items[0] == entry("A")
    assert [e.uscc for e in log.whitelist(2, first.cursor).items] == ["C"]
    assert log.whitelist_remove("B") is True and log.whitelist_remove("B") is False
    assert [e.uscc for e in log.whitelist(10, None).items] == ["A", "C"]
