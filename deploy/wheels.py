"""durable-rules for Lambda: build its wheel, prove it runs on Lambda's glibc, vendor it.

durable-rules ships only as a source distribution with a C extension (`durable_rules_engine`),
so there is no wheel for Lambda to take from PyPI. `make package` builds one here and runs
`auditwheel show` on it: the extension may need no newer glibc than Lambda's python3.11 runtime
(Amazon Linux 2: glibc 2.26; manylinux_2_17 is the target, as for the other binary wheels in the
bundle). The wheel is then unpacked into `vendor/`, which Chalice copies into the zip as is.

arm64 (Graviton) is not built: `ziglang` could cross-compile this extension for aarch64 with glibc
2.17, but jsonschema-rs publishes only manylinux_2_28 aarch64 wheels, newer than Amazon Linux 2's
glibc, so the bundle would also need jsonschema-rs built from source (a Rust toolchain) for
aarch64, or the python3.12+ runtime on Amazon Linux 2023 (glibc 2.34), which durable-rules does
not build on.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

MAX_GLIBC = (2, 17)
LEGACY_TAGS = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
_TAG = re.compile(r'platform tag:\s*"(manylinux_(\d+)_(\d+)_\w+|manylinux(?:1|2010|2014)_\w+)"')


def requirement(name: str, requirements: Path) -> str:
    """The pinned line for `name` in requirements.txt (the version is decided in one place)."""
    for line in requirements.read_text().splitlines():
        spec = line.split("#", 1)[0].strip()
        if re.match(rf"{re.escape(name)}\s*==", spec, re.IGNORECASE):
            return spec
    raise ValueError(f"{name} is not pinned in {requirements}")


def build_wheel(spec: str, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("*.whl"):
        old.unlink()
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
                    "-q", "-w", str(dest), spec], check=True, timeout=600)
    (wheel,) = dest.glob("*.whl")
    return wheel


def glibc_needed(wheel: Path) -> tuple[str, tuple[int, int]]:
    """`auditwheel show`'s platform tag for the wheel and the glibc version it stands for."""
    shown = subprocess.run([str(Path(sys.executable).with_name("auditwheel")), "show", str(wheel)],
                           capture_output=True, text=True, timeout=120)
    text = " ".join((shown.stdout + shown.stderr).split())
    found = _TAG.search(text)
    if shown.returncode or not found:
        raise ValueError(f"auditwheel found no manylinux tag for {wheel.name}: {text[:500]}")
    tag = found.group(1)
    if found.group(2):
        return tag, (int(found.group(2)), int(found.group(3)))
    return tag, LEGACY_TAGS[tag.split("_")[0]]


def vendor_durable_rules(requirements: Path, project_dir: Path) -> str:
    """Build, audit and unpack durable-rules into `<project_dir>/vendor/`; returns the audited tag."""
    wheel = build_wheel(requirement("durable-rules", requirements), project_dir / "wheels")
    tag, glibc = glibc_needed(wheel)
    if glibc > MAX_GLIBC:
        raise ValueError(f"{wheel.name} needs glibc {glibc[0]}.{glibc[1]} ({tag}); Lambda's python3.11 "
                         f"runtime is promised {MAX_GLIBC[0]}.{MAX_GLIBC[1]}: build it in a manylinux2014 image")
    vendor = project_dir / "vendor"
    shutil.rmtree(vendor, ignore_errors=True)
    zipfile.ZipFile(wheel).extractall(vendor)
    return tag
