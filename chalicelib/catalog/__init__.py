"""The catalog of banks and loan products, loaded from `data/catalog.yaml` and validated on load."""
from .catalog import Catalog, CatalogError

__all__ = ["Catalog", "CatalogError"]
