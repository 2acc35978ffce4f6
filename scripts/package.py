"""`make package`: the deployable bundle and one template for any account and region.

Chalice packages only app.py, chalicelib/ and vendor/. This stages the project in build/stage/
(the working tree is left as it is; the portal `make portal` built into chalicelib/_portal/ goes with
the code), copies rules/, forms/ and data/ into its
chalicelib/_bundled/ (where `chalicelib.datafiles` finds them in Lambda), renders the table,
queues and bucket from `chalicelib.resources` as a template to merge, runs `chalice package`,
and then finishes the template with `deploy.template.finish` (roles, Cognito, the stream source,
gateway responses: what Chalice 1.34 cannot express). The template is written as compact JSON.

While staging, `deploy.wheels` builds the durable-rules wheel, proves with `auditwheel show`
that it needs no newer glibc than Lambda's, and unpacks it into the stage's vendor/; the
stage's requirements.txt leaves durable-rules out, so Chalice does not add a second copy.
Then `deploy.check` runs cfn-lint and the SAM transform on it for us-east-1 and cn-north-1,
offline, and `make package` fails on any error.

`chalice package` asks boto for a region although the template it writes names none (ARNs use
`${AWS::Region}`): when the user has set none, its subprocess gets a placeholder, and
`no_region_literals` proves the template does not depend on it.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
STAGE_PREFIX = "gc-prod"
PACKAGING_REGION = "us-east-1"   # only for chalice's own boto session; never in the template
_REGION = re.compile(r"\b(?:us|eu|ap|sa|ca|me|af|il|mx|cn)-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-\d\b")


def bundle_data(source: Path = ROOT, package_dir: Path = ROOT / "chalicelib") -> Path:
    """Copy the data folders from the repository root into `<package_dir>/_bundled/`."""
    target = package_dir / "_bundled"
    shutil.rmtree(target, ignore_errors=True)
    for kind in ("rules", "forms", "data"):
        shutil.copytree(source / kind, target / kind, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


VENDORED = ("durable-rules",)


def stage_project(dest: Path, source: Path = ROOT) -> str:
    """The project as Chalice should package it, in `dest`: code, config, data folders, the
    vendored durable-rules, and requirements without it. Returns auditwheel's tag for the wheel."""
    from deploy.wheels import vendor_durable_rules
    if not (source / "chalicelib" / "_portal" / "index.html").is_file():
        raise FileNotFoundError("the web portal is not built (chalicelib/_portal/): run `make portal` first")
    dest.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(dest / "chalicelib", ignore_errors=True)
    shutil.copy(source / "app.py", dest)
    shutil.copytree(source / "chalicelib", dest / "chalicelib",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "_bundled"))
    (dest / ".chalice").mkdir(exist_ok=True)
    shutil.copy(source / ".chalice" / "config.json", dest / ".chalice")
    bundle_data(source, dest / "chalicelib")
    tag = vendor_durable_rules(source / "requirements.txt", dest)
    kept = [line for line in (source / "requirements.txt").read_text().splitlines()
            if not any(line.lower().startswith(name) for name in VENDORED)]
    (dest / "requirements.txt").write_text("\n".join(kept) + "\n")
    return tag


def bank_codes():
    from chalicelib.catalog import Catalog
    return Catalog.load().bank_codes()


def render_resources(path: Path, stage_prefix: str = STAGE_PREFIX) -> Path:
    from chalicelib.resources import Resources
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(Resources(stage_prefix).cloudformation(bank_codes()), ensure_ascii=False))
    return path


def no_region_literals(text: str) -> list[str]:
    """Region names written into a template (there must be none outside its Conditions: one
    template for every region)."""
    return sorted(set(_REGION.findall(text)))


def chalice_env(env: dict | None = None) -> dict:
    env = dict(os.environ if env is None else env)
    if not (env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")):
        env["AWS_DEFAULT_REGION"] = PACKAGING_REGION
    return env


def package(project_dir: Path, merge: Path, out: Path, env: dict | None = None,
            capture: bool = False) -> subprocess.CompletedProcess:
    """`chalice package` of `project_dir` into `out`, then `deploy.template.finish` on its template."""
    from chalicelib.resources import Resources
    from deploy.template import finish
    done = subprocess.run([str(Path(sys.executable).with_name("chalice")), "package", "--stage", "prod",
                           "--merge-template", str(merge), str(out)],
                          cwd=project_dir, env=chalice_env(env), capture_output=capture, text=True, timeout=600)
    if done.returncode == 0:
        sam = Path(project_dir, out) / "sam.json"
        template = finish(json.loads(sam.read_text()), Resources(STAGE_PREFIX), bank_codes())
        text = json.dumps(template, ensure_ascii=False, separators=(",", ":"))
        regions = no_region_literals(json.dumps({k: v for k, v in template.items() if k != "Conditions"}))
        if regions:
            raise ValueError(f"the template names regions {regions}: use ${{AWS::Region}}")
        sam.write_text(text)
    return done


def main() -> int:
    stage = BUILD / "stage"
    tag = stage_project(stage)
    print(f"durable-rules vendored: auditwheel says {tag}", file=sys.stderr)
    merge = render_resources(BUILD / "resources.json")
    out = BUILD / "package"
    shutil.rmtree(out, ignore_errors=True)
    done = package(stage, merge, out)
    if done.returncode:
        return done.returncode
    from deploy.check import main as check
    return check(str(out / "sam.json"))


if __name__ == "__main__":
    sys.exit(main())
