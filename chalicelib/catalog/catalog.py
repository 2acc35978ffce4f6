"""Banks and loan products: a data file, checked when loaded so a typo never reaches a user."""
from __future__ import annotations

import copy
import re

SCENARIOS = ("credit", "entrepreneurship_guarantee", "ip_pledge", "receivable_confirmation",
             "real_estate_mortgage")
BANK_CODE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")
MAX_CODE_LENGTH = 20            # codes also name SQS queues
BANK_FIELDS = {"code": str, "name_zh": str, "name_en": str}
PRODUCT_FIELDS = {"id": str, "bank": str, "name_zh": str, "name_en": str, "scenarios": list,
                  "min_amount": int, "max_amount": int, "min_term_months": int, "max_term_months": int,
                  "annual_rate_min": float, "annual_rate_max": float}
RANGES = (("min_amount", "max_amount"), ("min_term_months", "max_term_months"),
          ("annual_rate_min", "annual_rate_max"))


class CatalogError(ValueError):
    pass


def _check_fields(entry, fields: dict, where: str) -> None:
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: expected a mapping, got {type(entry).__name__}")
    missing = [f for f in fields if f not in entry]
    unknown = [f for f in entry if f not in fields]
    if missing or unknown:
        raise CatalogError(f"{where}: missing {missing or 'nothing'}, unknown {unknown or 'nothing'}")
    for name, kind in fields.items():
        value = entry[name]
        ok = isinstance(value, (int, float)) if kind is float else isinstance(value, kind)
        if not ok or isinstance(value, bool) or (kind is str and not value.strip()):
            raise CatalogError(f"{where}: field {name!r} must be a non-empty {kind.__name__}, got {value!r}")


class Catalog:
    def __init__(self, banks: list[dict], products: list[dict]):
        self._banks = banks
        self._bank_index = {b["code"]: b for b in banks}
        self._products = products
        self._product_index = {p["id"]: p for p in products}

    @classmethod
    def load(cls, path=None) -> "Catalog":
        import yaml
        from ..datafiles import data_dir
        path = path or data_dir("data") / "catalog.yaml"
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        with open(path, encoding="utf-8") as fh:
            try:
                return cls.from_dict(yaml.load(fh, Loader=loader))
            except CatalogError as exc:
                raise CatalogError(f"{path}: {exc}") from None

    @classmethod
    def from_dict(cls, doc) -> "Catalog":
        if not isinstance(doc, dict) or set(doc) != {"banks", "products"}:
            raise CatalogError("the catalog needs exactly two lists: banks and products")
        banks = [cls._bank(b, n) for n, b in enumerate(doc["banks"] or [])]
        codes = [b["code"] for b in banks]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise CatalogError(f"duplicate bank codes: {duplicates}")
        products = [cls._product(p, n, set(codes)) for n, p in enumerate(doc["products"] or [])]
        ids = [p["id"] for p in products]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise CatalogError(f"duplicate product ids: {duplicates}")
        return cls(banks, products)

    @staticmethod
    def _bank(entry, n: int) -> dict:
        where = f"banks[{n}] ({entry.get('code') if isinstance(entry, dict) else '?'})"
        _check_fields(entry, BANK_FIELDS, where)
        code = entry["code"]
        if not BANK_CODE.match(code) or len(code) > MAX_CODE_LENGTH:
            raise CatalogError(f"{where}: code must match {BANK_CODE.pattern} and be at most {MAX_CODE_LENGTH} characters")
        return dict(entry)

    @staticmethod
    def _product(entry, n: int, bank_codes: set) -> dict:
        where = f"products[{n}] ({entry.get('id') if isinstance(entry, dict) else '?'})"
        _check_fields(entry, PRODUCT_FIELDS, where)
        if entry["bank"] not in bank_codes:
            raise CatalogError(f"{where}: bank {entry['bank']!r} is not in the bank list")
        unknown = [s for s in entry["scenarios"] if s not in SCENARIOS]
        if not entry["scenarios"] or unknown:
            raise CatalogError(f"{where}: scenarios must be a non-empty list of {SCENARIOS}; unknown {unknown}")
        for low, high in RANGES:
            if entry[low] > entry[high] or entry[low] < 0:
                raise CatalogError(f"{where}: {low} must be ≥ 0 and ≤ {high}")
        for rate in ("annual_rate_min", "annual_rate_max"):
            if not 0 < entry[rate] < 0.3:
                raise CatalogError(f"{where}: {rate} must be a fraction between 0 and 0.3, got {entry[rate]}")
        return dict(entry)

    def banks(self) -> list[dict]:
        return [dict(b) for b in self._banks]

    def bank(self, code: str) -> dict | None:
        bank = self._bank_index.get(code)
        return dict(bank) if bank else None

    def bank_codes(self) -> tuple[str, ...]:
        return tuple(b["code"] for b in self._banks)

    def products(self, scenario: str | None = None, bank: str | None = None) -> list[dict]:
        return [copy.deepcopy(p) for p in self._products
                if (scenario is None or scenario in p["scenarios"]) and (bank is None or p["bank"] == bank)]

    def product(self, product_id: str) -> dict | None:
        product = self._product_index.get(product_id)
        return copy.deepcopy(product) if product else None
