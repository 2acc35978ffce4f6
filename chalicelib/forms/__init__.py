"""Loan forms: one JSON Schema per scenario, validated with every error at once, in zh and en."""
from .definitions import SCENARIOS, FormDefinitionError
from .registry import FormRegistry

__all__ = ["FormRegistry", "FormDefinitionError", "SCENARIOS"]
