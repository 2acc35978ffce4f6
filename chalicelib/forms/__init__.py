"""Loan forms: one JSON Schema per scenario, validated with every error at once, in zh and en."""
from .registry import SCENARIOS, FormDefinitionError, FormRegistry

__all__ = ["FormRegistry", "FormDefinitionError", "SCENARIOS"]
