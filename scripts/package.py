"""`make package`: the deployable bundle, with the data folders inside it.

Chalice packages only app.py, chalicelib/ and vendor/. This copies rules/, forms/ and data/ into
chalicelib/_bundled/ (where `chalicelib.datafiles` finds them in Lambda), renders the table,
queues and bucket from `chalicelib.resources` as a template to merge, runs `chalice package`,
and then sets on the packaged template what Chalice 1.34 cannot express: ReportBatchItemFailures
on the table stream's event source, so the fan-out handler's `batchItemFailures` are honoured
(without it Lambda ignores the response and counts every record as processed).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"


def bundle_data(source: Path = ROOT, package_dir: Path = ROOT / "chalicelib") -> Path:
    """Copy the data folders from the repository root into `<package_dir>/_bundled/`."""
    target = package_dir / "_bundled"
    shutil.rmtree(target, ignore_errors=True)
    for kind in ("rules", "forms", "data"):
        shutil.copytree(source / kind, target / kind, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def render_resources(stage_prefix: str = "gc-prod") -> Path:
    from chalicelib.catalog import Catalog
    from chalicelib.resources import Resources
    BUILD.mkdir(exist_ok=True)
    path = BUILD / "resources.json"
    template = Resources(stage_prefix).cloudformation(Catalog.load().bank_codes())
    path.write_text(json.dumps(template, indent=2, ensure_ascii=False))
    return path


def report_batch_item_failures(template: dict) -> list[str]:
    """Turn on partial batch responses for every DynamoDB stream event source in a SAM template;
    returns the event sources changed. Raises if there is none (a renamed handler must not
    silently lose it)."""
    changed = []
    for name, resource in template.get("Resources", {}).items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        for event_name, source in (resource.get("Properties", {}).get("Events") or {}).items():
            if source.get("Type") == "DynamoDB":
                source["Properties"]["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
                changed.append(f"{name}.{event_name}")
    if not changed:
        raise ValueError("no DynamoDB stream event source in the packaged template")
    return changed


def package(project_dir: Path, merge: Path, out: Path, env: dict | None = None,
            capture: bool = False) -> subprocess.CompletedProcess:
    """`chalice package` of `project_dir` into `out`, then the template's finishing touches."""
    done = subprocess.run([str(Path(sys.executable).with_name("chalice")), "package", "--stage", "prod",
                           "--merge-template", str(merge), str(out)],
                          cwd=project_dir, env=env, capture_output=capture, text=True, timeout=600)
    if done.returncode == 0:
        sam = Path(project_dir, out) / "sam.json"
        template = json.loads(sam.read_text())
        report_batch_item_failures(template)
        sam.write_text(json.dumps(template, indent=2, ensure_ascii=False))
    return done


def main() -> int:
    bundle_data()
    merge = render_resources()
    out = BUILD / "package"
    shutil.rmtree(out, ignore_errors=True)
    return package(ROOT, merge, out).returncode


if __name__ == "__main__":
    sys.exit(main())
