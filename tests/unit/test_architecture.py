"""Imports point inward: the domain knows nothing of AWS, HTTP or third-party libraries."""
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STDLIB = set(sys.stdlib_module_names)


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_domain_imports_only_the_standard_library():
    offenders = {}
    for path in (ROOT / "chalicelib" / "domain").glob("*.py"):
        foreign = imports_of(path) - STDLIB - {"__future__"}
        if foreign:
            offenders[path.name] = sorted(foreign)
    assert offenders == {}


def test_services_never_import_adapters_or_the_web_layer():
    offenders = {}
    for path in (ROOT / "chalicelib" / "services").glob("*.py"):
        text = path.read_text()
        bad = [w for w in ("..adapters", "..api", "boto3", "chalice") if f"from {w}" in text or f"import {w}" in text]
        if bad:
            offenders[path.name] = bad
    assert offenders == {}


def test_only_settings_reads_the_environment():
    readers = [str(p.relative_to(ROOT)) for p in (ROOT / "chalicelib").rglob("*.py")
               if "os.environ" in p.read_text() and p.name != "settings.py"]
    assert readers == []
