"""3. Cold start: importing `app` in a fresh interpreter against importing only boto3 and chalice.

Each measurement is its own interpreter, as a Lambda cold start is; floor and app alternate so a
drifting machine slows both alike. The import is timed inside the interpreter (what `app` adds
to a cold start); the whole process's wall time, interpreter start-up included, is kept beside it.
The environment is a deployed stage's (no dev routes), as in Lambda.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from .timing import median

SECTION = "3 cold start"
ROOT = Path(__file__).resolve().parent.parent
PROBE = ("import time, json; t = time.perf_counter(); import {modules}; "
         "print(json.dumps(time.perf_counter() - t))")


def lambda_like_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GC_", "AWS_"))}
    env.update({"GC_STAGE": "prod", "GC_COGNITO_JWKS_URL": "https://cognito.invalid/jwks.json",
                "AWS_DEFAULT_REGION": "cn-north-1", "PYTHONPATH": str(ROOT)})
    return env


def one_import(modules: str) -> tuple[float, float]:
    """(seconds inside the interpreter for the import, seconds for the whole process)."""
    began = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", PROBE.format(modules=modules)], cwd=ROOT, env=lambda_like_env(),
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1]), time.perf_counter() - began


def heaviest_imports(modules: str, top: int = 8) -> list[tuple[str, float]]:
    """The modules that cost most on their own (self time, -X importtime), in milliseconds."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {modules}"], cwd=ROOT,
                         env=lambda_like_env(), capture_output=True, text=True, check=True)
    rows = []
    for line in out.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[0].split(":")[-1].strip().isdigit():
            rows.append((parts[2].strip(), int(parts[0].split(":")[-1]) / 1000))
    return sorted(rows, key=lambda r: -r[1])[:top]


def run(results, repeats: int = 9) -> None:
    samples: dict[str, list[tuple[float, float]]] = {"app": [], "floor": []}
    for _ in range(repeats):
        samples["floor"].append(one_import("boto3, chalice"))
        samples["app"].append(one_import("app"))
    app_import = median([s[0] for s in samples["app"]])
    floor_import = median([s[0] for s in samples["floor"]])
    app_process = median([s[1] for s in samples["app"]])
    floor_process = median([s[1] for s in samples["floor"]])
    ratio = app_import / floor_import
    results.add(SECTION, "import app (median)", app_import * 1000, "ms")
    results.add(SECTION, "import boto3 + chalice (floor, median)", floor_import * 1000, "ms")
    results.add(SECTION, "import app ÷ floor", ratio, "×", "≤ 1.5×", ratio <= 1.5)
    results.add(SECTION, "process wall: app ÷ floor", app_process / floor_process, "×")
    results.detail(SECTION, repeats=repeats, samples=samples, app_process_ms=app_process * 1000,
                   floor_process_ms=floor_process * 1000, heaviest_app_imports_ms=heaviest_imports("app"))
