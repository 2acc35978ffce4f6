"""The catalog of banks and loan products, loaded from `data/catalog.yaml` and checked on load."""
from .catalog import CATALOG_FILE, SCENARIOS, Catalog, CatalogError

__all__ = ["Catalog", "CatalogError", "SCENARIOS", "CATALOG_FILE"]
