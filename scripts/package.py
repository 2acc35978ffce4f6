"""`make package`: the deployable bundle, with the data folders inside it.

Chalice packages only app.py, chalicelib/ and vendor/. This copies rules/, forms/ and data/ into
chalicelib/_bundled/ (where `chalicelib.datafiles` finds them in Lambda), renders the table,
queues and bucket from `chalicelib.resources` as a template to merge, and runs `chalice package`.
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


def main() -> int:
    bundle_data()
    merge = render_resources()
    out = BUILD / "package"
    shutil.rmtree(out, ignore_errors=True)
    return subprocess.call([str(Path(sys.executable).with_name("chalice")), "package", "--stage", "prod",
                            "--merge-template", str(merge), str(out)], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
