"""The Lambda package carries the data folders, and the one loader finds them there."""
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from chalicelib.catalog import Catalog
from chalicelib.resources import AGENCY_KINDS, Resources
from scripts.package import bundle_data, package, report_batch_item_failures

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def packaged(tmp_path_factory):
    work = tmp_path_factory.mktemp("pkg")
    shutil.copy(ROOT / "app.py", work)
    shutil.copy(ROOT / "requirements.txt", work)
    shutil.copytree(ROOT / "chalicelib", work / "chalicelib",
                    ignore=shutil.ignore_patterns("__pycache__", "_bundled"))
    (work / ".chalice").mkdir()
    shutil.copy(ROOT / ".chalice" / "config.json", work / ".chalice")
    bundle_data(ROOT, work / "chalicelib")
    merge = work / "resources.json"
    merge.write_text(json.dumps(Resources("gc-prod").cloudformation(Catalog.load().bank_codes())))
    env = os.environ | {"AWS_DEFAULT_REGION": "cn-north-1"}
    done = package(work, merge, Path("out"), env=env, capture=True)   # what `make package` runs
    assert done.returncode == 0, done.stdout + done.stderr
    return work / "out"


@pytest.mark.slow
def test_the_zip_holds_rules_forms_and_catalog(packaged):
    names = set(zipfile.ZipFile(packaged / "deployment.zip").namelist())
    for kind, example in (("rules", ".yaml"), ("forms", "credit.schema.json"), ("data", "catalog.yaml")):
        assert any(n.startswith(f"chalicelib/_bundled/{kind}/") and n.endswith(example) for n in names), kind
    assert "app.py" in names
    # the fan-out handler imports Powertools' batch processor at run time
    assert "aws_lambda_powertools/utilities/batch/__init__.py" in names


@pytest.mark.slow
def test_the_template_declares_the_table_and_every_queue_with_its_dead_letter_queue(packaged):
    template = json.loads((packaged / "sam.json").read_text())
    types = [r["Type"] for r in template["Resources"].values()]
    assert types.count("AWS::DynamoDB::Table") == 1
    assert types.count("AWS::SQS::Queue") == 2 * (len(AGENCY_KINDS) + len(Catalog.load().bank_codes()))


@pytest.mark.slow
def test_the_loader_reads_the_bundled_copies_in_the_unpacked_package(packaged, tmp_path):
    zipfile.ZipFile(packaged / "deployment.zip").extractall(tmp_path)
    code = ("from chalicelib.datafiles import data_dir; from chalicelib.forms import FormRegistry; "
            "from chalicelib.rules_engine import RuleBook; from chalicelib.catalog import Catalog; "
            "print(data_dir('rules')); FormRegistry.load(); RuleBook.load(); print(len(Catalog.load().banks()))")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env={"PATH": os.environ["PATH"]})
    assert done.returncode == 0, done.stderr
    rules_dir, banks = done.stdout.split()
    assert "_bundled" in rules_dir and int(banks) == len(Catalog.load().banks())


@pytest.mark.slow
def test_the_stream_event_source_honours_the_handlers_partial_batch_response(packaged):
    """Without FunctionResponseTypes Lambda ignores `batchItemFailures` and counts a failed record
    as processed: its message would wait in the outbox for a sweep instead of being retried."""
    template = json.loads((packaged / "sam.json").read_text())
    sources = [(name, source) for name, r in template["Resources"].items()
               for source in (r.get("Properties", {}).get("Events") or {}).values() if source["Type"] == "DynamoDB"]
    assert [name for name, _ in sources] == ["FanOut"]
    assert sources[0][1]["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_packaging_refuses_a_template_without_the_stream_event_source():
    template = {"Resources": {"APIHandler": {"Type": "AWS::Serverless::Function", "Properties": {"Events": {}}}}}
    with pytest.raises(ValueError):
        report_batch_item_failures(template)
