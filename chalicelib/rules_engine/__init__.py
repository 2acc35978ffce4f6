"""Policy as data: YAML rule files compiled to durable-rules rulesets and evaluated statelessly."""
from .decision import DecisionEngine, NoRulesInForce, RuleBook
from .loader import RuleFileError

__all__ = ["DecisionEngine", "NoRulesInForce", "RuleBook", "RuleFileError"]
