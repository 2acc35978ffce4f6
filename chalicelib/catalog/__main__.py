"""Check a catalog file: `.venv/bin/python -m chalicelib.catalog [path]` (default: the data folder's).

Prints what the file holds, or every problem with its line, and exits 1 when there is one.
"""
from __future__ import annotations

import sys

from . import SCENARIOS, Catalog, CatalogError


def main(argv: list[str]) -> int:
    try:
        catalog = Catalog.load(argv[0] if argv else None)
    except (CatalogError, OSError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"catalog OK: {len(catalog.banks())} banks, {len(catalog.products())} products")
    for scenario in SCENARIOS:
        offered = catalog.products(scenario=scenario)
        print(f"  {scenario}: {len(offered)} products from {len({p['bank'] for p in offered})} banks")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
