"""Banks and loan products, read from `data/catalog.yaml` and checked before anyone sees them.

A `Catalog` is built once by its caller (the container caches it) and only read afterwards. Every
answer is a fresh plain dict, shaped as the API returns it, so no caller can change the catalog.
"""
from __future__ import annotations

from pathlib import Path

from .checks import BANK_FIELDS, PRODUCT_FIELDS, SCENARIOS, CatalogError, Problem, check_document

__all__ = ["Catalog", "CatalogError", "SCENARIOS", "CATALOG_FILE"]

CATALOG_FILE = "catalog.yaml"


class Catalog:
    def __init__(self, banks: list[dict], products: list[dict]):
        """Use `load` or `from_dict`: they check the entries this trusts."""
        self._banks = tuple({f: b[f] for f in BANK_FIELDS} for b in banks)
        self._products = tuple(_stored(p) for p in products)
        self._bank_index = {b["code"]: b for b in self._banks}
        self._product_index = {p["id"]: p for p in self._products}

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Catalog":
        """Read the catalog file (by default `catalog.yaml` in the data folder) and check it."""
        import yaml

        from ..datafiles import data_dir

        path = Path(path) if path else data_dir("data") / CATALOG_FILE
        text = path.read_text(encoding="utf-8")
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            doc = yaml.load(text, Loader=loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            reason = getattr(exc, "problem", None) or exc
            problem = Problem(None, None, "catalog", None,
                              f"not valid YAML ({reason}); check indentation and quotes")
            raise CatalogError([problem], str(path), {problem: mark.line + 1} if mark else None) from None
        problems = check_document(doc)
        if problems:
            raise CatalogError(problems, str(path), _lines_of(problems, yaml.compose(text, Loader=loader)))
        return cls(doc["banks"], doc["products"])

    @classmethod
    def from_dict(cls, doc) -> "Catalog":
        """Build from an already parsed document (tests, tools), with the same checks as `load`."""
        problems = check_document(doc)
        if problems:
            raise CatalogError(problems)
        return cls(doc["banks"], doc["products"])

    def banks(self) -> list[dict]:
        return [dict(b) for b in self._banks]

    def bank(self, code: str) -> dict | None:
        bank = self._bank_index.get(code) if isinstance(code, str) else None
        return dict(bank) if bank else None

    def bank_codes(self) -> tuple[str, ...]:
        return tuple(self._bank_index)

    def products(self, scenario: str | None = None, bank: str | None = None) -> list[dict]:
        """Products in file order; `scenario` and `bank` narrow the list together."""
        return [_public(p) for p in self._products
                if (scenario is None or scenario in p["scenarios"]) and (bank is None or p["bank"] == bank)]

    def product(self, product_id: str) -> dict | None:
        product = self._product_index.get(product_id) if isinstance(product_id, str) else None
        return _public(product) if product else None


def _stored(product: dict) -> dict:
    return {**{f: product[f] for f in PRODUCT_FIELDS}, "scenarios": tuple(product["scenarios"])}


def _public(product: dict) -> dict:
    return {**product, "scenarios": list(product["scenarios"])}


def _lines_of(problems: list[Problem], root) -> dict[Problem, int]:
    """The line of each problem's field (or entry) in the composed YAML; only run on failure."""
    import yaml

    def child(node, key):
        if isinstance(node, yaml.MappingNode):
            return next(((k, v) for k, v in node.value if k.value == key), (None, None))
        return None, None

    lines = {}
    for problem in problems:
        key_node, node = child(root, problem.section) if problem.section else (None, root)
        if isinstance(node, yaml.SequenceNode) and problem.index is not None:
            node = node.value[problem.index] if problem.index < len(node.value) else node
        field_node, _ = child(node, problem.field) if problem.field else (None, None)
        found = field_node or node or key_node
        if found is not None:
            lines[problem] = found.start_mark.line + 1
    return lines
