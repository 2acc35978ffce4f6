"""One loader for the data folders (`rules/`, `forms/`, `data/`), in the repo and in Lambda.

Policy staff edit these folders at the repository root, where they expect them. Chalice packages
only `app.py`, `chalicelib/` and `vendor/`, so `make package` copies them to `chalicelib/_bundled/`.
Reading always goes through `data_dir`, which prefers the repository copy (so an edit is seen at
once during development) and falls back to the bundled copy (in the deployed package).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

KINDS = ("rules", "forms", "data")
_PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLE_DIR = _PACKAGE_DIR / "_bundled"


@lru_cache(maxsize=None)
def data_dir(kind: str) -> Path:
    if kind not in KINDS:
        raise ValueError(f"unknown data folder {kind!r}; expected one of {KINDS}")
    for candidate in (_PACKAGE_DIR.parent / kind, BUNDLE_DIR / kind):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"data folder {kind!r} found neither at the repository root nor in {BUNDLE_DIR}")
